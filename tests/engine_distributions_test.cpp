// The project's own distributions: pinned exact draws, moments and shapes against theory,
// and the number of uniforms each sampler consumes.
//
// How the statistical tolerances are derived. Each check draws n = 200000 values from a
// fixed stream, so the test is deterministic; the tolerance says how unlikely a failure would
// be for a *correct* sampler on an arbitrary stream.
//   - Sample mean: standard error sqrt(sigma^2 / n). Allowed 4.5 standard errors; by the
//     central limit theorem the two-sided normal tail beyond 4.5 is 6.8e-6.
//   - Sample variance: its variance is (mu4 - sigma^4 (n - 3) / (n - 1)) / n, about
//     (mu4 - sigma^4) / n for large n, where mu4 is the exact fourth central moment of the
//     distribution under test. Allowed 4.5 of those standard errors too.
//   - Shape: Pearson's chi-square over fixed cells with expected counts from the exact CDF
//     (every cell expects well over 5 draws), compared with the 99.9% quantile of chi-square
//     with (cells - 1) degrees of freedom: df 2: 13.816, df 3: 16.266, df 7: 24.322,
//     df 9: 27.877, df 49: 85.351 (computed from the regularised lower incomplete gamma
//     function; they agree with published tables).
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <numbers>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "engine/distributions.hpp"
#include "engine/random.hpp"
#include "engine/statistics.hpp"

namespace {

using namespace crisis::engine;

constexpr int kDraws = 200000;
constexpr double kStandardErrors = 4.5;
constexpr double kChiSquare999Df2 = 13.816;
constexpr double kChiSquare999Df3 = 16.266;
constexpr double kChiSquare999Df7 = 24.322;
constexpr double kChiSquare999Df9 = 27.877;
constexpr double kChiSquare999Df49 = 85.351;

/// The stream every pinned value is drawn from.
constexpr StreamKey kGoldenKey{42, 3, 7, 11};

/// Exact mean, variance and fourth central moment of a distribution.
struct Moments {
  double mean;
  double variance;
  double fourth_central;
};

/// Moments from the raw moments E[X], E[X^2], E[X^3], E[X^4].
Moments moments_from_raw(double m1, double m2, double m3, double m4) {
  return {m1, m2 - m1 * m1, m4 - 4.0 * m1 * m3 + 6.0 * m1 * m1 * m2 - 3.0 * m1 * m1 * m1 * m1};
}

std::vector<double> draw(std::uint64_t purpose, const std::function<double(RandomStream&)>& sampler,
                         int count = kDraws) {
  RandomStream rng(StreamKey{2024, 0, 0, purpose});
  std::vector<double> values(static_cast<std::size_t>(count));
  for (auto& value : values) value = sampler(rng);
  return values;
}

/// Checks the sample mean and variance against `exact` with the tolerances derived above.
void check_moments(const std::vector<double>& values, const Moments& exact) {
  const auto n = static_cast<double>(values.size());
  double sum = 0.0;
  for (double v : values) sum += v;
  const double mean = sum / n;
  double squares = 0.0;
  for (double v : values) squares += (v - mean) * (v - mean);
  const double variance = squares / (n - 1.0);

  const double mean_error = std::sqrt(exact.variance / n);
  const double variance_error = std::sqrt((exact.fourth_central - exact.variance * exact.variance) / n);
  CAPTURE(mean);
  CAPTURE(exact.mean);
  CAPTURE(mean_error);
  CHECK(std::fabs(mean - exact.mean) < kStandardErrors * mean_error);
  CAPTURE(variance);
  CAPTURE(exact.variance);
  CAPTURE(variance_error);
  CHECK(std::fabs(variance - exact.variance) < kStandardErrors * variance_error);
}

/// Pearson's chi-square over the cells (-inf, e0), [e0, e1), ..., [e_last, inf).
double chi_square_against_cdf(const std::vector<double>& values, const std::vector<double>& edges,
                              const std::function<double(double)>& cdf) {
  std::vector<double> observed(edges.size() + 1, 0.0);
  for (double v : values) {
    const auto cell = static_cast<std::size_t>(std::upper_bound(edges.begin(), edges.end(), v) - edges.begin());
    observed[cell] += 1.0;
  }
  const auto n = static_cast<double>(values.size());
  double statistic = 0.0;
  double previous = 0.0;
  for (std::size_t cell = 0; cell < observed.size(); ++cell) {
    const double next = cell < edges.size() ? cdf(edges[cell]) : 1.0;
    const double expected = n * (next - previous);
    REQUIRE(expected > 5.0);
    statistic += (observed[cell] - expected) * (observed[cell] - expected) / expected;
    previous = next;
  }
  return statistic;
}

/// Regularised lower incomplete gamma P(a, x) by its power series (fine for the moderate x
/// used here; the series converges for every x).
double regularized_lower_gamma(double a, double x) {
  if (x <= 0.0) return 0.0;
  double term = 1.0 / a;
  double sum = term;
  for (int k = 1; k < 100000; ++k) {
    term *= x / (a + k);
    sum += term;
    if (term < 1e-17 * sum) break;
  }
  return sum * std::exp(-x + a * std::log(x) - std::lgamma(a));
}

double normal_cdf(double x, double mean, double sd) { return 0.5 * std::erfc(-(x - mean) / (sd * std::numbers::sqrt2)); }

/// Checks that `values` has the exact pinned draws, to 1e-12 relative.
void check_golden(const std::vector<double>& actual, const std::vector<double>& expected) {
  REQUIRE(actual.size() == expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    CAPTURE(i);
    CHECK(actual[i] == doctest::Approx(expected[i]).epsilon(1e-12).scale(0.0));
  }
}

std::vector<double> golden_draws(const std::function<double(RandomStream&)>& sampler, std::size_t count) {
  RandomStream rng(kGoldenKey);
  std::vector<double> values(count);
  for (auto& value : values) value = sampler(rng);
  return values;
}

/// True when `rng` is now exactly where a fresh stream would be after `uniforms` uniforms.
bool consumed_uniforms(RandomStream rng, const StreamKey& key, int uniforms) {
  RandomStream reference(key);
  for (int i = 0; i < uniforms; ++i) (void)reference.uniform();
  for (int i = 0; i < 4; ++i) {
    if (rng.next_u32() != reference.next_u32()) return false;
  }
  return true;
}

}  // namespace

