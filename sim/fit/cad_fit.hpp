#pragma once
/// \file
/// Fitting a scenario to CAD calls (issue #5, "Fit"): arrival rates by hour of week,
/// durations by maximum likelihood with a goodness-of-fit statistic, dispositions, and the
/// scenario YAML, fit report and fit.json built from them. docs/cad-fit.md describes the
/// method and its caveats.
///
/// Privacy: everything here is computed from io::cad::CallRecord, which holds no address,
/// name or free text, and every output holds only counts, aggregates and fitted parameters.

#include <array>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/progress.hpp"
#include "cad/cad.hpp"
#include "fit/cad_coverage.hpp"
#include "fit/cad_data_quality.hpp"
#include "world/response_model.hpp"
#include "world/scenario.hpp"

namespace crisis::io::cad {

inline constexpr double kNoValue = std::numeric_limits<double>::quiet_NaN();

// ---- Statistics -------------------------------------------------------------------------

/// A point estimate with a 95% interval.
struct Estimate {
  double value = kNoValue;
  double low = kNoValue;
  double high = kNoValue;
};

/// Exact (Garwood) 95% interval for the mean of a Poisson count: chi-square quantiles,
/// [χ²(0.025; 2k)/2, χ²(0.975; 2k+2)/2]. The value is `count` itself.
[[nodiscard]] Estimate poisson_interval(double count);

/// Wilson score 95% interval for a proportion of `successes` in `trials` (NaN when trials = 0).
[[nodiscard]] Estimate wilson_interval(std::int64_t successes, std::int64_t trials);

/// P-value of a Kolmogorov-Smirnov distance `d` with effective sample size `n` (one sample:
/// n; two samples: n·m/(n+m)), from the asymptotic Kolmogorov distribution with Stephens'
/// small-sample correction. With parameters estimated from the same data it is too large
/// (Lilliefors): read it as an upper bound.
[[nodiscard]] double kolmogorov_p_value(double d, double n);

/// Two-sample Kolmogorov-Smirnov distance: the largest gap between the empirical CDFs.
/// NaN when either sample is empty.
[[nodiscard]] double two_sample_ks(std::vector<double> a, std::vector<double> b);

/// One distribution fitted by maximum likelihood.
struct DistributionFit {
  std::string family;          ///< "lognormal" or "gamma"
  double parameter_1 = kNoValue;   ///< lognormal: mu (of log minutes); gamma: shape k
  double parameter_2 = kNoValue;   ///< lognormal: sigma; gamma: scale theta (minutes)
  Estimate parameter_1_interval;  ///< 95% Wald interval of parameter 1 (Fisher information)
  double log_likelihood = kNoValue;
  double aic = kNoValue;           ///< 2·2 − 2·log_likelihood
  double ks_distance = kNoValue;   ///< one-sample Kolmogorov-Smirnov D against the fitted CDF
  double ks_p_value = kNoValue;    ///< see kolmogorov_p_value: parameters estimated, so approximate
  double mean = kNoValue;          ///< of the fitted distribution (minutes)
  double sd = kNoValue;

