// The baseline scenario loads, builds and runs a short replication.
#include <doctest/doctest.h>

#include "scenario/scenario_loader.hpp"
#include "models/builtin_models.hpp"

TEST_CASE("the shipped baseline scenario runs a short replication") {
  crisis::world::ModelRegistry registry;
  crisis::models::register_builtin_models(registry);
  const auto world = crisis::io::load_world(std::string(CRISIS_SOURCE_DIR) + "/scenarios/baseline_police.yaml",
                                            {{"run.horizon_days", "7"}, {"run.warmup_days", "1"}}, registry);
  const auto result = world.run_replication(1, 0, false);
  CHECK(result.measures.size() == world.measure_names().size());
  CHECK(result.events > 1000);
}
