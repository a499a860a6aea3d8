// Dispatch as dispatchers do it (issue #14): urgent calls are not held for a specialist, a
// unit type nobody staffs this hour is not waited for, call-taking errors both ways, routing
// compliance, the counterfactual of police responses avoided, flat Poisson arrivals, and
// compare --models keeping the scenario's parameters. Statistical checks use fixed seeds and
// binomial 99.9% intervals (z = 3.29).
#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "experiments/compare.hpp"
#include "models/builtin_models.hpp"
#include "scenario/scenario_loader.hpp"
#include "test_support.hpp"
#include "world/response_model.hpp"
#include "world/world.hpp"

namespace {

using crisis::world::ModelRegistry;
using crisis::world::World;

ModelRegistry builtin_registry() {
  ModelRegistry registry;
  crisis::models::register_builtin_models(registry);
  return registry;
}

// One zone, flat Poisson crisis arrivals (crises.calls_per_day), plenty of patrol and one
// van that is busy most of the time (4 h on scene); the van is preferred, patrol after 20 min.
std::string scenario_text(const std::string& priority, const std::string& van_roster, const std::string& extra) {
  return R"(name: dispatch_realism
run: {horizon_days: 120, warmup_days: 5, replications: 1, seed: 777}
city:
  zones:
    - {name: only, population: 100000, x_km: 0, y_km: 0, prevalence: 1}
  travel: {within_zone_km: 2, noise_cv: 0}
residents: {share_with_needs: 0.01}
crises:
  calls_per_day: 12
  call_processing_min: 0
  triage_accuracy: 1
  types:
    welfare_check: {share: 1, priority: )" + priority + R"(, risk: [1, 0, 0]}
background:
  calls_per_day: 20
unit_types:
  - name: patrol
    officers: 1
    cost_per_hour: 0
    roster: {constant: 10}
    on_scene_min: {default: {distribution: fixed, value: 30}}
    outcomes: {default: {resolved: 1}}
  - name: van
    officers: 0
    clinicians: 2
    can_arrest: false
    cost_per_hour: 0
    roster: )" + van_roster + R"(
    on_scene_min: {default: {distribution: fixed, value: 240}}
    outcomes: {default: {resolved: 1}}
facilities:
  emergency_department: {zone: only, handoff_min: 0}
  jail: {zone: only, handoff_min: 0}
models:
  - police_only
  - name: civilian_team
    params: {unit_type: van, wait_limit_min: 20}
)" + extra;
}

World world_from(const crisis::testing::TemporaryFolder& folder, const std::string& text) {
  const ModelRegistry registry = builtin_registry();
  return crisis::io::load_world(folder.write("scenario.yaml", text), {}, registry);
}

double measure(const World& world, const crisis::world::ReplicationResult& result, const std::string& name) {
  const auto& names = world.measure_names();
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (names[i] == name) return result.measures[i];
  }
  FAIL("no measure " << name);
  return 0.0;
}

// Patrol-sent crisis calls that were not dispatched the minute they arrived.
int patrol_calls_held(const World& world, const crisis::world::ReplicationResult& result) {
  const int patrol = world.plan().unit_type_index("patrol");
  int held = 0;
  for (const auto& call : result.calls) {
    if (call.crisis && call.in_window && call.unit_type == patrol && call.dispatch_min > call.arrival_min + 1e-9) ++held;
  }
  return held;
}

}  // namespace

TEST_CASE("a priority-1 call is dispatched to the nearest patrol at once even when a van is preferred") {
  const crisis::testing::TemporaryFolder folder("dispatch-urgent");
  const World world = world_from(folder, scenario_text("1", "{constant: 1}", ""));
  const auto result = world.run_replication(world.scenario().run.seed, 0, true);
  CHECK(measure(world, result, "crisis_calls") > 1000);
  // Ten patrols at under 1 Erlang of work are practically never all busy.
  CHECK(patrol_calls_held(world, result) == 0);
  CHECK(measure(world, result, "queue_wait_min.mean.priority_1") < 0.5);

  // With the scenario's leave to hold urgent calls, they wait the 20 minutes for the busy van.
  const World holding = world_from(folder, scenario_text("1", "{constant: 1}", "dispatch: {hold_urgent_for_specialist: true}\n"));
  const auto held = holding.run_replication(holding.scenario().run.seed, 0, true);
  CHECK(patrol_calls_held(holding, held) > 500);
  CHECK(measure(holding, held, "queue_wait_min.mean.priority_1") > 10.0);
}