  [[nodiscard]] double cdf(double x) const;
};

/// Lognormal by maximum likelihood: mu and sigma of log(x) (divisor n). Precondition: all
/// values > 0 and at least two of them distinct.
[[nodiscard]] DistributionFit fit_lognormal(std::span<const double> values);

/// Gamma by maximum likelihood: the shape solves log k − ψ(k) = log(mean) − mean(log x), by
/// Newton's method from the Choi-Wette approximation; scale = mean / k. Same precondition.
[[nodiscard]] DistributionFit fit_gamma(std::span<const double> values);

// ---- What is fitted ---------------------------------------------------------------------

/// The durations the fit looks at, from the time stamps of a call.
enum class Stage : std::uint8_t {
  call_processing,  ///< created -> dispatched
  travel,           ///< dispatched -> arrived
  response,         ///< created -> arrived
  on_scene,         ///< arrived -> closed
};
inline constexpr std::size_t kStageCount = 4;
inline constexpr std::array<std::string_view, kStageCount> kStageNames = {"call_processing", "travel", "response",
                                                                           "on_scene"};

/// The duration of `stage` of a call in minutes; empty when a stamp is missing.
[[nodiscard]] std::optional<double> stage_minutes(const CallRecord& call, Stage stage);

/// A duration fitted for one stage and one group of calls.
struct DurationFit {
  Stage stage = Stage::response;
  std::string group;  ///< "crisis" (behavioural health + welfare), a category, a crisis type or "priority_N"
  std::int64_t n = 0;                 ///< values fitted
  std::int64_t zeros_as_half_minute = 0;  ///< values of 0 (below the export's minute resolution) fitted as 0.5
  std::int64_t excluded_too_long = 0;     ///< values above FitOptions::max_duration_min, left out
  Estimate sample_mean;  ///< with a Student-t 95% interval
  double sample_sd = kNoValue;
  double sample_median = kNoValue;
  double sample_p90 = kNoValue;
  DistributionFit lognormal;
  DistributionFit gamma;
  [[nodiscard]] const DistributionFit& best() const { return gamma.aic < lognormal.aic ? gamma : lognormal; }
};

/// Arrivals of one category by hour of week.
struct ArrivalFit {
  std::int64_t calls = 0;
  std::array<Estimate, world::kHoursPerWeek> per_week{};  ///< calls in that hour of the week, per covered week
  Estimate per_day;  ///< mean calls per day over the covered days
  /// Σ per_week / 7: the rate a day of an average week, free of the window's weekday mix
  /// (what calibration aims at; equals per_day over whole weeks).
  double weekly_mean_per_day = kNoValue;
};

/// Counts of something by label, each with its share and Wilson interval.
struct ShareRow {
  std::string label;
  std::int64_t count = 0;
  Estimate share;
};

/// Units busy at once, estimated from dispatched -> closed intervals.
struct ConcurrencyFit {
  std::int64_t calls = 0;  ///< calls with both stamps, used
  /// Per hour of week: the 90th percentile, across the observed weeks, of the most calls
  /// open at once in that hour.
  std::array<double, world::kHoursPerWeek> p90_peak{};
  double mean_busy = kNoValue;  ///< time-average of calls open at once
};

/// An area of the export that becomes a zone of the fitted scenario.
struct AreaZone {
  std::string area;  ///< as exported (trimmed)
  std::string zone;  ///< its zone name (zone_name_for_area)
  std::int64_t calls = 0;         ///< fitted calls, all categories
  std::int64_t crisis_calls = 0;  ///< behavioural health + welfare
  double population_share = kNoValue;  ///< calls / calls in the zone areas
  double crisis_share = kNoValue;      ///< crisis calls / crisis calls in the zone areas
  /// crisis_share / population_share, clamped to [kMinRelativePrevalence, kMaxRelativePrevalence]
  /// (1 when there are no crisis calls); the zone's prevalence is this × the base's mean.
  double relative_prevalence = kNoValue;
  bool clamped = false;
};

/// Whether the export's areas replace the base's zones (docs/cad-fit.md, "Zones"): at least
/// kMinAreaZones and at most kMaxAreaZones areas with at least kMinAreaCalls calls each must
/// hold at least kMinAreaCoverage of the fitted calls. Empty and placeholder areas never count.
struct AreaZones {
  bool used = false;
  std::string reason;  ///< why they are used or not, for the report
  std::string area_column;
  std::vector<AreaZone> zones;          ///< in the areas' natural order (numbers by value)
  std::int64_t distinct_areas = 0;      ///< non-empty, non-placeholder areas seen
  std::int64_t calls = 0;               ///< all fitted calls
  std::int64_t calls_in_zones = 0;
  std::int64_t crisis_calls = 0;
  std::int64_t crisis_calls_in_zones = 0;
  std::int64_t empty_area_calls = 0;    ///< calls with an empty or placeholder area
};
inline constexpr std::int64_t kMinAreaCalls = 30;
inline constexpr std::size_t kMinAreaZones = 2;
inline constexpr std::size_t kMaxAreaZones = 60;
inline constexpr double kMinAreaCoverage = 0.95;
inline constexpr double kMinRelativePrevalence = 0.1;
inline constexpr double kMaxRelativePrevalence = 10.0;

/// The rule applied to `calls` (all categories).
[[nodiscard]] AreaZones area_zones(std::span<const CallRecord> calls, const std::string& area_column);

struct FitOptions {
  std::int64_t min_observations = 30;  ///< a duration or disposition row needs this many values
  double max_duration_min = 1440.0;    ///< longer stage durations are data errors or multi-day holds: left out
  std::optional<Timestamp> window_start;  ///< observation window; default: the first call's day
  std::optional<Timestamp> window_end;    ///< default: the day after the last call's day
};

/// Everything fitted from one import.
struct FitResult {
  ImportSummary summary;
  Timestamp window_start = 0;  ///< minutes since 1970, local time
  Timestamp window_end = 0;
  double days = 0;  ///< days of the window the export covers (gaps left out): the exposure
  DayCoverage coverage;  ///< which days of the window the export covers
  DataQuality quality;   ///< the data-quality pass over the window (gaps, breaks, shifts, codes)
  std::array<ArrivalFit, kCategoryCount> arrivals;  ///< by Category
  ArrivalFit crisis_arrivals;                          ///< behavioural health + welfare check
  std::vector<DurationFit> durations;
  std::vector<ShareRow> crisis_types;  ///< crisis-type mix of behavioural-health and welfare calls
  std::array<std::vector<ShareRow>, kCategoryCount> dispositions;  ///< by category, mapped dispositions
  std::vector<ShareRow> crisis_dispositions;                        ///< behavioural health + welfare
  /// Mapped dispositions of crisis calls by crisis type (only types with enough of them).
  std::vector<std::pair<world::CrisisType, std::vector<ShareRow>>> crisis_dispositions_by_type;
  std::vector<ShareRow> background_priorities;  ///< priorities of other_police calls
  ConcurrencyFit crisis_concurrency;            ///< of behavioural-health + welfare calls
  ConcurrencyFit all_concurrency;               ///< of all calls (what a police roster answers)
  AreaZones areas;                              ///< the export's areas as zones, when the rule allows
  FitOptions options;

