#include "experiments/sweep/sweep_plan.hpp"

#include <set>

#include <fmt/format.h>

#include "results/results_writer.hpp"
#include "yaml/yaml_reader.hpp"

namespace crisis::io::detail {
namespace {

constexpr std::size_t kMaxColumns = 1900;  // SQLite allows 2,000 columns per table by default

}  // namespace

InputError PointLoader::located(std::size_t point, const InputError& error) const {
  const std::vector<SweepValue> values = points_.point(point);
  std::string where = "(at sweep point " + std::to_string(point) + ": ";
  for (std::size_t j = 0; j < values.size(); ++j) {
    where += (j ? ", " : "") + definition_.parameters[j].path + "=" + values[j].text;
  }
  where += ")";
  std::vector<InputProblem> problems;
  for (const InputProblem& problem : error.problems()) {
    InputProblem moved = problem;
    moved.message += " " + where;
    // A problem in an overridden value points at the line of the sweep file that set it.
    const auto from_override = [&](const std::string& path) { return problem_from_override(problem, path); };
    for (const SweepParameter& parameter : definition_.parameters) {
      if (from_override(parameter.path)) {
        const bool plain =
            problem.field.empty() || problem.field == parameter.path || problem.field.rfind("--set ", 0) == 0;
        const std::string detail = plain ? "" : problem.field + ": ";
        moved = InputProblem{definition_.file, parameter.line, parameter.column, "parameters." + parameter.path,
                             detail + problem.message + " " + where};
      }
    }
    for (std::size_t k = 0; k < definition_.overrides.size(); ++k) {
      const auto [line, column] = definition_.override_positions[k];
      if (line > 0 && from_override(definition_.overrides[k].path)) {
        const std::string detail =
            problem.field.empty() || problem.field.rfind("--set ", 0) == 0 ? "" : problem.field + ": ";
        moved = InputProblem{definition_.file, line, column, "set." + definition_.overrides[k].path,
                             detail + problem.message};
      }
    }
    problems.push_back(std::move(moved));
  }
  return InputError(std::move(problems));
}

world::World PointLoader::load(std::size_t point) const {
  try {
    return load_world(definition_.scenario_path, points_.overrides(point), registry_);
  } catch (const InputError& error) {
    throw located(point, error);
  }
}

std::vector<int> column_map(const SweepDefinition& definition, const SweepPlan& plan, const PointLoader& loader,
                            const world::World& world, std::size_t point) {
  const auto& names = world.measure_names();
  std::vector<int> map(names.size(), -1);
  for (std::size_t i = 0; i < names.size(); ++i) {
    const auto found = plan.column_index.find(names[i]);
    if (found != plan.column_index.end()) {
      map[i] = found->second;
    } else if (definition.measures.empty()) {
      throw loader.located(
          point, InputError(InputProblem{
                     definition.file, definition.parameters_line, definition.parameters_column, "parameters",
                     "this point produces the measure '" + names[i] +
                         "', which the points checked before the run did not (a parameter changes the unit types, "
                         "zones or groups); list the result columns under `measures:`"}));
    }
  }
  return map;
}

SweepPlan plan_sweep(const SweepDefinition& definition, const SweepPoints& points, const PointLoader& loader,
                     const world::ModelRegistry& registry) {
  SweepPlan plan;
  SweepIdentity& identity = plan.identity;
  const LoadedScenario base = load_scenario(definition.scenario_path, definition.overrides, registry);
  identity.scenario_hash = base.scenario.content_hash;
  identity.scenario_name = base.scenario.name;
  identity.seed = definition.seed.value_or(base.scenario.run.seed);
  identity.replications = definition.replications > 0 ? definition.replications : base.scenario.run.replications;

  std::vector<InputProblem> problems;
  if (definition.precision) {
    plan.has_precision = true;
    plan.precision = *definition.precision;
    if (plan.precision.batch <= 0) plan.precision.batch = identity.replications;
    if (identity.replications < 2) {
      problems.push_back(
          {definition.file, 0, 0, "replications", "precision needs at least 2 replications per point to start from"});
    }
    if (plan.precision.max_replications < identity.replications) {
      problems.push_back({definition.file, 0, 0, "precision.max_replications",
                          fmt::format("is {}, below the {} replications every point starts with",
                                      plan.precision.max_replications, identity.replications)});
    }
  }

  // Load the points that show every value of every parameter (the grid's axes, the
  // hypercube's extremes): bad values are reported now, not hours into the run, and the
  // union of their measures gives the result columns.
  std::vector<std::string> measure_union;
  std::set<std::string> seen;
  std::set<std::string> reported;
  for (std::size_t point : points.check_points()) {
    try {
      const world::World world = loader.load(point);
      for (const std::string& name : world.measure_names()) {
        if (seen.insert(name).second) measure_union.push_back(name);
      }
    } catch (const InputError& error) {
      for (const InputProblem& problem : error.problems()) {
        if (reported.insert(problem.to_string()).second) problems.push_back(problem);
      }
    }
  }
  if (!problems.empty()) throw InputError(std::move(problems));

  if (definition.measures.empty()) {
    identity.columns = measure_union;
  } else {
    for (std::size_t i = 0; i < definition.measures.size(); ++i) {
      const std::string& name = definition.measures[i];
      if (seen.count(name) == 0) {
        const std::string suggestion = closest_match(name, measure_union);
        const auto [line, column] =
            i < definition.measure_positions.size() ? definition.measure_positions[i] : std::pair<int, int>{0, 0};
        problems.push_back({definition.file, line, column, "measures[" + std::to_string(i) + "]",
                            "unknown measure '" + name + "'" +
                                (suggestion.empty() ? "" : " (did you mean '" + suggestion + "'?)") +
                                "; the measures are listed in docs/scenario-format.md#measures"});
      }
    }
    identity.columns = definition.measures;
  }
  if (identity.columns.size() > kMaxColumns) {
    problems.push_back(
        {definition.file, 0, 0, "measures",
         fmt::format("the scenario has {} measures, more than the {} columns a results table may have; list the ones "
                     "to keep under `measures:`",
                     identity.columns.size(), kMaxColumns)});
  }
  for (std::size_t c = 0; c < identity.columns.size(); ++c)
    plan.column_index.emplace(identity.columns[c], static_cast<int>(c));
  if (plan.has_precision) {
    for (const PrecisionTarget& target : plan.precision.targets) {
      const auto found = plan.column_index.find(target.measure);
      if (found == plan.column_index.end()) {
        const std::string suggestion = closest_match(target.measure, identity.columns);
        problems.push_back({target.line > 0 ? definition.file : "", target.line, target.column,
                            target.line > 0 ? "precision.measures." + target.measure : "--precision " + target.measure,
                            "not a result column of this sweep" +
                                (suggestion.empty() ? "" : " (did you mean '" + suggestion + "'?)")});
      } else {
        plan.precision_columns.push_back(found->second);
      }
    }
  }
  if (!problems.empty()) throw InputError(std::move(problems));
  identity.definition_text =
      definition_json(definition, identity.scenario_hash, identity.seed, identity.replications, identity.columns);
  return plan;
}

}  // namespace crisis::io::detail
