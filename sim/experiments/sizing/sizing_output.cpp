#include "experiments/sizing/sizing.hpp"

#include <algorithm>
#include <filesystem>
#include <limits>
#include <numeric>

#include <fmt/format.h>

#include "crisis/build_info.hpp"
#include "engine/errors.hpp"
#include "experiments/sizing/sizing_calendar.hpp"
#include "results/results_writer.hpp"

// The outputs of crisis-sim size: sizing.json, frontier.csv and the terminal table
// (docs/sizing.md, "Outputs").
namespace crisis::io {

using detail::coverage_label;
using detail::form_key;
using detail::hour_of_week_label;
using detail::kDayLabels;
using detail::kWeeksPerYear;
using world::kHoursPerWeek;
using world::Roster;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();


nlohmann::ordered_json summary_object(const engine::ReplicationSummary& s) {
  return {{"mean", json_number(s.mean)}, {"ci95_low", json_number(s.low)}, {"ci95_high", json_number(s.high)}};
}

nlohmann::ordered_json candidate_json(const SizingResult& result, const SizingCandidate& c) {
  nlohmann::ordered_json json;
  json["id"] = c.id;
  json["phase"] = c.phase;
  nlohmann::ordered_json units = nlohmann::ordered_json::object();
  for (std::size_t v = 0; v < result.spec.variables.size(); ++v) units[result.spec.variables[v].name()] = c.units[v];
  json["units"] = std::move(units);
  json["staff_cost_annual"] = json_number(c.staff_cost_annual);
  json["fte"] = json_number(c.fte);
  json["runnable"] = c.runnable;
  json["feasible"] = c.feasible;
  json["chosen"] = c.id == result.chosen;
  json["objective"] = summary_object(c.objective);
  nlohmann::ordered_json targets = nlohmann::ordered_json::array();
  for (std::size_t j = 0; j < c.targets.size(); ++j) {
    const SizingTarget& target = result.spec.targets[j];
    const TargetValue& value = c.targets[j];
    targets.push_back({{"measure", target.measure},
                       {"relation", target.relation()},
                       {"bound", target.bound},
                       {"mean", json_number(value.summary.mean)},
                       {"ci95_low", json_number(value.summary.low)},
                       {"ci95_high", json_number(value.summary.high)},
                       {"confident_value", json_number(value.confident_value)},
                       {"met", value.met}});
  }
  json["targets"] = std::move(targets);
  if (result.binding_target >= 0 && c.runnable) {
    const auto j = static_cast<std::size_t>(result.binding_target);
    json["binding_measure"] = {{"measure", result.spec.targets[j].measure},
                               {"mean", json_number(c.targets[j].summary.mean)},
                               {"confident_value", json_number(c.targets[j].confident_value)}};
  }
  nlohmann::ordered_json erlang = nlohmann::ordered_json::object();
  for (std::size_t t = 0; t < result.types.size(); ++t) {
    const ErlangPrediction& p = c.erlang[t];
    nlohmann::ordered_json e;
    if (result.types[t].overflow) {
      e["lost_share"] = json_number(p.lost_share);
    } else {
      e["probability_of_wait"] = json_number(p.probability_of_wait);
      e["mean_wait_min"] = json_number(p.mean_wait_min);
    }
    e["peak_occupancy"] = json_number(p.peak_occupancy);
    erlang[result.types[t].name] = std::move(e);
  }
  json["erlang"] = std::move(erlang);
  if (!c.note.empty()) json["note"] = c.note;
  return json;
}

/// Candidates, cheapest staffing first (then by evaluation order).
std::vector<const SizingCandidate*> frontier_order(const SizingResult& result) {
  std::vector<const SizingCandidate*> order;
  for (const SizingCandidate& c : result.candidates) order.push_back(&c);
  std::stable_sort(order.begin(), order.end(), [](const SizingCandidate* a, const SizingCandidate* b) {
    return a->staff_cost_annual < b->staff_cost_annual;
  });
  return order;
}

std::string roster_by_hour(const Roster& roster) {
  bool daily = true;
  for (std::size_t h = 24; h < kHoursPerWeek; ++h) daily = daily && roster[h] == roster[h % 24];
  auto runs = [&](std::size_t from, std::size_t count) {
    std::vector<std::string> parts;
    for (std::size_t i = 0; i < count;) {
      std::size_t j = i;
      while (j < count && roster[from + j] == roster[from + i]) ++j;
      parts.push_back(fmt::format("{:02}-{:02} {}", i, j, roster[from + i]));
      i = j;
    }
    return fmt::format("{}", fmt::join(parts, " | "));
  };
  if (daily) return "every day: " + runs(0, 24);
  std::string text;
  for (std::size_t d = 0; d < 7; ++d)
    text += fmt::format("{}{}: {}", d == 0 ? "" : "\n    ", kDayLabels[d], runs(d * 24, 24));
  return text;
}

}  // namespace