// ---------------------------------------------------------------------------------------
// Pinned values. Printed once from the implementation (17 significant digits) for stream key
// (42, 3, 7, 11). A change means every scenario's numbers change: make it on purpose.

TEST_CASE("every sampler reproduces its pinned draws for a fixed stream") {
  SUBCASE("exponential with mean 2.5") {
    check_golden(golden_draws([](RandomStream& r) { return sample_exponential(r, 2.5); }, 4),
                 {0.8183322670117712, 0.56292379664142422, 3.4388632189688675, 0.44096205245420761});
  }
  SUBCASE("normal with mean 10 and sd 3") {
    check_golden(golden_draws([](RandomStream& r) { return sample_normal(r, 10.0, 3.0); }, 4),
                 {10.726566216485878, 12.621081805624316, 6.1525922292679933, 8.4292753622619436});
  }
  SUBCASE("lognormal with mean 20 and sd 8") {
    check_golden(golden_draws([](RandomStream& r) { return sample_lognormal(r, 20.0, 8.0); }, 4),
                 {20.385548652012954, 26.000496377544916, 11.329918980563887, 15.177489693369591});
  }
  SUBCASE("gamma with shape 0.5 and scale 2") {
    check_golden(golden_draws([](RandomStream& r) { return sample_gamma(r, 0.5, 2.0); }, 4),
                 {2.035552973952695, 0.16124026570868105, 0.93963794853378313, 0.011454790470875066});
  }
  SUBCASE("gamma with shape 3 and scale 1.5") {
    check_golden(golden_draws([](RandomStream& r) { return sample_gamma(r, 3.0, 1.5); }, 4),
                 {4.6230498110219997, 2.8560009580046928, 2.8496911116573798, 3.354767115183702});
  }
  SUBCASE("weibull with shape 1.5 and scale 4") {
    check_golden(golden_draws([](RandomStream& r) { return sample_weibull(r, 1.5, 4.0); }, 4),
                 {1.8998519958712425, 1.4804703850046279, 4.9473950126348916, 1.2580583862200423});
  }
  SUBCASE("uniform on [-2, 5)") {
    check_golden(golden_draws([](RandomStream& r) { return sample_uniform(r, -2.0, 5.0); }, 4),
                 {-0.045906105065753433, -0.58866606784770292, 3.231087658340865, -0.86806729339456057});
  }
  SUBCASE("triangular with low 1, mode 2, high 6") {
    check_golden(golden_draws([](RandomStream& r) { return sample_triangular(r, 1.0, 2.0, 6.0); }, 4),
                 {2.2030440368760988, 2.0040498831056808, 3.7518818398751272, 1.899179271258534});
  }
  SUBCASE("empirical over {5, 1, 3, 2, 8}") {
    const EmpiricalDistribution empirical({5.0, 1.0, 3.0, 2.0, 8.0});
    check_golden(golden_draws([&](RandomStream& r) { return empirical.sample(r); }, 4),
                 {2.1166250828195694, 1.8064765326584555, 4.9783858952467028, 1.6468186894888226});
  }
  SUBCASE("alias table over weights {1, 2, 3, 4}") {
    const std::vector<double> weights{1.0, 2.0, 3.0, 4.0};
    const AliasTable table(weights);
    RandomStream rng(kGoldenKey);
    std::vector<std::uint32_t> drawn;
    for (int i = 0; i < 8; ++i) drawn.push_back(table.sample(rng));
    CHECK(drawn == std::vector<std::uint32_t>{1, 3, 3, 1, 3, 3, 1, 1});
  }
  SUBCASE("sample_discrete over {0.2, 0.5, 0.3}") {
    const std::vector<double> probabilities{0.2, 0.5, 0.3};
    RandomStream rng(kGoldenKey);
    std::vector<std::size_t> drawn;
    for (int i = 0; i < 8; ++i) drawn.push_back(sample_discrete(rng, probabilities));
    CHECK(drawn == std::vector<std::size_t>{1, 1, 2, 0, 1, 1, 0, 1});
  }
}

