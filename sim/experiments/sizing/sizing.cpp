#include "experiments/sizing/sizing.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <numeric>
#include <optional>
#include <set>
#include <string_view>

#include <fmt/format.h>

#include "crisis/build_info.hpp"
#include "engine/errors.hpp"
#include "engine/queueing.hpp"
#include "engine/replication_runner.hpp"
#include "results/results_writer.hpp"
#include "world/world.hpp"

namespace crisis::io {

using world::kHoursPerWeek;
using world::Roster;

namespace {

constexpr long long kMaxUnits = 100000;  // as the scenario loader's roster limit
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr int kWeekHours = static_cast<int>(kHoursPerWeek);
constexpr double kWeeksPerYear = kHoursPerYear / static_cast<double>(kHoursPerWeek);
constexpr std::array<std::string_view, 7> kDayKeys = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
constexpr std::array<std::string_view, 7> kDayLabels = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};

std::string form_key(SizingForm form) {
  switch (form) {
    case SizingForm::constant:
      return "constant";
    case SizingForm::shifts:
      return "shifts";
    case SizingForm::blocks:
      return "blocks";
  }
  return "constant";
}

std::string hex(std::uint64_t value) { return fmt::format("{:016x}", value); }

std::string hour_of_week_label(int hour) {
  const int h = ((hour % kWeekHours) + kWeekHours) % kWeekHours;
  return fmt::format("{} {:02}:00", kDayLabels[static_cast<std::size_t>(h / 24)], h % 24);
}

/// Hours covered by a block that starts at `start_hour` on each of `days` and lasts `hours`.
Roster block_coverage(int start_hour, int hours, const std::array<bool, 7>& days) {
  Roster coverage{};
  for (int day = 0; day < 7; ++day) {
    if (!days[static_cast<std::size_t>(day)]) continue;
    for (int i = 0; i < hours; ++i) coverage[static_cast<std::size_t>((day * 24 + start_hour + i) % kWeekHours)] += 1;
  }
  return coverage;
}

/// When each hour is covered: "06:00-16:00 daily", "all week", or a list of runs.
std::string coverage_label(const Roster& coverage) {
  if (std::all_of(coverage.begin(), coverage.end(), [&](int c) { return c > 0 && c == coverage[0]; }))
    return "all week";
  struct Run {
    int start;
    int hours;
  };
  std::vector<Run> runs;
  for (int h = 0; h < kWeekHours; ++h) {
    const bool on = coverage[static_cast<std::size_t>(h)] > 0;
    const bool before = coverage[static_cast<std::size_t>((h + kWeekHours - 1) % kWeekHours)] > 0;
    if (!on || before) continue;
    int length = 0;
    while (length < kWeekHours && coverage[static_cast<std::size_t>((h + length) % kWeekHours)] > 0) ++length;
    runs.push_back({h, length});
  }
  if (runs.empty()) return "never";
  const bool alike = std::all_of(runs.begin(), runs.end(), [&](const Run& r) {
    return r.start % 24 == runs[0].start % 24 && r.hours == runs[0].hours && r.hours <= 24;
  });
  if (alike) {
    const int start = runs[0].start % 24;
    const int end = (start + runs[0].hours) % 24;
    std::string text = fmt::format("{:02}:00-{:02}:00", start, end == 0 ? 24 : end);
    if (runs.size() == 7) return text + " daily";
    std::vector<std::string> days;
    for (const Run& r : runs) days.emplace_back(kDayLabels[static_cast<std::size_t>(r.start / 24)]);
    return text + " " + fmt::format("{}", fmt::join(days, ","));
  }
  std::vector<std::string> parts;
  for (const Run& r : runs) parts.push_back(fmt::format("{} +{} h", hour_of_week_label(r.start), r.hours));
  return fmt::format("{}", fmt::join(parts, ", "));
}

// ---- reading the sizing file ---------------------------------------------------------------

struct Range {
  int min = 0;
  int max = 0;
};

Range read_range(MapReader& map) {
  Range range;
  range.min = static_cast<int>(map.integer("min", std::nullopt, 0, kMaxUnits));
  range.max = static_cast<int>(map.integer("max", std::nullopt, 0, kMaxUnits));
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

std::vector<VaryEntry> read_vary(YamlReader& reader, const YAML::Node& node) {
  std::vector<VaryEntry> entries;
  if (!node.IsDefined()) {
    reader.problem(
        node, "vary",
        "missing: expected a list of unit types to size, e.g. [{unit_type: patrol, constant: {min: 5, max: 30}}]");
    return entries;
  }
  if (!node.IsSequence() || node.size() == 0) {
    reader.problem(node, "vary",
                   "expected a non-empty list of unit types to size, e.g. [{unit_type: patrol, constant: {min: 5, max: "
                   "30}}], got " +
                       describe(node));
    return entries;
  }
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
    auto variable = [&](SizingForm form, int index, const std::string& path) {
      SizingVariable v;
      v.unit_type = entry.unit_type;
      v.form = form;
      v.index = index;
      v.key_path = path;
      return v;
    };
    if (constant.IsDefined()) {
      entry.form = SizingForm::constant;
      entry.form_node = constant;
      MapReader range_map(reader, constant, entry.path + ".constant");
      SizingVariable v = variable(SizingForm::constant, 0, entry.path + ".constant");
      const Range range = read_range(range_map);
      v.min = range.min;
      v.max = range.max;
      range_map.finish();
      entry.variables.push_back(std::move(v));
    } else if (shifts.IsDefined()) {
      entry.form = SizingForm::shifts;
      entry.form_node = shifts;
      if (!shifts.IsSequence() || shifts.size() == 0) {
        reader.problem(shifts, entry.path + ".shifts",
                       "expected a list with one {min, max} per shift of the roster, got " + describe(shifts));
      } else {
        for (std::size_t k = 0; k < shifts.size(); ++k) {
          const std::string path = fmt::format("{}.shifts[{}]", entry.path, k);
          MapReader range_map(reader, shifts[k], path);
          SizingVariable v = variable(SizingForm::shifts, static_cast<int>(k), path);
          const Range range = read_range(range_map);
          v.min = range.min;
          v.max = range.max;
          range_map.finish();
          entry.variables.push_back(std::move(v));
        }
      }
    } else if (blocks.IsDefined()) {
      entry.form = SizingForm::blocks;
      entry.form_node = blocks;
      if (!blocks.IsSequence() || blocks.size() == 0) {
        reader.problem(blocks, entry.path + ".blocks",
                       "expected a list of {start_hour, hours, min, max}, got " + describe(blocks));
      } else {
        for (std::size_t k = 0; k < blocks.size(); ++k) {
          const std::string path = fmt::format("{}.blocks[{}]", entry.path, k);
          MapReader block(reader, blocks[k], path);
          SizingVariable v = variable(SizingForm::blocks, static_cast<int>(k), path);
          v.start_hour = static_cast<int>(block.integer("start_hour", std::nullopt, 0, 23));
          v.hours = static_cast<int>(block.integer("hours", std::nullopt, 1, 24));
          v.days.fill(true);
          const YAML::Node days = block.child("days");
          if (days.IsDefined()) {
            v.days.fill(false);
            const std::vector<std::string> choices(kDayKeys.begin(), kDayKeys.end());
            if (!days.IsSequence() || days.size() == 0) {
              reader.problem(days, path + ".days", "expected a list of days such as [mon, tue], got " + describe(days));
            } else {
              for (std::size_t d = 0; d < days.size(); ++d) {
                const std::string day_path = fmt::format("{}.days[{}]", path, d);
                const auto word = read_text(reader, days[d], day_path);
                if (!word) continue;
                const auto found = std::find(choices.begin(), choices.end(), *word);
                if (found == choices.end()) {
                  const std::string suggestion = closest_match(*word, choices);
                  reader.problem(days[d], day_path,
                                 "expected one of mon, tue, wed, thu, fri, sat, sun, got " + describe(days[d]) +
                                     (suggestion.empty() ? "" : " (did you mean '" + suggestion + "'?)"));
                  continue;
                }
                v.days[static_cast<std::size_t>(found - choices.begin())] = true;
              }
            }
          }
          const Range range = read_range(block);
          v.min = range.min;
          v.max = range.max;
          block.finish();
          entry.variables.push_back(std::move(v));
        }
        // Blocks of one type must not overlap: each hour has one number of units.
        for (std::size_t a = 0; a < entry.variables.size(); ++a) {
          const Roster cover_a =
              block_coverage(entry.variables[a].start_hour, entry.variables[a].hours, entry.variables[a].days);
          for (std::size_t b = 0; b < a; ++b) {
            const Roster cover_b =
                block_coverage(entry.variables[b].start_hour, entry.variables[b].hours, entry.variables[b].days);
            for (int h = 0; h < kWeekHours; ++h) {
              if (cover_a[static_cast<std::size_t>(h)] > 0 && cover_b[static_cast<std::size_t>(h)] > 0) {
                reader.problem(blocks[a], entry.variables[a].key_path,
                               fmt::format("overlaps {} at {}; blocks of one unit type must not overlap",
                                           entry.variables[b].key_path, hour_of_week_label(h)));
                break;
              }
            }
          }
        }
      }
    }
    map.finish();
    entries.push_back(std::move(entry));
  }
  return entries;
}

std::vector<SizingTarget> read_targets(YamlReader& reader, const YAML::Node& node) {
  std::vector<SizingTarget> targets;
  const std::string example = "e.g. [{measure: response_min.p90, at_most: 20}]";
  if (!node.IsDefined()) {
    reader.problem(node, "targets", "missing: expected a list of targets, " + example);
    return targets;
  }
  if (!node.IsSequence() || node.size() == 0) {
    reader.problem(node, "targets", "expected a non-empty list of targets, " + example + ", got " + describe(node));
    return targets;
  }
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

// ---- the sizing problem --------------------------------------------------------------------

/// Per-hour pilot tallies for one replication, per sized type: calls whose first unit was of
/// the type and their busy minutes, by the hour of the week the call arrived (offered load);
/// and the same busy time as it fell in the measurement window (carried, for calibration).
struct PilotTally {
  std::vector<double> measures;
  std::vector<std::array<double, kHoursPerWeek>> calls;
  std::vector<std::array<double, kHoursPerWeek>> busy_min;
  std::vector<double> busy_in_window_min;
};

/// Adds the part of [from, to) (minutes) that falls inside the window to the hour-of-week bins.
void spread_over_hours(double from, double to, double window_start, double window_end,
                       std::array<double, kHoursPerWeek>& bins) {
  double t = std::max(from, window_start);
  const double end = std::min(to, window_end);
  while (t < end) {
    const double hour_index = std::floor(t / 60.0);
    const double next = std::min(end, (hour_index + 1.0) * 60.0);
    const auto bin = static_cast<std::size_t>(static_cast<long long>(hour_index) % kWeekHours);
    bins[bin] += next - t;
    t = next;
  }
}

class Sizer {
 public:
  Sizer(const SizingSpec& spec, const SizingOptions& options, const world::ModelRegistry& registry)
      : options_(options), registry_(registry) {
    result_.spec = spec;
  }

  SizingResult run();

 private:
  const SizingSpec& spec() const { return result_.spec; }
  std::vector<Override> base_overrides() const;
  std::vector<Override> mix_overrides(const std::vector<int>& units) const;
  [[noreturn]] void rethrow_located(const InputError& error) const;
  void prepare();
  void check_names(const world::World& world);
  void pilot();
  void bounds();
  void search();
  void choose();

  std::optional<std::size_t> evaluate(const std::vector<int>& units, const std::string& phase);
  const SizingCandidate& at(std::size_t index) const { return result_.candidates[index]; }
  SizingCandidate assess(std::vector<int> units, const std::string& phase,
                         const std::vector<std::vector<double>>& measures) const;
  bool erlang_stable(const std::vector<int>& units) const;
  double delay_index(std::size_t type, const std::vector<int>& units) const;
  std::size_t next_unit(std::size_t type, const std::vector<int>& mix) const;
  ErlangPrediction predict(std::size_t type, const std::vector<int>& units) const;
  double staff_cost(const std::vector<int>& units) const;
  double variable_cost(std::size_t variable) const;
  bool better(const SizingCandidate& a, const SizingCandidate& b) const;
  std::string describe_mix(const std::vector<int>& units) const;
  void report(const SizingCandidate& candidate) const;

  SizingResult result_;
  const SizingOptions& options_;
  const world::ModelRegistry& registry_;
  std::vector<std::string> measure_names_;
  std::size_t objective_index_ = 0;
  std::vector<std::size_t> target_indices_;
  std::vector<std::vector<std::vector<int>>> ladder_mixes_;  // per type, per level: the type's units
  std::map<std::vector<int>, std::size_t> evaluated_;
  int simulations_ = 0;
  bool budget_spent_ = false;
};

std::vector<Override> Sizer::base_overrides() const {
  std::vector<Override> overrides = spec().scenario_overrides;
  overrides.insert(overrides.end(), options_.overrides.begin(), options_.overrides.end());
  return overrides;
}

std::vector<Override> Sizer::mix_overrides(const std::vector<int>& units) const {
  std::vector<Override> overrides = base_overrides();
  for (std::size_t t = 0; t < result_.types.size(); ++t) {
    const SizedUnitType& type = result_.types[t];
    const std::string prefix =
        fmt::format("unit_types[{}].roster", spec().variables[type.variables.front()].scenario_type_index);
    switch (type.form) {
      case SizingForm::constant:
        overrides.push_back({prefix + ".constant", std::to_string(units[type.variables.front()])});
        break;
      case SizingForm::shifts:
        for (std::size_t v : type.variables) {
          overrides.push_back(
              {fmt::format("{}.shifts[{}].units", prefix, spec().variables[v].index), std::to_string(units[v])});
        }
        break;
      case SizingForm::blocks: {
        const Roster roster = result_.roster(t, units);
        overrides.push_back({prefix, fmt::format("{{weekly: [{}]}}", fmt::join(roster, ", "))});
        break;
      }
    }
  }
  return overrides;
}

/// Problems in the file's `set:` entries point at the sizing file; others stay as they are.
void Sizer::rethrow_located(const InputError& error) const {
  std::vector<InputProblem> problems;
  for (const InputProblem& problem : error.problems()) {
    InputProblem located = problem;
    for (const Override& o : spec().scenario_overrides) {
      const std::string flag = "--set " + o.path;
      const bool from_cli = std::any_of(options_.overrides.begin(), options_.overrides.end(),
                                        [&](const Override& c) { return c.path == o.path; });
      const bool under = problem.field == o.path || problem.field.rfind(o.path + ".", 0) == 0 ||
                         problem.field.rfind(o.path + "[", 0) == 0;
      if (!from_cli && (problem.file == flag || problem.field == flag || under)) {
        located = spec().reader.locate("set." + o.path, "in scenario " + spec().scenario_path + ": " +
                                                            (problem.field == flag ? "" : problem.field + ": ") +
                                                            problem.message);
        located.field = "set." + o.path;
      }
    }
    problems.push_back(std::move(located));
  }
  throw InputError(std::move(problems));
}

/// Types, coverage of each variable and the fixed part of each roster, through the loader
/// itself so that shift semantics (days, wrap-around) are the scenario's own.
void Sizer::prepare() {
  LoadedScenario base;
  try {
    base = load_scenario(spec().scenario_path, base_overrides(), registry_);
  } catch (const InputError& error) {
    rethrow_located(error);
  }
  const world::Scenario& scenario = base.scenario;
  result_.scenario_name = scenario.name;
  result_.scenario_hash = scenario.content_hash;
  result_.seed = scenario.run.seed;
  result_.replications = scenario.run.replications;
  result_.horizon_days = scenario.run.horizon_days;
  result_.warmup_days = scenario.run.warmup_days;
  if (scenario.run.replications < 2) {
    const std::string message =
        fmt::format("sizing needs at least 2 replications for a 95% interval, got {}", scenario.run.replications);
    const bool in_set = std::any_of(spec().scenario_overrides.begin(), spec().scenario_overrides.end(),
                                    [](const Override& o) { return o.path == "run.replications"; });
    throw InputError(in_set ? spec().reader.locate("set.run.replications", message)
                            : InputProblem{spec().scenario_path, 0, 0, "run.replications",
                                           message + " (set: run.replications or --replications)"});
  }

  result_.coverage.assign(spec().variables.size(), Roster{});
  for (std::size_t v = 0; v < spec().variables.size(); ++v) {
    const SizingVariable& variable = spec().variables[v];
    const auto type_index = static_cast<std::size_t>(variable.scenario_type_index);
    auto found = std::find_if(result_.types.begin(), result_.types.end(),
                              [&](const SizedUnitType& t) { return t.name == variable.unit_type; });
    if (found == result_.types.end()) {
      SizedUnitType type;
      const world::UnitTypeSpec& unit = scenario.unit_types[type_index];
      type.name = unit.name;
      type.cost_per_hour = unit.cost_per_hour;
      type.staff_per_unit = std::max(1, unit.officers + unit.clinicians);
      type.form = variable.form;
      if (variable.form == SizingForm::blocks) type.fixed = unit.roster;
      result_.types.push_back(std::move(type));
      found = result_.types.end() - 1;
    }
    found->variables.push_back(v);
    switch (variable.form) {
      case SizingForm::constant:
        result_.coverage[v].fill(1);
        break;
      case SizingForm::blocks:
        result_.coverage[v] = block_coverage(variable.start_hour, variable.hours, variable.days);
        for (int h = 0; h < kWeekHours; ++h) {
          if (result_.coverage[v][static_cast<std::size_t>(h)] > 0) found->fixed[static_cast<std::size_t>(h)] = 0;
        }
        break;
      case SizingForm::shifts:
        break;  // below, once every shift of the type is known
    }
  }
  // A shift's hours: the roster with that shift at one unit and the type's others at none.
  for (const SizedUnitType& type : result_.types) {
    if (type.form != SizingForm::shifts) continue;
    for (std::size_t v : type.variables) {
      std::vector<Override> overrides = base_overrides();
      const SizingVariable& variable = spec().variables[v];
      for (std::size_t other : type.variables) {
        overrides.push_back({fmt::format("unit_types[{}].roster.shifts[{}].units", variable.scenario_type_index,
                                         spec().variables[other].index),
                             other == v ? "1" : "0"});
      }
      try {
        result_.coverage[v] = load_scenario(spec().scenario_path, overrides, registry_)
                                  .scenario.unit_types[static_cast<std::size_t>(variable.scenario_type_index)]
                                  .roster;
      } catch (const InputError& error) {
        throw InputError(spec().reader.locate(variable.key_path, "cannot set this shift's units in scenario " +
                                                                     spec().scenario_path + ": " +
                                                                     error.problems().front().to_string()));
      }
    }
  }
}

void Sizer::check_names(const world::World& world) {
  measure_names_ = world.measure_names();
  std::vector<InputProblem> problems;
  auto find_measure = [&](const std::string& name, const std::string& path) -> std::size_t {
    const auto it = std::find(measure_names_.begin(), measure_names_.end(), name);
    if (it != measure_names_.end()) return static_cast<std::size_t>(it - measure_names_.begin());
    const std::string suggestion = closest_match(name, measure_names_);
    problems.push_back(spec().reader.locate(
        path, "no measure named '" + name + "' in this scenario" +
                  (suggestion.empty() ? "" : " (did you mean '" + suggestion + "'?)") +
                  "; the measures are listed in docs/scenario-format.md, \"Measures\", and in any summary.json"));
    return 0;
  };
  objective_index_ = find_measure(spec().objective, "objective");
  for (const SizingTarget& target : spec().targets)
    target_indices_.push_back(find_measure(target.measure, target.key_path + ".measure"));

  // A type that no rule sends does nothing: sizing it would only move costs.
  const world::ResponsePlan& plan = world.plan();
  result_.models = plan.applied_models;
  for (SizedUnitType& type : result_.types) {
    const int index = plan.unit_type_index(type.name);
    bool sent = index >= 0 && index == plan.routing.crisis_line_unit_type;
    bool waits = false;       // some call waits for this type as long as it takes
    bool falls_back = false;  // some call moves on to another type after a wait limit
    double limit = 0.0;
    auto scan = [&](const std::vector<world::DispatchOption>& options) {
      for (std::size_t i = 0; i < options.size(); ++i) {
        if (options[i].unit_type != index) continue;
        sent = true;
        if (i + 1 < options.size() && std::isfinite(options[i].wait_limit)) {
          falls_back = true;
          limit = std::max(limit, options[i].wait_limit);
        } else {
          waits = true;
        }
      }
    };
    for (const auto& by_risk : plan.dispatch.crisis) {
      for (const auto& options : by_risk) scan(options);
    }
    for (const auto& options : plan.dispatch.background) scan(options);
    for (const auto& by_risk : plan.routing.after_phone) {
      for (const auto& options : by_risk) scan(options);
    }
    for (const auto& options : plan.backup_options) scan(options);
    if (index >= 0 && index == plan.routing.crisis_line_unit_type) {
      falls_back = true;  // callers give up, or call 911
      limit = std::max(limit, plan.routing.patience.expected());
    }
    type.overflow = falls_back && !waits;
    type.wait_limit_min = type.overflow ? limit : 0.0;
    if (!sent) {
      const SizingVariable& first = spec().variables[type.variables.front()];
      problems.push_back(spec().reader.locate(first.key_path.substr(0, first.key_path.find('.')) + ".unit_type",
                                              "unit type '" + type.name +
                                                  "' is not sent to any call by the scenario's models (" +
                                                  fmt::format("{}", fmt::join(plan.applied_models, ", ")) +
                                                  "); sizing it would change nothing but its cost"));
    }
  }
  if (!problems.empty()) throw InputError(std::move(problems));
}

double Sizer::variable_cost(std::size_t variable) const {
  const SizingVariable& v = spec().variables[variable];
  const auto type = std::find_if(result_.types.begin(), result_.types.end(),
                                 [&](const SizedUnitType& t) { return t.name == v.unit_type; });
  const Roster& coverage = result_.coverage[variable];
  const double hours = std::accumulate(coverage.begin(), coverage.end(), 0.0);
  return hours * type->cost_per_hour * kWeeksPerYear;
}

double Sizer::staff_cost(const std::vector<int>& units) const {
  double cost = 0.0;
  for (std::size_t t = 0; t < result_.types.size(); ++t) {
    const Roster roster = result_.roster(t, units);
    cost += std::accumulate(roster.begin(), roster.end(), 0.0) * result_.types[t].cost_per_hour * kWeeksPerYear;
  }
  return cost;
}

/// One replication at a time with its calls recorded, reduced at once to hourly tallies so
/// that memory does not grow with the horizon; the tallies are combined in replication order.
void Sizer::pilot() {
  std::vector<int> maxima;
  for (const SizingVariable& v : spec().variables) maxima.push_back(v.max);
  world::World world = [&] {
    try {
      return load_world(spec().scenario_path, mix_overrides(maxima), registry_);
    } catch (const InputError& error) {
      rethrow_located(error);
    }
  }();
  check_names(world);
  const world::ResponsePlan& plan = world.plan();
  std::vector<int> plan_index;  // sized type -> plan type
  for (const SizedUnitType& type : result_.types) plan_index.push_back(plan.unit_type_index(type.name));
  const auto replications = static_cast<std::size_t>(world.scenario().run.replications);
  const std::uint64_t seed = world.scenario().run.seed;
  const std::size_t types = result_.types.size();
  const auto tallies = engine::run_replications<PilotTally>(replications, options_.threads, [&](std::size_t r) {
    world::ReplicationResult replication = world.run_replication(seed, static_cast<std::uint32_t>(r), true);
    PilotTally tally;
    tally.measures = std::move(replication.measures);
    tally.calls.assign(types, {});
    tally.busy_min.assign(types, {});
    tally.busy_in_window_min.assign(types, 0.0);
    for (const world::CallRecord& call : replication.calls) {
      if (!call.in_window || call.unit_type < 0 || !std::isfinite(call.dispatch_min) || !std::isfinite(call.closed_min))
        continue;
      const auto it = std::find(plan_index.begin(), plan_index.end(), call.unit_type);
      if (it == plan_index.end()) continue;
      const auto t = static_cast<std::size_t>(it - plan_index.begin());
      const auto hour =
          static_cast<std::size_t>(static_cast<long long>(std::floor(call.arrival_min / 60.0)) % kWeekHours);
      tally.calls[t][hour] += 1.0;
      tally.busy_min[t][hour] += call.closed_min - call.dispatch_min;
      tally.busy_in_window_min[t] += std::max(
          0.0, std::min(call.closed_min, world.window_end_min) - std::max(call.dispatch_min, world.window_start_min));
    }
    return tally;
  });
  simulations_ += 1;

  // Minutes of the measurement window in each hour of the week (the same in every replication).
  std::array<double, kHoursPerWeek> exposure_min{};
  spread_over_hours(world.window_start_min, world.window_end_min, world.window_start_min, world.window_end_min,
                    exposure_min);
  for (std::size_t t = 0; t < types; ++t) {
    SizedUnitType& type = result_.types[t];
    std::array<double, kHoursPerWeek> calls{};
    std::array<double, kHoursPerWeek> busy{};
    double recorded_in_window = 0.0;  // first units' busy minutes inside the window
    double utilisation_busy = 0.0;    // every unit's, by the utilisation measure
    const std::size_t utilisation = static_cast<std::size_t>(
        std::find(measure_names_.begin(), measure_names_.end(), "utilisation." + type.name) - measure_names_.begin());
    for (const PilotTally& tally : tallies) {
      for (std::size_t h = 0; h < kHoursPerWeek; ++h) {
        calls[h] += tally.calls[t][h];
        busy[h] += tally.busy_min[t][h];
      }
      recorded_in_window += tally.busy_in_window_min[t];
      if (utilisation < measure_names_.size() && std::isfinite(tally.measures[utilisation])) {
        utilisation_busy +=
            tally.measures[utilisation] * world.on_duty_minutes_in_window[static_cast<std::size_t>(plan_index[t])];
      }
    }
    // The offered load is the calls that arrive in an hour times their busy time, whenever
    // they are served (so an overloaded pilot does not hide load). The call records hold each
    // call's first unit; the utilisation measure also counts backups and phone work, so the
    // busy time is scaled by the ratio of the two inside the window. A type with no field
    // calls (a crisis line) gets its measured busy time spread over its hours on duty.
    const Roster pilot_roster = result_.roster(t, maxima);
    if (recorded_in_window > 0.0) {
      const double scale = utilisation_busy > 0.0 ? utilisation_busy / recorded_in_window : 1.0;
      for (double& b : busy) b *= scale;
    } else if (utilisation_busy > 0.0) {
      const double on_duty = std::accumulate(pilot_roster.begin(), pilot_roster.end(), 0.0);
      double mean_service = 0.0;
      for (const auto& duration : plan.unit_types[static_cast<std::size_t>(plan_index[t])].on_scene)
        mean_service += duration.expected();
      mean_service = std::max(1.0, mean_service / static_cast<double>(world::kCrisisTypeCount));
      for (std::size_t h = 0; h < kHoursPerWeek; ++h) {
        busy[h] = on_duty > 0 ? utilisation_busy * pilot_roster[h] / on_duty : 0.0;
        calls[h] = busy[h] / mean_service;
      }
    }
    // Blocks: maximal runs of hours in which every variable of the type, and the fixed part,
    // are the same; within one, the number on duty cannot change.
    auto signature = [&](int h) {
      std::vector<int> s{type.fixed[static_cast<std::size_t>(h)]};
      for (std::size_t v : type.variables) s.push_back(result_.coverage[v][static_cast<std::size_t>(h)]);
      return s;
    };
    int first = 0;
    while (first < kWeekHours && signature(first) == signature((first + kWeekHours - 1) % kWeekHours)) ++first;
    if (first == kWeekHours) first = 0;  // the same all week: one block from Monday 00:00
    const double reps = static_cast<double>(replications);
    for (int offset = 0; offset < kWeekHours;) {
      const int start = (first + offset) % kWeekHours;
      int length = 1;
      while (offset + length < kWeekHours && signature((start + length) % kWeekHours) == signature(start)) ++length;
      OfferedLoadBlock block;
      block.start_hour_of_week = start;
      block.hours = length;
      double exposure = 0.0, block_calls = 0.0, busy_min = 0.0;
      for (int i = 0; i < length; ++i) {
        const auto h = static_cast<std::size_t>((start + i) % kWeekHours);
        exposure += exposure_min[h] * reps;
        block_calls += calls[h];
        busy_min += busy[h];
        if (std::any_of(type.variables.begin(), type.variables.end(),
                        [&](std::size_t v) { return result_.coverage[v][h] > 0; }))
          block.sized = true;
      }
      if (exposure > 0.0) {
        block.calls_per_hour = block_calls / exposure * 60.0;
        block.offered_erlangs = busy_min / exposure;
        block.mean_busy_min = block_calls > 0.0 ? busy_min / block_calls : 0.0;
      }
      block.lower_bound_units = !type.overflow && block.sized && block.offered_erlangs > 0.0
                                    ? static_cast<int>(std::floor(block.offered_erlangs)) + 1
                                    : 0;
      type.blocks.push_back(block);
      offset += length;
    }
  }

  std::vector<std::vector<double>> measures;
  for (const PilotTally& tally : tallies) measures.push_back(tally.measures);
  SizingCandidate candidate = assess(maxima, "pilot", measures);
  evaluated_[candidate.units] = result_.candidates.size();
  result_.candidates.push_back(std::move(candidate));
  report(result_.candidates.back());
}

ErlangPrediction Sizer::predict(std::size_t t, const std::vector<int>& units) const {
  const SizedUnitType& type = result_.types[t];
  const Roster roster = result_.roster(t, units);
  ErlangPrediction prediction;
  double weight = 0.0, waiting = 0.0, wait = 0.0, lost = 0.0;
  for (const OfferedLoadBlock& block : type.blocks) {
    if (!block.sized) continue;
    const int servers = roster[static_cast<std::size_t>(block.start_hour_of_week)];
    const double calls = block.calls_per_hour * block.hours;
    const engine::ErlangC queue = engine::erlang_c(block.offered_erlangs, servers);
    if (block.offered_erlangs > 0.0) {
      prediction.peak_occupancy =
          std::max(prediction.peak_occupancy, servers > 0 ? block.offered_erlangs / servers : kInf);
    }
    weight += calls;
    waiting += calls * queue.probability_of_wait;
    wait += calls > 0.0 ? calls * queue.mean_wait_in_services * block.mean_busy_min : 0.0;
    lost += calls * engine::erlang_b(block.offered_erlangs, servers);
  }
  if (weight > 0.0) {
    prediction.probability_of_wait = waiting / weight;
    prediction.mean_wait_min = wait / weight;
    prediction.lost_share = lost / weight;
  }
  return prediction;
}

/// Erlang's "calls x minutes of waiting" per week for one type, the quantity the greedy
/// search buys down. A type whose calls move on after a wait limit is scored by Erlang B's
/// lost calls x the limit (the calls it cannot take go elsewhere, they do not queue).
double Sizer::delay_index(std::size_t t, const std::vector<int>& units) const {
  const SizedUnitType& type = result_.types[t];
  const Roster roster = result_.roster(t, units);
  double index = 0.0;
  for (const OfferedLoadBlock& block : type.blocks) {
    if (!block.sized || block.offered_erlangs <= 0.0) continue;
    const int servers = roster[static_cast<std::size_t>(block.start_hour_of_week)];
    const double calls = block.calls_per_hour * block.hours;
    if (type.overflow) {
      index += calls * engine::erlang_b(block.offered_erlangs, servers) * std::max(1.0, type.wait_limit_min);
    } else {
      const engine::ErlangC queue = engine::erlang_c(block.offered_erlangs, servers);
      if (!queue.stable) return kInf;
      index += calls * queue.mean_wait_in_services * block.mean_busy_min;
    }
  }
  return index;
}

bool Sizer::erlang_stable(const std::vector<int>& units) const {
  for (std::size_t t = 0; t < result_.types.size(); ++t) {
    if (!result_.types[t].overflow && !std::isfinite(delay_index(t, units))) return false;
  }
  return true;
}

SizingCandidate Sizer::assess(std::vector<int> units, const std::string& phase,
                              const std::vector<std::vector<double>>& measures) const {
  SizingCandidate candidate;
  candidate.id = static_cast<int>(result_.candidates.size());
  candidate.phase = phase;
  candidate.units = std::move(units);
  candidate.staff_cost_annual = staff_cost(candidate.units);
  for (std::size_t t = 0; t < result_.types.size(); ++t) {
    const Roster roster = result_.roster(t, candidate.units);
    const double posts = std::accumulate(roster.begin(), roster.end(), 0.0) / static_cast<double>(kHoursPerWeek);
    candidate.fte += posts * result_.types[t].staff_per_unit * spec().relief_factor;
    candidate.erlang.push_back(predict(t, candidate.units));
  }
  auto column = [&](std::size_t index) {
    std::vector<double> values;
    for (const auto& replication : measures) values.push_back(replication[index]);
    return engine::summarize_replications(values);
  };
  candidate.objective = measures.empty() ? engine::ReplicationSummary{} : column(objective_index_);
  candidate.feasible = candidate.runnable = !measures.empty();
  for (std::size_t j = 0; j < spec().targets.size(); ++j) {
    const SizingTarget& target = spec().targets[j];
    TargetValue value;
    if (!measures.empty()) value.summary = column(target_indices_[j]);
    value.confident_value = target.at_most ? value.summary.high : value.summary.low;
    value.met = std::isfinite(value.confident_value) &&
                (target.at_most ? value.confident_value <= target.bound : value.confident_value >= target.bound);
    const double scale = std::fabs(target.bound) > 0.0 ? std::fabs(target.bound) : 1.0;
    if (!std::isfinite(value.confident_value)) {
      candidate.shortfall += 1.0;
    } else if (!value.met) {
      candidate.shortfall += std::fabs(value.confident_value - target.bound) / scale;
    }
    candidate.feasible = candidate.feasible && value.met;
    candidate.targets.push_back(value);
  }
  if (!candidate.runnable) candidate.shortfall = kInf;
  // c <= A in a block of a type whose calls all wait: infeasible whatever a finite run shows
  // (only the pilot can be such a mix; the search does not simulate them).
  if (candidate.runnable && !erlang_stable(candidate.units)) {
    candidate.feasible = false;
    candidate.note = "Erlang C: offered load at or above the units on duty in some block (utilisation >= 1)";
  }
  return candidate;
}

/// Simulate a mix, or find it among those simulated; its index in the candidates. Nothing
/// when the budget is spent, or when Erlang C already rules the mix out (c <= A in a block of
/// a type whose calls all wait).
std::optional<std::size_t> Sizer::evaluate(const std::vector<int>& units, const std::string& phase) {
  if (const auto found = evaluated_.find(units); found != evaluated_.end()) return found->second;
  if (!erlang_stable(units)) return std::nullopt;
  if (simulations_ >= spec().max_evaluations) {
    budget_spent_ = true;
    return std::nullopt;
  }
  simulations_ += 1;
  std::vector<std::vector<double>> measures;
  std::string note;
  try {
    const world::World world = load_world(spec().scenario_path, mix_overrides(units), registry_);
    for (std::size_t t = 0; t < result_.types.size(); ++t) {
      const int index = world.scenario().unit_type_index(result_.types[t].name);
      if (index < 0 ||
          world.scenario().unit_types[static_cast<std::size_t>(index)].roster != result_.roster(t, units)) {
        throw InvariantError("sizing: the roster built for unit type " + result_.types[t].name +
                             " is not the one the mix asks for");
      }
    }
    const RunResults run =
        run_world(world, world.scenario().run.seed, static_cast<std::size_t>(world.scenario().run.replications),
                  options_.threads, false);
    for (const auto& replication : run.replications) measures.push_back(replication.measures);
  } catch (const InputError& error) {
    note = "the scenario rejects this mix: " + error.problems().front().message;
  }
  SizingCandidate candidate = assess(units, phase, measures);
  if (!note.empty()) candidate.note = note;
  const std::size_t index = result_.candidates.size();
  evaluated_[candidate.units] = index;
  result_.candidates.push_back(std::move(candidate));
  report(result_.candidates.back());
  return index;
}

bool Sizer::better(const SizingCandidate& a, const SizingCandidate& b) const {
  if (a.objective.mean != b.objective.mean) return a.objective.mean < b.objective.mean;
  if (a.staff_cost_annual != b.staff_cost_annual) return a.staff_cost_annual < b.staff_cost_annual;
  return a.id < b.id;
}

std::string Sizer::describe_mix(const std::vector<int>& units) const {
  std::vector<std::string> parts;
  for (const SizedUnitType& type : result_.types) {
    std::vector<std::string> numbers;
    for (std::size_t v : type.variables) numbers.push_back(std::to_string(units[v]));
    parts.push_back(type.name + " " + fmt::format("{}", fmt::join(numbers, "/")));
  }
  return fmt::format("{}", fmt::join(parts, ", "));
}

void Sizer::report(const SizingCandidate& c) const {
  if (!options_.progress) return;
  std::string line =
      fmt::format("[{}/{}] {:<11} {}: staff {:.0f}/yr, {} {}", simulations_, spec().max_evaluations, c.phase,
                  describe_mix(c.units), c.staff_cost_annual, spec().objective, with_decimals(c.objective.mean, 0));
  for (std::size_t j = 0; j < c.targets.size(); ++j) {
    line += fmt::format(", {} {}", spec().targets[j].measure, with_decimals(c.targets[j].confident_value, 3));
  }
  line += c.feasible ? " -> feasible" : (c.note.empty() ? " -> misses" : " -> " + c.note);
  options_.progress(line);
}

/// Erlang lower bounds: in every sized block of a type whose calls wait, c > A. Several
/// shifts can cover one block, so this is a small covering problem, solved greedily (the
/// unit that removes the most hours of deficit per cost), then trimmed.
void Sizer::bounds() {
  std::vector<int> units;
  for (const SizingVariable& v : spec().variables) units.push_back(v.min);
  for (std::size_t t = 0; t < result_.types.size(); ++t) {
    const SizedUnitType& type = result_.types[t];
    auto deficits = [&](const std::vector<int>& mix) {
      const Roster roster = result_.roster(t, mix);
      std::vector<int> deficit;
      for (const OfferedLoadBlock& block : type.blocks) {
        deficit.push_back(
            std::max(0, block.lower_bound_units - roster[static_cast<std::size_t>(block.start_hour_of_week)]));
      }
      return deficit;
    };
    for (;;) {
      const std::vector<int> deficit = deficits(units);
      if (std::all_of(deficit.begin(), deficit.end(), [](int d) { return d == 0; })) break;
      double best_score = 0.0;
      std::size_t best = spec().variables.size();
      for (std::size_t v : type.variables) {
        if (units[v] >= spec().variables[v].max) continue;
        double covered = 0.0;
        for (std::size_t b = 0; b < type.blocks.size(); ++b) {
          const int per_unit = result_.coverage[v][static_cast<std::size_t>(type.blocks[b].start_hour_of_week)];
          covered += std::min(deficit[b], per_unit) * type.blocks[b].hours;
        }
        const double score = covered / std::max(variable_cost(v), 1e-9);
        if (covered > 0.0 && score > best_score) {
          best_score = score;
          best = v;
        }
      }
      if (best == spec().variables.size()) {
        // No variable can close a deficit: even the ranges' maxima leave c <= A somewhere.
        for (std::size_t b = 0; b < type.blocks.size(); ++b) {
          if (deficit[b] == 0) continue;
          const OfferedLoadBlock& block = type.blocks[b];
          std::vector<int> maxima;
          for (const SizingVariable& v : spec().variables) maxima.push_back(v.max);
          result_.message = fmt::format(
              "no feasible mix within the ranges: {}'s offered load is {:.2f} Erlangs in {} +{} h (pilot at the "
              "ranges' "
              "maxima), and the ranges allow at most {} units on duty there; with c <= A the queue grows without bound",
              type.name, block.offered_erlangs, hour_of_week_label(block.start_hour_of_week), block.hours,
              result_.roster(t, maxima)[static_cast<std::size_t>(block.start_hour_of_week)]);
          break;
        }
        result_.lower_bound.clear();
        return;
      }
      units[best] += 1;
    }
    // Trim: drop units, dearest first, while every block still has c > A.
    std::vector<std::size_t> order = type.variables;
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return variable_cost(a) > variable_cost(b); });
    for (std::size_t v : order) {
      while (units[v] > spec().variables[v].min) {
        units[v] -= 1;
        const std::vector<int> deficit = deficits(units);
        if (std::any_of(deficit.begin(), deficit.end(), [](int d) { return d > 0; })) {
          units[v] += 1;
          break;
        }
      }
    }
  }
  result_.lower_bound = units;
}