nlohmann::ordered_json sizing_json(const SizingResult& result) {
  const SizingSpec& spec = result.spec;
  nlohmann::ordered_json json;
  json["crisis_sim_version"] = build::kVersion;
  json["sizing"] = {{"path", spec.path}, {"hash", hash_hex(spec.content_hash)}, {"description", spec.description}};
  json["scenario"] = {
      {"name", result.scenario_name}, {"path", spec.scenario_path}, {"hash", hash_hex(result.scenario_hash)}};
  json["seed"] = result.seed;
  json["replications"] = result.replications;
  json["horizon_days"] = result.horizon_days;
  json["warmup_days"] = result.warmup_days;
  json["models"] = result.models;
  json["confidence_level"] = 0.95;
  json["relief_factor"] = spec.relief_factor;
  json["objective"] = spec.objective;
  nlohmann::ordered_json targets = nlohmann::ordered_json::array();
  for (const SizingTarget& t : spec.targets)
    targets.push_back({{"measure", t.measure}, {"relation", t.relation()}, {"bound", t.bound}});
  json["targets"] = std::move(targets);
  json["feasible"] = result.feasible();
  json["message"] = result.message;
  json["binding_target"] =
      result.binding_target >= 0
          ? nlohmann::ordered_json(spec.targets[static_cast<std::size_t>(result.binding_target)].text())
          : nlohmann::ordered_json(nullptr);
  json["evaluations"] = result.candidates.size();

  nlohmann::ordered_json variables = nlohmann::ordered_json::array();
  for (std::size_t v = 0; v < spec.variables.size(); ++v) {
    const SizingVariable& variable = spec.variables[v];
    variables.push_back({{"name", variable.name()},
                         {"unit_type", variable.unit_type},
                         {"form", form_key(variable.form)},
                         {"on_duty", coverage_label(result.coverage[v])},
                         {"min", variable.min},
                         {"max", variable.max},
                         {"lower_bound", result.lower_bound.empty() ? nlohmann::ordered_json(nullptr)
                                                                    : nlohmann::ordered_json(result.lower_bound[v])}});
  }
  json["variables"] = std::move(variables);

  nlohmann::ordered_json loads = nlohmann::ordered_json::object();
  for (const SizedUnitType& type : result.types) {
    nlohmann::ordered_json blocks = nlohmann::ordered_json::array();
    for (const OfferedLoadBlock& b : type.blocks) {
      blocks.push_back({{"start_hour_of_week", b.start_hour_of_week},
                        {"start", hour_of_week_label(b.start_hour_of_week)},
                        {"hours", b.hours},
                        {"sized", b.sized},
                        {"calls_per_hour", json_number(b.calls_per_hour)},
                        {"mean_busy_min", json_number(b.mean_busy_min)},
                        {"offered_erlangs", json_number(b.offered_erlangs)},
                        {"lower_bound_units", b.lower_bound_units}});
    }
    loads[type.name] = {{"overflow", type.overflow},
                        {"wait_limit_min", json_number(type.overflow ? type.wait_limit_min : kNaN)},
                        {"blocks", std::move(blocks)}};
  }
  json["offered_load"] = std::move(loads);

  if (result.feasible()) {
    const SizingCandidate& c = result.candidates[static_cast<std::size_t>(result.chosen)];
    nlohmann::ordered_json chosen = candidate_json(result, c);
    nlohmann::ordered_json types = nlohmann::ordered_json::array();
    for (std::size_t t = 0; t < result.types.size(); ++t) {
      const SizedUnitType& type = result.types[t];
      const Roster roster = result.roster(t, c.units);
      const double unit_hours = std::accumulate(roster.begin(), roster.end(), 0.0);
      const double posts = unit_hours / static_cast<double>(kHoursPerWeek);
      std::vector<int> units;
      for (std::size_t v : type.variables) units.push_back(c.units[v]);
      types.push_back({{"unit_type", type.name},
                       {"form", form_key(type.form)},
                       {"units", units},
                       {"on_duty_by_hour_of_week", roster},
                       {"on_duty_hours_per_year", unit_hours * kWeeksPerYear},
                       {"posts", posts},
                       {"staff_per_unit", type.staff_per_unit},
                       {"fte", posts * type.staff_per_unit * spec.relief_factor},
                       {"cost_per_hour", type.cost_per_hour},
                       {"staff_cost_annual", unit_hours * kWeeksPerYear * type.cost_per_hour}});
    }
    chosen["unit_types"] = std::move(types);
    json["chosen"] = std::move(chosen);
  } else {
    json["chosen"] = nullptr;
  }
  nlohmann::ordered_json frontier = nlohmann::ordered_json::array();
  for (const SizingCandidate* c : frontier_order(result)) frontier.push_back(candidate_json(result, *c));
  json["frontier"] = std::move(frontier);
  return json;
}

