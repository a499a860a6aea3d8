#include "experiments/sizing/sizing.hpp"

#include <numeric>

#include <fmt/format.h>

#include "engine/errors.hpp"
#include "experiments/sizing/erlang_bounds.hpp"
#include "experiments/sizing/offered_load.hpp"
#include "experiments/sizing/simulation_evaluator.hpp"
#include "experiments/sizing/sizing_search.hpp"
#include "experiments/sizing/variable_mapping.hpp"
#include "results/results_writer.hpp"
#include "scenario/scenario_loader.hpp"

// run_sizing: the steps of docs/sizing.md, "Method", in order. The file is read in
// sizing_definition.cpp; the variables are mapped onto the scenario in variable_mapping.cpp;
// the pilot and its offered load are in offered_load.cpp, the Erlang bounds in
// erlang_bounds.cpp, the search in sizing_search.cpp (pure, over an Evaluator), the
// simulation of a mix in simulation_evaluator.cpp and the outputs in sizing_output.cpp.
namespace crisis::io {

using world::kHoursPerWeek;
using world::Roster;

namespace {

std::string describe_mix(const SizingResult& result, const std::vector<int>& units) {
  std::vector<std::string> parts;
  for (const SizedUnitType& type : result.types) {
    std::vector<std::string> numbers;
    for (std::size_t v : type.variables) numbers.push_back(std::to_string(units[v]));
    parts.push_back(type.name + " " + fmt::format("{}", fmt::join(numbers, "/")));
  }
  return fmt::format("{}", fmt::join(parts, ", "));
}

/// One line of progress: the mix, its staff cost, objective and targets, and the verdict.
void report(const SizingResult& result, const SizingOptions& options, const SizingCandidate& c, int simulations) {
  std::string line = fmt::format("[{}/{}] {:<11} {}: staff {:.0f}/yr, {} {}", simulations, result.spec.max_evaluations,
                                 c.phase, describe_mix(result, c.units), c.staff_cost_annual, result.spec.objective,
                                 with_decimals(c.objective.mean, 0));
  for (std::size_t j = 0; j < c.targets.size(); ++j) {
    line += fmt::format(", {} {}", result.spec.targets[j].measure, with_decimals(c.targets[j].confident_value, 3));
  }
  line += c.feasible ? " -> feasible" : (c.note.empty() ? " -> misses" : " -> " + c.note);
  options.progress(line);
}

/// Erlang lower bounds: in every sized block of a type whose calls wait, c > A. Several
/// shifts can cover one block, so this is a small covering problem, solved greedily (the

/// The search's view of the problem: ranges, unit costs, the variables of each type, targets.
SearchProblem search_problem(const SizingResult& result) {
  SearchProblem problem;
  for (std::size_t v = 0; v < result.spec.variables.size(); ++v) {
    problem.min.push_back(result.spec.variables[v].min);
    problem.max.push_back(result.spec.variables[v].max);
    problem.unit_cost.push_back(detail::variable_cost(result, v));
  }
  for (const SizedUnitType& type : result.types) problem.types.push_back(type.variables);
  problem.targets = result.spec.targets;
  problem.max_evaluations = result.spec.max_evaluations;
  return problem;
}

/// Staff (relief factor included) and Erlang's predictions of every candidate, for the outputs.
void describe_candidates(const detail::ErlangGuide& guide, SizingResult& result) {
  for (SizingCandidate& candidate : result.candidates) {
    for (std::size_t t = 0; t < result.types.size(); ++t) {
      const Roster roster = result.roster(t, candidate.units);
      const double posts = std::accumulate(roster.begin(), roster.end(), 0.0) / static_cast<double>(kHoursPerWeek);
      candidate.fte += posts * result.types[t].staff_per_unit * result.spec.relief_factor;
      candidate.erlang.push_back(guide.predict(t, candidate.units));
    }
  }
}

/// The one-line message: what was found, or why nothing was.
void finish(const SizingSearch& search, const SearchChoice& choice, SizingResult& result) {
  result.chosen = choice.chosen;
  result.binding_target = choice.binding_target;
  if (result.feasible()) {
    result.message = fmt::format(
        "least-cost mix meeting every target with 95% confidence, after {} simulations{}", search.evaluations(),
        search.budget_spent() ? " (the evaluation budget ran out: a cheaper mix may exist)" : "");
  } else if (result.message.empty()) {
    result.message = fmt::format(
        "no feasible mix within the ranges: {} simulated mixes, none met every target with 95% confidence{}",
        search.evaluations(), search.budget_spent() ? " (the evaluation budget ran out)" : "");
  }
}

}  // namespace

Roster SizingResult::roster(std::size_t type, const std::vector<int>& units) const {
  Roster roster = types[type].fixed;
  for (std::size_t v : types[type].variables) {
    for (std::size_t h = 0; h < kHoursPerWeek; ++h) roster[h] += units[v] * coverage[v][h];
  }
  return roster;
}

SizingResult run_sizing(const SizingSpec& spec, const SizingOptions& options, const world::ModelRegistry& registry) {
  SizingResult result;
  result.spec = spec;
  const detail::SizingInputs inputs{result.spec, options, registry};
  detail::map_variables(inputs, result);

  // The pilot, at the ranges' maxima: the offered load, and the first candidate.
  std::vector<int> maxima;
  for (const SizingVariable& v : spec.variables) maxima.push_back(v.max);
  detail::MeasureIndices indices;
  std::vector<std::vector<double>> pilot_measures;
  {
    const world::World world = [&] {
      try {
        return load_world(spec.scenario_path, detail::mix_overrides(inputs, result, maxima), registry);
      } catch (const InputError& error) {
        detail::rethrow_located(inputs, error);
      }
    }();
    indices = detail::check_names(inputs, world, result);
    pilot_measures = detail::run_pilot(world, indices.names, maxima, options.threads, result);
  }

  const detail::ErlangGuide guide(result);
  detail::SimulationEvaluator evaluator(inputs, result, indices);
  const SearchProblem problem = search_problem(result);
  SizingSearch search(problem, guide, evaluator, [&](const SizingCandidate& candidate, int simulations) {
    if (options.progress) report(result, options, candidate, simulations);
  });
  const SizingCandidate& pilot = search.record(
      maxima, "pilot", detail::summarize_measures(pilot_measures, indices, detail::staff_cost(result, maxima)));
  const bool pilot_feasible = pilot.feasible;
  const std::string pilot_note = pilot.note;
  result.lower_bound = detail::erlang_lower_bound(result, problem.unit_cost, result.message);
  const SearchChoice choice = result.lower_bound.empty() ? search.choose() : search.run(result.lower_bound);
  result.candidates = search.take_candidates();
  finish(search, choice, result);
  if (!result.lower_bound.empty() && !pilot_feasible) {
    result.message = "no feasible mix within the ranges: even with every range at its maximum, " +
                     (pilot_note.empty() ? std::string("a target is missed with 95% confidence") : pilot_note);
  }
  describe_candidates(guide, result);
  return result;
}

}  // namespace crisis::io
