// The fitted scenario: the base scenario's YAML with what the data determine replaced,
// every fitted value commented with its n, fit and goodness of fit, crisis volume and
// travel calibrated by running the scenario (docs/cad-fit.md). The YAML writer is in
// cad_fit_yaml.cpp, the calibration runs in cad_fit_calibration.cpp, the report in
// cad_fit_report.cpp.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>
#include <map>
#include <numeric>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "engine/errors.hpp"
#include "fit/cad_fit.hpp"
#include "fit/cad_fit_calibration.hpp"
#include "fit/cad_fit_yaml.hpp"
#include "results/results_writer.hpp"
#include "scenario/scenario_loader.hpp"
#include "yaml/yaml_reader.hpp"
#include "world/world.hpp"

namespace crisis::io::cad {
namespace {

using namespace detail;  // the YAML writer and the calibration runs

// ---- the steps of fit_scenario ------------------------------------------------------------

std::string base_label(const std::string& path) { return std::filesystem::path(path).filename().string(); }

/// The scenario being written: the base's YAML under edit, the comments for the values the
/// data replace, and what the report reads. Each step of fit_scenario edits one part of it.
struct Draft {
  const FitResult& fit;
  const LoadedScenario& base;
  std::string base_name;
  YAML::Node root;
  Comments comments;
  ScenarioFit& result;