std::string frontier_csv(const SizingResult& result) {
  const SizingSpec& spec = result.spec;
  // Fields appended one by one: GCC 12 warns (-Wrestrict, a false positive) on "," + string.
  std::string text;
  auto field = [&](const std::string& value) {
    if (!text.empty() && text.back() != '\n') text.push_back(',');
    text += value;
  };
  field("id");
  field("phase");
  for (const SizingVariable& v : spec.variables) field(csv_field(v.name()));
  for (const char* name : {"staff_cost_annual", "fte"}) field(name);
  for (const char* suffix : {".mean", ".ci95_low", ".ci95_high"}) field(csv_field(spec.objective + suffix));
  for (const SizingTarget& t : spec.targets) {
    for (const char* suffix : {".mean", ".ci95_low", ".ci95_high", ".met"}) field(csv_field(t.measure + suffix));
  }
  for (const char* name : {"feasible", "chosen", "note"}) field(name);
  text.push_back('\n');
  for (const SizingCandidate* c : frontier_order(result)) {
    field(std::to_string(c->id));
    field(c->phase);
    for (int units : c->units) field(std::to_string(units));
    for (double value : {c->staff_cost_annual, c->fte, c->objective.mean, c->objective.low, c->objective.high})
      field(format_number(value));
    for (const TargetValue& t : c->targets) {
      for (double value : {t.summary.mean, t.summary.low, t.summary.high}) field(format_number(value));
      field(t.met ? "1" : "0");
    }
    field(c->feasible ? "1" : "0");
    field(c->id == result.chosen ? "1" : "0");
    field(csv_field(c->note));
    text.push_back('\n');
  }
  return text;
}