  /// The fit for `stage` and `group`; nullptr when there were too few values.
  [[nodiscard]] const DurationFit* duration(Stage stage, std::string_view group) const;
};

/// True for the categories that become crisis calls in the simulator.
[[nodiscard]] constexpr bool is_crisis(Category category) noexcept {
  return category == Category::behavioural_health || category == Category::welfare_check;
}

/// Fit arrivals, durations and dispositions to `calls` (already filtered to the window).
[[nodiscard]] FitResult fit_calls(std::span<const CallRecord> calls, const ImportSummary& summary,
                                  const FitOptions& options);

/// "YYYY-MM-DD" of a timestamp.
[[nodiscard]] std::string fit_date_text(Timestamp t);

/// fit.json: the fit, machine-readable.
[[nodiscard]] nlohmann::ordered_json fit_json(const FitResult& fit);

// ---- The fitted scenario ----------------------------------------------------------------

/// Mapped dispositions must cover this share of the crisis calls to replace outcome rows:
/// an export that maps only some codes (Milwaukee: arrests and referrals) would bias the row.
inline constexpr double kMinDispositionCoverage = 0.8;

struct ScenarioFitOptions {
  std::string base_path;  ///< the base scenario YAML
  std::string name;       ///< the fitted scenario's name
  std::string input_label;  ///< e.g. the CAD file's name, for comments
  std::uint64_t seed = 1;   ///< for the calibration runs
  int threads = 1;
  /// Replications of the first calibration run; later runs take as many as the tolerance needs
  /// (at most kMaxCalibrationReplications).
  int calibration_replications = 4;
  double calibration_days = 126;  ///< horizon of each calibration run: whole weeks, so every weekday weighs the same
  engine::ProgressCounter* progress = nullptr;  ///< counts calibration replications; may be null
};

/// Calibration's tolerance: the simulated crisis calls a day must be within this share of the
/// target, and the calibration runs' own 95% interval no wider than it (half-width), so that
/// calibration does not fit its own noise.
inline constexpr double kCalibrationTolerance = 0.01;
/// The most replications a calibration run takes to reach the tolerance; beyond, the report
/// gives the wider interval it reached.
inline constexpr int kMaxCalibrationReplications = 400;

/// What the scenario writer did, for the report.
struct ScenarioFit {
  std::string yaml;               ///< the scenario
  std::string responding_unit_type;
  std::vector<std::string> fitted;     ///< key paths replaced from the data, with a note each
  std::vector<std::string> from_base;  ///< top-level and unit-type keys kept from the base
  double target_crisis_per_day = kNoValue;
  double simulated_crisis_per_day = kNoValue;  ///< in the final verification run
  Estimate simulated_crisis_interval;  ///< its Student-t 95% interval across the replications
  int verification_replications = 0;   ///< replications of the final run
  double calibration_days = kNoValue;  ///< horizon of each calibration run
  double target_background_per_day = kNoValue;
  double simulated_background_per_day = kNoValue;
  double observed_travel_mean = kNoValue;
  double simulated_travel_mean = kNoValue;  ///< of calls first attended by the responding type
  int calibration_rounds = 0;
  /// Zones of the fitted scenario (the areas', or the base's), for the report.
  std::vector<std::string> zone_notes;
  /// Simulated crisis calls by zone in the final verification run (area zones only).
  std::vector<double> simulated_crisis_share_by_zone;
  double zone_prevalence_scale = kNoValue;  ///< the base's mean prevalence: a zone's is this x its relative prevalence
  double disposition_coverage = kNoValue;  ///< share of crisis calls with a mapped disposition
};

/// The base scenario a fit starts from when --base is not given: the Lane County mobile
/// crisis export (schema mcslc) -> scenarios/mobile_crisis_team.yaml, police exports ->
/// scenarios/baseline_police.yaml. Paths are relative to `scenarios_dir`.
[[nodiscard]] std::string default_base_scenario(const std::string& schema, const std::string& scenarios_dir);

/// Build the fitted scenario from `fit` and the base: replace what the data determine,
/// keep the rest, calibrate crisis volume and travel by running it, and check it loads.
/// InputError when the base cannot be read.
[[nodiscard]] ScenarioFit fit_scenario(const FitResult& fit, const ScenarioFitOptions& options,
                                       const world::ModelRegistry& registry);

/// fit_report.md: data summary, every fit with its parameters, intervals and GOF, and what
/// came from the base.
[[nodiscard]] std::string fit_report_markdown(const FitResult& fit, const ScenarioFit& scenario);

}  // namespace crisis::io::cad
