#pragma once
/// \file
/// Backtesting a fitted scenario (issue #5, "Backtest"): fit on the calls created before a
/// split date, simulate the fitted scenario over the held-out period's length, and compare
/// observed held-out calls with simulated ones: quantiles and two-sample Kolmogorov-Smirnov
/// distances of the timings, volumes by day and hour of week, dispositions. docs/cad-fit.md.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cad/cad.hpp"
#include "fit/cad_fit.hpp"
#include "world/response_model.hpp"

namespace crisis::io::cad {

struct BacktestOptions {
  std::string csv_path;
  ImportOptions import;        ///< schema, mapping, rejects file; `from` starts the fit's window, `to` ends the data used
  Timestamp split = 0;         ///< fit on calls created before this; compare calls from it on
  std::optional<Timestamp> until;  ///< end of the held-out period (exclusive); default: the day after the last call
  std::string base_path;
  std::string name = "backtest_fit";
  std::uint64_t seed = 1;
  int replications = 20;
  int threads = 1;
  engine::ProgressCounter* progress = nullptr;  ///< counts calibration and held-out replications; may be null
};

inline constexpr std::array<double, 5> kBacktestQuantiles = {0.10, 0.25, 0.50, 0.75, 0.90};

/// Observed against simulated for one timing measure.
struct TimingComparison {
  Stage stage = Stage::response;
  std::int64_t observed_n = 0;
  std::int64_t simulated_n = 0;  ///< pooled over the replications
  std::array<double, 5> observed_quantiles{};
  std::array<double, 5> simulated_quantiles{};
  double observed_mean = kNoValue;
  double simulated_mean = kNoValue;
  double ks_distance = kNoValue;  ///< two-sample
  double ks_p_value = kNoValue;   ///< with n = observed_n (the simulated sample is pooled and large)
};

/// Observed against simulated for a distribution over categories (hour of week, disposition).
struct CategoricalComparison {
  std::vector<std::string> labels;
  std::vector<double> observed;         ///< counts
  std::vector<double> simulated_share;  ///< pooled over the replications
  double total_variation = kNoValue;    ///< ½ Σ |observed share − simulated share|
  double chi_square = kNoValue;         ///< observed counts against n × simulated shares
  int degrees_of_freedom = 0;
  double p_value = kNoValue;
  std::string not_compared;  ///< why the distances are missing, when they are
};

/// One compared quantity's verdict: observed and simulated with their intervals, the distance,
/// and a plain sentence: within tolerance, or the likely cause among those the data-quality
/// pass found (volume change, shifted hours, unmapped or new codes, staffing beyond the fitted
/// roster), or that the model misses it when the pass found none.
struct BacktestVerdict {
  std::string quantity;
  std::string observed;
  std::string simulated;
  std::string distance;
  bool within = false;
  std::string sentence;
};

struct BacktestResult {
  FitResult fit;            ///< on the calls before the split
  ScenarioFit scenario;     ///< fitted scenario
  std::string responding_unit_type;
  Timestamp heldout_start = 0;
  Timestamp heldout_end = 0;
  double heldout_days = 0;  ///< days of the held-out period the export covers (gaps left out)
  DayCoverage heldout_coverage;  ///< which held-out days the export covers
  DataQuality quality;  ///< the data-quality pass over the fit and held-out periods together
  [[nodiscard]] double heldout_length_days() const { return (heldout_end - heldout_start) / 1440.0; }
  std::int64_t heldout_calls = 0;         ///< crisis calls (behavioural health + welfare) held out
  Estimate observed_per_day;              ///< Poisson 95%
  Estimate simulated_per_day;             ///< mean and Student-t 95% across replications
  std::int64_t heldout_background_calls = 0;  ///< other police calls held out (0 for a team's own export)
  Estimate observed_background_per_day;
  Estimate simulated_background_per_day;
  std::vector<TimingComparison> timings;  ///< calls first attended by the responding unit type
  CategoricalComparison hour_of_week;
  CategoricalComparison dispositions;
  int replications = 0;
  std::uint64_t seed = 0;
  /// Time-average of held-out crisis calls open at once (dispatched -> closed) over the covered
  /// days, against the fit's crisis_concurrency.mean_busy: more means more units were working.
  double heldout_mean_busy = kNoValue;
  std::vector<BacktestVerdict> verdicts;
};

/// The verdicts of a finished comparison (run_backtest fills BacktestResult::verdicts with them).
[[nodiscard]] std::vector<BacktestVerdict> backtest_verdicts(const BacktestResult& result);

/// Import, split, fit, simulate and compare. InputError for bad input (a split outside the
/// data, too few calls on either side).
[[nodiscard]] BacktestResult run_backtest(const BacktestOptions& options, const world::ModelRegistry& registry,
                                          ImportSummary* summary_out = nullptr);

[[nodiscard]] nlohmann::ordered_json backtest_json(const BacktestResult& result);
[[nodiscard]] std::string backtest_report_markdown(const BacktestResult& result, const std::string& command_line);
/// The table `crisis-sim backtest` prints.
[[nodiscard]] std::string backtest_table(const BacktestResult& result);

}  // namespace crisis::io::cad
