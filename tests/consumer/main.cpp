// Runs a scenario through crisis-sim's library API, as another program would: load the
// scenario with the built-in models, run a few replications, print one measure.
//
//   consumer SCENARIO.yaml
#include <cstdio>
#include <exception>

#include "models/builtin_models.hpp"
#include "results/results_writer.hpp"
#include "scenario/scenario_loader.hpp"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: consumer SCENARIO.yaml\n");
    return 2;
  }
  try {
    crisis::world::ModelRegistry registry;
    crisis::models::register_builtin_models(registry);
    // A short horizon keeps the check quick: 30 days after the scenario's warm-up.
    const crisis::world::World world = crisis::io::load_world(argv[1], {{"run.horizon_days", "44"}}, registry);
    const crisis::io::RunResults results = crisis::io::run_world(world, /*seed=*/1, /*replications=*/2, /*threads=*/1,
                                                                 /*record_calls=*/false);
    const std::vector<double> values = results.column(0);
    std::printf("%s: %zu replications, %s = %.6g in the first\n", results.scenario_name.c_str(), values.size(),
                results.measure_names.at(0).c_str(), values.at(0));
    return 0;
  } catch (const std::exception& error) {
    std::fprintf(stderr, "consumer: %s\n", error.what());
    return 1;
  }
}
