#include "experiments/sizing/variable_mapping.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include <fmt/format.h>

#include "experiments/sizing/sizing_calendar.hpp"
#include "scenario/scenario_loader.hpp"

namespace crisis::io::detail {

using world::Roster;

std::vector<Override> base_overrides(const SizingInputs& inputs) {
  std::vector<Override> overrides = inputs.spec.scenario_overrides;
  overrides.insert(overrides.end(), inputs.options.overrides.begin(), inputs.options.overrides.end());
  return overrides;
}

std::vector<Override> mix_overrides(const SizingInputs& inputs, const SizingResult& result,
                                    const std::vector<int>& units) {
  std::vector<Override> overrides = base_overrides(inputs);
  for (std::size_t t = 0; t < result.types.size(); ++t) {
    const SizedUnitType& type = result.types[t];
    const std::string prefix =
        fmt::format("unit_types[{}].roster", inputs.spec.variables[type.variables.front()].scenario_type_index);
    switch (type.form) {
      case SizingForm::constant:
        overrides.push_back({prefix + ".constant", std::to_string(units[type.variables.front()])});
        break;
      case SizingForm::shifts:
        for (std::size_t v : type.variables) {
          overrides.push_back(
              {fmt::format("{}.shifts[{}].units", prefix, inputs.spec.variables[v].index), std::to_string(units[v])});
        }
        break;
      case SizingForm::blocks: {
        const Roster roster = result.roster(t, units);
        overrides.push_back({prefix, fmt::format("{{weekly: [{}]}}", fmt::join(roster, ", "))});
        break;
      }
    }
  }
  return overrides;
}

/// Problems in the file's `set:` entries point at the sizing file; others stay as they are.
void rethrow_located(const SizingInputs& inputs, const InputError& error) {
  std::vector<InputProblem> problems;
  for (const InputProblem& problem : error.problems()) {
    InputProblem located = problem;
    for (const Override& o : inputs.spec.scenario_overrides) {
      const std::string flag = "--set " + o.path;
      const bool from_cli = std::any_of(inputs.options.overrides.begin(), inputs.options.overrides.end(),
                                        [&](const Override& c) { return c.path == o.path; });
      const bool under = problem.field == o.path || problem.field.rfind(o.path + ".", 0) == 0 ||
                         problem.field.rfind(o.path + "[", 0) == 0;
      if (!from_cli && (problem_from_override(problem, o.path) || under)) {
        located = inputs.spec.reader.locate("set." + o.path, "in scenario " + inputs.spec.scenario_path + ": " +
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
void map_variables(const SizingInputs& inputs, SizingResult& result) {
  LoadedScenario base;
  try {
    base = load_scenario(inputs.spec.scenario_path, base_overrides(inputs), inputs.registry);
  } catch (const InputError& error) {
    rethrow_located(inputs, error);
  }
  const world::Scenario& scenario = base.scenario;
  result.scenario_name = scenario.name;
  result.scenario_hash = scenario.content_hash;
  result.seed = scenario.run.seed;
  result.replications = scenario.run.replications;
  result.horizon_days = scenario.run.horizon_days;
  result.warmup_days = scenario.run.warmup_days;
  if (scenario.run.replications < 2) {
    const std::string message =
        fmt::format("sizing needs at least 2 replications for a 95% interval, got {}", scenario.run.replications);
    const bool in_set = std::any_of(inputs.spec.scenario_overrides.begin(), inputs.spec.scenario_overrides.end(),
                                    [](const Override& o) { return o.path == "run.replications"; });
    throw InputError(in_set ? inputs.spec.reader.locate("set.run.replications", message)
                            : InputProblem{inputs.spec.scenario_path, 0, 0, "run.replications",
                                           message + " (set: run.replications or --replications)"});
  }

  result.coverage.assign(inputs.spec.variables.size(), Roster{});
  for (std::size_t v = 0; v < inputs.spec.variables.size(); ++v) {
    const SizingVariable& variable = inputs.spec.variables[v];
    const auto type_index = static_cast<std::size_t>(variable.scenario_type_index);
    auto found = std::find_if(result.types.begin(), result.types.end(),
                              [&](const SizedUnitType& t) { return t.name == variable.unit_type; });
    if (found == result.types.end()) {
      SizedUnitType type;
      const world::UnitTypeSpec& unit = scenario.unit_types[type_index];
      type.name = unit.name;
      type.cost_per_hour = unit.cost_per_hour;
      type.staff_per_unit = std::max(1, unit.officers + unit.clinicians);
      type.form = variable.form;
      if (variable.form == SizingForm::blocks) type.fixed = unit.roster;
      result.types.push_back(std::move(type));
      found = result.types.end() - 1;
    }
    found->variables.push_back(v);
    switch (variable.form) {
      case SizingForm::constant:
        result.coverage[v].fill(1);
        break;
      case SizingForm::blocks:
        result.coverage[v] = block_coverage(variable.start_hour, variable.hours, variable.days);
        for (int h = 0; h < kWeekHours; ++h) {
          if (result.coverage[v][static_cast<std::size_t>(h)] > 0) found->fixed[static_cast<std::size_t>(h)] = 0;
        }
        break;
      case SizingForm::shifts:
        break;  // below, once every shift of the type is known
    }
  }
  // A shift's hours: the roster with that shift at one unit and the type's others at none.
  for (const SizedUnitType& type : result.types) {
    if (type.form != SizingForm::shifts) continue;
    for (std::size_t v : type.variables) {
      std::vector<Override> overrides = base_overrides(inputs);
      const SizingVariable& variable = inputs.spec.variables[v];
      for (std::size_t other : type.variables) {
        overrides.push_back({fmt::format("unit_types[{}].roster.shifts[{}].units", variable.scenario_type_index,
                                         inputs.spec.variables[other].index),
                             other == v ? "1" : "0"});
      }
      try {
        result.coverage[v] = load_scenario(inputs.spec.scenario_path, overrides, inputs.registry)
                                 .scenario.unit_types[static_cast<std::size_t>(variable.scenario_type_index)]
                                 .roster;
      } catch (const InputError& error) {
        throw InputError(inputs.spec.reader.locate(variable.key_path, "cannot set this shift's units in scenario " +
                                                                          inputs.spec.scenario_path + ": " +
                                                                          error.problems().front().to_string()));
      }
    }
  }
}

MeasureIndices check_names(const SizingInputs& inputs, const world::World& world, SizingResult& result) {
  MeasureIndices indices;
  indices.names = world.measure_names();
  const std::vector<std::string>& names = indices.names;
  std::vector<InputProblem> problems;
  auto find_measure = [&](const std::string& name, const std::string& path) -> std::size_t {
    const auto it = std::find(names.begin(), names.end(), name);
    if (it != names.end()) return static_cast<std::size_t>(it - names.begin());
    const std::string suggestion = closest_match(name, names);
    problems.push_back(inputs.spec.reader.locate(
        path, "no measure named '" + name + "' in this scenario" +
                  (suggestion.empty() ? "" : " (did you mean '" + suggestion + "'?)") +
                  "; the measures are listed in docs/scenario-format.md, \"Measures\", and in any summary.json"));
    return 0;
  };
  indices.objective = find_measure(inputs.spec.objective, "objective");
  for (const SizingTarget& target : inputs.spec.targets)
    indices.targets.push_back(find_measure(target.measure, target.key_path + ".measure"));

  // A type that no rule sends does nothing: sizing it would only move costs.
  const world::ResponsePlan& plan = world.plan();
  result.models = plan.applied_models;
  for (SizedUnitType& type : result.types) {
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
      const SizingVariable& first = inputs.spec.variables[type.variables.front()];
      problems.push_back(inputs.spec.reader.locate(first.key_path.substr(0, first.key_path.find('.')) + ".unit_type",
                                                   "unit type '" + type.name +
                                                       "' is not sent to any call by the scenario's models (" +
                                                       fmt::format("{}", fmt::join(plan.applied_models, ", ")) +
                                                       "); sizing it would change nothing but its cost"));
    }
  }
  if (!problems.empty()) throw InputError(std::move(problems));
  return indices;
}

double variable_cost(const SizingResult& result, std::size_t variable) {
  const SizingVariable& v = result.spec.variables[variable];
  const auto type = std::find_if(result.types.begin(), result.types.end(),
                                 [&](const SizedUnitType& t) { return t.name == v.unit_type; });
  const Roster& coverage = result.coverage[variable];
  const double hours = std::accumulate(coverage.begin(), coverage.end(), 0.0);
  return hours * type->cost_per_hour * kWeeksPerYear;
}

double staff_cost(const SizingResult& result, const std::vector<int>& units) {
  double cost = 0.0;
  for (std::size_t t = 0; t < result.types.size(); ++t) {
    const Roster roster = result.roster(t, units);
    cost += std::accumulate(roster.begin(), roster.end(), 0.0) * result.types[t].cost_per_hour * kWeeksPerYear;
  }
  return cost;
}

/// One replication at a time with its calls recorded, reduced at once to hourly tallies so

}  // namespace crisis::io::detail
