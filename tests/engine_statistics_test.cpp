// Statistics within a replication (Welford, time-weighted averages, quantiles), the Student-t
// machinery behind confidence intervals, summaries across replications, and the parallel
// replication runner that feeds them.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <numbers>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "engine/distributions.hpp"
#include "engine/random.hpp"
#include "engine/replication_runner.hpp"
#include "engine/statistics.hpp"

namespace {

using crisis::engine::quantile;
using crisis::engine::RandomStream;
using crisis::engine::regularized_incomplete_beta;
using crisis::engine::ReplicationSummary;
using crisis::engine::run_replications;
using crisis::engine::RunningStats;
using crisis::engine::StreamKey;
using crisis::engine::student_t_quantile;
using crisis::engine::summarize_replications;
using crisis::engine::TimeWeightedAverage;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInfinity = std::numeric_limits<double>::infinity();

/// The textbook two-pass estimates: mean first, then squared deviations from it.
struct TwoPass {
  double mean;
  double variance;
};

TwoPass two_pass(const std::vector<double>& values) {
  const auto n = static_cast<double>(values.size());
  double sum = 0.0;
  for (double v : values) sum += v;
  const double mean = sum / n;
  double squares = 0.0;
  for (double v : values) squares += (v - mean) * (v - mean);
  return {mean, squares / (n - 1.0)};
}

RunningStats accumulate(const std::vector<double>& values) {
  RunningStats stats;
  for (double v : values) stats.add(v);
  return stats;
}

/// Bitwise equality, so "identical" really means byte-identical (and NaN equals itself).
bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

bool same_summary(const ReplicationSummary& a, const ReplicationSummary& b) {
  return a.count == b.count && same_bits(a.mean, b.mean) && same_bits(a.sd, b.sd) &&
         same_bits(a.half_width, b.half_width) && same_bits(a.low, b.low) && same_bits(a.high, b.high);
}

/// A stand-in for one replication: a few thousand draws from the replication's own stream.
double small_replication(std::size_t replication) {
  RandomStream rng(StreamKey{2024, replication, 0, 0});
  double total = 0.0;
  for (int i = 0; i < 5000; ++i) total += crisis::engine::sample_exponential(rng, 3.0);
  return total / 5000.0;
}

}  // namespace

// ---------------------------------------------------------------------------------------
// RunningStats.

TEST_CASE("Welford's running mean and variance match the two-pass values on known data") {
  // {2, 4, 4, 4, 5, 5, 7, 9}: mean 5, squared deviations sum to 32, sample variance 32/7.
  const std::vector<double> values{2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0};
  const RunningStats stats = accumulate(values);
  const TwoPass reference = two_pass(values);
  CHECK(stats.count() == 8);
  CHECK(stats.mean() == doctest::Approx(5.0).epsilon(1e-15));
  CHECK(stats.variance() == doctest::Approx(32.0 / 7.0).epsilon(1e-15));
  CHECK(stats.mean() == doctest::Approx(reference.mean).epsilon(1e-15));
  CHECK(stats.variance() == doctest::Approx(reference.variance).epsilon(1e-15));
  CHECK(stats.min() == 2.0);
  CHECK(stats.max() == 9.0);
}

TEST_CASE("Welford's variance survives a large offset that ruins the sum-of-squares formula") {
  // 1e9 + {4, 7, 13, 16}: mean 1e9 + 10, sample variance (36 + 9 + 9 + 36) / 3 = 30 exactly.
  // sum(x^2) - n mean^2 would cancel ~4e18 against ~4e18 and lose every digit.
  const std::vector<double> values{1e9 + 4.0, 1e9 + 7.0, 1e9 + 13.0, 1e9 + 16.0};
  const RunningStats stats = accumulate(values);
  CHECK(stats.mean() == doctest::Approx(1e9 + 10.0).epsilon(1e-15));
  CHECK(stats.variance() == doctest::Approx(30.0).epsilon(1e-9));
  CHECK(stats.variance() == doctest::Approx(two_pass(values).variance).epsilon(1e-9));
}