std::string sizing_table(const SizingResult& result) {
  const SizingSpec& spec = result.spec;
  std::string text;
  text += fmt::format(
      "crisis-sim {} | sizing {} | scenario {} | models {} | seed {} | {} replications x {} days (+{} warm-up)\n",
      build::kVersion, spec.path, result.scenario_name, fmt::format("{}", fmt::join(result.models, ",")), result.seed,
      result.replications, format_number(result.horizon_days), format_number(result.warmup_days));
  text += result.message + "\n";
  const SizingCandidate* chosen =
      result.feasible() ? &result.candidates[static_cast<std::size_t>(result.chosen)] : nullptr;

  text += fmt::format("\n{:<40} {:>12} {:>25} {:>10}  {}\n", "target (95% bound must meet it)", "mean", "95% CI",
                      "bound", "met");
  for (std::size_t j = 0; j < spec.targets.size(); ++j) {
    const SizingTarget& target = spec.targets[j];
    std::string label = target.text() + (static_cast<int>(j) == result.binding_target ? " *" : "");
    if (chosen == nullptr) {
      text += fmt::format("{:<40} {:>12} {:>25} {:>10}  {}\n", label, "-", "-", "-", "-");
      continue;
    }
    const TargetValue& value = chosen->targets[j];
    text +=
        fmt::format("{:<40} {:>12} {:>25} {:>10}  {}\n", label, with_decimals(value.summary.mean, 3),
                    fmt::format("[{}, {}]", with_decimals(value.summary.low, 3), with_decimals(value.summary.high, 3)),
                    with_decimals(value.confident_value, 3), value.met ? "yes" : "no");
  }
  if (result.binding_target >= 0) text += "* binding: the target with the least room at the chosen (or closest) mix\n";

  text +=
      fmt::format("\n{:<18} {:<28} {:>7} {:>15} {:>13}\n", "unit type", "on duty", "units", "range", "Erlang bound");
  for (std::size_t v = 0; v < spec.variables.size(); ++v) {
    const SizingVariable& variable = spec.variables[v];
    text += fmt::format("{:<18} {:<28} {:>7} {:>15} {:>13}\n", variable.unit_type, coverage_label(result.coverage[v]),
                        chosen != nullptr ? std::to_string(chosen->units[v]) : std::string("-"),
                        fmt::format("[{}, {}]", variable.min, variable.max),
                        result.lower_bound.empty() ? std::string("-") : std::to_string(result.lower_bound[v]));
  }
  if (chosen != nullptr) {
    text += "\nunits on duty by hour\n";
    for (std::size_t t = 0; t < result.types.size(); ++t) {
      text += "  " + result.types[t].name + ", " + roster_by_hour(result.roster(t, chosen->units)) + "\n";
    }
    text += fmt::format("\nstaff (relief factor {:.2f} staff per post staffed 24/7)\n", spec.relief_factor);
    for (std::size_t t = 0; t < result.types.size(); ++t) {
      const SizedUnitType& type = result.types[t];
      const Roster roster = result.roster(t, chosen->units);
      const double unit_hours = std::accumulate(roster.begin(), roster.end(), 0.0);
      const double posts = unit_hours / static_cast<double>(kHoursPerWeek);
      text += fmt::format(
          "  {:<18} {:>6.2f} units on duty on average x {} staff x {:.2f} = {:.1f} FTE; {:.0f} unit-hours/yr x {} = "
          "{:.0f}/yr\n",
          type.name, posts, type.staff_per_unit, spec.relief_factor, posts * type.staff_per_unit * spec.relief_factor,
          unit_hours * kWeeksPerYear, format_number(type.cost_per_hour),
          unit_hours * kWeeksPerYear * type.cost_per_hour);
    }
    text += fmt::format("  {} (simulated: staff with overtime, outcomes, fixed): {:.0f} [{:.0f}, {:.0f}]\n",
                        spec.objective, chosen->objective.mean, chosen->objective.low, chosen->objective.high);
  }

  const std::string binding =
      result.binding_target >= 0 ? spec.targets[static_cast<std::size_t>(result.binding_target)].measure : "";
  text += fmt::format("\ncost / service frontier: {} simulated mixes, cheapest staffing first{}\n",
                      result.candidates.size(), binding.empty() ? "" : "; service = " + binding + " (mean, 95% bound)");
  std::string units_header;
  for (const SizedUnitType& type : result.types) units_header += (units_header.empty() ? "" : " ") + type.name;
  text += fmt::format("{:>4} {:<12} {:<24} {:>14} {:>16} {:>22}  {}\n", "id", "phase", units_header, "staff/yr",
                      spec.objective, "service", "feasible");
  for (const SizingCandidate* c : frontier_order(result)) {
    std::vector<std::string> parts;
    for (const SizedUnitType& type : result.types) {
      std::vector<std::string> numbers;
      for (std::size_t v : type.variables) numbers.push_back(std::to_string(c->units[v]));
      parts.push_back(fmt::format("{}", fmt::join(numbers, "/")));
    }
    std::string service = "-";
    if (result.binding_target >= 0 && c->runnable) {
      const TargetValue& value = c->targets[static_cast<std::size_t>(result.binding_target)];
      service = with_decimals(value.summary.mean, 3) + " (" + with_decimals(value.confident_value, 3) + ")";
    }
    text += fmt::format(
        "{:>4} {:<12} {:<24} {:>14.0f} {:>16} {:>22}  {}{}\n", c->id, c->phase,
        fmt::format("{}", fmt::join(parts, " ")), c->staff_cost_annual, with_decimals(c->objective.mean, 0), service,
        c->feasible ? "yes" : (c->note.empty() ? "no" : "no: " + c->note), c->id == result.chosen ? "  <- chosen" : "");
  }
  return text;
}

void write_sizing_outputs(const std::string& directory, const SizingResult& result) {
  namespace fs = std::filesystem;
  std::error_code error;
  if (fs::exists(directory, error) && !fs::is_directory(directory, error)) {
    throw InputError(InputProblem{directory, 0, 0, "--out", "exists and is not a directory"});
  }
  fs::create_directories(directory, error);
  if (error)
    throw InputError(InputProblem{directory, 0, 0, "--out", "cannot create the directory: " + error.message()});
  // Both made before either is written; sizing.json goes last, so its presence means the set
  // is complete, and an earlier run's sizing.json goes first so it never vouches for a new CSV.
  const std::string csv = frontier_csv(result);
  const std::string json = sizing_json(result).dump(2) + "\n";
  const std::string json_path = (fs::path(directory) / "sizing.json").string();
  fs::remove(json_path, error);
  if (error) throw Error("could not remove " + json_path + " left by an earlier run: " + error.message());
  write_file_atomically((fs::path(directory) / "frontier.csv").string(), csv);
  write_file_atomically(json_path, json);
}

}  // namespace crisis::io