TEST_CASE("samplers with a fixed budget consume exactly the documented number of uniforms") {
  // Common random numbers rely on this: a sampler that sometimes took an extra draw would
  // shift every later number in the stream.
  const StreamKey key{77, 0, 0, 0};
  auto after = [&](const std::function<void(RandomStream&)>& sampler) {
    RandomStream rng(key);
    sampler(rng);
    return rng;
  };
  CHECK(consumed_uniforms(after([](RandomStream& r) { (void)sample_exponential(r, 1.0); }), key, 1));
  CHECK(consumed_uniforms(after([](RandomStream& r) { (void)sample_normal(r, 0.0, 1.0); }), key, 2));
  CHECK(consumed_uniforms(after([](RandomStream& r) { (void)sample_lognormal(r, 5.0, 2.0); }), key, 2));
  CHECK(consumed_uniforms(after([](RandomStream& r) { (void)sample_lognormal(r, 5.0, 0.0); }), key, 2));
  CHECK(consumed_uniforms(after([](RandomStream& r) { (void)sample_weibull(r, 2.0, 1.0); }), key, 1));
  CHECK(consumed_uniforms(after([](RandomStream& r) { (void)sample_uniform(r, 0.0, 1.0); }), key, 1));
  CHECK(consumed_uniforms(after([](RandomStream& r) { (void)sample_triangular(r, 0.0, 1.0, 3.0); }), key, 1));
  CHECK(consumed_uniforms(after([](RandomStream& r) { (void)sample_triangular(r, 2.0, 2.0, 2.0); }), key, 1));
  const EmpiricalDistribution empirical({1.0, 2.0, 4.0});
  CHECK(consumed_uniforms(after([&](RandomStream& r) { (void)empirical.sample(r); }), key, 1));
  const std::vector<double> probabilities{0.25, 0.25, 0.5};
  CHECK(consumed_uniforms(after([&](RandomStream& r) { (void)sample_discrete(r, probabilities); }), key, 1));

  // The alias table takes one 32-bit draw (below(4) never rejects: 2^32 is a multiple of 4)
  // and then one uniform.
  const std::vector<double> weights{1.0, 2.0, 3.0, 4.0};
  const AliasTable table(weights);
  RandomStream sampled = after([&](RandomStream& r) { (void)table.sample(r); });
  RandomStream reference(key);
  (void)reference.next_u32();
  (void)reference.uniform();
  for (int i = 0; i < 4; ++i) CHECK(sampled.next_u32() == reference.next_u32());
}