TEST_CASE("Welford's running statistics match the two-pass values on a hundred thousand draws") {
  RandomStream rng(StreamKey{2024, 0, 0, 90});
  std::vector<double> values;
  for (int i = 0; i < 100000; ++i) values.push_back(1e6 + crisis::engine::sample_normal(rng, 0.0, 25.0));
  const RunningStats stats = accumulate(values);
  const TwoPass reference = two_pass(values);
  CHECK(stats.count() == 100000);
  CHECK(stats.mean() == doctest::Approx(reference.mean).epsilon(1e-12));
  CHECK(stats.variance() == doctest::Approx(reference.variance).epsilon(1e-9));
  CHECK(stats.min() == *std::min_element(values.begin(), values.end()));
  CHECK(stats.max() == *std::max_element(values.begin(), values.end()));
}

TEST_CASE("running statistics report NaN until they have enough values") {
  RunningStats stats;
  CHECK(stats.count() == 0);
  CHECK(std::isnan(stats.mean()));
  CHECK(std::isnan(stats.variance()));

  stats.add(3.5);
  CHECK(stats.count() == 1);
  CHECK(stats.mean() == 3.5);
  CHECK(std::isnan(stats.variance()));  // a sample variance needs two values
  CHECK(stats.min() == 3.5);
  CHECK(stats.max() == 3.5);

  stats.add(5.5);
  CHECK(stats.variance() == doctest::Approx(2.0));
}

// ---------------------------------------------------------------------------------------
// TimeWeightedAverage.

TEST_CASE("the time-weighted average of a step function is its area over the window") {
  // Level 0 on [0, 10), 2 on [10, 15), 5 on [15, 30), 1 from 30 on. The average is read as a
  // simulation reads it, at the current clock, so reads and updates go forward in time.
  TimeWeightedAverage average(0.0, 0.0);
  average.update(10.0, 2.0);
  average.update(15.0, 5.0);
  CHECK(average.average(20.0) == doctest::Approx((0.0 * 10 + 2.0 * 5 + 5.0 * 5) / 20.0));  // 1.75
  average.update(30.0, 1.0);
  CHECK(average.average(30.0) == doctest::Approx((0.0 * 10 + 2.0 * 5 + 5.0 * 15) / 30.0));
  CHECK(average.average(40.0) == doctest::Approx(95.0 / 40.0));  // 2.375, the level 1 tail included
}

TEST_CASE("a time-weighted average window can open late with a non-zero level") {
  // Opens at t = 100 with level 3; level 1 from 110. Over [100, 120]: (3 * 10 + 1 * 10) / 20.
  TimeWeightedAverage average(100.0, 3.0);
  CHECK(average.average(105.0) == doctest::Approx(3.0));
  average.update(110.0, 1.0);
  CHECK(average.average(120.0) == doctest::Approx(2.0));
}

TEST_CASE("several level changes at one instant count only the last one") {
  TimeWeightedAverage average(0.0, 1.0);
  average.update(10.0, 7.0);
  average.update(10.0, 50.0);
  average.update(10.0, 2.0);
  CHECK(average.average(20.0) == doctest::Approx((1.0 * 10 + 2.0 * 10) / 20.0));
}

TEST_CASE("resetting a time-weighted average forgets the past and keeps the current level") {
  // As at the end of warm-up: the level in force carries into the new window.
  TimeWeightedAverage average(0.0, 4.0);
  average.update(50.0, 6.0);
  average.reset(60.0);
  CHECK(average.average(70.0) == doctest::Approx(6.0));
  average.update(65.0, 0.0);
  CHECK(average.average(80.0) == doctest::Approx((6.0 * 5 + 0.0 * 15) / 20.0));
}

TEST_CASE("a time-weighted average over an empty window is the current level") {
  TimeWeightedAverage average(5.0, 2.5);
  CHECK(average.average(5.0) == 2.5);
  average.update(5.0, 4.0);
  CHECK(average.average(5.0) == 4.0);
}