/// The search (docs/sizing.md, "Method"):
/// 1. ladders: per type, from its lower bound, add one unit at a time where Erlang's
///    delay falls most per cost, up to the ranges' maxima;
/// 2. climb: from the lower bounds, step up the ladder of the type whose step cuts the
///    targets' shortfall most per cost (steps grow by a secant estimate);
/// 3. trim: per type, bisect down its ladder to the lowest level still feasible;
/// 4. refine: try removing single units (least Erlang damage per saving first) and adding
///    the next ladder unit of each type, keeping any feasible mix with a lower objective.
void Sizer::search() {
  const std::size_t types = result_.types.size();
  const std::size_t none = spec().variables.size();
  // 1. ladders
  ladder_mixes_.assign(types, {});
  for (std::size_t t = 0; t < types; ++t) {
    std::vector<int> mix = result_.lower_bound;
    ladder_mixes_[t].push_back(mix);
    for (;;) {
      const std::size_t next = next_unit(t, mix);
      if (next == none) break;
      mix[next] += 1;
      ladder_mixes_[t].push_back(mix);
    }
  }
  auto mix_at = [&](const std::vector<std::size_t>& levels) {
    std::vector<int> mix = result_.lower_bound;
    for (std::size_t t = 0; t < types; ++t) {
      for (std::size_t v : result_.types[t].variables) mix[v] = ladder_mixes_[t][levels[t]][v];
    }
    return mix;
  };

  // 2. climb
  std::vector<std::size_t> levels(types, 0);
  std::optional<std::size_t> current = evaluate(mix_at(levels), "lower_bound");
  if (!current) return;
  std::vector<std::size_t> steps(types, 1);
  while (!at(*current).feasible) {
    struct Option {
      std::size_t type;
      std::size_t step;
      std::size_t candidate;
      double ratio;
    };
    std::vector<Option> options;
    for (std::size_t t = 0; t < types; ++t) {
      const std::size_t top = ladder_mixes_[t].size() - 1;
      if (levels[t] >= top) continue;
      const std::size_t step = std::min(steps[t], top - levels[t]);
      std::vector<std::size_t> next = levels;
      next[t] += step;
      const std::optional<std::size_t> candidate = evaluate(mix_at(next), "search");
      if (!candidate) {
        if (budget_spent_) return;
        continue;
      }
      const SizingCandidate& before = at(*current);
      const SizingCandidate& after = at(*candidate);
      double ratio = -kInf;
      if (after.runnable && !before.runnable) {
        ratio = kInf;
      } else if (after.runnable) {
        ratio =
            (before.shortfall - after.shortfall) / std::max(after.staff_cost_annual - before.staff_cost_annual, 1e-9);
      }
      options.push_back({t, step, *candidate, ratio});
    }
    // A feasible step ends the climb (the cheapest, if several); otherwise the best ratio.
    const Option* chosen = nullptr;
    for (const Option& option : options) {
      if (at(option.candidate).feasible &&
          (chosen == nullptr || at(option.candidate).staff_cost_annual < at(chosen->candidate).staff_cost_annual)) {
        chosen = &option;
      }
    }
    if (chosen == nullptr) {
      for (const Option& option : options) {
        if (option.ratio > 0.0 && (chosen == nullptr || option.ratio > chosen->ratio)) chosen = &option;
      }
    }
    if (chosen == nullptr) {
      // No step helped: look further up every ladder, or stop at the tops.
      bool grew = false;
      for (std::size_t t = 0; t < types; ++t) {
        const std::size_t room = ladder_mixes_[t].size() - 1 - levels[t];
        if (steps[t] < room) {
          steps[t] = std::min(room, steps[t] * 2);
          grew = true;
        }
      }
      if (!grew) return;
      continue;
    }
    const double gain = at(*current).shortfall - at(chosen->candidate).shortfall;
    levels[chosen->type] += chosen->step;
    current = chosen->candidate;
    if (!at(*current).feasible && std::isfinite(gain) && gain > 0.0) {
      // Secant: as many levels again as the last step's gain per level says are needed.
      const double per_level = gain / static_cast<double>(chosen->step);
      const double needed = std::ceil(at(*current).shortfall / per_level);
      steps[chosen->type] = static_cast<std::size_t>(std::clamp(needed, 1.0, 4.0 * static_cast<double>(chosen->step)));
    }
  }

  // 3. trim
  for (int pass = 0; pass < 2; ++pass) {
    bool changed = false;
    for (std::size_t t = 0; t < types; ++t) {
      long long high = static_cast<long long>(levels[t]);
      long long low = -1;  // highest level known to miss a target
      for (long long level = high - 1; level >= 0; --level) {
        std::vector<std::size_t> probe = levels;
        probe[t] = static_cast<std::size_t>(level);
        const auto found = evaluated_.find(mix_at(probe));
        if (found != evaluated_.end() && !at(found->second).feasible) {
          low = level;
          break;
        }
      }
      while (high - low > 1) {
        const long long middle = low + (high - low) / 2;
        std::vector<std::size_t> probe = levels;
        probe[t] = static_cast<std::size_t>(middle);
        const std::optional<std::size_t> candidate = evaluate(mix_at(probe), "trim");
        if (!candidate && budget_spent_) return;
        if (candidate && at(*candidate).feasible) {
          high = middle;
        } else {
          low = middle;
        }
      }
      if (static_cast<std::size_t>(high) != levels[t]) {
        levels[t] = static_cast<std::size_t>(high);
        changed = true;
      }
    }
    if (!changed) break;
  }

  // 4. refine
  std::vector<int> best = mix_at(levels);
  for (;;) {
    const std::size_t here = evaluated_.at(best);
    struct Removal {
      std::vector<int> units;
      double damage_per_saving;
    };
    std::vector<Removal> removals;
    for (std::size_t t = 0; t < types; ++t) {
      for (std::size_t v : result_.types[t].variables) {
        if (best[v] <= spec().variables[v].min) continue;
        std::vector<int> fewer = best;
        fewer[v] -= 1;
        if (!erlang_stable(fewer)) continue;
        const double damage = delay_index(t, fewer) - delay_index(t, best);
        removals.push_back({fewer, damage / std::max(variable_cost(v), 1e-9)});
      }
    }
    std::stable_sort(removals.begin(), removals.end(),
                     [](const Removal& a, const Removal& b) { return a.damage_per_saving < b.damage_per_saving; });
    std::vector<std::vector<int>> moves;
    for (const Removal& removal : removals) moves.push_back(removal.units);
    // More units can lower the objective too, when they save outcome costs.
    for (std::size_t t = 0; t < types; ++t) {
      const std::size_t next = next_unit(t, best);
      if (next == none) continue;
      std::vector<int> more = best;
      more[next] += 1;
      moves.push_back(more);
    }
    bool moved = false;
    for (const std::vector<int>& move : moves) {
      const std::optional<std::size_t> candidate = evaluate(move, "refine");
      if (!candidate) {
        if (budget_spent_) return;
        continue;
      }
      if (at(*candidate).feasible && better(at(*candidate), at(here))) {
        best = move;
        moved = true;
        break;
      }
    }
    if (!moved) return;
  }
}