// ---------------------------------------------------------------------------------------
// Moments and shapes.

TEST_CASE("exponential draws have the requested mean and an exponential shape") {
  constexpr double kMean = 2.5;
  const auto values = draw(1, [](RandomStream& r) { return sample_exponential(r, kMean); });
  // Exponential(mean m): variance m^2, fourth central moment 9 m^4.
  check_moments(values, {kMean, kMean * kMean, 9.0 * std::pow(kMean, 4)});

  // Cells at the deciles -m ln(1 - p): ten cells of probability 0.1.
  std::vector<double> edges;
  for (int decile = 1; decile < 10; ++decile) edges.push_back(-kMean * std::log1p(-0.1 * decile));
  const double statistic = chi_square_against_cdf(values, edges, [](double x) { return -std::expm1(-x / kMean); });
  CAPTURE(statistic);
  CHECK(statistic < kChiSquare999Df9);
  CHECK(*std::min_element(values.begin(), values.end()) >= 0.0);
}

TEST_CASE("normal draws have the requested mean and sd and a normal shape") {
  constexpr double kMean = 10.0;
  constexpr double kSd = 3.0;
  const auto values = draw(2, [](RandomStream& r) { return sample_normal(r, kMean, kSd); });
  check_moments(values, {kMean, kSd * kSd, 3.0 * std::pow(kSd, 4)});

  // Cells at the standard normal deciles (rounded; the exact CDF gives the expected counts).
  std::vector<double> edges;
  for (double z : {-1.2816, -0.8416, -0.5244, -0.2533, 0.0, 0.2533, 0.5244, 0.8416, 1.2816}) {
    edges.push_back(kMean + kSd * z);
  }
  const double statistic = chi_square_against_cdf(values, edges, [](double x) { return normal_cdf(x, kMean, kSd); });
  CAPTURE(statistic);
  CHECK(statistic < kChiSquare999Df9);
}

TEST_CASE("lognormal draws take the mean and sd of the variable itself, not of its logarithm") {
  constexpr double kMean = 20.0;
  constexpr double kSd = 8.0;
  const auto values = draw(3, [](RandomStream& r) { return sample_lognormal(r, kMean, kSd); });

  // ln X ~ Normal(mu, sigma^2) with sigma^2 = ln(1 + sd^2/mean^2), mu = ln(mean) - sigma^2/2,
  // and E[X^r] = exp(r mu + r^2 sigma^2 / 2).
  const double sigma2 = std::log1p(kSd * kSd / (kMean * kMean));
  const double mu = std::log(kMean) - 0.5 * sigma2;
  auto raw = [&](double r) { return std::exp(r * mu + 0.5 * r * r * sigma2); };
  const Moments exact = moments_from_raw(raw(1), raw(2), raw(3), raw(4));
  REQUIRE(exact.mean == doctest::Approx(kMean).epsilon(1e-12));
  REQUIRE(std::sqrt(exact.variance) == doctest::Approx(kSd).epsilon(1e-12));
  check_moments(values, exact);

  std::vector<double> edges;
  for (double z : {-1.2816, -0.8416, -0.5244, -0.2533, 0.0, 0.2533, 0.5244, 0.8416, 1.2816}) {
    edges.push_back(std::exp(mu + std::sqrt(sigma2) * z));
  }
  const double statistic = chi_square_against_cdf(
      values, edges, [&](double x) { return normal_cdf(std::log(x), mu, std::sqrt(sigma2)); });
  CAPTURE(statistic);
  CHECK(statistic < kChiSquare999Df9);
  CHECK(*std::min_element(values.begin(), values.end()) > 0.0);
}

TEST_CASE("a lognormal with zero sd returns its mean exactly") {
  RandomStream rng(StreamKey{9, 0, 0, 0});
  for (int i = 0; i < 10; ++i) CHECK(sample_lognormal(rng, 17.5, 0.0) == 17.5);
}

