#pragma once
/// \file
/// The project's own distributions. std::*_distribution is not used anywhere: its output
/// differs between standard libraries, and crisis-sim pins exact values in its tests.
///
/// Every sampler takes the stream explicitly. Samplers that consume a fixed number of
/// uniforms say so; that keeps common-random-number comparisons in step.

#include <cmath>
#include <cstdint>
#include <span>
#include <vector>

#include "engine/random.hpp"

namespace crisis::engine {

/// Exponential with the given mean (> 0). One uniform. Defined here so that it inlines: it
/// is the most frequent draw (every inter-arrival time), and the call alone was about an
/// eighth of a draw's instructions (callgrind, bench/README.md).
inline double sample_exponential(RandomStream& rng, double mean) noexcept {
  return -mean * std::log(rng.uniform_positive());
}

/// Normal(mean, sd) by the Box-Muller transform. Exactly two uniforms.
double sample_normal(RandomStream& rng, double mean, double sd) noexcept;

/// Lognormal parameterised by the mean and standard deviation *of the variable itself*
/// (not of its logarithm). sd == 0 returns the mean. Exactly two uniforms.
double sample_lognormal(RandomStream& rng, double mean, double sd) noexcept;

/// Gamma(shape k > 0, scale theta > 0), mean k*theta, by Marsaglia & Tsang (2000); for k < 1
/// the k+1 draw is boosted by U^(1/k). Consumes a variable number of uniforms.
double sample_gamma(RandomStream& rng, double shape, double scale) noexcept;

/// Weibull(shape k > 0, scale lambda > 0) by inversion. One uniform.
double sample_weibull(RandomStream& rng, double shape, double scale) noexcept;

/// Uniform on [low, high). One uniform.
double sample_uniform(RandomStream& rng, double low, double high) noexcept;

/// Triangular(low <= mode <= high) by inversion. One uniform.
double sample_triangular(RandomStream& rng, double low, double mode, double high) noexcept;

/// An empirical distribution: inverse of the piecewise-linear CDF through the sorted
/// samples (the same interpolation as quantile type 7). One uniform per draw.
class EmpiricalDistribution {
 public:
  /// Precondition: at least one sample, all finite.
  explicit EmpiricalDistribution(std::vector<double> samples);
  double sample(RandomStream& rng) const noexcept;
  [[nodiscard]] double quantile(double probability) const noexcept;

 private:
  std::vector<double> sorted_;
};

/// A discrete distribution over {0, ..., n-1} sampled in O(1) by Walker's alias method
/// (Vose 1991 construction). One 32-bit draw plus one uniform per sample.
class AliasTable {
 public:
  AliasTable() = default;
  /// Precondition: weights non-negative, finite, with a positive sum.
  explicit AliasTable(std::span<const double> weights);
  std::uint32_t sample(RandomStream& rng) const noexcept;
  [[nodiscard]] std::size_t size() const noexcept { return probability_.size(); }
  [[nodiscard]] bool empty() const noexcept { return probability_.empty(); }

 private:
  std::vector<double> probability_;
  std::vector<std::uint32_t> alias_;
};

/// Index drawn from a short list of probabilities by linear search (for tables of a few
/// entries, where an alias table is not worth building). One uniform. The probabilities
/// need not sum exactly to one; the last index absorbs rounding.
std::size_t sample_discrete(RandomStream& rng, std::span<const double> probabilities) noexcept;

}  // namespace crisis::engine
