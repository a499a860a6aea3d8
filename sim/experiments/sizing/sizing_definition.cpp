#include "experiments/sizing/sizing.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>

#include <fmt/format.h>

#include "engine/errors.hpp"
#include "engine/limits.hpp"
#include "experiments/sizing/sizing_calendar.hpp"
#include "results/results_writer.hpp"

// Reading and checking a sizing file (docs/sizing.md): its schema, then its unit types against
// the scenario file as written. What needs the built scenario (measure names, the types the
// models send) is checked when sizing starts (sizing.cpp).
namespace crisis::io {

using detail::block_coverage;
using detail::hour_of_week_label;
using detail::kDayKeys;
using detail::kWeekHours;
using world::Roster;

namespace {

using engine::kMaxUnitsOnDuty;  // as the scenario loader's roster limit

struct Range {
  int min = 0;
  int max = 0;
};

Range read_range(MapReader& map) {
  Range range;
  range.min = static_cast<int>(map.integer("min", std::nullopt, 0, kMaxUnitsOnDuty));
  range.max = static_cast<int>(map.integer("max", std::nullopt, 0, kMaxUnitsOnDuty));
  if (map.valid() && range.max < range.min && map.has("max")) {
    map.reader().problem(map.child("max"), map.child_path("max"),
                         fmt::format("expected a number of units at least min ({}), got {}", range.min, range.max));
    range.max = range.min;
  }
  return range;
}

/// The roster form a unit type uses in the scenario file: constant, hourly, weekly or shifts.
std::string roster_form(const YAML::Node& roster) {
  if (!roster.IsDefined() || !roster.IsMap()) return "";
  for (const char* key : {"constant", "hourly", "weekly", "shifts"}) {
    if (roster[key].IsDefined()) return key;
  }
  return "";
}

struct VaryEntry {
  std::string unit_type;
  std::string path;
  YAML::Node unit_type_node;
  YAML::Node form_node;
  SizingForm form = SizingForm::constant;
  std::vector<SizingVariable> variables;
};

SizingVariable new_variable(const std::string& unit_type, SizingForm form, int index, const std::string& path) {
  SizingVariable v;
  v.unit_type = unit_type;
  v.form = form;
  v.index = index;
  v.key_path = path;
  return v;
}

/// A variable whose map holds just {min, max}: the constant, or one shift.
void add_range_variable(YamlReader& reader, const YAML::Node& node, VaryEntry& entry, SizingForm form, int index,
                        const std::string& path) {
  MapReader range_map(reader, node, path);
  SizingVariable v = new_variable(entry.unit_type, form, index, path);
  const Range range = read_range(range_map);
  v.min = range.min;
  v.max = range.max;
  range_map.finish();
  entry.variables.push_back(std::move(v));
}

/// A block's `days:` list into `days` (Monday first); every day when the key is absent.
void read_days(YamlReader& reader, const YAML::Node& node, const std::string& path, std::array<bool, 7>& days) {
  days.fill(true);
  if (!node.IsDefined()) return;
  days.fill(false);
  const std::vector<std::string> choices(kDayKeys.begin(), kDayKeys.end());
  if (!node.IsSequence() || node.size() == 0) {
    reader.problem(node, path + ".days", "expected a list of days such as [mon, tue], got " + describe(node));
    return;
  }
  for (std::size_t d = 0; d < node.size(); ++d) {
    const std::string day_path = fmt::format("{}.days[{}]", path, d);
    const auto word = read_text(reader, node[d], day_path);
    if (!word) continue;
    const auto found = std::find(choices.begin(), choices.end(), *word);
    if (found == choices.end()) {
      const std::string suggestion = closest_match(*word, choices);
      reader.problem(node[d], day_path,
                     "expected one of mon, tue, wed, thu, fri, sat, sun, got " + describe(node[d]) +
                         (suggestion.empty() ? "" : " (did you mean '" + suggestion + "'?)"));
      continue;
    }
    days[static_cast<std::size_t>(found - choices.begin())] = true;
  }
}

/// Blocks of one type must not overlap: each hour has one number of units.
void check_overlaps(YamlReader& reader, const YAML::Node& blocks, const std::vector<SizingVariable>& variables) {
  for (std::size_t a = 0; a < variables.size(); ++a) {
    const Roster cover_a = block_coverage(variables[a].start_hour, variables[a].hours, variables[a].days);
    for (std::size_t b = 0; b < a; ++b) {
      const Roster cover_b = block_coverage(variables[b].start_hour, variables[b].hours, variables[b].days);
      for (int h = 0; h < kWeekHours; ++h) {
        if (cover_a[static_cast<std::size_t>(h)] > 0 && cover_b[static_cast<std::size_t>(h)] > 0) {
          reader.problem(blocks[a], variables[a].key_path,
                         fmt::format("overlaps {} at {}; blocks of one unit type must not overlap",
                                     variables[b].key_path, hour_of_week_label(h)));
          break;
        }
      }
    }
  }
}

/// A `blocks:` list: one variable per {start_hour, hours, days, min, max}.
void read_blocks(YamlReader& reader, const YAML::Node& blocks, VaryEntry& entry) {
  if (!blocks.IsSequence() || blocks.size() == 0) {
    reader.problem(blocks, entry.path + ".blocks",
                   "expected a list of {start_hour, hours, min, max}, got " + describe(blocks));
    return;
  }
  for (std::size_t k = 0; k < blocks.size(); ++k) {
    const std::string path = fmt::format("{}.blocks[{}]", entry.path, k);
    MapReader block(reader, blocks[k], path);
    SizingVariable v = new_variable(entry.unit_type, SizingForm::blocks, static_cast<int>(k), path);
    v.start_hour = static_cast<int>(block.integer("start_hour", std::nullopt, 0, 23));
    v.hours = static_cast<int>(block.integer("hours", std::nullopt, 1, 24));
    read_days(reader, block.child("days"), path, v.days);
    const Range range = read_range(block);
    v.min = range.min;
    v.max = range.max;
    block.finish();
    entry.variables.push_back(std::move(v));
  }
  check_overlaps(reader, blocks, entry.variables);
}

/// True when `node` (at top-level `key`) is a non-empty list; otherwise a problem saying a list
/// of `what` was expected, with `example`.
bool is_nonempty_list(YamlReader& reader, const YAML::Node& node, const std::string& key, const std::string& what,
                      const std::string& example) {
  if (!node.IsDefined()) {
    reader.problem(node, key, "missing: expected a list of " + what + ", " + example);
    return false;
  }
  if (!node.IsSequence() || node.size() == 0) {
    reader.problem(node, key, "expected a non-empty list of " + what + ", " + example + ", got " + describe(node));
    return false;
  }
  return true;
}

std::vector<VaryEntry> read_vary(YamlReader& reader, const YAML::Node& node) {
  std::vector<VaryEntry> entries;
  if (!is_nonempty_list(reader, node, "vary", "unit types to size",
                        "e.g. [{unit_type: patrol, constant: {min: 5, max: 30}}]"))
    return entries;
  for (std::size_t i = 0; i < node.size(); ++i) {
    VaryEntry entry;
    entry.path = fmt::format("vary[{}]", i);
    MapReader map(reader, node[i], entry.path);
    entry.unit_type = map.text("unit_type", std::nullopt);
    entry.unit_type_node = map.child("unit_type");
    const YAML::Node constant = map.child("constant");
    const YAML::Node shifts = map.child("shifts");
    const YAML::Node blocks = map.child("blocks");
    const int forms = int{constant.IsDefined()} + int{shifts.IsDefined()} + int{blocks.IsDefined()};
    if (map.valid() && forms != 1) {
      reader.problem(node[i], entry.path,
                     std::string(forms == 0 ? "missing: " : "") +
                         "give exactly one of constant: {min, max}, shifts: [{min, max}, ...] (one per shift of the "
                         "unit type's roster) or blocks: [{start_hour, hours, min, max}, ...]");
    }
    if (constant.IsDefined()) {
      entry.form = SizingForm::constant;
      entry.form_node = constant;
      add_range_variable(reader, constant, entry, SizingForm::constant, 0, entry.path + ".constant");
    } else if (shifts.IsDefined()) {
      entry.form = SizingForm::shifts;
      entry.form_node = shifts;
      if (!shifts.IsSequence() || shifts.size() == 0) {
        reader.problem(shifts, entry.path + ".shifts",
                       "expected a list with one {min, max} per shift of the roster, got " + describe(shifts));
      } else {
        for (std::size_t k = 0; k < shifts.size(); ++k) {
          add_range_variable(reader, shifts[k], entry, SizingForm::shifts, static_cast<int>(k),
                             fmt::format("{}.shifts[{}]", entry.path, k));
        }
      }
    } else if (blocks.IsDefined()) {
      entry.form = SizingForm::blocks;
      entry.form_node = blocks;
      read_blocks(reader, blocks, entry);
    }
    map.finish();
    entries.push_back(std::move(entry));
  }
  return entries;
}

std::vector<SizingTarget> read_targets(YamlReader& reader, const YAML::Node& node) {
  std::vector<SizingTarget> targets;
  if (!is_nonempty_list(reader, node, "targets", "targets", "e.g. [{measure: response_min.p90, at_most: 20}]"))
    return targets;
  for (std::size_t j = 0; j < node.size(); ++j) {
    SizingTarget target;
    target.key_path = fmt::format("targets[{}]", j);
    MapReader map(reader, node[j], target.key_path);
    target.measure = map.text("measure", std::nullopt);
    const bool at_most = map.has("at_most");
    const bool at_least = map.has("at_least");
    if (map.valid() && at_most == at_least) {
      reader.problem(node[j], target.key_path,
                     std::string(at_most ? "" : "missing: ") +
                         "give exactly one of at_most (the measure must be <= it) or at_least (>=)");
    }
    target.at_most = at_most || !at_least;
    target.bound = map.number(target.at_most ? "at_most" : "at_least", 0.0, -1e15, 1e15);
    map.finish();
    targets.push_back(std::move(target));
  }
  return targets;
}

/// The vary entries' unit types and roster forms against the scenario file as written (the
/// loader checks everything else when the scenario is loaded); the variables into `spec`.
void add_variables(YamlReader& reader, std::vector<VaryEntry>& vary, SizingSpec& spec) {
  const YAML::Node scenario_root = load_yaml_file(spec.scenario_path);
  std::vector<std::string> type_names;
  std::vector<YAML::Node> rosters;
  if (scenario_root.IsMap() && scenario_root["unit_types"].IsSequence()) {
    for (const auto& unit : scenario_root["unit_types"]) {
      type_names.push_back(unit.IsMap() && unit["name"].IsScalar() ? unit["name"].Scalar() : std::string());
      rosters.push_back(unit.IsMap() ? unit["roster"] : YAML::Node());
    }
  }
  std::set<std::string> seen;
  for (VaryEntry& entry : vary) {
    const auto found = std::find(type_names.begin(), type_names.end(), entry.unit_type);
    if (found == type_names.end()) {
      const std::string suggestion = closest_match(entry.unit_type, type_names);
      reader.problem(entry.unit_type_node, entry.path + ".unit_type",
                     "no unit type '" + entry.unit_type + "' in " + spec.scenario_path +
                         (suggestion.empty() ? "" : " (did you mean '" + suggestion + "'?)") +
                         "; its unit types: " + fmt::format("{}", fmt::join(type_names, ", ")));
      continue;
    }
    if (!seen.insert(entry.unit_type).second) {
      reader.problem(entry.unit_type_node, entry.path + ".unit_type",
                     "unit type '" + entry.unit_type + "' is sized twice; give it one entry");
      continue;
    }
    const auto type_index = static_cast<std::size_t>(found - type_names.begin());
    const YAML::Node& roster = rosters[type_index];
    const std::string form = roster_form(roster);
    const std::string where = "unit type '" + entry.unit_type + "' has a" + (form == "hourly" ? "n " : " ") +
                              (form.empty() ? "missing" : form) + " roster in " + spec.scenario_path;
    if (entry.form == SizingForm::constant && form != "constant") {
      reader.problem(
          entry.form_node, entry.path + ".constant",
          where +
              "; constant varies roster.constant. Use shifts: (one {min, max} per shift) for a shifts roster, or "
              "blocks: for any roster");
    } else if (entry.form == SizingForm::shifts) {
      if (form != "shifts") {
        reader.problem(entry.form_node, entry.path + ".shifts",
                       where +
                           "; shifts varies roster.shifts[].units. Use constant: for a constant roster, or blocks: for "
                           "any roster");
      } else if (roster["shifts"].IsSequence() && roster["shifts"].size() != entry.variables.size()) {
        reader.problem(
            entry.form_node, entry.path + ".shifts",
            fmt::format("unit type '{}' has {} shifts in {}; give one {{min, max}} per shift, in the roster's order "
                        "(got {}; min = max keeps a shift fixed)",
                        entry.unit_type, roster["shifts"].size(), spec.scenario_path, entry.variables.size()));
      }
    }
    for (SizingVariable& v : entry.variables) {
      v.scenario_type_index = static_cast<int>(type_index);
      spec.variables.push_back(v);
    }
  }
}

}  // namespace

std::string SizingVariable::name() const {
  return form == SizingForm::constant ? unit_type + ".constant"
                                      : fmt::format("{}.{}[{}]", unit_type, detail::form_key(form), index);
}

std::string SizingTarget::relation() const { return at_most ? "<=" : ">="; }

std::string SizingTarget::text() const { return measure + " " + relation() + " " + format_number(bound); }

SizingSpec load_sizing(const std::string& path) {
  if (invalid_utf8_offset(path) != std::string::npos) {
    throw InputError(InputProblem{path, 0, 0, "", "the path is not valid UTF-8 text; rename the file"});
  }
  {
    // load_yaml_file would call an empty file an empty scenario.
    std::error_code error;
    std::ifstream in(path, std::ios::binary);
    std::string head(4096, '\0');
    in.read(head.data(), static_cast<std::streamsize>(head.size()));
    head.resize(static_cast<std::size_t>(in.gcount()));
    if (std::filesystem::is_regular_file(path, error) && in.gcount() < 4096 &&
        head.find_first_not_of(" \t\r\n") == std::string::npos) {
      throw InputError(InputProblem{path, 1, 1, "", "the file is empty; expected a sizing file (see docs/sizing.md)"});
    }
  }
  std::string text;
  const YAML::Node root = load_yaml_file(path, &text);
  SizingSpec spec;
  spec.path = path;
  spec.content_hash = fnv1a(text);
  YamlReader reader(path);
  MapReader top(reader, root, "");
  const std::string scenario = top.text("scenario", std::nullopt);
  spec.description = top.text("description", std::string());
  spec.relief_factor = top.number("relief_factor", kDefaultReliefFactor, 1.0, 10.0);
  spec.objective = top.text("objective", std::string("cost.annual"));
  const YAML::Node set = top.child("set");
  reader.know("set.<path>");
  if (set.IsDefined()) {
    MapReader sets(reader, set, "set");
    if (sets.valid()) {
      for (const auto& entry : set) {
        if (!entry.first.IsScalar()) {
          reader.problem(entry.first, "set",
                         "expected a scenario path such as run.replications, got " + describe(entry.first));
          continue;
        }
        reader.record(entry.first, "set." + entry.first.Scalar());
        YAML::Emitter emitter;
        emitter << YAML::Flow << entry.second;
        spec.scenario_overrides.push_back({entry.first.Scalar(), emitter.c_str()});
      }
    }
  }
  std::vector<VaryEntry> vary = read_vary(reader, top.child("vary"));
  spec.targets = read_targets(reader, top.child("targets"));
  const YAML::Node search = top.child("search");
  if (search.IsDefined()) {
    MapReader search_map(reader, search, "search");
    spec.max_evaluations = static_cast<int>(search_map.integer("max_evaluations", 40, 2, 10000));
    search_map.finish();
  }
  top.finish();
  reader.throw_if_problems();

  // The scenario, relative to the sizing file's folder.
  namespace fs = std::filesystem;
  const fs::path scenario_path =
      fs::path(scenario).is_absolute() ? fs::path(scenario) : fs::path(path).parent_path() / scenario;
  spec.scenario_path = scenario_path.lexically_normal().string();
  std::error_code error;
  if (!fs::is_regular_file(scenario_path, error)) {
    reader.problem(top.child("scenario"), "scenario",
                   "no scenario file at " + spec.scenario_path + " (the path is relative to the sizing file's folder)");
    reader.throw_if_problems();
  }
  add_variables(reader, vary, spec);
  reader.throw_if_problems();
  spec.reader = std::move(reader);
  return spec;
}

}  // namespace crisis::io
