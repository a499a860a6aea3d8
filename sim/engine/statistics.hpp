#pragma once
/// \file
/// Statistics accumulators within a replication, and summaries across replications.

#include <cstdint>
#include <limits>
#include <span>
#include <vector>

#include "engine/sim_time.hpp"

namespace crisis::engine {

/// Running count, mean and variance by Welford's algorithm (numerically stable).
class RunningStats {
 public:
  void add(double value) noexcept {
    ++count_;
    const double delta = value - mean_;
    mean_ += delta / static_cast<double>(count_);
    m2_ += delta * (value - mean_);
    if (value < min_) min_ = value;
    if (value > max_) max_ = value;
  }
  [[nodiscard]] std::uint64_t count() const noexcept { return count_; }
  /// Mean of the values added; NaN when none were.
  [[nodiscard]] double mean() const noexcept { return count_ ? mean_ : std::numeric_limits<double>::quiet_NaN(); }
  /// Sample variance (n - 1 denominator); NaN with fewer than two values.
  [[nodiscard]] double variance() const noexcept {
    return count_ > 1 ? m2_ / static_cast<double>(count_ - 1) : std::numeric_limits<double>::quiet_NaN();
  }
  [[nodiscard]] double min() const noexcept { return min_; }
  [[nodiscard]] double max() const noexcept { return max_; }

 private:
  std::uint64_t count_ = 0;
  double mean_ = 0.0;
  double m2_ = 0.0;
  double min_ = std::numeric_limits<double>::infinity();
  double max_ = -std::numeric_limits<double>::infinity();
};

/// Time-weighted average of a piecewise-constant level (queue length, units busy) over a
/// window that opens at `start`. Call update(t, level) whenever the level changes.
class TimeWeightedAverage {
 public:
  explicit TimeWeightedAverage(Minutes start = 0.0, double initial_level = 0.0) noexcept
      : window_start_(start), last_time_(start), level_(initial_level) {}
  /// Record that the level becomes `level` at time `t` (t non-decreasing).
  void update(Minutes t, double level) noexcept {
    if (t > last_time_) {
      area_ += level_ * (t - last_time_);
      last_time_ = t;
    }
    level_ = level;
  }
  /// Restart the window at `t`, keeping the current level (used at the end of warm-up).
  void reset(Minutes t) noexcept {
    window_start_ = t;
    last_time_ = t;
    area_ = 0.0;
  }
  /// Average level over [start, t]. Precondition: t is not before the last update().
  [[nodiscard]] double average(Minutes t) const noexcept {
    const double span = t - window_start_;
    if (span <= 0.0) return level_;
    const double area = area_ + (t > last_time_ ? level_ * (t - last_time_) : 0.0);
    return area / span;
  }

 private:
  Minutes window_start_;
  Minutes last_time_;
  double level_;
  double area_ = 0.0;
};

/// Sample quantile by linear interpolation between order statistics (Hyndman & Fan type 7,
/// the default of R and NumPy). Reorders `values`. NaN when empty.
double quantile(std::span<double> values, double probability);

/// Student-t quantile: the t with P(T_df <= t) = probability. df >= 1.
double student_t_quantile(double probability, double degrees_of_freedom);

/// Regularised incomplete beta function I_x(a, b).
double regularized_incomplete_beta(double x, double a, double b);

/// A measure summarised across replications.
struct ReplicationSummary {
  std::size_t count = 0;  ///< replications with a finite value
  double mean = std::numeric_limits<double>::quiet_NaN();
  double sd = std::numeric_limits<double>::quiet_NaN();
  double half_width = std::numeric_limits<double>::quiet_NaN();  ///< of the 95% interval
  double low = std::numeric_limits<double>::quiet_NaN();
  double high = std::numeric_limits<double>::quiet_NaN();
};

/// Mean, sd and Student-t 95% confidence interval over the finite values, in the order given
/// (so the floating-point result is the same whatever order replications finished in).
ReplicationSummary summarize_replications(std::span<const double> values, double confidence = 0.95);

/// MSER-5 warm-up truncation (White 1997; White, Cobb & Spratt 2000) of an output series.
struct Mser5Truncation {
  std::vector<double> batch_means;  ///< means of consecutive 5-value batches (NaN when a batch has no finite value)
  std::vector<double> mser;         ///< MSER statistic for truncating d batches, d = 0 .. batches/2 (NaN: under 2 kept)
  std::size_t truncation_batches = 0;  ///< the d with the smallest statistic (ties to the earlier)
  std::size_t truncation_values = 0;   ///< truncation_batches * 5, in the series' own steps (days, ...)
  bool reliable = true;  ///< false with under 4 batches, or when the minimum lies at the end of the searched half
};

/// MSER-5 on a series: batch means of 5 consecutive values (non-finite values left out of
/// their batch's mean; a trailing part batch ignored), then the truncation d minimising
/// MSER(d) = sum over kept batches of (Y_i - mean of kept)^2 / (kept batches)^2 over the first
/// half of the batches.
Mser5Truncation mser5(std::span<const double> series);

}  // namespace crisis::engine