/// The variable of type `t` whose next unit buys the most Erlang delay per cost; with no delay
/// left to buy, the cheapest; `variables.size()` when every one is at its maximum.
std::size_t Sizer::next_unit(std::size_t t, const std::vector<int>& mix) const {
  const std::size_t none = spec().variables.size();
  std::size_t best = none;
  double best_ratio = 0.0;
  std::size_t cheapest = none;
  const double now = delay_index(t, mix);
  for (std::size_t v : result_.types[t].variables) {
    if (mix[v] >= spec().variables[v].max) continue;
    std::vector<int> next = mix;
    next[v] += 1;
    const double gain = now - delay_index(t, next);
    const double ratio = gain / std::max(variable_cost(v), 1e-9);
    if (gain > 1e-12 && ratio > best_ratio) {
      best_ratio = ratio;
      best = v;
    }
    if (cheapest == none || variable_cost(v) < variable_cost(cheapest)) cheapest = v;
  }
  return best != none ? best : cheapest;
}

void Sizer::choose() {
  const SizingCandidate* chosen = nullptr;
  for (const SizingCandidate& c : result_.candidates) {
    if (c.feasible && (chosen == nullptr || better(c, *chosen))) chosen = &c;
  }
  const SizingCandidate* reference = chosen;
  if (chosen != nullptr) {
    result_.chosen = chosen->id;
  } else {
    for (const SizingCandidate& c : result_.candidates) {
      if (c.runnable && (reference == nullptr || c.shortfall < reference->shortfall)) reference = &c;
    }
  }
  if (reference != nullptr && !spec().targets.empty()) {
    double least = kInf;
    for (std::size_t j = 0; j < spec().targets.size(); ++j) {
      const SizingTarget& target = spec().targets[j];
      const double value = reference->targets[j].confident_value;
      const double scale = std::fabs(target.bound) > 0.0 ? std::fabs(target.bound) : 1.0;
      const double slack =
          std::isfinite(value) ? (target.at_most ? target.bound - value : value - target.bound) / scale : -kInf;
      if (result_.binding_target < 0 || slack < least) {
        least = slack;
        result_.binding_target = static_cast<int>(j);
      }
    }
  }
  if (chosen != nullptr) {
    result_.message =
        fmt::format("least-cost mix meeting every target with 95% confidence, after {} simulations{}", simulations_,
                    budget_spent_ ? " (the evaluation budget ran out: a cheaper mix may exist)" : "");
  } else if (result_.message.empty()) {
    result_.message = fmt::format(
        "no feasible mix within the ranges: {} simulated mixes, none met every target with 95% confidence{}",
        simulations_, budget_spent_ ? " (the evaluation budget ran out)" : "");
  }
}

