#include "fit/cad_backtest.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include <boost/math/special_functions/gamma.hpp>
#include <fmt/format.h>

#include "engine/errors.hpp"
#include "engine/statistics.hpp"
#include "results/results_writer.hpp"
#include "scenario/scenario_loader.hpp"
#include "world/world.hpp"

namespace crisis::io::cad {
namespace {

constexpr double kMinutesPerDay = 1440.0;

std::array<double, 5> quantiles_of(std::vector<double> values) {
  std::array<double, 5> out{};
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = engine::quantile(values, kBacktestQuantiles[i]);
  return out;
}

double mean_of(const std::vector<double>& values) {
  if (values.empty()) return kNoValue;
  return std::accumulate(values.begin(), values.end(), 0.0) / static_cast<double>(values.size());
}

CategoricalComparison compare_categories(std::vector<std::string> labels, std::vector<double> observed,
                                         const std::vector<double>& simulated_counts) {
  CategoricalComparison c;
  c.labels = std::move(labels);
  c.observed = std::move(observed);
  const double n_observed = std::accumulate(c.observed.begin(), c.observed.end(), 0.0);
  const double n_simulated = std::accumulate(simulated_counts.begin(), simulated_counts.end(), 0.0);
  c.simulated_share.assign(simulated_counts.size(), kNoValue);
  if (n_simulated > 0) {
    for (std::size_t i = 0; i < simulated_counts.size(); ++i) c.simulated_share[i] = simulated_counts[i] / n_simulated;
  }
  if (!(n_observed > 0) || !(n_simulated > 0)) return c;
  double tv = 0.0;
  double chi = 0.0;
  int cells = 0;
  for (std::size_t i = 0; i < c.observed.size(); ++i) {
    tv += std::abs(c.observed[i] / n_observed - c.simulated_share[i]);
    const double expected = n_observed * c.simulated_share[i];
    if (expected > 0) {
      chi += (c.observed[i] - expected) * (c.observed[i] - expected) / expected;
      cells += 1;
    }
  }
  c.total_variation = tv / 2.0;
  c.chi_square = chi;
  c.degrees_of_freedom = std::max(1, cells - 1);
  c.p_value = boost::math::gamma_q(c.degrees_of_freedom / 2.0, chi / 2.0);
  return c;
}

/// Days of [from, to) on days `coverage` covers (partial first and last days count in part).
double covered_days_between(const DayCoverage& coverage, Timestamp from, Timestamp to) {
  double days = 0.0;
  for (std::size_t d = 0; d < coverage.days(); ++d) {
    if (!coverage.covered[d]) continue;
    const double day_start = coverage.start + kMinutesPerDay * static_cast<double>(d);
    days += std::max(0.0, std::min(to, day_start + kMinutesPerDay) - std::max(from, day_start)) / kMinutesPerDay;
  }
  return days;
}

/// The Monday 00:00 at or before `t`, by the importer's hour of week.
Timestamp monday_at_or_before(Timestamp t) {
  return std::floor(t / kMinutesPerDay) * kMinutesPerDay - kMinutesPerDay * static_cast<double>(hour_of_week(t) / 24);
}

/// The simulation clock of an aligned backtest run against the real calendar: the window
/// starts at the split, so sim time t is real time split + (t − window start).
struct SimulatedCalendar {
  Timestamp split = 0;
  double window_start_min = 0;
  const DayCoverage* coverage = nullptr;
  [[nodiscard]] Timestamp real_time(double sim_min) const { return split + (sim_min - window_start_min); }
  [[nodiscard]] bool covered(double sim_min) const { return coverage->covers(real_time(sim_min)); }
};

std::string number_or_dash(double x, int decimals) {
  return std::isfinite(x) ? fmt::format("{:.{}f}", x, decimals) : std::string("-");
}

/// The training calls (created before the split) and the held-out crisis calls (from the
/// split to --until, or the end of the last day); sets the held-out period and counts.
void split_calls(const ImportResult& imported, const BacktestOptions& options, BacktestResult& result,
                 std::vector<CallRecord>& training, std::vector<const CallRecord*>& heldout) {
  double last = options.split;
  for (const auto& call : imported.calls) {
    if (call.created < options.split) training.push_back(call);
    last = std::max(last, call.created);
  }
  result.heldout_start = options.split;
  result.heldout_end = options.until.value_or(options.import.to.value_or((std::floor(last / kMinutesPerDay) + 1.0) * kMinutesPerDay));
  if (options.import.to) result.heldout_end = std::min(result.heldout_end, *options.import.to);
  if (!(result.heldout_end > result.heldout_start)) {
    throw InputError(InputProblem{"", 0, 0, "--until", "must be after --split"});
  }
  for (const auto& call : imported.calls) {
    if (call.created < result.heldout_start || call.created >= result.heldout_end) continue;
    if (is_crisis(call.category)) {
      heldout.push_back(&call);
    } else {
      result.heldout_background_calls += 1;
    }
  }
  // Exposure: the held-out days the export covers (a gap is missing data, not zero demand).
  std::vector<Timestamp> created;
  for (const auto& call : imported.calls) {
    if (call.created >= result.heldout_start && call.created < result.heldout_end) created.push_back(call.created);
  }
  result.heldout_coverage = day_coverage(created, result.heldout_start, result.heldout_end);
  result.heldout_days = covered_days_between(result.heldout_coverage, result.heldout_start, result.heldout_end);
  result.heldout_calls = static_cast<std::int64_t>(heldout.size());
  if (training.empty()) {
    throw InputError(InputProblem{options.csv_path, 0, 0, "--split", "no usable call was created before the split date"});
  }
  if (heldout.empty()) {
    throw InputError(InputProblem{options.csv_path, 0, 0, "--split",
                                  "no crisis call was created in the held-out period (from --split to --until)"});
  }

}

/// Fits the training calls and writes the fitted scenario (calibrated as by `crisis-sim fit`).
void fit_training(const ImportResult& imported, const std::vector<CallRecord>& training, const BacktestOptions& options,
                  const FitOptions& fit_options, const world::ModelRegistry& registry, BacktestResult& result) {
  ImportSummary training_summary = imported.summary;
  // For the fit, the calls from the split on are outside its period.
  training_summary.rows_outside_period += imported.summary.rows_used - static_cast<std::int64_t>(training.size());
  training_summary.rows_used = static_cast<std::int64_t>(training.size());
  result.fit = fit_calls(training, training_summary, fit_options);
  ScenarioFitOptions scenario_options;
  scenario_options.base_path = options.base_path;
  scenario_options.name = options.name;
  scenario_options.input_label = imported.summary.input_path.empty() ? options.csv_path : imported.summary.input_path;
  scenario_options.seed = options.seed;
  scenario_options.threads = options.threads;
  scenario_options.progress = options.progress;
  result.scenario = fit_scenario(result.fit, scenario_options, registry);
  result.responding_unit_type = result.scenario.responding_unit_type;

}

/// Crisis and background calls a day over the covered held-out days: observed (exact
/// Poisson) against simulated (t interval across replications), the simulated calls counted
/// on the same covered days of the aligned calendar.
void compare_volumes(const RunResults& run, const SimulatedCalendar& calendar, std::size_t heldout_calls, BacktestResult& result) {
  const auto per_day = [&](double calls) {
    const Estimate e = poisson_interval(calls);
    return Estimate{e.value / result.heldout_days, e.low / result.heldout_days, e.high / result.heldout_days};
  };
  result.observed_per_day = per_day(static_cast<double>(heldout_calls));
  std::vector<double> crisis;
  std::vector<double> background;
  for (const auto& replication : run.replications) {
    double crisis_calls = 0.0;
    double background_calls = 0.0;
    for (const auto& call : replication.calls) {
      if (!call.in_window || !calendar.covered(call.arrival_min)) continue;
      (call.crisis ? crisis_calls : background_calls) += 1.0;
    }
    crisis.push_back(crisis_calls / result.heldout_days);
    background.push_back(background_calls / result.heldout_days);
  }
  const engine::ReplicationSummary simulated = engine::summarize_replications(crisis);
  result.simulated_per_day = {simulated.mean, simulated.low, simulated.high};
  if (result.heldout_background_calls > 0) {
    result.observed_background_per_day = per_day(static_cast<double>(result.heldout_background_calls));
    const engine::ReplicationSummary simulated_background = engine::summarize_replications(background);
    result.simulated_background_per_day = {simulated_background.mean, simulated_background.low, simulated_background.high};
  }
}

/// Stage timings, hour of week and dispositions of the simulated crisis calls against the
/// held-out ones.
void compare_distributions(const RunResults& run, const SimulatedCalendar& calendar, int unit_type,
                           const std::vector<const CallRecord*>& heldout, const FitOptions& fit_options, BacktestResult& result) {
  // Timings, hour of week and dispositions of the simulated calls.
  std::array<std::vector<double>, kStageCount> simulated;
  std::vector<double> simulated_hours(world::kHoursPerWeek, 0.0);
  std::vector<double> simulated_dispositions(world::kDispositionCount, 0.0);
  for (const auto& replication : run.replications) {
    for (const auto& call : replication.calls) {
      if (!call.crisis || !call.in_window || !calendar.covered(call.arrival_min)) continue;
      simulated_hours[static_cast<std::size_t>(hour_of_week(calendar.real_time(call.arrival_min)))] += 1;
      if (call.disposition >= 0) simulated_dispositions[static_cast<std::size_t>(call.disposition)] += 1;
      if (call.unit_type != unit_type || !std::isfinite(call.on_scene_min)) continue;
      simulated[static_cast<std::size_t>(Stage::call_processing)].push_back(call.dispatch_min - call.arrival_min);
      simulated[static_cast<std::size_t>(Stage::travel)].push_back(call.on_scene_min - call.dispatch_min);
      simulated[static_cast<std::size_t>(Stage::response)].push_back(call.on_scene_min - call.arrival_min);
      if (std::isfinite(call.scene_end_min)) {
        simulated[static_cast<std::size_t>(Stage::on_scene)].push_back(call.scene_end_min - call.on_scene_min);
      }
    }
  }
  // The same observed values the fit would use: non-negative, at most max_duration_min; 0 stays 0 here.
  for (std::size_t s = 0; s < kStageCount; ++s) {
    TimingComparison t;
    t.stage = static_cast<Stage>(s);
    std::vector<double> observed;
    for (const CallRecord* call : heldout) {
      const std::optional<double> minutes = stage_minutes(*call, t.stage);
      if (minutes && *minutes >= 0.0 && *minutes <= fit_options.max_duration_min) observed.push_back(*minutes);
    }
    t.observed_n = static_cast<std::int64_t>(observed.size());
    t.simulated_n = static_cast<std::int64_t>(simulated[s].size());
    if (observed.empty() || simulated[s].empty()) continue;
    t.observed_quantiles = quantiles_of(observed);
    t.simulated_quantiles = quantiles_of(simulated[s]);
    t.observed_mean = mean_of(observed);
    t.simulated_mean = mean_of(simulated[s]);
    t.ks_distance = two_sample_ks(observed, simulated[s]);
    const double n = static_cast<double>(t.observed_n);
    const double m = static_cast<double>(t.simulated_n);
    t.ks_p_value = kolmogorov_p_value(t.ks_distance, n * m / (n + m));
    result.timings.push_back(t);
  }
  // Observed hours of week and dispositions.
  std::vector<double> observed_hours(world::kHoursPerWeek, 0.0);
  std::vector<double> observed_dispositions(world::kDispositionCount, 0.0);
  for (const CallRecord* call : heldout) {
    observed_hours[static_cast<std::size_t>(hour_of_week(call->created))] += 1;
    if (call->disposition) observed_dispositions[static_cast<std::size_t>(*call->disposition)] += 1;
  }
  std::vector<std::string> hour_labels;
  for (std::size_t h = 0; h < world::kHoursPerWeek; ++h) hour_labels.push_back(std::to_string(h));
  result.hour_of_week = compare_categories(hour_labels, observed_hours, simulated_hours);
  std::vector<std::string> disposition_labels(world::kDispositionNames.begin(), world::kDispositionNames.end());
  result.dispositions = compare_categories(disposition_labels, observed_dispositions, simulated_dispositions);
  // As in the fit: mapped dispositions stand for the calls only when they cover most of them.
  const double mapped = std::accumulate(observed_dispositions.begin(), observed_dispositions.end(), 0.0);
  if (mapped < kMinDispositionCoverage * static_cast<double>(heldout.size())) {
    result.dispositions.total_variation = kNoValue;
    result.dispositions.chi_square = kNoValue;
    result.dispositions.p_value = kNoValue;
    result.dispositions.not_compared = fmt::format(
        "only {:.1f}% of the held-out crisis calls have a mapped disposition (at least 80% are needed)",
        100.0 * mapped / static_cast<double>(heldout.size()));
  }
}

}  // namespace

BacktestResult run_backtest(const BacktestOptions& options, const world::ModelRegistry& registry, ImportSummary* summary_out) {
  // --from starts the fit's window (fitting after a break); --to ends the data used.
  const ImportOptions& import = options.import;
  if (import.from && !(options.split > *import.from)) {
    throw InputError(InputProblem{"", 0, 0, "--split", "must be after --from"});
  }
  if (import.to && !(*import.to > options.split)) throw InputError(InputProblem{"", 0, 0, "--to", "must be after --split"});
  const ImportResult imported = import_calls(options.csv_path, import);
  if (summary_out != nullptr) *summary_out = imported.summary;

  BacktestResult result;
  result.seed = options.seed;
  result.replications = options.replications;
  std::vector<CallRecord> training;
  std::vector<const CallRecord*> heldout;
  split_calls(imported, options, result, training, heldout);
  FitOptions fit_options;
  fit_options.window_start = import.from;
  fit_options.window_end = options.split;
  fit_training(imported, training, options, fit_options, registry, result);
  // Over both periods: what changed between them is what a backtest's misses are read against.
  result.quality = assess_data_quality(imported.calls, imported.summary, result.fit.window_start, result.heldout_end);

  // Simulate the held-out period on its own calendar: the simulation clock starts on a Monday
  // 00:00, so a warm-up of the base's length, lengthened to end on the split's weekday and
  // hour, starts the window where the held-out period starts.
  std::vector<Override> overrides = {{"run.horizon_days", fmt::format("{}", result.heldout_length_days())},
                                     {"run.replications", std::to_string(options.replications)},
                                     {"run.seed", std::to_string(options.seed)}};
  const double base_warmup =
      load_scenario_text(result.scenario.yaml, options.name + ".yaml", overrides, registry, false).scenario.run.warmup_days;
  const double offset_days = (options.split - monday_at_or_before(options.split)) / kMinutesPerDay;
  const double warmup = base_warmup + std::fmod(offset_days - std::fmod(base_warmup, 7.0) + 7.0, 7.0);
  overrides.push_back({"run.warmup_days", fmt::format("{}", warmup)});
  const LoadedScenario loaded = load_scenario_text(result.scenario.yaml, options.name + ".yaml", overrides, registry, false);
  const world::World world = world::build_world(loaded.scenario, registry);
  if (options.progress != nullptr) options.progress->add_total(static_cast<std::uint64_t>(options.replications));
  const RunResults run =
      run_world(world, options.seed, static_cast<std::size_t>(options.replications), options.threads, true, options.progress);
  const int unit_type = world.plan().unit_type_index(result.responding_unit_type);
  const SimulatedCalendar calendar{options.split, world.window_start_min, &result.heldout_coverage};

  compare_volumes(run, calendar, heldout.size(), result);
  compare_distributions(run, calendar, unit_type, heldout, fit_options, result);
  double busy_minutes = 0.0;
  for (const CallRecord* call : heldout) {
    if (call->dispatched && call->closed && *call->closed > *call->dispatched &&
        *call->closed - *call->dispatched <= fit_options.max_duration_min) {
      busy_minutes += *call->closed - *call->dispatched;
    }
  }
  if (result.heldout_days > 0) result.heldout_mean_busy = busy_minutes / (result.heldout_days * kMinutesPerDay);
  result.verdicts = backtest_verdicts(result);
  return result;
}

nlohmann::ordered_json backtest_json(const BacktestResult& r) {
  nlohmann::ordered_json json;
  json["fit_window"] = {{"start", fit_date_text(r.fit.window_start)}, {"end_exclusive", fit_date_text(r.fit.window_end)},
                        {"days", r.fit.days}, {"calls", r.fit.summary.rows_used}};
  json["heldout_window"] = {{"start", fit_date_text(r.heldout_start)}, {"end_exclusive", fit_date_text(r.heldout_end)},
                            {"days", r.heldout_days}, {"crisis_calls", r.heldout_calls}};
  json["heldout_window"]["gap_days"] = gap_days_json(r.heldout_coverage);
  json["scenario"] = r.scenario.yaml.empty() ? "" : "scenario file in this folder";
  json["responding_unit_type"] = r.responding_unit_type;
  json["seed"] = r.seed;
  json["replications"] = r.replications;
  json["crisis_calls_per_day"] = {
      {"observed", json_number(r.observed_per_day.value)},
      {"observed_poisson_95", {json_number(r.observed_per_day.low), json_number(r.observed_per_day.high)}},
      {"simulated", json_number(r.simulated_per_day.value)},
      {"simulated_t_95", {json_number(r.simulated_per_day.low), json_number(r.simulated_per_day.high)}}};
  if (r.heldout_background_calls > 0) {
    json["background_calls_per_day"] = {
        {"observed", json_number(r.observed_background_per_day.value)},
        {"observed_poisson_95", {json_number(r.observed_background_per_day.low), json_number(r.observed_background_per_day.high)}},
        {"simulated", json_number(r.simulated_background_per_day.value)},
        {"simulated_t_95", {json_number(r.simulated_background_per_day.low), json_number(r.simulated_background_per_day.high)}}};
  }
  nlohmann::ordered_json timings = nlohmann::ordered_json::array();
  for (const auto& t : r.timings) {
    nlohmann::ordered_json j;
    j["measure"] = std::string(kStageNames[static_cast<std::size_t>(t.stage)]) + "_min";
    j["observed_n"] = t.observed_n;
    j["simulated_n"] = t.simulated_n;
    j["quantiles"] = kBacktestQuantiles;
    nlohmann::ordered_json observed = nlohmann::ordered_json::array();
    nlohmann::ordered_json simulated = nlohmann::ordered_json::array();
    for (std::size_t i = 0; i < kBacktestQuantiles.size(); ++i) {
      observed.push_back(json_number(t.observed_quantiles[i]));
      simulated.push_back(json_number(t.simulated_quantiles[i]));
    }
    j["observed"] = observed;
    j["simulated"] = simulated;
    j["observed_mean"] = json_number(t.observed_mean);
    j["simulated_mean"] = json_number(t.simulated_mean);
    j["ks_distance"] = json_number(t.ks_distance);
    j["ks_p_value_approx"] = json_number(t.ks_p_value);
    timings.push_back(j);
  }
  json["timings"] = timings;
  auto categorical = [](const CategoricalComparison& c) {
    nlohmann::ordered_json j;
    j["labels"] = c.labels;
    j["observed"] = c.observed;
    nlohmann::ordered_json shares = nlohmann::ordered_json::array();
    for (const double s : c.simulated_share) shares.push_back(json_number(s));
    j["simulated_share"] = shares;
    j["total_variation"] = json_number(c.total_variation);
    j["chi_square"] = json_number(c.chi_square);
    j["degrees_of_freedom"] = c.degrees_of_freedom;
    j["p_value"] = json_number(c.p_value);
    if (!c.not_compared.empty()) j["not_compared"] = c.not_compared;
    return j;
  };
  json["hour_of_week"] = categorical(r.hour_of_week);
  json["dispositions"] = categorical(r.dispositions);
  nlohmann::ordered_json verdicts = nlohmann::ordered_json::array();
  for (const auto& v : r.verdicts) {
    verdicts.push_back({{"quantity", v.quantity}, {"observed", v.observed}, {"simulated", v.simulated}, {"distance", v.distance},
                        {"within_tolerance", v.within}, {"verdict", v.sentence}});
  }
  json["verdicts"] = verdicts;
  json["heldout_mean_busy"] = json_number(r.heldout_mean_busy);
  json["data_quality"] = data_quality_json(r.quality);
  return json;
}

std::string backtest_table(const BacktestResult& r) {
  std::string out;
  out.append(fmt::format("Backtest: fit {} to {} ({} calls), held out {} to {} ({} crisis calls, {:.0f} days), {} replications\n",
                         fit_date_text(r.fit.window_start), fit_date_text(r.fit.window_end - 1.0), r.fit.summary.rows_used,
                         fit_date_text(r.heldout_start), fit_date_text(r.heldout_end - 1.0), r.heldout_calls, r.heldout_days,
                         r.replications));
  out.append(fmt::format("Timings of crisis calls first attended by {} (minutes): observed / simulated\n", r.responding_unit_type));
  out.append(fmt::format("{:<18} {:>6} {:>15} {:>15} {:>15} {:>15} {:>15} {:>7}\n", "measure", "n obs", "p10", "p25", "p50",
                         "p75", "p90", "KS D"));
  if (r.timings.empty()) out.append("(none: the export has no dispatched, arrival or clear times)\n");
  for (const auto& t : r.timings) {
    std::string row = fmt::format("{:<18} {:>6}", std::string(kStageNames[static_cast<std::size_t>(t.stage)]) + "_min", t.observed_n);
    for (std::size_t i = 0; i < kBacktestQuantiles.size(); ++i) {
      row.append(fmt::format(" {:>15}", number_or_dash(t.observed_quantiles[i], 1) + " / " + number_or_dash(t.simulated_quantiles[i], 1)));
    }
    row.append(fmt::format(" {:>7}\n", number_or_dash(t.ks_distance, 3)));
    out.append(row);
  }
  out.append(fmt::format("crisis calls a day: observed {} [{}, {}], simulated {} [{}, {}]\n", number_or_dash(r.observed_per_day.value, 2),
                         number_or_dash(r.observed_per_day.low, 2), number_or_dash(r.observed_per_day.high, 2),
                         number_or_dash(r.simulated_per_day.value, 2), number_or_dash(r.simulated_per_day.low, 2),
                         number_or_dash(r.simulated_per_day.high, 2)));
  if (r.heldout_background_calls > 0) {
    out.append(fmt::format("other police calls a day: observed {} [{}, {}], simulated {} [{}, {}]\n",
                           number_or_dash(r.observed_background_per_day.value, 1), number_or_dash(r.observed_background_per_day.low, 1),
                           number_or_dash(r.observed_background_per_day.high, 1), number_or_dash(r.simulated_background_per_day.value, 1),
                           number_or_dash(r.simulated_background_per_day.low, 1), number_or_dash(r.simulated_background_per_day.high, 1)));
  }
  out.append(fmt::format("hour of week: total variation {}, chi-square {} on {} df (p {})\n", number_or_dash(r.hour_of_week.total_variation, 3),
                         number_or_dash(r.hour_of_week.chi_square, 1), r.hour_of_week.degrees_of_freedom,
                         number_or_dash(r.hour_of_week.p_value, 3)));
  if (!r.dispositions.not_compared.empty()) {
    out.append("dispositions: not compared, " + r.dispositions.not_compared + "\n");
  } else {
    out.append(fmt::format("dispositions: total variation {}, chi-square {} on {} df (p {})\n", number_or_dash(r.dispositions.total_variation, 3),
                           number_or_dash(r.dispositions.chi_square, 1), r.dispositions.degrees_of_freedom,
                           number_or_dash(r.dispositions.p_value, 3)));
  }
  out.append("Verdict:\n");
  for (const auto& v : r.verdicts) {
    out.append(fmt::format("  {}: observed {}, simulated {}, {}: {}\n", v.quantity, v.observed, v.simulated, v.distance, v.sentence));
  }
  return out;
}

std::string backtest_report_markdown(const BacktestResult& r, const std::string& command_line) {
  std::string out = "# Backtest report\n\n";
  out.append("Produced by:\n\n```\n" + command_line + "\n```\n\n");
  out.append(fmt::format("The scenario was fitted on the calls created from {} to {} ({} calls used) and simulated over the "
                         "held-out period's length ({:.0f} days, {} replications, seed {}), then compared with the {} crisis calls "
                         "created from {} to {}. Simulated timings are those of crisis calls whose first unit on scene was `{}`.\n\n",
                         fit_date_text(r.fit.window_start), fit_date_text(r.fit.window_end - 1.0), r.fit.summary.rows_used,
                         r.heldout_days, r.replications, r.seed, r.heldout_calls, fit_date_text(r.heldout_start),
                         fit_date_text(r.heldout_end - 1.0), r.responding_unit_type));
  out.append("## Timings (minutes)\n\nObserved / simulated quantiles. KS D is the two-sample Kolmogorov-Smirnov distance "
             "(0 = identical distributions, 1 = disjoint); its p-value uses n·m/(n+m).\n\n"
             "| measure | n observed | n simulated | p10 | p25 | p50 | p75 | p90 | mean | KS D | p |\n"
             "| --- | ---: | ---: | --- | --- | --- | --- | --- | --- | ---: | ---: |\n");
  for (const auto& t : r.timings) {
    std::string row = fmt::format("| {}_min | {} | {} ", kStageNames[static_cast<std::size_t>(t.stage)], t.observed_n, t.simulated_n);
    for (std::size_t i = 0; i < kBacktestQuantiles.size(); ++i) {
      row.append("| " + number_or_dash(t.observed_quantiles[i], 1) + " / " + number_or_dash(t.simulated_quantiles[i], 1) + " ");
    }
    row.append(fmt::format("| {} / {} | {} | {} |\n", number_or_dash(t.observed_mean, 1), number_or_dash(t.simulated_mean, 1),
                           number_or_dash(t.ks_distance, 3), fmt::format("{:.2g}", t.ks_p_value)));
    out.append(row);
  }
  out.append(fmt::format("\n## Volume\n\nCrisis calls a day: observed {} (Poisson 95% [{}, {}]), simulated {} (t 95% across "
                         "replications [{}, {}]).\n",
                         number_or_dash(r.observed_per_day.value, 2), number_or_dash(r.observed_per_day.low, 2),
                         number_or_dash(r.observed_per_day.high, 2), number_or_dash(r.simulated_per_day.value, 2),
                         number_or_dash(r.simulated_per_day.low, 2), number_or_dash(r.simulated_per_day.high, 2)));
  if (r.heldout_background_calls > 0) {
    out.append(fmt::format("\nOther police calls a day: observed {} (Poisson 95% [{}, {}]), simulated {} (t 95% [{}, {}]).\n",
                           number_or_dash(r.observed_background_per_day.value, 1), number_or_dash(r.observed_background_per_day.low, 1),
                           number_or_dash(r.observed_background_per_day.high, 1), number_or_dash(r.simulated_background_per_day.value, 1),
                           number_or_dash(r.simulated_background_per_day.low, 1), number_or_dash(r.simulated_background_per_day.high, 1)));
  }
  out.append(fmt::format("\nCrisis calls by hour of week (168 cells): total variation distance {} between the observed and simulated "
                         "shares; chi-square of the observed counts against the simulated shares {} on {} df (p {}).\n",
                         number_or_dash(r.hour_of_week.total_variation, 3), number_or_dash(r.hour_of_week.chi_square, 1),
                         r.hour_of_week.degrees_of_freedom, fmt::format("{:.2g}", r.hour_of_week.p_value)));
  out.append("\n## Dispositions\n\n| disposition | observed | observed share | simulated share |\n| --- | ---: | ---: | ---: |\n");
  const double n = std::accumulate(r.dispositions.observed.begin(), r.dispositions.observed.end(), 0.0);
  for (std::size_t i = 0; i < r.dispositions.labels.size(); ++i) {
    out.append(fmt::format("| {} | {:.0f} | {} | {} |\n", r.dispositions.labels[i], r.dispositions.observed[i],
                           number_or_dash(n > 0 ? r.dispositions.observed[i] / n : kNoValue, 3),
                           number_or_dash(r.dispositions.simulated_share[i], 3)));
  }
  if (!r.dispositions.not_compared.empty()) {
    out.append("\nNot compared: " + r.dispositions.not_compared + ".\n");
  } else {
    out.append(fmt::format("\nTotal variation distance {}; chi-square {} on {} df (p {}).\n", number_or_dash(r.dispositions.total_variation, 3),
                           number_or_dash(r.dispositions.chi_square, 1), r.dispositions.degrees_of_freedom,
                           fmt::format("{:.2g}", r.dispositions.p_value)));
  }
  out.append("\n## Verdict\n\n| quantity | observed | simulated | distance | verdict |\n| --- | --- | --- | --- | --- |\n");
  for (const auto& v : r.verdicts) {
    out.append(fmt::format("| {} | {} | {} | {} | {} |\n", v.quantity, v.observed, v.simulated, v.distance, v.sentence));
  }
  out.append(data_quality_markdown(r.quality));
  out.append("\nThe fit behind the scenario is in `fit_report.md` and `fit.json` in this folder.\n");
  return out;
}

}  // namespace crisis::io::cad
