#include "engine/statistics.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace crisis::engine {

double quantile(std::span<double> values, double probability) {
  if (values.empty()) return std::numeric_limits<double>::quiet_NaN();
  const double position = std::clamp(probability, 0.0, 1.0) * static_cast<double>(values.size() - 1);
  const auto lower = static_cast<std::size_t>(position);
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(lower), values.end());
  const double low_value = values[lower];
  if (lower + 1 >= values.size()) return low_value;
  const double high_value = *std::min_element(values.begin() + static_cast<std::ptrdiff_t>(lower) + 1, values.end());
  return low_value + (position - static_cast<double>(lower)) * (high_value - low_value);
}

namespace {
// Continued fraction for the incomplete beta (modified Lentz's method).
double beta_continued_fraction(double x, double a, double b) {
  constexpr double kTiny = 1e-300;
  constexpr double kEpsilon = 1e-15;
  const double qab = a + b;
  const double qap = a + 1.0;
  const double qam = a - 1.0;
  double c = 1.0;
  double d = 1.0 - qab * x / qap;
  if (std::fabs(d) < kTiny) d = kTiny;
  d = 1.0 / d;
  double h = d;
  for (int m = 1; m <= 10000; ++m) {
    const double m2 = 2.0 * m;
    double aa = m * (b - m) * x / ((qam + m2) * (a + m2));
    d = 1.0 + aa * d;
    if (std::fabs(d) < kTiny) d = kTiny;
    c = 1.0 + aa / c;
    if (std::fabs(c) < kTiny) c = kTiny;
    d = 1.0 / d;
    h *= d * c;
    aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
    d = 1.0 + aa * d;
    if (std::fabs(d) < kTiny) d = kTiny;
    c = 1.0 + aa / c;
    if (std::fabs(c) < kTiny) c = kTiny;
    d = 1.0 / d;
    const double delta = d * c;
    h *= delta;
    if (std::fabs(delta - 1.0) < kEpsilon) break;
  }
  return h;
}
}  // namespace

double regularized_incomplete_beta(double x, double a, double b) {
  if (x <= 0.0) return 0.0;
  if (x >= 1.0) return 1.0;
  const double log_front = std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b) + a * std::log(x) + b * std::log1p(-x);
  const double front = std::exp(log_front);
  if (x < (a + 1.0) / (a + b + 2.0)) return front * beta_continued_fraction(x, a, b) / a;
  return 1.0 - front * beta_continued_fraction(1.0 - x, b, a) / b;
}

namespace {
double student_t_cdf(double t, double df) {
  const double x = df / (df + t * t);
  const double tail = 0.5 * regularized_incomplete_beta(x, 0.5 * df, 0.5);
  return t >= 0.0 ? 1.0 - tail : tail;
}
}  // namespace

double student_t_quantile(double probability, double degrees_of_freedom) {
  if (!(probability > 0.0 && probability < 1.0)) throw std::invalid_argument("t quantile needs 0 < p < 1");
  if (!(degrees_of_freedom >= 1.0)) throw std::invalid_argument("t quantile needs df >= 1");
  if (probability < 0.5) return -student_t_quantile(1.0 - probability, degrees_of_freedom);
  // Bracket, then bisect: the CDF is monotone and 200 halvings reach double precision.
  double low = 0.0;
  double high = 1.0;
  while (student_t_cdf(high, degrees_of_freedom) < probability) high *= 2.0;
  for (int i = 0; i < 200 && high - low > 1e-13 * high; ++i) {
    const double mid = 0.5 * (low + high);
    (student_t_cdf(mid, degrees_of_freedom) < probability ? low : high) = mid;
  }
  return 0.5 * (low + high);
}

ReplicationSummary summarize_replications(std::span<const double> values, double confidence) {
  ReplicationSummary summary;
  RunningStats stats;
  for (double v : values) {
    if (std::isfinite(v)) stats.add(v);
  }
  summary.count = stats.count();
  if (summary.count == 0) return summary;
  summary.mean = stats.mean();
  if (summary.count < 2) return summary;
  summary.sd = std::sqrt(stats.variance());
  const double t = student_t_quantile(0.5 + 0.5 * confidence, static_cast<double>(summary.count - 1));
  summary.half_width = t * summary.sd / std::sqrt(static_cast<double>(summary.count));
  summary.low = summary.mean - summary.half_width;
  summary.high = summary.mean + summary.half_width;
  return summary;
}

Mser5Truncation mser5(std::span<const double> series) {
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  constexpr std::size_t kBatch = 5;
  Mser5Truncation result;
  const std::size_t batches = series.size() / kBatch;
  for (std::size_t b = 0; b < batches; ++b) {
    double sum = 0.0;
    int n = 0;
    for (std::size_t k = 0; k < kBatch; ++k) {
      const double v = series[b * kBatch + k];
      if (std::isfinite(v)) {
        sum += v;
        ++n;
      }
    }
    result.batch_means.push_back(n ? sum / n : kNaN);
  }
  // MSER(d) for d = 0 .. n/2 truncated batches (White 1997); the smallest wins, ties to the earlier.
  double best = std::numeric_limits<double>::infinity();
  for (std::size_t d = 0; d <= batches / 2 && batches > 0; ++d) {
    double sum = 0.0;
    double n = 0.0;
    for (std::size_t i = d; i < batches; ++i) {
      if (std::isfinite(result.batch_means[i])) {
        sum += result.batch_means[i];
        n += 1.0;
      }
    }
    double statistic = kNaN;
    if (n >= 2.0) {
      const double mean = sum / n;
      double squares = 0.0;
      for (std::size_t i = d; i < batches; ++i) {
        if (std::isfinite(result.batch_means[i])) squares += (result.batch_means[i] - mean) * (result.batch_means[i] - mean);
      }
      statistic = squares / (n * n);
    }
    result.mser.push_back(statistic);
    if (std::isfinite(statistic) && statistic < best) {
      best = statistic;
      result.truncation_batches = d;
    }
  }
  result.truncation_values = result.truncation_batches * kBatch;
  // A minimum at the end of the searched half, or too few batches, says "run longer".
  result.reliable = batches >= 4 && result.truncation_batches < batches / 2;
  return result;
}

}  // namespace crisis::engine