TEST_CASE("gamma draws have mean shape * scale and variance shape * scale^2 for shapes below and above one") {
  // Gamma(k, theta): mean k theta, variance k theta^2, fourth central moment 3k(k+2) theta^4.
  // Shapes below one take the boosted path (Gamma(k+1) * U^(1/k)); one and above take
  // Marsaglia & Tsang directly.
  constexpr double kScale = 2.0;
  std::uint64_t purpose = 10;
  for (double shape : {0.2, 0.5, 0.9, 1.0, 3.0, 10.0}) {
    CAPTURE(shape);
    const auto values = draw(purpose++, [shape](RandomStream& r) { return sample_gamma(r, shape, kScale); });
    check_moments(values, {shape * kScale, shape * kScale * kScale, 3.0 * shape * (shape + 2.0) * std::pow(kScale, 4)});
    CHECK(*std::min_element(values.begin(), values.end()) >= 0.0);
  }
}

TEST_CASE("gamma draws follow the gamma CDF for shape 0.5 and shape 3") {
  SUBCASE("shape 0.5, scale 2: the chi-square distribution with one degree of freedom") {
    const auto values = draw(20, [](RandomStream& r) { return sample_gamma(r, 0.5, 2.0); });
    // Cells at the deciles of chi-square(1).
    const std::vector<double> edges{0.015790774, 0.064184755, 0.148471862, 0.274995898, 0.454936423,
                                    0.708326301, 1.074194171, 1.642374415, 2.705543454};
    const double statistic =
        chi_square_against_cdf(values, edges, [](double x) { return regularized_lower_gamma(0.5, x / 2.0); });
    CAPTURE(statistic);
    CHECK(statistic < kChiSquare999Df9);
  }
  SUBCASE("shape 3, scale 1.5") {
    const auto values = draw(21, [](RandomStream& r) { return sample_gamma(r, 3.0, 1.5); });
    const std::vector<double> edges{1.5, 2.25, 3.0, 3.75, 4.5, 5.5, 6.5, 8.0, 10.0};
    const double statistic =
        chi_square_against_cdf(values, edges, [](double x) { return regularized_lower_gamma(3.0, x / 1.5); });
    CAPTURE(statistic);
    CHECK(statistic < kChiSquare999Df9);
  }
}

TEST_CASE("weibull draws have mean scale * Gamma(1 + 1/k) and the weibull shape") {
  // Weibull(k, lambda): E[X^r] = lambda^r Gamma(1 + r/k).
  constexpr double kScale = 4.0;
  std::uint64_t purpose = 30;
  for (double shape : {0.7, 1.0, 1.5, 3.0}) {
    CAPTURE(shape);
    auto raw = [shape](double r) { return std::pow(kScale, r) * std::tgamma(1.0 + r / shape); };
    const Moments exact = moments_from_raw(raw(1), raw(2), raw(3), raw(4));
    REQUIRE(exact.mean == doctest::Approx(kScale * std::tgamma(1.0 + 1.0 / shape)));
    const auto values = draw(purpose++, [shape](RandomStream& r) { return sample_weibull(r, shape, kScale); });
    check_moments(values, exact);

    // Cells at the deciles lambda (-ln(1 - p))^(1/k).
    std::vector<double> edges;
    for (int decile = 1; decile < 10; ++decile) {
      edges.push_back(kScale * std::pow(-std::log1p(-0.1 * decile), 1.0 / shape));
    }
    const double statistic = chi_square_against_cdf(
        values, edges, [shape](double x) { return -std::expm1(-std::pow(x / kScale, shape)); });
    CAPTURE(statistic);
    CHECK(statistic < kChiSquare999Df9);
  }
}

TEST_CASE("uniform draws cover [low, high) with mean (low + high) / 2") {
  constexpr double kLow = -2.0;
  constexpr double kHigh = 5.0;
  const auto values = draw(40, [](RandomStream& r) { return sample_uniform(r, kLow, kHigh); });
  // U(a, b): variance (b - a)^2 / 12, fourth central moment (b - a)^4 / 80.
  constexpr double kWidth = kHigh - kLow;
  check_moments(values, {0.5 * (kLow + kHigh), kWidth * kWidth / 12.0, std::pow(kWidth, 4) / 80.0});
  CHECK(*std::min_element(values.begin(), values.end()) >= kLow);
  CHECK(*std::max_element(values.begin(), values.end()) < kHigh);
}

