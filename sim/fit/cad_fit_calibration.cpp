#include "fit/cad_fit_calibration.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>

#include <fmt/format.h>

#include "engine/statistics.hpp"
#include "results/results_writer.hpp"
#include "scenario/scenario_loader.hpp"
#include "world/world.hpp"

namespace crisis::io::cad::detail {

std::string responding_unit_type(const world::Scenario& base) {
  for (auto model = base.models.rbegin(); model != base.models.rend(); ++model) {
    static const std::map<std::string, std::string> kTeamDefaults = {{"mobile_crisis", "mobile_team"},
                                                                      {"civilian_team", "civilian_van"},
                                                                      {"co_responder", "co_responder"},
                                                                      {"street_triage", "street_triage"}};
    const auto found = kTeamDefaults.find(model->name);
    if (found == kTeamDefaults.end()) continue;
    return model->parameters.has("unit_type") ? model->parameters.word("unit_type") : found->second;
  }
  for (const auto& model : base.models) {
    if (model.name != "police_only") continue;
    if (model.parameters.has("unit_type")) return model.parameters.word("unit_type");
  }
  return "patrol";
}

double agent_count(const std::vector<world::Zone>& zones, double share_with_needs) {
  double weighted = 0.0;
  for (const auto& zone : zones) weighted += zone.population * zone.prevalence;
  return std::round(weighted * share_with_needs);
}

CalibrationRun run_for_calibration(const std::string& yaml, const ScenarioFitOptions& options, const std::string& unit_type,
                                   double horizon_days, int replications, const world::ModelRegistry& registry) {
  const std::vector<Override> overrides = {{"run.horizon_days", fmt::format("{}", horizon_days)},
                                           {"run.replications", std::to_string(replications)}};
  const LoadedScenario loaded = load_scenario_text(yaml, options.name + ".yaml (fitted)", overrides, registry, false);
  const world::World world = world::build_world(loaded.scenario, registry);
  // Calibration rounds are not known ahead: each run adds its replications to the total.
  if (options.progress != nullptr) options.progress->add_total(static_cast<std::uint64_t>(replications));
  const RunResults results =
      run_world(world, options.seed, static_cast<std::size_t>(replications), options.threads, true, options.progress);
  CalibrationRun run;
  run.replications = replications;
  const auto mean_of = [&](const std::string& name) {
    const std::size_t index = results.measure_index(name);
    if (index == static_cast<std::size_t>(-1)) return kNoValue;
    const std::vector<double> values = results.column(index);
    return std::accumulate(values.begin(), values.end(), 0.0) / static_cast<double>(values.size());
  };
  run.crisis_per_day = mean_of("crisis_calls_per_day");
  if (const std::size_t index = results.measure_index("crisis_calls_per_day"); index != static_cast<std::size_t>(-1)) {
    const engine::ReplicationSummary summary = engine::summarize_replications(results.column(index));
    run.crisis_per_day_interval = {summary.mean, summary.low, summary.high};
    run.crisis_per_day_sd = summary.sd;
  }
  run.background_per_day = mean_of("background_calls") / horizon_days;
  const int type = world.plan().unit_type_index(unit_type);
  double sum = 0.0;
  double sum_sq = 0.0;
  double n = 0.0;
  run.crisis_by_zone.assign(world.scenario().zones.size(), 0.0);
  for (const auto& replication : results.replications) {
    for (const auto& call : replication.calls) {
      if (call.crisis && call.in_window && call.zone < run.crisis_by_zone.size()) run.crisis_by_zone[call.zone] += 1.0;
      if (!call.crisis || !call.in_window || call.unit_type != type) continue;
      if (!std::isfinite(call.on_scene_min) || !std::isfinite(call.dispatch_min)) continue;
      const double travel = call.on_scene_min - call.dispatch_min;
      sum += travel;
      sum_sq += travel * travel;
      n += 1;
    }
  }
  if (n > 1) {
    run.travel_mean = sum / n;
    const double variance = std::max(0.0, (sum_sq - n * run.travel_mean * run.travel_mean) / (n - 1));
    run.travel_cv = std::sqrt(variance) / run.travel_mean;
  }
  return run;
}

int replications_for_tolerance(const CalibrationRun& run, int current) {
  const Estimate& e = run.crisis_per_day_interval;
  if (!(e.value > 0) || !std::isfinite(run.crisis_per_day_sd)) return current;
  const double relative_half_width = (e.high - e.value) / e.value;
  if (relative_half_width <= kCalibrationTolerance) return current;
  // From the spread, not the half-width: a few replications' t quantile would overshoot.
  // 2.1 ≥ the t quantile from 30 replications on, and 10% for the spread's own noise.
  const double needed = std::ceil(1.1 * std::pow(2.1 * run.crisis_per_day_sd / (kCalibrationTolerance * e.value), 2.0));
  return static_cast<int>(std::min<double>(kMaxCalibrationReplications, std::max<double>(current, needed)));
}

}  // namespace crisis::io::cad::detail
