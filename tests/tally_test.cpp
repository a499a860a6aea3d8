// The measures are observers registered in one table (sim/world/measures/registry.cpp): each
// family declares its columns with a unit and one line of documentation, and every replication
// fills exactly the declared columns, in order.
#include <doctest/doctest.h>

#include <cmath>
#include <set>
#include <string>

#include "models/builtin_models.hpp"
#include "scenario/scenario_loader.hpp"

namespace {

const std::string kSourceDir = CRISIS_SOURCE_DIR;

crisis::world::World load(const std::string& relative_path) {
  crisis::world::ModelRegistry registry;
  crisis::models::register_builtin_models(registry);
  return crisis::io::load_world(kSourceDir + "/" + relative_path, {}, registry);
}

}  // namespace

TEST_CASE("every measure column declares a unique name, a unit and one line of documentation") {
  const crisis::world::World world = load("tests/data/full_scenario.yaml");
  const crisis::world::MeasureLayout& layout = world.measure_layout();
  REQUIRE(layout.units.size() == layout.names.size());
  REQUIRE(layout.docs.size() == layout.names.size());
  std::set<std::string> seen;
  for (std::size_t i = 0; i < layout.names.size(); ++i) {
    CAPTURE(layout.names[i]);
    CHECK(seen.insert(layout.names[i]).second);
    CHECK(!layout.units[i].empty());
    CHECK(!layout.docs[i].empty());
    CHECK(layout.docs[i].find('\n') == std::string::npos);
  }
}

TEST_CASE("the measure families cover the columns in table order, without gaps or overlaps") {
  const crisis::world::World world = load("tests/data/full_scenario.yaml");
  const crisis::world::MeasureLayout& layout = world.measure_layout();
  REQUIRE(layout.family_first.size() >= 2);
  CHECK(layout.family_first.front() == 0);
  CHECK(layout.family_first.back() == layout.names.size());
  for (std::size_t f = 1; f < layout.family_first.size(); ++f) CHECK(layout.family_first[f - 1] <= layout.family_first[f]);
  CHECK(layout.names.front() == "crisis_calls");
  CHECK(layout.names.back() == "crisis_calls_unserved");  // the last family: calls an overloaded system left open
}

TEST_CASE("a replication writes one value for every declared measure column") {
  const crisis::world::World world = load("scenarios/baseline_police.yaml");
  const crisis::world::ReplicationResult result = world.run_replication(7, 0, false);
  REQUIRE(result.measures.size() == world.measure_names().size());
  CHECK(result.measures.front() > 0.0);  // crisis_calls
  CHECK(std::isfinite(result.measures[1]));  // crisis_calls_per_day
}