TEST_CASE("triangular draws have mean (low + mode + high) / 3 and the triangular shape") {
  // Triangular(a, c, b): variance (a^2 + b^2 + c^2 - ab - ac - bc) / 18 and excess kurtosis
  // -3/5 whatever the mode, so the fourth central moment is 2.4 variance^2.
  struct Case {
    double low;
    double mode;
    double high;
  };
  std::uint64_t purpose = 50;
  for (const Case& c : {Case{1.0, 2.0, 6.0}, Case{0.0, 0.0, 1.0}, Case{0.0, 1.0, 1.0}, Case{-3.0, 0.0, 3.0}}) {
    CAPTURE(c.low);
    CAPTURE(c.mode);
    CAPTURE(c.high);
    const auto values = draw(purpose++, [c](RandomStream& r) { return sample_triangular(r, c.low, c.mode, c.high); });
    const double variance = (c.low * c.low + c.high * c.high + c.mode * c.mode - c.low * c.high - c.low * c.mode -
                             c.high * c.mode) /
                            18.0;
    check_moments(values, {(c.low + c.mode + c.high) / 3.0, variance, 2.4 * variance * variance});
    CHECK(*std::min_element(values.begin(), values.end()) >= c.low);
    CHECK(*std::max_element(values.begin(), values.end()) <= c.high);

    // Ten equal-width cells over [low, high] against the exact CDF.
    auto cdf = [c](double x) {
      if (x <= c.low) return 0.0;
      if (x >= c.high) return 1.0;
      if (x <= c.mode) return (x - c.low) * (x - c.low) / ((c.high - c.low) * (c.mode - c.low));
      return 1.0 - (c.high - x) * (c.high - x) / ((c.high - c.low) * (c.high - c.mode));
    };
    std::vector<double> edges;
    for (int k = 1; k < 10; ++k) edges.push_back(c.low + 0.1 * k * (c.high - c.low));
    const double statistic = chi_square_against_cdf(values, edges, cdf);
    CAPTURE(statistic);
    CHECK(statistic < kChiSquare999Df9);
  }
}

TEST_CASE("a triangular with zero width returns its single value") {
  RandomStream rng(StreamKey{10, 0, 0, 0});
  for (int i = 0; i < 10; ++i) CHECK(sample_triangular(rng, 3.0, 3.0, 3.0) == 3.0);
}

// ---------------------------------------------------------------------------------------
// Empirical distribution.

TEST_CASE("empirical quantiles interpolate linearly between the sorted samples") {
  // Sorted samples {1, 2, 3, 5, 8}: probability p sits at position p * (n - 1) = 4p.
  const EmpiricalDistribution empirical({5.0, 1.0, 3.0, 2.0, 8.0});
  CHECK(empirical.quantile(0.0) == 1.0);
  CHECK(empirical.quantile(0.25) == doctest::Approx(2.0));
  CHECK(empirical.quantile(0.375) == doctest::Approx(2.5));
  CHECK(empirical.quantile(0.5) == doctest::Approx(3.0));
  CHECK(empirical.quantile(0.625) == doctest::Approx(4.0));
  CHECK(empirical.quantile(0.9) == doctest::Approx(6.8));  // 5 + 0.6 * (8 - 5)
  CHECK(empirical.quantile(1.0) == 8.0);
  // Probabilities outside [0, 1] clamp to the extremes.
  CHECK(empirical.quantile(-0.5) == 1.0);
  CHECK(empirical.quantile(1.5) == 8.0);
}

TEST_CASE("empirical quantiles agree with the type 7 sample quantile") {
  const std::vector<double> samples{12.0, 3.5, 7.25, 7.25, 0.5, 19.0, 4.0, 11.0, 2.0};
  const EmpiricalDistribution empirical(samples);
  for (double p : {0.0, 0.05, 0.1, 0.33, 0.5, 0.61, 0.875, 0.99, 1.0}) {
    CAPTURE(p);
    std::vector<double> copy = samples;
    CHECK(empirical.quantile(p) == doctest::Approx(quantile(copy, p)).epsilon(1e-14));
  }
}