// ---------------------------------------------------------------------------------------
// Quantile type 7.

TEST_CASE("quantile type 7 matches R and NumPy on 1 to 10") {
  // R: quantile(1:10, p); NumPy: np.quantile(np.arange(1, 11), p). Position p * (n - 1).
  auto q = [](double p) {
    std::vector<double> values{1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    return quantile(values, p);
  };
  CHECK(q(0.9) == doctest::Approx(9.1));
  CHECK(q(0.5) == doctest::Approx(5.5));
  CHECK(q(0.25) == doctest::Approx(3.25));
  CHECK(q(0.75) == doctest::Approx(7.75));
  CHECK(q(0.1) == doctest::Approx(1.9));
  CHECK(q(0.0) == 1.0);
  CHECK(q(1.0) == 10.0);
}

TEST_CASE("quantile type 7 matches R's quartiles of an unsorted sample") {
  // R: quantile(c(36, 7, 41, 15, 40, 39)) gives 20.25, 37.5, 39.75 for the quartiles.
  // A named copy, not a structured binding: clang 14 (the ASan and fuzz build) cannot capture
  // a binding in the lambda doctest's CAPTURE expands to.
  for (const auto& quartile : {std::pair{0.25, 20.25}, std::pair{0.5, 37.5}, std::pair{0.75, 39.75}}) {
    const double p = quartile.first;
    const double expected = quartile.second;
    CAPTURE(p);
    std::vector<double> values{36, 7, 41, 15, 40, 39};
    CHECK(quantile(values, p) == doctest::Approx(expected));
  }
}

TEST_CASE("quantile type 7 handles ties, a single value, an empty sample and out-of-range probabilities") {
  std::vector<double> ties{3, 1, 3, 3, 2};
  CHECK(quantile(ties, 0.6) == doctest::Approx(3.0));
  std::vector<double> ties_again{3, 1, 3, 3, 2};
  CHECK(quantile(ties_again, 0.3) == doctest::Approx(2.2));  // position 1.2 between 2 and 3

  std::vector<double> single{42.0};
  CHECK(quantile(single, 0.3) == 42.0);

  std::vector<double> empty;
  CHECK(std::isnan(quantile(empty, 0.5)));

  std::vector<double> values{5, 1, 4, 2, 3};
  CHECK(quantile(values, -1.0) == 1.0);
  CHECK(quantile(values, 2.0) == 5.0);
}

TEST_CASE("quantile only reorders its input") {
  std::vector<double> values{9, 2, 7, 4, 4, 1, 8};
  std::vector<double> sorted_before = values;
  std::sort(sorted_before.begin(), sorted_before.end());
  (void)quantile(values, 0.37);
  std::sort(values.begin(), values.end());
  CHECK(values == sorted_before);
}

// ---------------------------------------------------------------------------------------
// Student t and the incomplete beta function.

TEST_CASE("student_t_quantile at 0.975 matches published table values") {
  // Two-sided 95% critical values as R's qt(0.975, df) prints them, rounded to six decimals;
  // the rounding leaves at most 5e-7, so agreement within 1e-6 is what the table can show.
  struct Row {
    double df;
    double t;
  };
  for (const Row& row : {Row{1, 12.706205}, Row{2, 4.302653}, Row{5, 2.570582}, Row{19, 2.093024},
                         Row{30, 2.042272}, Row{1000, 1.962339}}) {
    CAPTURE(row.df);
    CHECK(std::fabs(student_t_quantile(0.975, row.df) - row.t) < 1e-6);
  }
}

TEST_CASE("student_t_quantile matches other published table values") {
  // R: qt(0.95, 10), qt(0.995, 3), qt(0.95, 4), qt(0.999, 60), rounded to six decimals.
  CHECK(std::fabs(student_t_quantile(0.95, 10) - 1.812461) < 1e-6);
  CHECK(std::fabs(student_t_quantile(0.995, 3) - 5.840909) < 1e-6);
  CHECK(std::fabs(student_t_quantile(0.95, 4) - 2.131847) < 1e-6);
  CHECK(std::fabs(student_t_quantile(0.999, 60) - 3.231709) < 1e-6);
}

TEST_CASE("student_t_quantile matches the closed forms for one and two degrees of freedom") {
  // df = 1 is the Cauchy distribution: t = tan(pi (p - 1/2)).
  // df = 2: t = (2p - 1) / sqrt(2 p (1 - p)).
  for (double p : {0.6, 0.75, 0.9, 0.975, 0.999}) {
    CAPTURE(p);
    CHECK(student_t_quantile(p, 1) == doctest::Approx(std::tan(std::numbers::pi * (p - 0.5))).epsilon(1e-9));
    CHECK(student_t_quantile(p, 2) == doctest::Approx((2 * p - 1) / std::sqrt(2 * p * (1 - p))).epsilon(1e-9));
  }
}

TEST_CASE("student_t_quantile is symmetric about zero") {
  for (double df : {1.0, 3.0, 12.0, 200.0}) {
    CAPTURE(df);
    CHECK(student_t_quantile(0.025, df) == doctest::Approx(-student_t_quantile(0.975, df)).epsilon(1e-12));
    CHECK(std::fabs(student_t_quantile(0.5, df)) < 1e-12);
  }
}

TEST_CASE("student_t_quantile approaches the normal quantile for many degrees of freedom") {
  // z_0.975 = 1.959964; for df = 1e6 the t quantile exceeds it by about (z^3 + z) / (4 df) = 2.4e-6.
  const double t = student_t_quantile(0.975, 1e6);
  CHECK(t > 1.959964);
  CHECK(t < 1.959964 + 1e-5);
}

TEST_CASE("student_t_quantile rejects probabilities outside (0, 1) and fewer than one degree of freedom") {
  CHECK_THROWS_WITH_AS(student_t_quantile(0.0, 5), "t quantile needs 0 < p < 1", std::invalid_argument);
  CHECK_THROWS_WITH_AS(student_t_quantile(1.0, 5), "t quantile needs 0 < p < 1", std::invalid_argument);
  CHECK_THROWS_WITH_AS(student_t_quantile(kNaN, 5), "t quantile needs 0 < p < 1", std::invalid_argument);
  CHECK_THROWS_WITH_AS(student_t_quantile(0.975, 0.5), "t quantile needs df >= 1", std::invalid_argument);
  CHECK_THROWS_WITH_AS(student_t_quantile(0.975, kNaN), "t quantile needs df >= 1", std::invalid_argument);
}

TEST_CASE("the regularised incomplete beta matches its closed forms") {
  for (double x : {0.01, 0.2, 0.5, 0.77, 0.99}) {
    CAPTURE(x);
    // I_x(a, 1) = x^a and I_x(1, b) = 1 - (1 - x)^b.
    CHECK(regularized_incomplete_beta(x, 2.5, 1.0) == doctest::Approx(std::pow(x, 2.5)).epsilon(1e-12));
    CHECK(regularized_incomplete_beta(x, 1.0, 3.5) == doctest::Approx(1.0 - std::pow(1.0 - x, 3.5)).epsilon(1e-12));
    // I_x(2, 3) = P(Binomial(4, x) >= 2) = 1 - (1 - x)^4 - 4x(1 - x)^3.
    const double binomial_tail = 1.0 - std::pow(1.0 - x, 4) - 4.0 * x * std::pow(1.0 - x, 3);
    CHECK(regularized_incomplete_beta(x, 2.0, 3.0) == doctest::Approx(binomial_tail).epsilon(1e-12));
    // Symmetry: I_x(a, b) = 1 - I_{1-x}(b, a).
    CHECK(regularized_incomplete_beta(x, 4.2, 0.7) ==
          doctest::Approx(1.0 - regularized_incomplete_beta(1.0 - x, 0.7, 4.2)).epsilon(1e-12));
  }
  CHECK(regularized_incomplete_beta(0.5, 7.3, 7.3) == doctest::Approx(0.5).epsilon(1e-12));
  CHECK(regularized_incomplete_beta(0.0, 2.0, 3.0) == 0.0);
  CHECK(regularized_incomplete_beta(-0.1, 2.0, 3.0) == 0.0);
  CHECK(regularized_incomplete_beta(1.0, 2.0, 3.0) == 1.0);
  CHECK(regularized_incomplete_beta(1.5, 2.0, 3.0) == 1.0);
}

// ---------------------------------------------------------------------------------------
// summarize_replications.

TEST_CASE("summarize_replications gives the hand-computed mean, sd and 95% half-width") {
  // {10, 12, 14, 16, 18}: mean 14; squared deviations 16 + 4 + 0 + 4 + 16 = 40, so
  // sd = sqrt(40 / 4) = sqrt(10); t_{0.975, 4} = 2.776445 (table), so the half-width is
  // 2.776445 * sqrt(10) / sqrt(5) = 2.776445 * sqrt(2) = 3.926486.
  const std::vector<double> values{10, 12, 14, 16, 18};
  const ReplicationSummary summary = summarize_replications(values);
  CHECK(summary.count == 5);
  CHECK(summary.mean == doctest::Approx(14.0).epsilon(1e-15));
  CHECK(summary.sd == doctest::Approx(std::sqrt(10.0)).epsilon(1e-15));
  CHECK(summary.half_width == doctest::Approx(3.926486).epsilon(1e-6));
  CHECK(summary.low == doctest::Approx(14.0 - summary.half_width).epsilon(1e-15));
  CHECK(summary.high == doctest::Approx(14.0 + summary.half_width).epsilon(1e-15));
}

TEST_CASE("summarize_replications uses the requested confidence level") {
  // 90%: t_{0.95, 4} = 2.131847, half-width 2.131847 * sqrt(2) = 3.014887.
  const std::vector<double> values{10, 12, 14, 16, 18};
  const ReplicationSummary summary = summarize_replications(values, 0.90);
  CHECK(summary.half_width == doctest::Approx(3.014887).epsilon(1e-6));
}

TEST_CASE("summarize_replications ignores NaN and infinite values") {
  const std::vector<double> clean{10, 12, 14, 16, 18};
  const std::vector<double> dirty{kNaN, 10, 12, kInfinity, 14, kNaN, 16, -kInfinity, 18};
  const ReplicationSummary expected = summarize_replications(clean);
  const ReplicationSummary summary = summarize_replications(dirty);
  CHECK(summary.count == 5);
  CHECK(same_summary(summary, expected));
}

TEST_CASE("summarize_replications reports only what a few values can support") {
  SUBCASE("no finite values: count zero and everything NaN") {
    const std::vector<double> values{kNaN, kNaN};
    const ReplicationSummary summary = summarize_replications(values);
    CHECK(summary.count == 0);
    CHECK(std::isnan(summary.mean));
    CHECK(std::isnan(summary.sd));
    CHECK(std::isnan(summary.half_width));
    CHECK(std::isnan(summary.low));
    CHECK(std::isnan(summary.high));
  }
  SUBCASE("one value: a mean but no spread or interval") {
    const std::vector<double> values{kNaN, 7.5};
    const ReplicationSummary summary = summarize_replications(values);
    CHECK(summary.count == 1);
    CHECK(summary.mean == 7.5);
    CHECK(std::isnan(summary.sd));
    CHECK(std::isnan(summary.half_width));
    CHECK(std::isnan(summary.low));
    CHECK(std::isnan(summary.high));
  }
  SUBCASE("two equal values: zero spread and a zero-width interval") {
    const std::vector<double> values{7.5, 7.5};
    const ReplicationSummary summary = summarize_replications(values);
    CHECK(summary.count == 2);
    CHECK(summary.sd == 0.0);
    CHECK(summary.half_width == 0.0);
    CHECK(summary.low == 7.5);
    CHECK(summary.high == 7.5);
  }
}

// ---------------------------------------------------------------------------------------
// The replication runner.

TEST_CASE("replication results come back in replication order") {
  const auto results = run_replications<std::uint64_t>(
      64, 4, [](std::size_t replication) { return static_cast<std::uint64_t>(replication * replication + 1); });
  REQUIRE(results.size() == 64);
  for (std::size_t r = 0; r < results.size(); ++r) {
    CAPTURE(r);
    CHECK(results[r] == r * r + 1);
  }
}

TEST_CASE("replication results and their summary are identical with 1, 2 and 4 threads") {
  constexpr std::size_t kReplications = 40;
  std::vector<double> serial;
  for (std::size_t r = 0; r < kReplications; ++r) serial.push_back(small_replication(r));

  const ReplicationSummary expected = summarize_replications(serial);
  for (int threads : {1, 2, 4, 0}) {
    CAPTURE(threads);
    const auto results = run_replications<double>(kReplications, threads, small_replication);
    REQUIRE(results.size() == kReplications);
    bool identical = true;
    for (std::size_t r = 0; r < kReplications; ++r) identical = identical && same_bits(results[r], serial[r]);
    CHECK(identical);
    CHECK(same_summary(summarize_replications(results), expected));
  }
  // Different replications really draw different numbers.
  CHECK(serial[0] != serial[1]);
}

TEST_CASE("an exception thrown by one replication reaches the caller") {
  auto task = [](std::size_t replication) -> int {
    if (replication == 7) throw std::runtime_error("replication 7 failed");
    return static_cast<int>(replication);
  };
  for (int threads : {1, 2, 4}) {
    CAPTURE(threads);
    CHECK_THROWS_WITH_AS(run_replications<int>(16, threads, task), "replication 7 failed", std::runtime_error);
  }
}

TEST_CASE("running zero replications returns no results") {
  const auto results = run_replications<double>(0, 2, [](std::size_t) -> double { throw std::logic_error("not called"); });
  CHECK(results.empty());
}

TEST_CASE("MSER-5 cuts the batches of a step transient and keeps a constant-plus-wobble tail") {
  // 20 batches of 5: the first 3 batches sit at 100, the rest alternate 1 and 3 by batch.
  std::vector<double> series;
  for (int b = 0; b < 20; ++b) {
    for (int k = 0; k < 5; ++k) series.push_back(b < 3 ? 100.0 : (b % 2 ? 3.0 : 1.0));
  }
  const crisis::engine::Mser5Truncation cut = crisis::engine::mser5(series);
  REQUIRE(cut.batch_means.size() == 20);
  CHECK(cut.mser.size() == 11);  // d = 0 .. 10
  CHECK(cut.truncation_batches == 3);
  CHECK(cut.truncation_values == 15);
  CHECK(cut.reliable);
  // Kept: 17 batches alternating 3, 1, 3, ... (9 threes, 8 ones): mean 35/17.
  const double mean = 35.0 / 17.0;
  const double squares = 9 * (3.0 - mean) * (3.0 - mean) + 8 * (1.0 - mean) * (1.0 - mean);
  CHECK(cut.mser[3] == doctest::Approx(squares / (17.0 * 17.0)));
}

TEST_CASE("MSER-5 leaves non-finite values out of a batch and ignores a trailing part batch") {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const std::vector<double> series = {1, nan, 3, nan, 2, nan, nan, nan, nan, nan, 7, 7};
  const crisis::engine::Mser5Truncation cut = crisis::engine::mser5(series);
  REQUIRE(cut.batch_means.size() == 2);
  CHECK(cut.batch_means[0] == 2.0);
  CHECK(std::isnan(cut.batch_means[1]));
  REQUIRE(cut.mser.size() == 2);
  CHECK(std::isnan(cut.mser[0]));  // one finite batch kept: no statistic
  CHECK(cut.truncation_batches == 0);
  CHECK_FALSE(cut.reliable);  // under 4 batches
}