  /// Records a fitted key path with its note, for the YAML comment and the report.
  void fitted(const std::string& path, const std::string& note) {
    comments[path] = note;
    result.fitted.push_back(path + ": " + note);
  }
};

/// True when a fitted value's key path lies under the top-level `key`.
bool has_fitted_under(const Comments& comments, const std::string& key) {
  bool any = false;
  for (const auto& [path, note] : comments) {
    if (path == key || path.rfind(key + ".", 0) == 0 || path.rfind(key + "[", 0) == 0) any = true;
  }
  return any;
}

/// The export's areas as zones (docs/cad-fit.md, "Zones"): populations and prevalences from
/// the calls, on a compact grid over the base's extent. Returns the zones as written.
std::vector<world::Zone> place_area_zones(Draft& draft) {
  const FitResult& fit = draft.fit;
  const LoadedScenario& base = draft.base;
  YAML::Node& root = draft.root;
  ScenarioFit& result = draft.result;
  Comments& comments = draft.comments;
  const auto fitted = [&draft](const std::string& path, const std::string& note) { draft.fitted(path, note); };
  const AreaZones& areas = fit.areas;
  std::vector<world::Zone> zones;
  double population = 0.0;
  double weighted = 0.0;
  double x_min = std::numeric_limits<double>::infinity();
  double x_max = -x_min;
  double y_min = x_min;
  double y_max = -x_min;
  for (const auto& zone : base.scenario.zones) {
    population += zone.population;
    weighted += zone.population * zone.prevalence;
    x_min = std::min(x_min, zone.x_km);
    x_max = std::max(x_max, zone.x_km);
    y_min = std::min(y_min, zone.y_km);
    y_max = std::max(y_max, zone.y_km);
  }
  const double mean_prevalence = population > 0 ? weighted / population : 1.0;
  result.zone_prevalence_scale = mean_prevalence;
  // A compact grid over the base's extent: columns x rows cells, one zone at each centre.
  const std::size_t n = areas.zones.size();
  const auto columns = static_cast<std::size_t>(std::ceil(std::sqrt(static_cast<double>(n))));
  const std::size_t rows = (n + columns - 1) / columns;
  const double cell_fallback = std::max(1.0, 2.0 * base.scenario.travel.within_zone_km);
  const double width = x_max - x_min > 1e-9 ? x_max - x_min : cell_fallback * static_cast<double>(columns);
  const double height = y_max - y_min > 1e-9 ? y_max - y_min : cell_fallback * static_cast<double>(rows);
  const double x_start = x_max - x_min > 1e-9 ? x_min : x_min - width / 2.0;
  const double y_start = y_max - y_min > 1e-9 ? y_min : y_min - height / 2.0;
  // Populations rounded to whole persons; the largest zone takes the residual.
  std::vector<long long> persons;
  for (const auto& area : areas.zones) persons.push_back(std::llround(population * area.population_share));
  const auto largest = static_cast<std::size_t>(std::max_element(persons.begin(), persons.end()) - persons.begin());
  persons[largest] += std::llround(population) - std::accumulate(persons.begin(), persons.end(), 0LL);
  YAML::Node list(YAML::NodeType::Sequence);
  for (std::size_t i = 0; i < n; ++i) {
    const AreaZone& area = areas.zones[i];
    world::Zone zone;
    zone.name = area.zone;
    zone.population = static_cast<double>(persons[i]);
    zone.x_km = x_start + width * (static_cast<double>(i % columns) + 0.5) / static_cast<double>(columns);
    zone.y_km = y_start + height * (static_cast<double>(rows - 1 - i / columns) + 0.5) / static_cast<double>(rows);
    zone.prevalence = mean_prevalence * area.relative_prevalence;
    YAML::Node node(YAML::NodeType::Map);
    node["name"] = zone.name;
    node["population"] = std::to_string(persons[i]);
    node["x_km"] = fixed2(zone.x_km);
    node["y_km"] = fixed2(zone.y_km);
    node["prevalence"] = sig4(zone.prevalence);
    zone.x_km = std::stod(fixed2(zone.x_km));
    zone.y_km = std::stod(fixed2(zone.y_km));
    zone.prevalence = std::stod(sig4(zone.prevalence));
    list.push_back(node);
    zones.push_back(zone);
    std::string note = fmt::format("{} \"{}\": population = {:.1f}% of its calls (n={}); prevalence fitted from its {} crisis calls",
                                   areas.area_column, area.area, 100.0 * area.population_share, area.calls, area.crisis_calls);
    if (std::isfinite(area.crisis_share)) {
      note += fmt::format(" ({:.1f}% of them: x{:.3f} the base's mean {:.3f}{})", 100.0 * area.crisis_share, area.relative_prevalence,
                          mean_prevalence, area.clamped ? fmt::format(", clamped to [{}, {}]", kMinRelativePrevalence, kMaxRelativePrevalence) : "");
    }
    comments[fmt::format("city.zones[{}]", i)] = note;
  }
  root["city"]["zones"] = list;
  fitted("city.zones", fmt::format(
      "fitted: one zone per {} ({}). ASSUMPTION: the export has no population, so the base's {:.0f} residents are split "
      "in proportion to each area's share of all calls, and prevalence (x the base's mean {:.3f}) follows each area's share of "
      "crisis calls over its share of all calls, so that crisis calls fall where they were observed. ASSUMPTION: the export "
      "gives no coordinates we may use, so the zones sit on a {}x{} grid over the base's extent. Calls in empty or rare areas "
      "({} of {}) are spread by these shares",
      areas.area_column, areas.reason, population, mean_prevalence, columns, rows, areas.calls - areas.calls_in_zones, areas.calls));
  result.zone_notes.push_back(fmt::format("The zones are the export's areas: {}.", areas.reason));
  return zones;
}

/// Everything else of the base that names one of its own zones: dropped, or moved to the
/// zone with the most calls.
void retarget_zone_references(Draft& draft) {
  const FitResult& fit = draft.fit;
  YAML::Node& root = draft.root;
  ScenarioFit& result = draft.result;
  const auto fitted = [&draft](const std::string& path, const std::string& note) { draft.fitted(path, note); };
  const AreaZones& areas = fit.areas;
  if (root["city"]["travel"] && root["city"]["travel"]["matrix_min"]) {
    root["city"]["travel"].remove("matrix_min");
    result.zone_notes.push_back("The base's `city.travel.matrix_min` (between its own zones) is dropped: travel is distance over speed.");
  }
  std::string busiest = areas.zones.front().zone;
  std::int64_t most = -1;
  for (const auto& area : areas.zones) {
    if (area.calls > most) {
      most = area.calls;
      busiest = area.zone;
    }
  }
  if (YAML::Node facilities = root["facilities"]; facilities && facilities.IsMap()) {
    for (auto entry : facilities) {
      if (!entry.second.IsMap() || !entry.second["zone"]) continue;
      const std::string key = entry.first.Scalar();
      const std::string was = entry.second["zone"].Scalar();
      entry.second["zone"] = busiest;
      fitted("facilities." + key + ".zone",
             fmt::format("ASSUMPTION: the zone with the most calls ({}); the base put it in its zone {}", most, was));
    }
  }
  if (YAML::Node types = root["unit_types"]; types && types.IsSequence()) {
    for (std::size_t t = 0; t < types.size(); ++t) {
      if (!types[t].IsMap() || !types[t]["base_zones"]) continue;
      types[t].remove("base_zones");
      result.zone_notes.push_back(fmt::format("`unit_types[{}].base_zones` of the base (its own zones) is dropped: {} units are based by zone population.",
                                              t, types[t]["name"] ? types[t]["name"].Scalar() : std::string("the type's")));
    }
  }
}

/// The zones: the export's areas when the rule allows, else the base's.
std::vector<world::Zone> fit_zones(Draft& draft) {
  if (!draft.fit.areas.used) {
    draft.result.zone_notes.push_back(fmt::format("The base's zones are kept: {}.", draft.fit.areas.reason));
    return draft.base.scenario.zones;
  }
  std::vector<world::Zone> zones = place_area_zones(draft);
  retarget_zone_references(draft);
  return zones;
}

/// The unit type that answers the crisis calls, and its entry in the YAML.
struct Responder {
  int index = -1;
  bool can_arrest = false;
  bool team = false;  ///< a specialised team (no officers): its roster follows the crisis calls alone
  std::string path;   ///< "unit_types[i]"
  YAML::Node node;
};

Responder find_responder(Draft& draft, const std::string& base_path) {
  const LoadedScenario& base = draft.base;
  ScenarioFit& result = draft.result;
  result.responding_unit_type = responding_unit_type(base.scenario);
  Responder unit;
  unit.index = base.scenario.unit_type_index(result.responding_unit_type);
  if (unit.index < 0) {
    throw InputError(InputProblem{base_path, 0, 0, "models",
                                  "the base scenario's responding unit type \"" + result.responding_unit_type + "\" is not declared"});
  }
  const auto& type = base.scenario.unit_types[static_cast<std::size_t>(unit.index)];
  unit.can_arrest = type.can_arrest;
  unit.team = result.responding_unit_type != "patrol" && type.officers == 0;
  unit.path = fmt::format("unit_types[{}]", unit.index);
  unit.node = draft.root["unit_types"][static_cast<std::size_t>(unit.index)];
  return unit;
}

/// Crisis arrivals: profile, call-type mix, call processing.
void fit_crisis_arrivals(Draft& draft) {
  const FitResult& fit = draft.fit;
  YAML::Node& root = draft.root;
  const auto fitted = [&draft](const std::string& path, const std::string& note) { draft.fitted(path, note); };
  if (fit.crisis_arrivals.calls > 0) {
    std::string note;
    root["crises"]["profile"] = profile_node(fit.crisis_arrivals, note);
    fitted("crises.profile", note);
  }
  if (!fit.crisis_types.empty()) {
    std::int64_t typed = 0;
    for (const auto& row : fit.crisis_types) typed += row.count;
    std::vector<double> shares(world::kCrisisTypeCount, 0.0);
    for (const auto& row : fit.crisis_types) {
      const auto index = static_cast<std::size_t>(
          std::find(world::kCrisisTypeNames.begin(), world::kCrisisTypeNames.end(), row.label) - world::kCrisisTypeNames.begin());
      if (index < shares.size()) shares[index] = row.share.value;
    }
    const std::vector<std::string> text = rounded_shares(shares);
    YAML::Node types = root["crises"]["types"];
    for (std::size_t t = 0; t < world::kCrisisTypeCount; ++t) {
      const std::string name(world::kCrisisTypeNames[t]);
      if (!types[name] && shares[t] == 0.0) continue;
      if (!types[name]) types[name] = YAML::Node(YAML::NodeType::Map);
      types[name]["share"] = text[t];
    }
    // A flat row per type: the comment goes on the type's line.
    for (std::size_t t = 0; t < world::kCrisisTypeCount; ++t) {
      const std::string name(world::kCrisisTypeNames[t]);
      if (!types[name]) continue;
      const auto row = std::find_if(fit.crisis_types.begin(), fit.crisis_types.end(), [&](const ShareRow& r) { return r.label == name; });
      const std::int64_t count = row == fit.crisis_types.end() ? 0 : row->count;
      const Estimate interval = wilson_interval(count, typed);
      fitted("crises.types." + name, fmt::format("share fitted: {} of {} typed calls, 95% [{:.3f}, {:.3f}]; priority and risk from the base",
                                                 count, typed, interval.low, interval.high));
    }
  }
  if (const DurationFit* d = fit.duration(Stage::call_processing, "crisis_unqueued")) {
    root["crises"]["call_processing_min"] = duration_node(*d);
    fitted("crises.call_processing_min", describe_fit(*d) +
                                             " (created -> dispatched of the calls created while no other crisis call was "
                                             "open, so that waits for a busy unit, which the simulation adds, are not counted twice)");
  } else if (const DurationFit* all = fit.duration(Stage::call_processing, "crisis")) {
    root["crises"]["call_processing_min"] = duration_node(*all);
    fitted("crises.call_processing_min", describe_fit(*all) + " (created -> dispatched, waits for a busy unit included)");
  }
}

/// Background: the other police calls' rate, profile, call processing, priorities and service.
void fit_background(Draft& draft) {
  const FitResult& fit = draft.fit;
  YAML::Node& root = draft.root;
  ScenarioFit& result = draft.result;
  Comments& comments = draft.comments;
  const auto fitted = [&draft](const std::string& path, const std::string& note) { draft.fitted(path, note); };
  const ArrivalFit& other = fit.arrivals[static_cast<std::size_t>(Category::other_police)];
  // The rate of an average week (the profile spreads it over the hours), not the window's weekday mix.
  result.target_background_per_day = other.weekly_mean_per_day;
  root["background"]["calls_per_day"] = sig4(other.weekly_mean_per_day);
  fitted("background.calls_per_day", fmt::format("fitted: {} other police calls over {:.1f} covered days, Poisson 95% [{:.1f}, {:.1f}] a day",
                                                 other.calls, fit.days, other.per_day.low, other.per_day.high));
  std::string note;
  root["background"]["profile"] = profile_node(other, note);
  fitted("background.profile", note);
  if (const DurationFit* d = fit.duration(Stage::call_processing, "other_police")) {
    root["background"]["call_processing_min"] = duration_node(*d);
    fitted("background.call_processing_min", describe_fit(*d));
  }
  YAML::Node priorities = root["background"]["priorities"];
  if (priorities && priorities.IsSequence() && priorities.size() == world::kPriorityCount) {
    if (!fit.background_priorities.empty()) {
      std::vector<double> shares(world::kPriorityCount, 0.0);
      std::int64_t total = 0;
      for (const auto& row : fit.background_priorities) total += row.count;
      for (const auto& row : fit.background_priorities) {
        shares[static_cast<std::size_t>(row.label.back() - '1')] = row.share.value;
      }
      const std::vector<std::string> text = rounded_shares(shares);
      for (std::size_t p = 0; p < world::kPriorityCount; ++p) priorities[p]["share"] = text[p];
      for (std::size_t p = 0; p < world::kPriorityCount; ++p) {
        fitted(fmt::format("background.priorities[{}]", p), fmt::format("share fitted: {} calls with a priority", total));
      }
    }
    for (std::size_t p = 0; p < world::kPriorityCount; ++p) {
      const DurationFit* d = fit.duration(Stage::on_scene, fmt::format("priority_{}", p + 1));
      if (d == nullptr) d = fit.duration(Stage::on_scene, "other_police");
      if (d == nullptr) continue;
      priorities[p]["service_min"] = duration_node(*d);
      const std::string path = fmt::format("background.priorities[{}]", p);
      comments[path] = (comments.count(path) ? comments[path] + "; " : std::string()) + "service " + describe_fit(*d);
      result.fitted.push_back(path + ".service_min: " + describe_fit(*d));
    }
  }
}

/// The responding unit type's time on scene and dispositions.
void fit_on_scene_and_outcomes(Draft& draft, Responder& responder) {
  const FitResult& fit = draft.fit;
  ScenarioFit& result = draft.result;
  const auto fitted = [&draft](const std::string& path, const std::string& note) { draft.fitted(path, note); };
  YAML::Node& unit = responder.node;
  const std::string& unit_path = responder.path;
  const bool can_arrest = responder.can_arrest;
  if (const DurationFit* d = fit.duration(Stage::on_scene, "crisis")) {
    unit["on_scene_min"]["default"] = duration_node(*d);
    fitted(unit_path + ".on_scene_min.default", describe_fit(*d));
    for (std::size_t t = 0; t < world::kCrisisTypeCount; ++t) {
      const std::string name(world::kCrisisTypeNames[t]);
      if (const DurationFit* typed = fit.duration(Stage::on_scene, name)) {
        unit["on_scene_min"][name] = duration_node(*typed);
        fitted(unit_path + ".on_scene_min." + name, describe_fit(*typed));
      }
    }
  }
  {
    std::int64_t total = 0;
    for (const auto& row : fit.crisis_dispositions) total += row.count;
    // Mapped dispositions stand for the calls only when they cover most of them: an export
    // that maps only some codes (Milwaukee: arrests and referrals) would bias the row.
    const double coverage = fit.crisis_arrivals.calls > 0 ? static_cast<double>(total) / static_cast<double>(fit.crisis_arrivals.calls) : 0.0;
    result.disposition_coverage = coverage;
    if (total >= fit.options.min_observations && coverage >= kMinDispositionCoverage) {
      std::string note;
      unit["outcomes"]["default"] = outcome_row(fit.crisis_dispositions, unit["outcomes"]["default"], can_arrest, note);
      fitted(unit_path + ".outcomes.default", note);
      for (const auto& [type, rows] : fit.crisis_dispositions_by_type) {
        const std::string name(world::kCrisisTypeNames[static_cast<std::size_t>(type)]);
        unit["outcomes"][name] = outcome_row(rows, unit["outcomes"][name], can_arrest, note);
        fitted(unit_path + ".outcomes." + name, note);
      }
    }
  }
}

/// The responding unit type's roster: from concurrency when the export has unit and clear
/// times, else the base's scaled with the calls.
void fit_roster(Draft& draft, Responder& responder, bool has_background) {
  const FitResult& fit = draft.fit;
  const LoadedScenario& base = draft.base;
  ScenarioFit& result = draft.result;
  Comments& comments = draft.comments;
  const auto fitted = [&draft](const std::string& path, const std::string& note) { draft.fitted(path, note); };
  YAML::Node& unit = responder.node;
  const std::string& unit_path = responder.path;
  const bool team = responder.team;
  const ConcurrencyFit& concurrency = team ? fit.crisis_concurrency : fit.all_concurrency;
  if (concurrency.calls >= fit.options.min_observations) {
    YAML::Node weekly(YAML::NodeType::Sequence);
    int most = 0;
    for (const double peak : concurrency.p90_peak) {
      const int units = std::max(1, static_cast<int>(std::ceil(peak)));
      most = std::max(most, units);
      weekly.push_back(units);
    }
    YAML::Node roster(YAML::NodeType::Map);
    roster["weekly"] = weekly;
    unit["roster"] = roster;
    fitted(unit_path + ".roster",
           fmt::format("fitted: per hour of week, the 90th percentile over the weeks of the most calls open at once "
                       "(dispatched -> closed, n={} calls; mean {:.2f} open), at least 1; up to {} units",
                       concurrency.calls, concurrency.mean_busy, most));
  } else if (has_background && !team) {
    // No unit or clear times: keep the base's roster shape and scale it with the calls
    // (ASSUMPTION: the base's utilisation carries over), so the police are neither idle nor swamped.
    const double base_per_day = agent_count(base.scenario.zones, base.scenario.residents.share_with_needs) * base.scenario.residents.crises_per_year / 365.0 +
                                base.scenario.background.calls_per_day;
    const double fitted_per_day = fit.crisis_arrivals.weekly_mean_per_day + result.target_background_per_day;
    const double ratio = base_per_day > 0 ? fitted_per_day / base_per_day : 1.0;
    YAML::Node roster = unit["roster"];
    if (roster && std::abs(ratio - 1.0) > 0.1) {
      auto scale = [ratio](YAML::Node value) { value = std::to_string(static_cast<long long>(std::ceil(value.as<double>() * ratio))); };
      if (roster["constant"]) scale(roster["constant"]);
      for (const char* form : {"hourly", "weekly"}) {
        if (roster[form]) {
          for (std::size_t i = 0; i < roster[form].size(); ++i) scale(roster[form][i]);
        }
      }
      if (roster["shifts"]) {
        for (std::size_t i = 0; i < roster["shifts"].size(); ++i) scale(roster["shifts"][i]["units"]);
      }
      comments[unit_path + ".roster"] = fmt::format(
          "scaled: the base's roster x {:.3f} = fitted calls a day {:.1f} / the base's {:.1f} (ASSUMPTION: the base's "
          "utilisation carries over; the export has no unit or clear times)",
          ratio, fitted_per_day, base_per_day);
      result.fitted.push_back(unit_path + ".roster: " + comments[unit_path + ".roster"]);
    }
  }
}

/// What calibration adjusts: the residents' crisis rate and, when travel was observed, the
/// travel speed and noise.
struct Calibrated {
  bool has_crises = false;
  double agents = 0.0;
  double crises_per_year = 0.0;
  const DurationFit* travel = nullptr;  ///< observed travel of the calls the unit type answers; null = keep the base's
  double speed = 0.0;
  double noise_cv = 0.0;
};

/// The scenario YAML as it stands: the calibrated values written in, a header saying where
/// it came from, and each top-level key saying what is fitted.
std::string render(Draft& draft, const Calibrated& calibrated, const ScenarioFitOptions& options) {
  const FitResult& fit = draft.fit;
  YAML::Node& root = draft.root;
  ScenarioFit& result = draft.result;
  Comments& comments = draft.comments;
  const std::string& base_name = draft.base_name;
  const bool has_crises = calibrated.has_crises;
  const double crises_per_year = calibrated.crises_per_year;
  const double agents = calibrated.agents;
  const DurationFit* travel = calibrated.travel;
  const double speed = calibrated.speed;
  const double noise_cv = calibrated.noise_cv;
  root["residents"]["crises_per_year"] = sig4(crises_per_year);
  if (has_crises) {
    comments["residents.crises_per_year"] = fmt::format(
        "calibrated by running this scenario: {:.2f} crisis calls a day fitted (n={}, Poisson 95% [{:.2f}, {:.2f}]) from {} agents",
        result.target_crisis_per_day, fit.crisis_arrivals.calls, fit.crisis_arrivals.per_day.low,
        fit.crisis_arrivals.per_day.high, agents);
  }
  if (travel != nullptr) {
    root["city"]["travel"]["speed_kmh"] = sig4(speed);
    root["city"]["travel"]["noise_cv"] = sig4(noise_cv);
    comments["city.travel.speed_kmh"] = fmt::format(
        "calibrated by running this scenario so that {}'s mean travel matches the observed dispatched -> arrived mean {:.1f} min (n={})",
        result.responding_unit_type, travel->sample_mean.value, travel->n);
    comments["city.travel.noise_cv"] = fmt::format("calibrated to the observed travel sd {:.1f} min (with the zones' spread)", travel->sample_sd);
  }
  std::string out = fmt::format(
      "# Fitted by `crisis-sim fit` from {} ({} rows read, {} used, {} rejected; schema {}, mapping {}).\n"
      "# Values marked \"fitted\" or \"calibrated\" come from the data (fit_report.md and fit.json give every\n"
      "# fit, its interval and goodness of fit); everything else comes from the base scenario {},\n"
      "# whose comments give the sources. The base's variants are left out (they edit the base's numbers),\n"
      "# and so is run.horizon_days: 365 days by default, or the replayed period when a replay: key is added.\n",
      options.input_label, fit.summary.rows_read, fit.summary.rows_used, fit.summary.rows_rejected,
      fit.summary.schema_name, fit.summary.mapping_name.empty() ? "default" : fit.summary.mapping_name, base_name);
  for (const auto& entry : root) {
    const std::string key = entry.first.Scalar();
    const bool any_fitted = has_fitted_under(comments, key);
    if (key != "name" && key != "description") {
      out.append(any_fitted ? fmt::format("\n# {}: from the base scenario {}, except the values marked fitted or calibrated\n", key, base_name)
                            : fmt::format("\n# {}: from the base scenario {}\n", key, base_name));
    }
    YAML::Node single(YAML::NodeType::Map);
    single[entry.first] = entry.second;
    write_map(out, single, "", 0, comments);
  }
  return out;
}

/// Runs the scenario and adjusts the crisis rate and travel until the simulated values are
/// within kCalibrationTolerance of the observed ones (at most five rounds). The realised crisis
/// rate is proportional to the residents' nominal rate, so each round's ratio (realised over
/// nominal) is pooled over the rounds, weighted by replications, rather than chasing the last
/// run's noise; runs grow until their own interval is within the tolerance.
int calibrate(Draft& draft, Calibrated& calibrated, const ScenarioFitOptions& options,
              const world::ModelRegistry& registry) {
  ScenarioFit& result = draft.result;
  const bool has_crises = calibrated.has_crises;
  const DurationFit* travel = calibrated.travel;
  double& crises_per_year = calibrated.crises_per_year;
  double& speed = calibrated.speed;
  double& noise_cv = calibrated.noise_cv;
  const double calibration_days = options.calibration_days;
  int replications = std::max(2, options.calibration_replications);
  double pooled_ratio = 0.0;  // Σ replications × (realised / nominal)
  double pooled_weight = 0.0;
  for (int round = 0; round < 5; ++round) {
    const CalibrationRun run = run_for_calibration(render(draft, calibrated, options), options, result.responding_unit_type,
                                                   calibration_days, replications, registry);
    result.calibration_rounds = round + 1;
    bool changed = false;
    const int next_replications = replications_for_tolerance(run, replications);
    if (has_crises && run.crisis_per_day > 0) {
      const double miss = std::abs(result.target_crisis_per_day / run.crisis_per_day - 1.0);
      if (miss > kCalibrationTolerance || next_replications > replications) changed = true;
      pooled_ratio += run.replications * (run.crisis_per_day / crises_per_year);
      pooled_weight += run.replications;
      crises_per_year = std::min(365.0, result.target_crisis_per_day / (pooled_ratio / pooled_weight));
    }
    if (travel != nullptr && std::isfinite(run.travel_mean) && run.travel_mean > 0) {
      // Travel time is distance over speed, so it scales exactly with 1/speed.
      const double ratio = run.travel_mean / travel->sample_mean.value;
      if (std::abs(ratio - 1.0) > 0.005) changed = true;
      speed = std::clamp(speed * ratio, 1.0, 300.0);
      // Total CV² ≈ (1 + noise²)(1 + zones²) − 1: keep the zones' spread, match the total.
      const double observed_cv = travel->sample_sd / travel->sample_mean.value;
      const double zone_cv2 = std::max(0.0, (1.0 + run.travel_cv * run.travel_cv) / (1.0 + noise_cv * noise_cv) - 1.0);
      noise_cv = std::clamp(std::sqrt(std::max(0.0, (1.0 + observed_cv * observed_cv) / (1.0 + zone_cv2) - 1.0)), 0.0, 3.0);
    }
    replications = next_replications;
    if (!changed) break;
  }
  return replications;
}

/// The final run: what the fitted scenario simulates, with the calibration's own interval,
/// for the report's checks.
void verify(Draft& draft, const ScenarioFitOptions& options, int replications, const world::ModelRegistry& registry) {
  ScenarioFit& result = draft.result;
  const CalibrationRun check =
      run_for_calibration(result.yaml, options, result.responding_unit_type, options.calibration_days, replications, registry);
  result.simulated_crisis_per_day = check.crisis_per_day;
  result.simulated_crisis_interval = check.crisis_per_day_interval;
  result.verification_replications = replications;
  result.calibration_days = options.calibration_days;
  result.simulated_background_per_day = check.background_per_day;
  result.simulated_travel_mean = check.travel_mean;
  if (draft.fit.areas.used) {
    const double total = std::accumulate(check.crisis_by_zone.begin(), check.crisis_by_zone.end(), 0.0);
    for (const double calls : check.crisis_by_zone) result.simulated_crisis_share_by_zone.push_back(total > 0 ? calls / total : kNoValue);
  }
}

}  // namespace

std::string default_base_scenario(const std::string& schema, const std::string& scenarios_dir) {
  const std::string file = schema == "mcslc" ? "mobile_crisis_team.yaml" : "baseline_police.yaml";
  return (std::filesystem::path(scenarios_dir) / file).string();
}

ScenarioFit fit_scenario(const FitResult& fit, const ScenarioFitOptions& options, const world::ModelRegistry& registry) {
  ScenarioFit result;
  const YAML::Node base_root = load_yaml_file(options.base_path);
  const LoadedScenario base = load_scenario(options.base_path, {}, registry, false);
  Draft draft{fit, base, base_label(options.base_path), YAML::Clone(base_root), {}, result};
  YAML::Node& root = draft.root;
  root["name"] = options.name;
  root["description"] = fmt::format("Fitted by crisis-sim fit to {} ({} calls, {} to {}), on the base scenario {}.",
                                    options.input_label, fit.summary.rows_used, fit_date_text(fit.window_start),
                                    fit_date_text(fit.window_end - 1.0), draft.base_name);
  if (root["variants"]) root.remove("variants");
  // A replay's horizon is its period: without run.horizon_days (365 days by default) the fitted
  // scenario takes a replay: key as it stands.
  if (root["run"] && root["run"].IsMap() && root["run"]["horizon_days"]) root["run"].remove("horizon_days");

  const std::vector<world::Zone> zones = fit_zones(draft);
  Responder responder = find_responder(draft, options.base_path);

  // Crisis volume: the residents' base rate, calibrated below by running the scenario.
  Calibrated calibrated;
  calibrated.has_crises = fit.crisis_arrivals.calls > 0;
  const bool has_background = fit.arrivals[static_cast<std::size_t>(Category::other_police)].calls > 0;
  result.target_crisis_per_day = fit.crisis_arrivals.weekly_mean_per_day;
  calibrated.agents = agent_count(zones, base.scenario.residents.share_with_needs);
  calibrated.crises_per_year = base.scenario.residents.crises_per_year;
  if (calibrated.has_crises && calibrated.agents > 0) {
    // Start from the nominal rate; engagement and stays away make the realised one lower.
    calibrated.crises_per_year = std::min(365.0, result.target_crisis_per_day * 365.0 / calibrated.agents);
  }

  fit_crisis_arrivals(draft);
  if (has_background) fit_background(draft);
  fit_on_scene_and_outcomes(draft, responder);
  fit_roster(draft, responder, has_background);

  // Travel: observed dispatched -> arrived of the calls the unit type answers.
  const DurationFit*& travel = calibrated.travel;
  travel = fit.duration(Stage::travel, responder.team ? "crisis" : "other_police");
  if (travel == nullptr) travel = fit.duration(Stage::travel, "crisis");
  if (travel != nullptr && base.scenario.travel.matrix_min && !fit.areas.used) travel = nullptr;  // a matrix is the city's own: keep it
  result.observed_travel_mean = travel != nullptr ? travel->sample_mean.value : kNoValue;
  calibrated.speed = base.scenario.travel.speed_kmh;
  calibrated.noise_cv = base.scenario.travel.noise_cv;

  const int replications = calibrate(draft, calibrated, options, registry);
  result.yaml = render(draft, calibrated, options);
  if (calibrated.has_crises) result.fitted.push_back("residents.crises_per_year: " + draft.comments["residents.crises_per_year"]);
  if (travel != nullptr) {
    result.fitted.push_back("city.travel.speed_kmh: " + draft.comments["city.travel.speed_kmh"]);
    result.fitted.push_back("city.travel.noise_cv: " + draft.comments["city.travel.noise_cv"]);
  }
  verify(draft, options, replications, registry);

  for (const auto& entry : root) {
    const std::string key = entry.first.Scalar();
    if (key == "name" || key == "description") continue;
    result.from_base.push_back(has_fitted_under(draft.comments, key) ? key + " (except the fitted values)" : key);
  }
  return result;
}

}  // namespace crisis::io::cad