SizingResult Sizer::run() {
  prepare();
  pilot();
  const bool pilot_feasible = result_.candidates.front().feasible;
  const std::string pilot_note = result_.candidates.front().note;
  bounds();
  if (result_.lower_bound.empty()) {
    choose();
    return result_;
  }
  if (!pilot_feasible) {
    // More units do not make service worse: if the ranges' maxima miss a target, every mix does.
    (void)evaluate(result_.lower_bound, "lower_bound");
    choose();
    result_.message = "no feasible mix within the ranges: even with every range at its maximum, " +
                      (pilot_note.empty() ? std::string("a target is missed with 95% confidence") : pilot_note);
    return result_;
  }
  search();
  choose();
  return result_;
}

std::string target_relation(const SizingTarget& target) { return target.at_most ? "<=" : ">="; }

}  // namespace

std::string SizingVariable::name() const {
  return form == SizingForm::constant ? unit_type + ".constant"
                                      : fmt::format("{}.{}[{}]", unit_type, form_key(form), index);
}

std::string SizingTarget::text() const { return measure + " " + target_relation(*this) + " " + format_number(bound); }

Roster SizingResult::roster(std::size_t type, const std::vector<int>& units) const {
  Roster roster = types[type].fixed;
  for (std::size_t v : types[type].variables) {
    for (std::size_t h = 0; h < kHoursPerWeek; ++h) roster[h] += units[v] * coverage[v][h];
  }
  return roster;
}

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
  // The unit types and their roster forms, from the scenario file as written (the loader
  // checks everything else when the scenario is loaded).
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
  reader.throw_if_problems();
  spec.reader = std::move(reader);
  return spec;
}

SizingResult run_sizing(const SizingSpec& spec, const SizingOptions& options, const world::ModelRegistry& registry) {
  Sizer sizer(spec, options, registry);
  return sizer.run();
}

// ---- outputs ---------------------------------------------------------------------------------

namespace {

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
                       {"relation", target_relation(target)},
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
  json["sizing"] = {{"path", spec.path}, {"hash", hex(spec.content_hash)}, {"description", spec.description}};
  json["scenario"] = {
      {"name", result.scenario_name}, {"path", spec.scenario_path}, {"hash", hex(result.scenario_hash)}};
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
    targets.push_back({{"measure", t.measure}, {"relation", target_relation(t)}, {"bound", t.bound}});
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
