#include "experiments/sizing/simulation_evaluator.hpp"

#include "results/results_writer.hpp"
#include "scenario/scenario_loader.hpp"

namespace crisis::io::detail {

Evaluation summarize_measures(const std::vector<std::vector<double>>& measures, const MeasureIndices& indices,
                              double staff_cost_annual) {
  Evaluation evaluation;
  evaluation.staff_cost_annual = staff_cost_annual;
  evaluation.runnable = !measures.empty();
  if (!evaluation.runnable) return evaluation;
  auto column = [&](std::size_t index) {
    std::vector<double> values;
    for (const auto& replication : measures) values.push_back(replication[index]);
    return engine::summarize_replications(values);
  };
  evaluation.objective = column(indices.objective);
  for (std::size_t index : indices.targets) evaluation.targets.push_back(column(index));
  return evaluation;
}

Evaluation SimulationEvaluator::evaluate(const std::vector<int>& units) {
  std::vector<std::vector<double>> measures;
  std::string note;
  try {
    const world::World world =
        load_world(inputs_.spec.scenario_path, mix_overrides(inputs_, result_, units), inputs_.registry);
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
                  inputs_.options.threads, false);
    for (const auto& replication : run.replications) measures.push_back(replication.measures);
  } catch (const InputError& error) {
    note = "the scenario rejects this mix: " + error.problems().front().message;
  }
  Evaluation evaluation = summarize_measures(measures, indices_, staff_cost(result_, units));
  evaluation.note = note;
  return evaluation;
}

}  // namespace crisis::io::detail
