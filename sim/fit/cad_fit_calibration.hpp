#pragma once
/// \file
/// Calibration runs of a fitted scenario: crisis volume, background volume and travel as the
/// simulation realises them (docs/cad-fit.md, "Calibration"). Internal to sim/fit.

#include <string>
#include <vector>

#include "fit/cad_fit.hpp"
#include "world/response_model.hpp"
#include "world/scenario.hpp"

namespace crisis::io::cad::detail {

/// The unit type that answers the crisis calls the export holds: the specialised team of
/// the base's models when there is one, else police_only's patrol type.
[[nodiscard]] std::string responding_unit_type(const world::Scenario& base);

/// Residents with needs the simulation creates for `zones` (population x prevalence x
/// share_with_needs, rounded).
[[nodiscard]] double agent_count(const std::vector<world::Zone>& zones, double share_with_needs);

/// What one calibration run measured (means over its replications).
struct CalibrationRun {
  int replications = 0;
  double crisis_per_day = kNoValue;
  Estimate crisis_per_day_interval;  ///< mean and Student-t 95% across the replications
  double crisis_per_day_sd = kNoValue;  ///< across the replications
  double background_per_day = kNoValue;
  double travel_mean = kNoValue;
  double travel_cv = kNoValue;
  std::vector<double> crisis_by_zone;  ///< crisis calls in the window by zone, all replications
};

/// Runs the scenario `yaml` for `horizon_days` with `replications` and the options' seed and
/// threads, and measures it; `unit_type`'s travel is measured over the crisis calls it
/// attended first.
[[nodiscard]] CalibrationRun run_for_calibration(const std::string& yaml, const ScenarioFitOptions& options,
                                                 const std::string& unit_type, double horizon_days, int replications,
                                                 const world::ModelRegistry& registry);

/// Replications for the next calibration run: enough that the 95% half-width of the simulated
/// crisis calls a day falls within kCalibrationTolerance, judged from `run`'s spread; never
/// fewer than `current`, at most kMaxCalibrationReplications.
[[nodiscard]] int replications_for_tolerance(const CalibrationRun& run, int current);

}  // namespace crisis::io::cad::detail
