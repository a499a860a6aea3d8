// The fitted scenario: the base scenario's YAML with what the data determine replaced,
// every fitted value commented with its n, fit and goodness of fit, crisis volume and
// travel calibrated by running the scenario (docs/cad-fit.md).
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
#include "results/results_writer.hpp"
#include "scenario/scenario_loader.hpp"
#include "yaml/yaml_reader.hpp"
#include "world/world.hpp"

namespace crisis::io::cad {
namespace {

/// Mapped dispositions must cover this share of the crisis calls to replace outcome rows.
constexpr double kMinDispositionCoverage = 0.8;

/// Key path -> the comment written after its value.
using Comments = std::map<std::string, std::string>;

std::string scalar_text(const YAML::Node& node) {
  if (node.IsNull()) return "null";
  const std::string& text = node.Scalar();
  // Emit it inside a flow sequence, so that quoting is right wherever it lands.
  YAML::Emitter emitter;
  emitter << YAML::Flow << YAML::BeginSeq << text << YAML::EndSeq;
  std::string out = emitter.c_str();
  return out.substr(1, out.size() - 2);
}

bool is_flat(const YAML::Node& node) {
  if (node.IsScalar() || node.IsNull()) return true;
  if (node.IsSequence()) {
    return std::all_of(node.begin(), node.end(), [](const YAML::Node& child) { return child.IsScalar() || child.IsNull(); });
  }
  if (node.IsMap()) {
    for (const auto& entry : node) {
      const YAML::Node& value = entry.second;
      if (value.IsMap()) return false;
      if (value.IsSequence() && !is_flat(value)) return false;
    }
    return true;
  }
  return false;
}

std::string flow_text(const YAML::Node& node) {
  if (node.IsScalar() || node.IsNull()) return scalar_text(node);
  std::string out;
  if (node.IsSequence()) {
    out.push_back('[');
    bool first = true;
    for (const auto& child : node) {
      if (!first) out.append(", ");
      first = false;
      out.append(flow_text(child));
    }
    out.push_back(']');
    return out;
  }
  out.push_back('{');
  bool first = true;
  for (const auto& entry : node) {
    if (!first) out.append(", ");
    first = false;
    out.append(scalar_text(entry.first)).append(": ").append(flow_text(entry.second));
  }
  out.push_back('}');
  return out;
}

std::string child_path(const std::string& path, const std::string& key) { return path.empty() ? key : path + "." + key; }

void write_node(std::string& out, const YAML::Node& node, const std::string& path, int indent, const Comments& comments);

void append_comment(std::string& out, const std::string& path, const Comments& comments) {
  const auto found = comments.find(path);
  if (found != comments.end()) out.append("  # ").append(found->second);
}

void write_map(std::string& out, const YAML::Node& map, const std::string& path, int indent, const Comments& comments) {
  const std::string pad(static_cast<std::size_t>(indent), ' ');
  for (const auto& entry : map) {
    const std::string key = entry.first.Scalar();
    const std::string here = child_path(path, key);
    out.append(pad).append(scalar_text(entry.first)).append(":");
    // A flat value goes on one line, unless a value inside it carries its own comment.
    const auto below = comments.lower_bound(here + ".");
    const bool commented_inside = below != comments.end() && below->first.rfind(here + ".", 0) == 0;
    if (is_flat(entry.second) && !(entry.second.IsMap() && commented_inside)) {
      out.append(" ").append(flow_text(entry.second));
      append_comment(out, here, comments);
      out.push_back('\n');
    } else {
      append_comment(out, here, comments);
      out.push_back('\n');
      write_node(out, entry.second, here, indent + 2, comments);
    }
  }
}

void write_node(std::string& out, const YAML::Node& node, const std::string& path, int indent, const Comments& comments) {
  const std::string pad(static_cast<std::size_t>(indent), ' ');
  if (node.IsMap()) {
    write_map(out, node, path, indent, comments);
    return;
  }
  if (node.IsSequence()) {
    std::size_t index = 0;
    for (const auto& child : node) {
      const std::string here = fmt::format("{}[{}]", path, index++);
      if (is_flat(child)) {
        out.append(pad).append("- ").append(flow_text(child));
        append_comment(out, here, comments);
        out.push_back('\n');
      } else if (child.IsMap()) {
        // "- " takes the place of the first entry's indentation.
        std::string inner;
        write_map(inner, child, here, indent + 2, comments);
        inner.replace(static_cast<std::size_t>(indent), 2, "- ");
        out.append(inner);
      } else {
        out.append(pad).append("-\n");
        write_node(out, child, here, indent + 2, comments);
      }
    }
    return;
  }
  out.append(pad).append(flow_text(node)).append("\n");
}

std::string fixed2(double x) { return fmt::format("{:.2f}", x); }
std::string sig4(double x) {
  std::string text = fmt::format("{:.4g}", x);
  if (text.find('e') != std::string::npos) text = fmt::format("{:.1f}", x);
  return text;
}

/// Shares rounded to 6 decimals; the largest takes the rounding residual so they sum to 1.
std::vector<std::string> rounded_shares(const std::vector<double>& shares) {
  std::vector<long long> micros;
  for (const double s : shares) micros.push_back(std::llround(s * 1e6));
  const long long total = std::accumulate(micros.begin(), micros.end(), 0LL);
  const auto largest = static_cast<std::size_t>(std::max_element(micros.begin(), micros.end()) - micros.begin());
  micros[largest] += 1000000LL - total;
  std::vector<std::string> out;
  for (const long long m : micros) out.push_back(fmt::format("{}.{:06}", m / 1000000, m % 1000000));
  return out;
}

std::string describe_fit(const DurationFit& d) {
  const DistributionFit& best = d.best();
  const DistributionFit& other = &best == &d.gamma ? d.lognormal : d.gamma;
  return fmt::format("fitted: n={}, {} by ML (AIC {:.1f} vs {} {:.1f}), KS D={:.3f} p~{:.2g}; sample mean {:.1f} [{:.1f}, {:.1f}]",
                     d.n, best.family, best.aic, other.family, other.aic, best.ks_distance, best.ks_p_value,
                     d.sample_mean.value, d.sample_mean.low, d.sample_mean.high);
}

YAML::Node duration_node(const DurationFit& d) {
  const DistributionFit& best = d.best();
  YAML::Node node(YAML::NodeType::Map);
  node["distribution"] = best.family;
  node["mean"] = fixed2(best.mean);
  node["sd"] = fixed2(best.sd);
  return node;
}

/// Hour-of-week weights: weekly when there are enough calls, else hour-of-day × day-of-week.
YAML::Node profile_node(const ArrivalFit& arrivals, std::string& note) {
  YAML::Node node(YAML::NodeType::Map);
  constexpr std::int64_t kWeeklyMinimum = 20 * static_cast<std::int64_t>(world::kHoursPerWeek);
  if (arrivals.calls >= kWeeklyMinimum) {
    YAML::Node weekly(YAML::NodeType::Sequence);
    for (const auto& e : arrivals.per_week) weekly.push_back(sig4(std::isfinite(e.value) ? e.value : 0.0));
    node["weekly"] = weekly;
    note = fmt::format("fitted: calls per week in each hour of the week, n={} calls (Poisson 95% intervals in fit.json)", arrivals.calls);
    return node;
  }
  std::array<double, 24> hourly{};
  std::array<double, 7> daily{};
  for (std::size_t h = 0; h < world::kHoursPerWeek; ++h) {
    const double rate = std::isfinite(arrivals.per_week[h].value) ? arrivals.per_week[h].value : 0.0;
    hourly[h % 24] += rate;
    daily[h / 24] += rate;
  }
  YAML::Node hours(YAML::NodeType::Sequence);
  for (const double x : hourly) hours.push_back(sig4(x / 7.0));
  YAML::Node days(YAML::NodeType::Sequence);
  for (const double x : daily) days.push_back(sig4(x));
  node["hourly"] = hours;
  node["daily"] = days;
  note = fmt::format("fitted: hour-of-day x day-of-week calls per week, n={} calls (fewer than {} for a full weekly profile)",
                     arrivals.calls, kWeeklyMinimum);
  return node;
}

/// An outcome row from observed dispositions. A unit type that cannot arrest gets the
/// observed arrest share as its backup probability instead (police take over and decide).
YAML::Node outcome_row(const std::vector<ShareRow>& rows, const YAML::Node& base_row, bool can_arrest, std::string& note) {
  std::vector<double> shares(world::kDispositionCount, 0.0);
  std::int64_t total = 0;
  for (const auto& row : rows) total += row.count;
  for (const auto& row : rows) {
    const auto index = static_cast<std::size_t>(
        std::find(world::kDispositionNames.begin(), world::kDispositionNames.end(), row.label) - world::kDispositionNames.begin());
    if (index < shares.size()) shares[index] = static_cast<double>(row.count) / static_cast<double>(total);
  }
  constexpr std::size_t kArrest = static_cast<std::size_t>(world::Disposition::arrest);
  double arrest_share = 0.0;
  if (!can_arrest && shares[kArrest] > 0.0) {
    arrest_share = shares[kArrest];
    shares[kArrest] = 0.0;
    for (double& s : shares) s /= 1.0 - arrest_share;
  }
  const std::vector<std::string> text = rounded_shares(shares);
  YAML::Node node(YAML::NodeType::Map);
  for (std::size_t i = 0; i < world::kDispositionCount; ++i) {
    if (shares[i] > 0.0 || text[i] != "0.000000") node[std::string(world::kDispositionNames[i])] = text[i];
  }
  for (const char* event : {"use_of_force", "injury", "backup"}) {
    if (base_row && base_row.IsMap() && base_row[event]) node[event] = base_row[event].Scalar();
  }
  note = fmt::format("fitted: n={} mapped dispositions (Wilson intervals in fit_report.md)", total);
  if (!can_arrest) {
    // Set on every row, so that a row without arrests does not inherit the default's backup.
    node["backup"] = fmt::format("{:.4f}", arrest_share);
  }
  if (arrest_share > 0.0) {
    note += fmt::format("; the {:.1f}% ending in arrest become backup requests (this unit cannot arrest)", 100.0 * arrest_share);
  } else if (base_row && base_row.IsMap() && (base_row["use_of_force"] || base_row["injury"] || base_row["backup"])) {
    note += "; event probabilities from the base";
  }
  return node;
}

/// The unit type that answers the crisis calls the export holds: the specialised team of
/// the base's models when there is one, else police_only's patrol type.
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

double agent_count(const world::Scenario& scenario) {
  double weighted = 0.0;
  for (const auto& zone : scenario.zones) weighted += zone.population * zone.prevalence;
  return std::round(weighted * scenario.residents.share_with_needs);
}

struct CalibrationRun {
  double crisis_per_day = kNoValue;
  double background_per_day = kNoValue;
  double travel_mean = kNoValue;
  double travel_cv = kNoValue;
  std::vector<double> crisis_by_zone;  ///< crisis calls in the window by zone, all replications
};

CalibrationRun run_for_calibration(const std::string& yaml, const ScenarioFitOptions& options, const std::string& unit_type,
                                   double horizon_days, const world::ModelRegistry& registry) {
  const std::vector<Override> overrides = {{"run.horizon_days", fmt::format("{}", horizon_days)},
                                           {"run.replications", std::to_string(options.calibration_replications)}};
  const LoadedScenario loaded = load_scenario_text(yaml, options.name + ".yaml (fitted)", overrides, registry, false);
  const world::World world = world::build_world(loaded.scenario, registry);
  // Calibration rounds are not known ahead: each run adds its replications to the total.
  if (options.progress != nullptr) options.progress->add_total(static_cast<std::uint64_t>(options.calibration_replications));
  const RunResults results = run_world(world, options.seed, static_cast<std::size_t>(options.calibration_replications),
                                       options.threads, true, options.progress);
  CalibrationRun run;
  const auto mean_of = [&](const std::string& name) {
    const std::size_t index = results.measure_index(name);
    if (index == static_cast<std::size_t>(-1)) return kNoValue;
    const std::vector<double> values = results.column(index);
    return std::accumulate(values.begin(), values.end(), 0.0) / static_cast<double>(values.size());
  };
  run.crisis_per_day = mean_of("crisis_calls_per_day");
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

std::string base_label(const std::string& path) { return std::filesystem::path(path).filename().string(); }

}  // namespace

std::string default_base_scenario(const std::string& schema, const std::string& scenarios_dir) {
  const std::string file = schema == "mcslc" ? "mobile_crisis_team.yaml" : "baseline_police.yaml";
  return (std::filesystem::path(scenarios_dir) / file).string();
}

ScenarioFit fit_scenario(const FitResult& fit, const ScenarioFitOptions& options, const world::ModelRegistry& registry) {
  ScenarioFit result;
  const YAML::Node base_root = load_yaml_file(options.base_path);
  const LoadedScenario base = load_scenario(options.base_path, {}, registry, false);
  YAML::Node root = YAML::Clone(base_root);
  Comments comments;
  const std::string base_name = base_label(options.base_path);
  auto fitted = [&](const std::string& path, const std::string& note) {
    comments[path] = note;
    result.fitted.push_back(path + ": " + note);
  };

  root["name"] = options.name;
  root["description"] = fmt::format("Fitted by crisis-sim fit to {} ({} calls, {} to {}), on the base scenario {}.",
                                    options.input_label, fit.summary.rows_used, fit_date_text(fit.window_start),
                                    fit_date_text(fit.window_end - 1.0), base_name);
  if (root["variants"]) root.remove("variants");

  // Zones: the export's areas when the rule allows (docs/cad-fit.md, "Zones"), else the base's.
  const AreaZones& areas = fit.areas;
  std::vector<world::Zone> zones = base.scenario.zones;
  if (areas.used) {
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
    zones.clear();
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
    // Everything else that names a zone of the base.
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
  } else {
    result.zone_notes.push_back(fmt::format("The base's zones are kept: {}.", areas.reason));
  }

  // The responding unit type and its YAML entry.
  result.responding_unit_type = responding_unit_type(base.scenario);
  const int type_index = base.scenario.unit_type_index(result.responding_unit_type);
  if (type_index < 0) {
    throw InputError(InputProblem{options.base_path, 0, 0, "models",
                                  "the base scenario's responding unit type \"" + result.responding_unit_type + "\" is not declared"});
  }
  const bool can_arrest = base.scenario.unit_types[static_cast<std::size_t>(type_index)].can_arrest;
  const std::string unit_path = fmt::format("unit_types[{}]", type_index);
  YAML::Node unit = root["unit_types"][static_cast<std::size_t>(type_index)];

  // Crisis volume: the residents' base rate, calibrated below by running the scenario.
  const bool has_crises = fit.crisis_arrivals.calls > 0;
  const bool has_background = fit.arrivals[static_cast<std::size_t>(Category::other_police)].calls > 0;
  result.target_crisis_per_day = fit.crisis_arrivals.per_day.value;
  double agents = 0.0;
  {
    double weighted = 0.0;
    for (const auto& zone : zones) weighted += zone.population * zone.prevalence;
    agents = std::round(weighted * base.scenario.residents.share_with_needs);
  }
  double crises_per_year = base.scenario.residents.crises_per_year;
  if (has_crises && agents > 0) {
    // Start from the nominal rate; engagement and stays away make the realised one lower.
    crises_per_year = std::min(365.0, result.target_crisis_per_day * 365.0 / agents);
  }

  // Crisis arrivals: profile, call-type mix, call processing.
  if (has_crises) {
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

  // Background: the other police calls, when the export has them.
  if (has_background) {
    const ArrivalFit& other = fit.arrivals[static_cast<std::size_t>(Category::other_police)];
    result.target_background_per_day = other.per_day.value;
    root["background"]["calls_per_day"] = sig4(other.per_day.value);
    fitted("background.calls_per_day", fmt::format("fitted: {} other police calls over {:.1f} days, Poisson 95% [{:.1f}, {:.1f}] a day",
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

  // The responding unit type: time on scene, dispositions, roster.
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
  const bool team = result.responding_unit_type != "patrol" && base.scenario.unit_types[static_cast<std::size_t>(type_index)].officers == 0;
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
    const double base_per_day = agent_count(base.scenario) * base.scenario.residents.crises_per_year / 365.0 +
                                base.scenario.background.calls_per_day;
    const double fitted_per_day = fit.crisis_arrivals.per_day.value + result.target_background_per_day;
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

  // Travel: observed dispatched -> arrived of the calls the unit type answers.
  const DurationFit* travel = fit.duration(Stage::travel, team ? "crisis" : "other_police");
  if (travel == nullptr) travel = fit.duration(Stage::travel, "crisis");
  if (travel != nullptr && base.scenario.travel.matrix_min && !areas.used) travel = nullptr;  // a matrix is the city's own: keep it
  result.observed_travel_mean = travel != nullptr ? travel->sample_mean.value : kNoValue;
  double speed = base.scenario.travel.speed_kmh;
  double noise_cv = base.scenario.travel.noise_cv;

  auto render = [&]() {
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
        "# whose comments give the sources. The base's variants are left out (they edit the base's numbers).\n",
        options.input_label, fit.summary.rows_read, fit.summary.rows_used, fit.summary.rows_rejected,
        fit.summary.schema_name, fit.summary.mapping_name.empty() ? "default" : fit.summary.mapping_name, base_name);
    for (const auto& entry : root) {
      const std::string key = entry.first.Scalar();
      bool any_fitted = false;
      for (const auto& [path, note] : comments) {
        if (path == key || path.rfind(key + ".", 0) == 0 || path.rfind(key + "[", 0) == 0) any_fitted = true;
      }
      if (key != "name" && key != "description") {
        out.append(any_fitted ? fmt::format("\n# {}: from the base scenario {}, except the values marked fitted or calibrated\n", key, base_name)
                              : fmt::format("\n# {}: from the base scenario {}\n", key, base_name));
      }
      YAML::Node single(YAML::NodeType::Map);
      single[entry.first] = entry.second;
      write_map(out, single, "", 0, comments);
    }
    return out;
  };

  // Calibrate: crisis volume (residents' base rate) and travel (speed and noise), by running.
  const double calibration_days = options.calibration_days;
  for (int round = 0; round < 3; ++round) {
    const CalibrationRun run = run_for_calibration(render(), options, result.responding_unit_type, calibration_days, registry);
    result.calibration_rounds = round + 1;
    bool changed = false;
    if (has_crises && run.crisis_per_day > 0) {
      const double ratio = result.target_crisis_per_day / run.crisis_per_day;
      if (std::abs(ratio - 1.0) > 0.005) changed = true;
      crises_per_year = std::min(365.0, crises_per_year * ratio);
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
    if (!changed) break;
  }
  result.yaml = render();
  if (has_crises) result.fitted.push_back("residents.crises_per_year: " + comments["residents.crises_per_year"]);
  if (travel != nullptr) {
    result.fitted.push_back("city.travel.speed_kmh: " + comments["city.travel.speed_kmh"]);
    result.fitted.push_back("city.travel.noise_cv: " + comments["city.travel.noise_cv"]);
  }
  const CalibrationRun check = run_for_calibration(result.yaml, options, result.responding_unit_type, calibration_days, registry);
  result.simulated_crisis_per_day = check.crisis_per_day;
  result.simulated_background_per_day = check.background_per_day;
  result.simulated_travel_mean = check.travel_mean;
  if (areas.used) {
    const double total = std::accumulate(check.crisis_by_zone.begin(), check.crisis_by_zone.end(), 0.0);
    for (const double calls : check.crisis_by_zone) result.simulated_crisis_share_by_zone.push_back(total > 0 ? calls / total : kNoValue);
  }

  for (const auto& entry : root) {
    const std::string key = entry.first.Scalar();
    if (key == "name" || key == "description") continue;
    bool any = false;
    for (const auto& [path, note] : comments) {
      if (path == key || path.rfind(key + ".", 0) == 0 || path.rfind(key + "[", 0) == 0) any = true;
    }
    result.from_base.push_back(any ? key + " (except the fitted values)" : key);
  }
  return result;
}


namespace {

std::string interval_text(const Estimate& e, int decimals) {
  if (!std::isfinite(e.value)) return "-";
  return fmt::format("{:.{}f} [{:.{}f}, {:.{}f}]", e.value, decimals, e.low, decimals, e.high, decimals);
}

void share_table(std::string& out, const std::vector<ShareRow>& rows) {
  out.append("| | calls | share (Wilson 95%) |\n| --- | ---: | --- |\n");
  for (const auto& row : rows) out.append(fmt::format("| {} | {} | {} |\n", row.label, row.count, interval_text(row.share, 3)));
}

}  // namespace

std::string fit_report_markdown(const FitResult& fit, const ScenarioFit& scenario) {
  const ImportSummary& s = fit.summary;
  std::string out;
  out.append("# Fit report\n\n");
  out.append(fmt::format("Input `{}`, schema `{}`, mapping `{}`. Only counts, aggregates and fitted parameters appear here.\n\n",
                         std::filesystem::path(s.input_path).filename().string(), s.schema_name,
                         s.mapping_name.empty() ? "default" : s.mapping_name));
  out.append("## Data\n\n| | |\n| --- | ---: |\n");
  out.append(fmt::format("| rows read | {} |\n| rows used | {} |\n| rows rejected | {} |\n| rows outside the period | {} |\n",
                         s.rows_read, s.rows_used, s.rows_rejected, s.rows_outside_period));
  out.append(fmt::format("| fitted window | {} to {} ({:.1f} days) |\n", fit_date_text(fit.window_start),
                         fit_date_text(fit.window_end - 1.0), fit.days));
  for (std::size_t c = 0; c < kCategoryCount; ++c) {
    out.append(fmt::format("| {} calls in the window | {} |\n", kCategoryNames[c], fit.arrivals[c].calls));
  }
  if (!s.rejected_by_reason.empty()) {
    out.append("\nRejected rows by reason (each is in rejects.csv):\n\n");
    for (const auto& [reason, count] : s.rejected_by_reason) out.append(fmt::format("- {}: {}\n", reason, count));
  }
  if (!s.stages_emptied.empty()) {
    out.append("\nTime stamps emptied in used rows (the stage is left out of the duration fits):\n\n");
    for (const auto& [note, count] : s.stages_emptied) out.append(fmt::format("- {}: {}\n", note, count));
  }

  out.append("\n## Arrivals\n\nCalls per day over the window, with exact Poisson 95% intervals. The hour-of-week rates "
             "(calls in that hour per week, each with its interval) are in `fit.json` under `arrivals`.\n\n"
             "| category | calls | per day |\n| --- | ---: | --- |\n");
  for (std::size_t c = 0; c < kCategoryCount; ++c) {
    out.append(fmt::format("| {} | {} | {} |\n", kCategoryNames[c], fit.arrivals[c].calls, interval_text(fit.arrivals[c].per_day, 2)));
  }
  out.append(fmt::format("| crisis (behavioural health + welfare) | {} | {} |\n", fit.crisis_arrivals.calls,
                         interval_text(fit.crisis_arrivals.per_day, 2)));
  // The busiest and quietest hours of the week for crisis calls.
  if (fit.crisis_arrivals.calls > 0) {
    std::size_t busiest = 0;
    std::size_t quietest = 0;
    for (std::size_t h = 1; h < world::kHoursPerWeek; ++h) {
      if (fit.crisis_arrivals.per_week[h].value > fit.crisis_arrivals.per_week[busiest].value) busiest = h;
      if (fit.crisis_arrivals.per_week[h].value < fit.crisis_arrivals.per_week[quietest].value) quietest = h;
    }
    static constexpr std::array<const char*, 7> kDays = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
    out.append(fmt::format("\nCrisis calls per week: busiest hour {} {:02}:00 at {}; quietest {} {:02}:00 at {}.\n",
                           kDays[busiest / 24], busiest % 24, interval_text(fit.crisis_arrivals.per_week[busiest], 2),
                           kDays[quietest / 24], quietest % 24, interval_text(fit.crisis_arrivals.per_week[quietest], 2)));
  }

  out.append("\n## Durations\n\nMaximum-likelihood lognormal and gamma fits, in minutes; the lower AIC is chosen (bold). "
             "KS is the one-sample Kolmogorov-Smirnov distance to the fitted CDF; its p-value treats the parameters as "
             "known, while they were estimated from the same data, so it is too large (Lilliefors): read it as an upper "
             "bound. With hundreds of values, small departures from either family give small p-values. Values of 0 "
             "(below the export's one-minute resolution) are fitted as 0.5 min; values above "
             + fmt::format("{:.0f}", fit.options.max_duration_min) + " min are left out. Groups with fewer than "
             + std::to_string(fit.options.min_observations) + " values are not fitted.\n\n");
  out.append("| stage | group | n | mean (t 95%) | median | p90 | lognormal mu, sigma | AIC | KS D (p) | gamma shape (95%), scale | AIC | KS D (p) |\n"
             "| --- | --- | ---: | --- | ---: | ---: | --- | ---: | --- | --- | ---: | --- |\n");
  for (const auto& d : fit.durations) {
    const bool gamma_best = &d.best() == &d.gamma;
    auto bold = [](bool on, const std::string& text) { return on ? "**" + text + "**" : text; };
    out.append(fmt::format(
        "| {} | {} | {} | {} | {:.1f} | {:.1f} | {} | {:.1f} | {:.3f} ({:.2g}) | {} | {:.1f} | {:.3f} ({:.2g}) |\n",
        kStageNames[static_cast<std::size_t>(d.stage)], d.group, d.n, interval_text(d.sample_mean, 1), d.sample_median,
        d.sample_p90, bold(!gamma_best, fmt::format("{:.3f}, {:.3f}", d.lognormal.parameter_1, d.lognormal.parameter_2)),
        d.lognormal.aic, d.lognormal.ks_distance, d.lognormal.ks_p_value,
        bold(gamma_best, fmt::format("{:.3f} [{:.3f}, {:.3f}], {:.2f}", d.gamma.parameter_1, d.gamma.parameter_1_interval.low,
                                     d.gamma.parameter_1_interval.high, d.gamma.parameter_2)),
        d.gamma.aic, d.gamma.ks_distance, d.gamma.ks_p_value));
  }
  if (fit.durations.empty()) out.append("| - | no stage had enough time-stamped calls | | | | | | | | | | |\n");

  out.append("\n## Crisis-type mix\n\n");
  if (fit.crisis_types.empty()) {
    out.append("No crisis types in the data (the mapping gave none): the base's mix is kept.\n");
  } else {
    share_table(out, fit.crisis_types);
  }
  out.append("\n## Dispositions\n\nMapped dispositions (the schema's disposition map), by category.\n");
  for (std::size_t c = 0; c < kCategoryCount; ++c) {
    if (fit.dispositions[c].empty()) continue;
    out.append(fmt::format("\n### {}\n\n", kCategoryNames[c]));
    share_table(out, fit.dispositions[c]);
  }
  for (const auto& [type, rows] : fit.crisis_dispositions_by_type) {
    out.append(fmt::format("\n### crisis calls of type {}\n\n", world::kCrisisTypeNames[static_cast<std::size_t>(type)]));
    share_table(out, rows);
  }
  if (!fit.background_priorities.empty()) {
    out.append("\n## Priorities of other police calls\n\n");
    share_table(out, fit.background_priorities);
  }
  out.append("\n## Concurrency\n\n");
  out.append(fmt::format("Crisis calls open at once (dispatched -> closed): {} calls with both stamps, mean {:.2f} open.\n",
                         fit.crisis_concurrency.calls, fit.crisis_concurrency.mean_busy));
  out.append(fmt::format("All calls: {} with both stamps, mean {:.2f} open.\n", fit.all_concurrency.calls, fit.all_concurrency.mean_busy));

  out.append("\n## Zones\n\n");
  {
    const AreaZones& a = fit.areas;
    out.append(fmt::format("Rule: the export's areas become the zones when {} to {} areas with at least {} calls each hold at least "
                           "{:.0f}% of the fitted calls; empty and placeholder areas (e.g. \"Unknown\") never count.\n\n",
                           kMinAreaZones, kMaxAreaZones, kMinAreaCalls, 100.0 * kMinAreaCoverage));
    for (const auto& note : scenario.zone_notes) out.append(note + "\n");
    out.append(fmt::format("\nArea column `{}`: {} distinct areas, {} of {} calls with an empty or placeholder area.\n",
                           a.area_column.empty() ? "-" : a.area_column, a.distinct_areas, a.empty_area_calls, a.calls));
    if (!a.zones.empty()) {
      const bool used = a.used && std::isfinite(scenario.zone_prevalence_scale);
      out.append(used ? fmt::format("Population share and prevalence are ASSUMPTIONS fitted from the calls (the export has no population): "
                                    "prevalence = the base's mean {:.3f} x the area's share of crisis calls / its share of all calls, "
                                    "clamped to x[{}, {}]. {} calls ({}) in empty or rare areas are spread by these shares.\n\n",
                                    scenario.zone_prevalence_scale, kMinRelativePrevalence, kMaxRelativePrevalence,
                                    a.calls - a.calls_in_zones, fmt::format("{:.1f}%", a.calls > 0 ? 100.0 * static_cast<double>(a.calls - a.calls_in_zones) / static_cast<double>(a.calls) : 0.0))
                      : std::string("\nAreas with enough calls (not used as zones):\n\n"));
      out.append("| zone | area | calls | crisis calls | population share | crisis share | prevalence | simulated crisis share |\n"
                 "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |\n");
      for (std::size_t i = 0; i < a.zones.size(); ++i) {
        const AreaZone& z = a.zones[i];
        const std::string prevalence = used ? fmt::format("{:.4g}{}", scenario.zone_prevalence_scale * z.relative_prevalence, z.clamped ? " (clamped)" : "")
                                            : std::string("-");
        const std::string simulated = used && i < scenario.simulated_crisis_share_by_zone.size() && std::isfinite(scenario.simulated_crisis_share_by_zone[i])
                                          ? fmt::format("{:.3f}", scenario.simulated_crisis_share_by_zone[i])
                                          : std::string("-");
        out.append(fmt::format("| {} | {} | {} | {} | {:.3f} | {} | {} | {} |\n", used ? z.zone : "-", z.area, z.calls, z.crisis_calls,
                               z.population_share, std::isfinite(z.crisis_share) ? fmt::format("{:.3f}", z.crisis_share) : "-",
                               prevalence, simulated));
      }
    }
  }

  out.append("\n## The scenario\n\n");
  out.append(fmt::format("Responding unit type: `{}`. Calibration: {} round(s) of runs.\n\n", scenario.responding_unit_type,
                         scenario.calibration_rounds));
  if (std::isfinite(scenario.disposition_coverage) && scenario.disposition_coverage < kMinDispositionCoverage) {
    out.append(fmt::format("Outcome rows are kept from the base: only {:.1f}% of the crisis calls have a mapped disposition "
                           "(at least {:.0f}% are needed, or the mapped codes would bias the row).\n\n",
                           100.0 * scenario.disposition_coverage, 100.0 * kMinDispositionCoverage));
  }
  out.append("| check | fitted | simulated |\n| --- | ---: | ---: |\n");
  out.append(fmt::format("| crisis calls a day | {:.2f} | {:.2f} |\n", scenario.target_crisis_per_day, scenario.simulated_crisis_per_day));
  if (std::isfinite(scenario.target_background_per_day)) {
    out.append(fmt::format("| background calls a day | {:.1f} | {:.1f} |\n", scenario.target_background_per_day,
                           scenario.simulated_background_per_day));
  }
  if (std::isfinite(scenario.observed_travel_mean)) {
    out.append(fmt::format("| mean travel of `{}` (min) | {:.1f} | {:.1f} |\n", scenario.responding_unit_type,
                           scenario.observed_travel_mean, scenario.simulated_travel_mean));
  }
  out.append("\n### Fitted or calibrated from the data\n\n");
  for (const auto& line : scenario.fitted) out.append("- `" + line.substr(0, line.find(':')) + "`:" + line.substr(line.find(':') + 1) + "\n");
  out.append("\n### From the base scenario\n\n");
  for (const auto& key : scenario.from_base) out.append("- `" + key.substr(0, key.find(' ')) + "`" + (key.find(' ') == std::string::npos ? "" : key.substr(key.find(' '))) + "\n");
  return out;
}

}  // namespace crisis::io::cad
