#include "report/report_kinds.hpp"

#include <functional>
#include <optional>

#include <fmt/format.h>

#include "report/report_charts.hpp"
#include "results/results_reader.hpp"
#include "results/results_writer.hpp"

namespace crisis::io::report_detail {
namespace {

namespace fs = std::filesystem;

/// The sizing's targets: measure and "relation bound" for each, and the bounds as numbers.
struct Targets {
  std::vector<std::pair<std::string, std::string>> rules;
  std::vector<double> bounds;
};

/// One mix the search simulated.
struct Candidate {
  std::string label;
  double staff_cost = kNaN;
  double fte = kNaN;
  bool feasible = false;
  bool chosen = false;
  bool runnable = true;
  Stat objective;
  std::vector<Stat> targets;
  std::vector<bool> met;
  std::string phase;
};

Provenance size_provenance(const JsonFile& sizing, const fs::path& folder) {
  const Json& root = sizing.root();
  const Json& scenario = sizing.object(root, "scenario");
  const Json& file = sizing.object(root, "sizing");
  const std::string objective = sizing.text(root, "objective");
  Provenance provenance;
  provenance.rows = {
      {"Results", "crisis-sim size, " + folder.string()},
      {"Sizing file", sizing.text(file, "path", "sizing") + " (hash " + sizing.text(file, "hash", "sizing") + ")"},
      {"Scenario", sizing.text(scenario, "name", "scenario")},
      {"Scenario file", sizing.text(scenario, "path", "scenario")},
      {"Scenario hash", sizing.text(scenario, "hash", "scenario")},
      {"Models", join(sizing.text_list(root, "models"), ", ")},
      {"Seed (the same for every mix)", sizing.whole_number_text(root, "seed")},
      {"Replications per mix", sizing.whole_number_text(root, "replications")},
      {"Horizon (days)", days_text(sizing.number(root, "horizon_days"))},
      {"Warm-up (days)", days_text(sizing.number(root, "warmup_days"))},
      {"Objective", objective},
      {"Produced by", "crisis-sim " + sizing.text(root, "crisis_sim_version")}};
  return provenance;
}

Targets read_targets(const JsonFile& sizing) {
  const Json& root = sizing.root();
  Targets targets;
  const Json& target_list = sizing.array(root, "targets");
  for (std::size_t t = 0; t < target_list.size(); ++t) {
    const std::string where = fmt::format("targets[{}]", t);
    const std::string measure = sizing.text(target_list[t], "measure", where);
    const double bound = sizing.number(target_list[t], "bound", where);
    targets.rules.emplace_back(measure, sizing.text(target_list[t], "relation", where) + " " + format_number(bound));
    targets.bounds.push_back(bound);
  }
  return targets;
}

/// The chosen mix: its unit types and, for each, its roster as a week heat map.
void chosen_mix(Page& page, const JsonFile& sizing, const Json& chosen) {
  std::vector<std::vector<std::string>> rows;
  for (const Json& type : sizing.array(chosen, "unit_types", "chosen")) {
    rows.push_back({sizing.text(type, "unit_type", "chosen.unit_types"),
                    number_text(sizing.number(type, "posts", "chosen.unit_types")),
                    number_text(sizing.number(type, "fte", "chosen.unit_types")),
                    number_text(sizing.number(type, "on_duty_hours_per_year", "chosen.unit_types")),
                    number_text(sizing.number(type, "staff_cost_annual", "chosen.unit_types"))});
  }
  page.table({"unit type", "posts (average on duty)", "FTE", "on-duty unit-hours a year", "staff cost a year"}, rows,
             "The chosen mix");
  // Its roster: units on duty by hour of the week.
  for (const Json& type : sizing.array(chosen, "unit_types", "chosen")) {
    const std::string type_name = sizing.text(type, "unit_type", "chosen.unit_types");
    const Json& roster = sizing.array(type, "on_duty_by_hour_of_week", "chosen.unit_types");
    if (roster.size() != 168) sizing.fail("chosen.unit_types.on_duty_by_hour_of_week", "expected 168 numbers");
    Json z = Json::array();
    std::vector<std::vector<std::string>> roster_rows;
    for (std::size_t day = 0; day < 7; ++day) {
      Json z_row = Json::array();
      std::vector<std::string> row = {kDayNames[day]};
      for (std::size_t hour = 0; hour < 24; ++hour) {
        const Json& units = roster[day * 24 + hour];
        if (!units.is_number()) sizing.fail("chosen.unit_types.on_duty_by_hour_of_week", "expected 168 numbers");
        z_row.push_back(units);
        row.push_back(units.dump());
      }
      z.push_back(std::move(z_row));
      roster_rows.push_back(std::move(row));
    }
    week_heatmap(page,
                 Json{{"z", z},
                      {"colorscale", "Blues"},
                      {"reversescale", true},
                      {"hovertemplate", "%{y} %{x}:00: %{z} units on duty<extra></extra>"},
                      {"colorbar", {{"title", {{"text", "units"}}}}}},
                 "Chosen mix: " + type_name + " units on duty by hour of the week");
    page.table(week_table_header(), roster_rows, "The numbers: " + type_name + " units on duty by hour", true);
  }
}

std::vector<Candidate> read_candidates(const JsonFile& sizing, const Targets& target_rules) {
  const Json& root = sizing.root();
  const auto& targets = target_rules.rules;
  std::vector<Candidate> candidates;
  const Json& frontier = sizing.array(root, "frontier");
  for (std::size_t c = 0; c < frontier.size(); ++c) {
    const std::string where = fmt::format("frontier[{}]", c);
    const Json& entry = frontier[c];
    Candidate candidate;
    candidate.phase = sizing.text(entry, "phase", where);
    std::vector<std::string> units;
    for (const auto& [variable, value] : sizing.object(entry, "units", where).items()) {
      units.push_back(variable + " " + value.dump());
    }
    candidate.label = fmt::format("#{} {}", sizing.field(entry, "id", where).dump(), join(units, ", "));
    candidate.staff_cost = sizing.number(entry, "staff_cost_annual", where);
    candidate.fte = sizing.number(entry, "fte", where);
    const auto flag = [&](const std::string& key) {
      const Json& value = sizing.field(entry, key, where);
      if (!value.is_boolean()) sizing.fail(where + "." + key, "expected true or false");
      return value.get<bool>();
    };
    candidate.feasible = flag("feasible");
    candidate.chosen = flag("chosen");
    candidate.runnable = flag("runnable");
    const Json& objective_entry = sizing.field(entry, "objective", where);
    if (objective_entry.is_object()) candidate.objective = sizing.stat(objective_entry, where + ".objective");
    const Json& target_entries = sizing.field(entry, "targets", where);
    for (std::size_t t = 0; t < targets.size(); ++t) {
      Stat s;
      bool met = false;
      if (target_entries.is_array() && t < target_entries.size() && target_entries[t].is_object()) {
        s = sizing.stat(target_entries[t], where + fmt::format(".targets[{}]", t));
        met = target_entries[t].value("met", false);
      } else if (target_entries.is_object() && target_entries.contains(targets[t].first)) {
        s = sizing.stat(target_entries[targets[t].first], where + ".targets." + targets[t].first);
        met = target_entries[targets[t].first].value("met", false);
      }
      candidate.targets.push_back(s);
      candidate.met.push_back(met);
    }
    candidates.push_back(std::move(candidate));
  }
  return candidates;
}

/// The mixes `keep` selects, by staff cost, with `y` of each.
Json frontier_trace(const std::vector<Candidate>& candidates, const std::string& trace,
                    const std::function<bool(const Candidate&)>& keep, const std::function<Stat(const Candidate&)>& y,
                    const Json& marker) {
  Json x = Json::array();
  Json text = Json::array();
  std::vector<Stat> ys;
  for (const Candidate& c : candidates) {
    if (!keep(c)) continue;
    x.push_back(json_number(c.staff_cost));
    text.push_back(c.label);
    ys.push_back(y(c));
  }
  return Json{{"type", "scatter"}, {"mode", "markers"},         {"name", trace}, {"x", x},
              {"y", means(ys)},    {"error_y", error_bars(ys)}, {"text", text},  {"marker", marker}};
}

/// `y` of every mix against its staff cost, with the target's `bound` as a dashed line.
void frontier_chart(Page& page, const std::vector<Candidate>& candidates, const std::string& title,
                    const std::string& y_title, const std::function<Stat(const Candidate&)>& y,
                    std::optional<double> bound) {
  Json data = Json::array();
  data.push_back(frontier_trace(
      candidates, "feasible", [](const Candidate& c) { return c.feasible && !c.chosen; }, y,
      Json{{"color", "#2e7d32"}, {"size", 9}}));
  data.push_back(frontier_trace(
      candidates, "not feasible", [](const Candidate& c) { return !c.feasible && !c.chosen; }, y,
      Json{{"color", "#9e9e9e"}, {"size", 8}, {"symbol", "x"}}));
  data.push_back(frontier_trace(
      candidates, "chosen mix", [](const Candidate& c) { return c.chosen; }, y,
      Json{{"color", "#d32f2f"}, {"size", 18}, {"symbol", "star"}, {"line", {{"color", "#1d2733"}, {"width", 1}}}}));
  Json layout = base_layout(title, "staff cost of the sized unit types per year", y_title);
  if (bound) {
    layout["shapes"] = Json::array({Json{{"type", "line"},
                                         {"xref", "paper"},
                                         {"x0", 0},
                                         {"x1", 1},
                                         {"y0", *bound},
                                         {"y1", *bound},
                                         {"line", {{"color", "#d32f2f"}, {"dash", "dash"}, {"width", 1}}}}});
  }
  page.chart(std::move(data), std::move(layout));
}

void frontier_section(Page& page, const std::vector<Candidate>& candidates, const Targets& target_rules,
                      const std::string& objective) {
  const auto& targets = target_rules.rules;
  const auto& bounds = target_rules.bounds;
  page.section("Cost and service frontier", "frontier");
  page.paragraph(
      "Every mix the search simulated, by the yearly staff cost of the sized unit types. The chosen mix is "
      "the star; feasible mixes meet every target with 95% confidence.");
  frontier_chart(
      page, candidates, "Objective (" + objective + ") against staff cost", objective,
      [](const Candidate& c) { return c.objective; }, std::nullopt);
  for (std::size_t t = 0; t < targets.size(); ++t) {
    frontier_chart(
        page, candidates, "Target " + targets[t].first + " " + targets[t].second + " (dashed line) against staff cost",
        targets[t].first, [t](const Candidate& c) { return c.targets[t]; }, bounds[t]);
  }
  std::vector<std::string> header = {"mix", "phase", "staff cost a year", "FTE", objective};
  for (const auto& [measure, rule] : targets) header.push_back(measure + " " + rule);
  header.insert(header.end(), {"feasible", "chosen"});
  std::vector<std::vector<std::string>> rows;
  for (const Candidate& c : candidates) {
    std::vector<std::string> row = {c.label, c.phase, number_text(c.staff_cost), number_text(c.fte),
                                    stat_text(c.objective)};
    for (std::size_t t = 0; t < targets.size(); ++t) row.push_back(stat_text(c.targets[t]) + (c.met[t] ? " met" : ""));
    row.push_back(c.feasible ? "yes" : c.runnable ? "no" : "not run");
    row.push_back(c.chosen ? "chosen" : "");
    rows.push_back(std::move(row));
  }
  page.table(header, rows, "Every simulated mix: mean [95% interval]");
}

}  // namespace

std::string size_report(const fs::path& folder, Page& page) {
  const JsonFile sizing(folder / "sizing.json");
  const Json& root = sizing.root();
  provenance_section(page, size_provenance(sizing, folder));
  const Json& scenario = sizing.object(root, "scenario");
  const std::string objective = sizing.text(root, "objective");

  const Json& feasible_value = sizing.field(root, "feasible", "");
  if (!feasible_value.is_boolean()) sizing.fail("feasible", "expected true or false");
  page.section("The answer", "answer");
  page.paragraph(sizing.text(root, "message"));
  const Targets targets = read_targets(sizing);
  const Json& chosen = sizing.field(root, "chosen", "");
  if (!chosen.is_null()) chosen_mix(page, sizing, chosen);
  frontier_section(page, read_candidates(sizing, targets), targets, objective);
  return sizing.text(scenario, "name", "scenario");
}

}  // namespace crisis::io::report_detail