TEST_CASE("empirical draws follow the piecewise-linear CDF through the samples") {
  // Sorted {1, 2, 3, 5, 8}: the CDF is linear between knots, with the knots at 0, 1/4, 1/2,
  // 3/4, 1. Cells at the knots and the midpoints between them each hold probability 1/8.
  // Mean = average of the segment midpoints = (1.5 + 2.5 + 4 + 6.5) / 4 = 3.625.
  // E[X^2] = (1/4) sum over segments (a^2 + ab + b^2) / 3 = (7 + 19 + 49 + 129) / 12 = 17,
  // so the variance is 17 - 3.625^2 = 3.859375 (fourth moment not needed: mean only below).
  const EmpiricalDistribution empirical({5.0, 1.0, 3.0, 2.0, 8.0});
  const auto values = draw(60, [&](RandomStream& r) { return empirical.sample(r); });
  const auto n = static_cast<double>(values.size());
  double sum = 0.0;
  for (double v : values) sum += v;
  CHECK(std::fabs(sum / n - 3.625) < kStandardErrors * std::sqrt(3.859375 / n));

  const std::vector<double> edges{1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.5};
  const double statistic = chi_square_against_cdf(values, edges, [](double x) {
    const double knots[] = {1.0, 2.0, 3.0, 5.0, 8.0};
    for (int k = 0; k < 4; ++k) {
      if (x <= knots[k + 1]) return 0.25 * (k + (x - knots[k]) / (knots[k + 1] - knots[k]));
    }
    return 1.0;
  });
  CAPTURE(statistic);
  CHECK(statistic < kChiSquare999Df7);
  CHECK(*std::min_element(values.begin(), values.end()) >= 1.0);
  CHECK(*std::max_element(values.begin(), values.end()) <= 8.0);
}

TEST_CASE("an empirical distribution of one sample always returns it") {
  const EmpiricalDistribution empirical({4.25});
  RandomStream rng(StreamKey{11, 0, 0, 0});
  for (int i = 0; i < 10; ++i) CHECK(empirical.sample(rng) == 4.25);
  CHECK(empirical.quantile(0.3) == 4.25);
}

TEST_CASE("an empirical distribution without samples is rejected") {
  CHECK_THROWS_WITH_AS(EmpiricalDistribution(std::vector<double>{}), "empirical distribution needs at least one sample",
                       std::invalid_argument);
}

// ---------------------------------------------------------------------------------------
// Alias table and sample_discrete.

TEST_CASE("alias table frequencies match the weights") {
  const std::vector<double> weights{1.0, 2.0, 3.0, 4.0};
  const AliasTable table(weights);
  CHECK(table.size() == 4);
  CHECK_FALSE(table.empty());
  RandomStream rng(StreamKey{2024, 0, 0, 70});
  std::vector<double> counts(4, 0.0);
  for (int i = 0; i < kDraws; ++i) counts[table.sample(rng)] += 1.0;
  double statistic = 0.0;
  for (std::size_t k = 0; k < counts.size(); ++k) {
    const double expected = kDraws * weights[k] / 10.0;
    statistic += (counts[k] - expected) * (counts[k] - expected) / expected;
  }
  CAPTURE(statistic);
  CHECK(statistic < kChiSquare999Df3);
}

TEST_CASE("alias table frequencies match fifty uneven weights") {
  // Weights spanning two orders of magnitude, so many columns borrow from an alias.
  std::vector<double> weights;
  RandomStream weight_rng(StreamKey{2024, 0, 0, 71});
  for (int k = 0; k < 50; ++k) weights.push_back(std::exp(4.6 * weight_rng.uniform()));
  double total = 0.0;
  for (double w : weights) total += w;
  const AliasTable table(weights);
  REQUIRE(table.size() == 50);

  RandomStream rng(StreamKey{2024, 0, 0, 72});
  std::vector<double> counts(weights.size(), 0.0);
  for (int i = 0; i < kDraws; ++i) counts[table.sample(rng)] += 1.0;
  double statistic = 0.0;
  for (std::size_t k = 0; k < counts.size(); ++k) {
    const double expected = kDraws * weights[k] / total;
    REQUIRE(expected > 5.0);
    statistic += (counts[k] - expected) * (counts[k] - expected) / expected;
  }
  CAPTURE(statistic);
  CHECK(statistic < kChiSquare999Df49);
}

