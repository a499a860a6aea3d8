#include "engine/distributions.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <stdexcept>

namespace crisis::engine {

double sample_normal(RandomStream& rng, double mean, double sd) noexcept {
  const double radius = std::sqrt(-2.0 * std::log(rng.uniform_positive()));
  const double angle = 2.0 * std::numbers::pi * rng.uniform();
  return mean + sd * radius * std::cos(angle);
}

double sample_lognormal(RandomStream& rng, double mean, double sd) noexcept {
  if (sd <= 0.0) {
    (void)rng.uniform();
    (void)rng.uniform();
    return mean;
  }
  // For X lognormal with E[X] = m and SD[X] = s: sigma^2 = ln(1 + s^2/m^2), mu = ln m - sigma^2/2.
  const double variance_log = std::log1p((sd * sd) / (mean * mean));
  const double mu = std::log(mean) - 0.5 * variance_log;
  return std::exp(sample_normal(rng, mu, std::sqrt(variance_log)));
}

double sample_gamma(RandomStream& rng, double shape, double scale) noexcept {
  if (shape < 1.0) {
    const double boosted = sample_gamma(rng, shape + 1.0, 1.0);
    return scale * boosted * std::pow(rng.uniform_positive(), 1.0 / shape);
  }
  const double d = shape - 1.0 / 3.0;
  const double c = 1.0 / std::sqrt(9.0 * d);
  while (true) {
    double x = 0.0;
    double v = 0.0;
    do {
      x = sample_normal(rng, 0.0, 1.0);
      v = 1.0 + c * x;
    } while (v <= 0.0);
    v = v * v * v;
    const double u = rng.uniform_positive();
    if (u < 1.0 - 0.0331 * x * x * x * x) return scale * d * v;
    if (std::log(u) < 0.5 * x * x + d * (1.0 - v + std::log(v))) return scale * d * v;
  }
}

double sample_weibull(RandomStream& rng, double shape, double scale) noexcept {
  return scale * std::pow(-std::log(rng.uniform_positive()), 1.0 / shape);
}

double sample_uniform(RandomStream& rng, double low, double high) noexcept {
  return low + (high - low) * rng.uniform();
}

double sample_triangular(RandomStream& rng, double low, double mode, double high) noexcept {
  const double u = rng.uniform();
  const double width = high - low;
  if (width <= 0.0) return low;
  const double split = (mode - low) / width;
  if (u < split) return low + std::sqrt(u * width * (mode - low));
  return high - std::sqrt((1.0 - u) * width * (high - mode));
}

EmpiricalDistribution::EmpiricalDistribution(std::vector<double> samples) : sorted_(std::move(samples)) {
  if (sorted_.empty()) throw std::invalid_argument("empirical distribution needs at least one sample");
  std::sort(sorted_.begin(), sorted_.end());
}

double EmpiricalDistribution::quantile(double probability) const noexcept {
  if (sorted_.size() == 1) return sorted_.front();
  const double position = std::clamp(probability, 0.0, 1.0) * static_cast<double>(sorted_.size() - 1);
  const auto lower = static_cast<std::size_t>(position);
  if (lower + 1 >= sorted_.size()) return sorted_.back();
  const double fraction = position - static_cast<double>(lower);
  return sorted_[lower] + fraction * (sorted_[lower + 1] - sorted_[lower]);
}

double EmpiricalDistribution::sample(RandomStream& rng) const noexcept { return quantile(rng.uniform()); }

AliasTable::AliasTable(std::span<const double> weights) {
  const std::size_t n = weights.size();
  if (n == 0) throw std::invalid_argument("alias table needs at least one weight");
  double total = 0.0;
  for (double w : weights) {
    if (!(w >= 0.0) || !std::isfinite(w)) throw std::invalid_argument("alias table weights must be finite and non-negative");
    total += w;
  }
  if (!(total > 0.0)) throw std::invalid_argument("alias table weights must have a positive sum");
  probability_.assign(n, 0.0);
  alias_.assign(n, 0);
  std::vector<double> scaled(n);
  std::vector<std::uint32_t> small;
  std::vector<std::uint32_t> large;
  for (std::size_t i = 0; i < n; ++i) {
    scaled[i] = weights[i] * static_cast<double>(n) / total;
    (scaled[i] < 1.0 ? small : large).push_back(static_cast<std::uint32_t>(i));
  }
  while (!small.empty() && !large.empty()) {
    const std::uint32_t s = small.back();
    small.pop_back();
    const std::uint32_t l = large.back();
    large.pop_back();
    probability_[s] = scaled[s];
    alias_[s] = l;
    scaled[l] = (scaled[l] + scaled[s]) - 1.0;
    (scaled[l] < 1.0 ? small : large).push_back(l);
  }
  for (std::uint32_t l : large) probability_[l] = 1.0;
  for (std::uint32_t s : small) probability_[s] = 1.0;  // only reached through rounding
}

std::uint32_t AliasTable::sample(RandomStream& rng) const noexcept {
  const std::uint32_t column = rng.below(static_cast<std::uint32_t>(probability_.size()));
  return rng.uniform() < probability_[column] ? column : alias_[column];
}

std::size_t sample_discrete(RandomStream& rng, std::span<const double> probabilities) noexcept {
  double u = rng.uniform();
  double total = 0.0;
  for (double p : probabilities) total += p;
  u *= total;
  for (std::size_t i = 0; i + 1 < probabilities.size(); ++i) {
    if (u < probabilities[i]) return i;
    u -= probabilities[i];
  }
  return probabilities.empty() ? 0 : probabilities.size() - 1;
}

}  // namespace crisis::engine