TEST_CASE("a priority-2 call still waits for the preferred van up to its wait limit") {
  const crisis::testing::TemporaryFolder folder("dispatch-routine");
  const World world = world_from(folder, scenario_text("2", "{constant: 1}", ""));
  const auto result = world.run_replication(world.scenario().run.seed, 0, true);
  CHECK(patrol_calls_held(world, result) > 500);
  CHECK(measure(world, result, "share_queued.priority_2") > 0.5);
  CHECK(std::isnan(measure(world, result, "share_queued.priority_1")));
}

TEST_CASE("a unit type with nobody rostered this hour is not waited for") {
  const crisis::testing::TemporaryFolder folder("dispatch-duty");
  // The van works 12:00-24:00: a morning call goes to patrol at once, an afternoon one waits.
  const World world = world_from(folder, scenario_text("2", "{shifts: [{start_hour: 12, hours: 12, units: 1}]}", ""));
  const auto result = world.run_replication(world.scenario().run.seed, 0, true);
  const int patrol = world.plan().unit_type_index("patrol");
  int morning = 0, morning_held = 0, afternoon_held = 0;
  for (const auto& call : result.calls) {
    if (!call.crisis || !call.in_window || call.unit_type != patrol) continue;
    const double hour = std::fmod(call.arrival_min / 60.0, 24.0);
    const bool held = call.dispatch_min > call.arrival_min + 1e-9;
    if (hour < 11.0) {
      ++morning;
      morning_held += held;
    } else if (hour >= 12.0) {
      afternoon_held += held;
    }
  }
  CHECK(morning > 300);
  CHECK(morning_held == 0);
  CHECK(afternoon_held > 100);
}

TEST_CASE("call-takers code crises as ordinary calls and ordinary calls as crises at the scenario's rates") {
  const crisis::testing::TemporaryFolder folder("dispatch-coding");
  const World world =
      world_from(folder, scenario_text("2", "{constant: 1}", "dispatch: {crisis_coded_as_other: 0.2, other_coded_as_crisis: 0.1}\n"));
  const auto result = world.run_replication(world.scenario().run.seed, 0, true);
  const double crises = measure(world, result, "crisis_calls");
  const double others = measure(world, result, "background_calls");
  const auto within = [](double count, double total, double p) {
    const double sd = std::sqrt(total * p * (1.0 - p));
    return std::fabs(count - total * p) < 3.29 * sd;
  };
  CHECK(within(measure(world, result, "crisis_calls_coded_as_other"), crises, 0.2));
  CHECK(within(measure(world, result, "other_calls_coded_as_crisis"), others, 0.1));
  // A crisis sent as an ordinary call goes by the background rules: patrol, never the van.
  const int van = world.plan().unit_type_index("van");
  int ordinary_to_van = 0;
  for (const auto& call : result.calls) ordinary_to_van += !call.crisis && call.unit_type == van;
  CHECK(ordinary_to_van > 0);  // ordinary calls coded as crises reach the van
}

TEST_CASE("dispatchers offer eligible calls to the alternative at the compliance rate, and the rest go to police") {
  const crisis::testing::TemporaryFolder folder("dispatch-compliance");
  const World world = world_from(folder, scenario_text("2", "{constant: 3}", "dispatch: {compliance: {welfare_check: 0.25}}\n"));
  const auto result = world.run_replication(world.scenario().run.seed, 0, true);
  const double eligible = measure(world, result, "eligible_calls");
  CHECK(eligible == measure(world, result, "crisis_calls"));
  const double offered = measure(world, result, "share_eligible_offered");
  CHECK(std::fabs(offered - 0.25) < 3.29 * std::sqrt(0.25 * 0.75 / eligible));
  const double served = measure(world, result, "eligible_served_by_alternative");
  CHECK(served <= offered * eligible + 1e-9);
  CHECK(served + measure(world, result, "eligible_not_served_by_alternative") == eligible);
}

