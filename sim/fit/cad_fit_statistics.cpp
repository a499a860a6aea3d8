// Statistics of the fit: intervals, Kolmogorov-Smirnov tests and maximum-likelihood fits of
// the lognormal and gamma distributions (docs/cad-fit.md, "Durations").
#include "fit/cad_fit.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <numeric>

#include <boost/math/special_functions/digamma.hpp>
#include <boost/math/special_functions/erf.hpp>
#include <boost/math/special_functions/gamma.hpp>
#include <boost/math/special_functions/trigamma.hpp>

#include "engine/errors.hpp"

namespace crisis::io::cad {
namespace {

constexpr double kZ95 = 1.959963984540054;  // standard normal 0.975 quantile

/// One-sample KS distance of sorted `values` against `fit`.
double ks_distance(std::span<const double> sorted, const DistributionFit& fit) {
  const double n = static_cast<double>(sorted.size());
  double d = 0.0;
  for (std::size_t i = 0; i < sorted.size(); ++i) {
    const double f = fit.cdf(sorted[i]);
    d = std::max({d, static_cast<double>(i + 1) / n - f, f - static_cast<double>(i) / n});
  }
  return d;
}

void finish_fit(DistributionFit& fit, std::span<const double> values) {
  fit.aic = 4.0 - 2.0 * fit.log_likelihood;
  std::vector<double> sorted(values.begin(), values.end());
  std::sort(sorted.begin(), sorted.end());
  fit.ks_distance = ks_distance(sorted, fit);
  fit.ks_p_value = kolmogorov_p_value(fit.ks_distance, static_cast<double>(sorted.size()));
}

void check_sample(std::span<const double> values, const char* what) {
  if (values.size() < 2) throw InvariantError(std::string(what) + ": needs at least two values");
  for (const double x : values) {
    if (!(x > 0.0) || !std::isfinite(x)) throw InvariantError(std::string(what) + ": values must be positive");
  }
}

}  // namespace

Estimate poisson_interval(double count) {
  Estimate e;
  e.value = count;
  // χ²(p; 2k)/2 is the gamma(k, 1) quantile.
  e.low = count > 0 ? boost::math::gamma_p_inv(count, 0.025) : 0.0;
  e.high = boost::math::gamma_p_inv(count + 1.0, 0.975);
  return e;
}

Estimate wilson_interval(std::int64_t successes, std::int64_t trials) {
  if (trials <= 0) return {};
  const double n = static_cast<double>(trials);
  const double p = static_cast<double>(successes) / n;
  const double z2 = kZ95 * kZ95;
  const double centre = (p + z2 / (2.0 * n)) / (1.0 + z2 / n);
  const double half = kZ95 * std::sqrt(p * (1.0 - p) / n + z2 / (4.0 * n * n)) / (1.0 + z2 / n);
  return {p, std::max(0.0, centre - half), std::min(1.0, centre + half)};
}

double kolmogorov_p_value(double d, double n) {
  if (!std::isfinite(d) || !(n > 0)) return kNoValue;
  if (d <= 0.0) return 1.0;
  const double root = std::sqrt(n);
  const double lambda = (root + 0.12 + 0.11 / root) * d;  // Stephens (1970)
  if (lambda < 0.2) return 1.0;
  double sum = 0.0;
  for (int k = 1; k <= 100; ++k) {
    const double term = std::exp(-2.0 * k * k * lambda * lambda);
    sum += (k % 2 == 1 ? 2.0 : -2.0) * term;
    if (term < 1e-12) break;
  }
  return std::clamp(sum, 0.0, 1.0);
}

double two_sample_ks(std::vector<double> a, std::vector<double> b) {
  if (a.empty() || b.empty()) return kNoValue;
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  const double na = static_cast<double>(a.size());
  const double nb = static_cast<double>(b.size());
  std::size_t i = 0;
  std::size_t j = 0;
  double d = 0.0;
  while (i < a.size() && j < b.size()) {
    const double x = std::min(a[i], b[j]);
    while (i < a.size() && a[i] <= x) ++i;
    while (j < b.size() && b[j] <= x) ++j;
    d = std::max(d, std::abs(static_cast<double>(i) / na - static_cast<double>(j) / nb));
  }
  return d;
}

double DistributionFit::cdf(double x) const {
  if (!(x > 0.0)) return 0.0;
  if (family == "lognormal") {
    return 0.5 * boost::math::erfc(-(std::log(x) - parameter_1) / (parameter_2 * std::sqrt(2.0)));
  }
  return boost::math::gamma_p(parameter_1, x / parameter_2);
}

DistributionFit fit_lognormal(std::span<const double> values) {
  check_sample(values, "fit_lognormal");
  const double n = static_cast<double>(values.size());
  double sum_log = 0.0;
  for (const double x : values) sum_log += std::log(x);
  const double mu = sum_log / n;
  double sum_sq = 0.0;
  for (const double x : values) sum_sq += (std::log(x) - mu) * (std::log(x) - mu);
  const double sigma = std::sqrt(sum_sq / n);
  if (!(sigma > 0.0)) throw InvariantError("fit_lognormal: all values are equal");
  DistributionFit fit;
  fit.family = "lognormal";
  fit.parameter_1 = mu;
  fit.parameter_2 = sigma;
  const double se = sigma / std::sqrt(n);
  fit.parameter_1_interval = {mu, mu - kZ95 * se, mu + kZ95 * se};
  // log L = −Σ log x − n log σ − n/2 log 2π − Σ (log x − μ)² / (2σ²); the last sum is nσ².
  fit.log_likelihood = -sum_log - n * std::log(sigma) - 0.5 * n * std::log(2.0 * std::numbers::pi) - 0.5 * n;
  fit.mean = std::exp(mu + 0.5 * sigma * sigma);
  fit.sd = fit.mean * std::sqrt(std::expm1(sigma * sigma));
  finish_fit(fit, values);
  return fit;
}

DistributionFit fit_gamma(std::span<const double> values) {
  check_sample(values, "fit_gamma");
  const double n = static_cast<double>(values.size());
  double sum = 0.0;
  double sum_log = 0.0;
  for (const double x : values) {
    sum += x;
    sum_log += std::log(x);
  }
  const double mean = sum / n;
  const double s = std::log(mean) - sum_log / n;  // ≥ 0 by Jensen; 0 only when all are equal
  if (!(s > 0.0)) throw InvariantError("fit_gamma: all values are equal");
  // Choi & Wette (1969) start, then Newton on f(k) = log k − ψ(k) − s (f is decreasing and convex).
  double k = (3.0 - s + std::sqrt((s - 3.0) * (s - 3.0) + 24.0 * s)) / (12.0 * s);
  for (int iteration = 0; iteration < 100; ++iteration) {
    const double f = std::log(k) - boost::math::digamma(k) - s;
    const double slope = 1.0 / k - boost::math::trigamma(k);
    double next = k - f / slope;
    if (!(next > 0.0)) next = k / 2.0;
    const bool done = std::abs(next - k) <= 1e-12 * k;
    k = next;
    if (done) break;
  }
  const double theta = mean / k;
  DistributionFit fit;
  fit.family = "gamma";
  fit.parameter_1 = k;
  fit.parameter_2 = theta;
  // Fisher information of k with θ profiled out: n (ψ'(k) − 1/k).
  const double se = 1.0 / std::sqrt(n * (boost::math::trigamma(k) - 1.0 / k));
  fit.parameter_1_interval = {k, std::max(0.0, k - kZ95 * se), k + kZ95 * se};
  fit.log_likelihood = (k - 1.0) * sum_log - sum / theta - n * k * std::log(theta) - n * std::lgamma(k);
  fit.mean = k * theta;
  fit.sd = std::sqrt(k) * theta;
  finish_fit(fit, values);
  return fit;
}

}  // namespace crisis::io::cad