TEST_CASE("an alias table never draws an index of zero weight") {
  const std::vector<double> weights{0.0, 5.0, 0.0, 1.0, 4.0, 0.0};
  const AliasTable table(weights);
  RandomStream rng(StreamKey{2024, 0, 0, 73});
  std::vector<int> counts(weights.size(), 0);
  for (int i = 0; i < 100000; ++i) ++counts[table.sample(rng)];
  CHECK(counts[0] == 0);
  CHECK(counts[2] == 0);
  CHECK(counts[5] == 0);
  CHECK(counts[1] > 0);
  CHECK(counts[3] > 0);
  CHECK(counts[4] > 0);
}

TEST_CASE("an alias table of one weight always draws index zero") {
  const std::vector<double> weights{0.3};
  const AliasTable table(weights);
  RandomStream rng(StreamKey{2024, 0, 0, 74});
  for (int i = 0; i < 100; ++i) REQUIRE(table.sample(rng) == 0);
}

TEST_CASE("a default alias table is empty") {
  const AliasTable table;
  CHECK(table.empty());
  CHECK(table.size() == 0);
}

TEST_CASE("an alias table rejects missing, negative, non-finite or all-zero weights") {
  const std::vector<double> none;
  const std::vector<double> negative{1.0, -0.5};
  const std::vector<double> not_a_number{1.0, std::nan("")};
  const std::vector<double> infinite{1.0, HUGE_VAL};
  const std::vector<double> zeros{0.0, 0.0};
  CHECK_THROWS_WITH_AS(AliasTable{none}, "alias table needs at least one weight", std::invalid_argument);
  CHECK_THROWS_WITH_AS(AliasTable{negative}, "alias table weights must be finite and non-negative",
                       std::invalid_argument);
  CHECK_THROWS_WITH_AS(AliasTable{not_a_number}, "alias table weights must be finite and non-negative",
                       std::invalid_argument);
  CHECK_THROWS_WITH_AS(AliasTable{infinite}, "alias table weights must be finite and non-negative",
                       std::invalid_argument);
  CHECK_THROWS_WITH_AS(AliasTable{zeros}, "alias table weights must have a positive sum", std::invalid_argument);
}

TEST_CASE("sample_discrete frequencies match the probabilities, normalised or not") {
  // Three cells: chi-square with 2 degrees of freedom, 99.9% quantile 13.816.
  const std::vector<double> expected_share{0.2, 0.5, 0.3};
  for (const std::vector<double>& probabilities : {std::vector<double>{0.2, 0.5, 0.3}, std::vector<double>{2.0, 5.0, 3.0}}) {
    CAPTURE(probabilities[0]);
    RandomStream rng(StreamKey{2024, 0, 0, 80});
    std::vector<double> counts(3, 0.0);
    for (int i = 0; i < kDraws; ++i) counts[sample_discrete(rng, probabilities)] += 1.0;
    double statistic = 0.0;
    for (std::size_t k = 0; k < counts.size(); ++k) {
      const double expected = kDraws * expected_share[k];
      statistic += (counts[k] - expected) * (counts[k] - expected) / expected;
    }
    CAPTURE(statistic);
    CHECK(statistic < kChiSquare999Df2);
  }
}

TEST_CASE("sample_discrete never draws an inner index of zero probability") {
  const std::vector<double> probabilities{0.0, 0.6, 0.0, 0.4};
  RandomStream rng(StreamKey{2024, 0, 0, 81});
  std::vector<int> counts(probabilities.size(), 0);
  for (int i = 0; i < 100000; ++i) ++counts[sample_discrete(rng, probabilities)];
  CHECK(counts[0] == 0);
  CHECK(counts[2] == 0);
  CHECK(counts[1] + counts[3] == 100000);
}

TEST_CASE("sample_discrete returns zero for a single entry and for an empty list") {
  RandomStream rng(StreamKey{2024, 0, 0, 82});
  const std::vector<double> single{0.7};
  const std::vector<double> empty;
  for (int i = 0; i < 10; ++i) {
    CHECK(sample_discrete(rng, single) == 0);
    CHECK(sample_discrete(rng, empty) == 0);
  }
}