TEST_CASE("a van call counts as a police response avoided only as far as police would have attended it") {
  const crisis::testing::TemporaryFolder folder("dispatch-avoided");
  const World world = world_from(folder, scenario_text("2", "{constant: 3}",
                                                      "dispatch: {police_would_attend: {default: 0.4}, police_attend_priorities: [1, 2]}\n"));
  const auto result = world.run_replication(world.scenario().run.seed, 0, true);
  const int van = world.plan().unit_type_index("van");
  double van_only = 0.0, crises = 0.0, others = 0.0;
  for (const auto& call : result.calls) {
    if (!call.in_window) continue;
    if (!call.crisis) {
      others += 1;
      continue;
    }
    crises += 1;
    van_only += call.unit_type == van && !call.backup;
  }
  CHECK(van_only > 100);
  CHECK(measure(world, result, "police_responses_avoided") == doctest::Approx(0.4 * van_only).epsilon(1e-12));
  CHECK(measure(world, result, "share_police_responses_avoided") ==
        doctest::Approx(0.4 * van_only / (0.4 * crises + others)).epsilon(1e-12));

  // Priority 3 is outside the priorities police would attend: nothing is avoided.
  const World routine = world_from(folder, scenario_text("3", "{constant: 3}", "dispatch: {police_attend_priorities: [1, 2]}\n"));
  const auto routine_result = routine.run_replication(routine.scenario().run.seed, 0, true);
  CHECK(measure(routine, routine_result, "police_responses_avoided") == 0.0);
}

TEST_CASE("flat Poisson crisis arrivals give crises.calls_per_day calls a day") {
  const crisis::testing::TemporaryFolder folder("dispatch-flat");
  const World world = world_from(folder, scenario_text("2", "{constant: 1}", ""));
  const auto result = world.run_replication(world.scenario().run.seed, 0, false);
  // 120 days x 12 a day = 1,440 calls; Poisson sd = sqrt(1440) = 37.9.
  CHECK(std::fabs(measure(world, result, "crisis_calls") - 1440.0) < 3.29 * std::sqrt(1440.0));
  CHECK(measure(world, result, "crisis_calls_per_day") == doctest::Approx(measure(world, result, "crisis_calls") / 120.0));
}

TEST_CASE("the specialist's arrival is measured apart from the first unit's") {
  const crisis::testing::TemporaryFolder folder("dispatch-specialist");
  const World world = world_from(folder, scenario_text("2", "{constant: 2}", ""));
  const auto result = world.run_replication(world.scenario().run.seed, 0, true);
  // Here the specialist is the van, and it only ever comes first: its arrival is the response
  // time of the van's calls, and it never follows another unit.
  const int van = world.plan().unit_type_index("van");
  double total = 0.0, count = 0.0;
  for (const auto& call : result.calls) {
    if (!call.crisis || !call.in_window || call.unit_type != van) continue;
    total += call.on_scene_min - call.arrival_min;
    count += 1;
  }
  REQUIRE(count > 100);
  CHECK(measure(world, result, "specialist_arrival_min.mean") == doctest::Approx(total / count).epsilon(1e-9));
  CHECK(measure(world, result, "share_specialist_after_first_unit") == 0.0);
}

TEST_CASE("compare --models keeps the scenario's parameters for the models it lists") {
  const ModelRegistry registry = builtin_registry();
  const std::string path = std::string(CRISIS_SOURCE_DIR) + "/scenarios/mobile_crisis_team.yaml";
  const auto loaded = crisis::io::load_scenario(path, {}, registry, false);
  const auto variants = crisis::io::variants_from_models("police_only,mobile_crisis,street_triage", registry, &loaded.scenario);
  REQUIRE(variants.size() == 3);
  REQUIRE(variants[1].overrides.size() == 1);
  CHECK(variants[1].overrides[0].value.find("unit_type: \"mobile_team\"") != std::string::npos);
  CHECK(variants[1].overrides[0].value.find("from_911: true") != std::string::npos);
  CHECK(variants[2].description.find("street_triage on default parameters (the scenario does not list it)") != std::string::npos);
}

TEST_CASE("compare --models with a model whose parameters the scenario lacks exits 2 and says why") {
  const std::string path = std::string(CRISIS_SOURCE_DIR) + "/scenarios/mobile_crisis_team.yaml";
  const auto result = crisis::testing::run_cli_captured({"compare", path, "--models", "police_only,street_triage", "--set",
                                                         "run.replications=2", "--set", "run.horizon_days=10"});
  CHECK(result.code == 2);
  CHECK(result.err.find("street_triage on default parameters") != std::string::npos);
}
