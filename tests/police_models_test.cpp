// The police-side response models (cit, street_triage, co_responder): what each apply() does
// to the plan, the odds-ratio arithmetic, the errors users see, and each shipped scenario's
// headline against its published range.
//
// Published-range tests run the baseline variant and a policy variant with the same seed and
// replications (common random numbers), take the per-replication change of the headline
// measure, and require the 95% confidence interval of its mean to lie inside the published
// range. Where the published figure is per contact (CIT officers vs untrained officers,
// Compton 2014; co-responder contacts vs police-only, Hamilton), the policy variant is the
// scenario's contrast in which (nearly) every crisis call is handled by the new unit, so the
// city-wide change is the per-contact change. Where it is city-wide (Section 136 detentions,
// Keown 2016 and Heslin 2016), the realistic variant is compared.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "engine/errors.hpp"
#include "engine/statistics.hpp"
#include "results/results_writer.hpp"
#include "scenario/scenario_loader.hpp"
#include "models/builtin_models.hpp"
#include "models/police_side_support.hpp"

namespace {

using crisis::InputError;
using crisis::world::DispatchOption;
using crisis::world::ModelParameters;
using crisis::world::ParameterValue;
using crisis::world::ResponsePlan;

const std::string kScenarios = std::string(CRISIS_SOURCE_DIR) + "/scenarios/";
constexpr double kInf = std::numeric_limits<double>::infinity();

crisis::world::ModelRegistry builtin_registry() {
  crisis::world::ModelRegistry registry;
  crisis::models::register_builtin_models(registry);
  return registry;
}

/// The model's defaults, with `given` on top.
ModelParameters parameters_for(const crisis::world::ResponseModel& model,
                               const std::vector<std::pair<std::string, ParameterValue>>& given) {
  ModelParameters parameters;
  for (const auto& spec : model.parameters()) parameters.set(spec.name, spec.default_value);
  for (const auto& [name, value] : given) parameters.set(name, value);
  return parameters;
}

/// The baseline scenario, with a second declared unit type `car` (officer + clinician, on
/// duty 12:00-24:00 with 2 units) for the car-based models.
crisis::world::Scenario scenario_with_car() {
  const auto registry = builtin_registry();
  crisis::world::Scenario scenario = crisis::io::load_scenario(kScenarios + "baseline_police.yaml", {}, registry).scenario;
  crisis::world::UnitTypeSpec car = scenario.unit_types[0];
  car.name = "car";
  car.clinicians = 1;
  car.roster.fill(0);
  for (std::size_t h = 0; h < car.roster.size(); ++h) car.roster[h] = (h % 24) >= 12 ? 2 : 0;
  scenario.unit_types.push_back(car);
  return scenario;
}

/// A plan holding the scenario's unit types, as build_world starts it.
ResponsePlan fresh_plan(const crisis::world::Scenario& scenario) {
  ResponsePlan plan;
  for (const auto& type : scenario.unit_types) plan.add_unit_type(type);
  return plan;
}

/// The plan after police_only and then `model` with `given` parameters.
ResponsePlan apply_after_police_only(const crisis::world::Scenario& scenario, const std::string& model,
                                     const std::vector<std::pair<std::string, ParameterValue>>& given) {
  const auto registry = builtin_registry();
  ResponsePlan plan = fresh_plan(scenario);
  const auto& police_only = registry.get("police_only");
  police_only.apply(scenario, parameters_for(police_only, {}), plan);
  const auto& chosen = registry.get(model);
  chosen.apply(scenario, parameters_for(chosen, given), plan);
  return plan;
}

/// The message of the InputError that `action` throws, with its field: "field: message".
template <typename Action>
std::string input_error_of(Action&& action) {
  try {
    action();
  } catch (const InputError& error) {
    REQUIRE(error.problems().size() == 1);
    return error.problems()[0].field + ": " + error.problems()[0].message;
  }
  FAIL("expected an InputError");
  return {};
}

bool same_options(const std::vector<DispatchOption>& actual, const std::vector<DispatchOption>& expected) {
  if (actual.size() != expected.size()) return false;
  for (std::size_t i = 0; i < actual.size(); ++i) {
    if (actual[i].unit_type != expected[i].unit_type || actual[i].wait_limit != expected[i].wait_limit) return false;
  }
  return true;
}

}  // namespace

// ---- odds ratios ------------------------------------------------------------------------

TEST_CASE("an odds ratio moves a probability so that its odds scale exactly") {
  using crisis::models::detail::apply_odds_ratio;
  CHECK(apply_odds_ratio(0.0, 0.47) == 0.0);
  CHECK(apply_odds_ratio(1.0, 0.47) == 1.0);
  CHECK(apply_odds_ratio(0.5, 1.0) == 0.5);
  // 0.2 has odds 1/4; OR 2 gives odds 1/2, i.e. p = 1/3.
  CHECK(apply_odds_ratio(0.2, 2.0) == doctest::Approx(1.0 / 3.0).epsilon(1e-15));
}

TEST_CASE("cit outcome rows are patrol's with Compton's odds ratios, detention untouched, by hand on the suicidal row") {
  const auto scenario = scenario_with_car();
  const ResponsePlan plan = apply_after_police_only(scenario, "cit", {});
  const int cit = plan.unit_type_index("cit");
  REQUIRE(cit >= 0);
  const auto& patrol_row = plan.unit_types[0].outcomes[0];  // suicidal
  const auto& row = plan.unit_types[static_cast<std::size_t>(cit)].outcomes[0];
  // Patrol, suicidal: resolved .40, referral .18, ed_voluntary .28, ed_detention .12, arrest
  // .02; use_of_force .02, injury .01 (inherited from the default row).
  REQUIRE(patrol_row.disposition[5] == doctest::Approx(0.02));
  // Arrest: OR 0.47 on p = .02:  .47 x .02 / (.98 + .47 x .02) = .0094 / .9894.
  const double arrest = 0.0094 / 0.9894;
  // Referral or transport (Compton 2014 measured these, not holds): p = .18 + .28 = .46;
  // OR 1.70: .782 / (.54 + .782) = .782 / 1.322. Detention keeps patrol's .12 (issue #14).
  const double group = 0.782 / 1.322;
  CHECK(row.disposition[5] == doctest::Approx(arrest).epsilon(1e-12));
  CHECK(row.disposition[1] == doctest::Approx(0.18 / 0.46 * group).epsilon(1e-12));
  CHECK(row.disposition[2] == doctest::Approx(0.0).epsilon(1e-12));
  CHECK(row.disposition[3] == doctest::Approx(0.28 / 0.46 * group).epsilon(1e-12));
  CHECK(row.disposition[4] == doctest::Approx(0.12).epsilon(1e-12));
  CHECK(row.disposition[0] == doctest::Approx(1.0 - arrest - group - 0.12).epsilon(1e-12));
  // Use of force: OR 0.50 on .02: .01 / .99. Injury: OR 1, unchanged. Backup unchanged.
  CHECK(row.use_of_force == doctest::Approx(0.01 / 0.99).epsilon(1e-12));
  CHECK(row.injury == doctest::Approx(0.01).epsilon(1e-12));
  CHECK(row.backup == patrol_row.backup);
  // The marginal odds ratios hold exactly, and every row still sums to 1.
  const double odds_before = 0.02 / 0.98;
  const double odds_after = row.disposition[5] / (1.0 - row.disposition[5]);
  CHECK(odds_after / odds_before == doctest::Approx(0.47).epsilon(1e-12));
  for (const auto& any_row : plan.unit_types[static_cast<std::size_t>(cit)].outcomes) {
    double total = 0.0;
    for (double p : any_row.disposition) total += p;
    CHECK(total == doctest::Approx(1.0).epsilon(1e-12));
  }
}

TEST_CASE("odds ratios that would push arrest and referral past 1 together are renormalised") {
  crisis::world::OutcomeRow row;
  row.disposition = {0.0, 0.5, 0.0, 0.0, 0.0, 0.5};  // nothing resolved on scene
  const auto out = crisis::models::detail::apply_outcome_odds_ratios(row, {3.0, 3.0, 1.0, 1.0});
  // Each group alone would go to .75; together they are scaled back to .5 each.
  CHECK(out.disposition[0] == 0.0);
  CHECK(out.disposition[1] == doctest::Approx(0.5).epsilon(1e-15));
  CHECK(out.disposition[5] == doctest::Approx(0.5).epsilon(1e-15));
}

// ---- cit -------------------------------------------------------------------------------

TEST_CASE("cit splits every hour's patrol roster so that the two sum to the original") {
  const auto scenario = scenario_with_car();
  const auto& original = scenario.unit_types[0].roster;
  for (double share : {0.0, 0.2, 0.25, 0.5, 1.0}) {
    CAPTURE(share);
    const ResponsePlan plan = apply_after_police_only(scenario, "cit", {{"share_trained", share}});
    const auto& patrol = plan.unit_types[0].roster;
    const auto& cit = plan.unit_types[static_cast<std::size_t>(plan.unit_type_index("cit"))].roster;
    for (std::size_t h = 0; h < original.size(); ++h) {
      CHECK(patrol[h] + cit[h] == original[h]);
      CHECK(cit[h] == std::lround(share * original[h]));
    }
  }
}

TEST_CASE("cit sends crisis calls to CIT officers first and background calls to the nearest officer") {
  const auto scenario = scenario_with_car();
  const ResponsePlan plan = apply_after_police_only(scenario, "cit", {{"wait_limit_min", 7.0}});
  const int cit = plan.unit_type_index("cit");
  REQUIRE(cit == 2);
  const std::vector<DispatchOption> crisis = {{cit, 7.0}, {0, kInf}};
  const std::vector<DispatchOption> one_tier = {{0, 0.0}, {cit, kInf}};
  for (const auto& by_risk : plan.dispatch.crisis) {
    for (const auto& options : by_risk) CHECK(same_options(options, crisis));
  }
  for (const auto& options : plan.dispatch.background) CHECK(same_options(options, one_tier));
  CHECK(same_options(plan.backup_options[0], one_tier));
  CHECK(same_options(plan.backup_options[static_cast<std::size_t>(cit)], one_tier));
  CHECK(plan.backup_options[1].empty());  // the car, which no model here uses, is untouched
  const auto& type = plan.unit_types[static_cast<std::size_t>(cit)];
  CHECK(type.answers_background);
  CHECK(type.cost_per_hour == plan.unit_types[0].cost_per_hour);
}

TEST_CASE("cit with nobody trained leaves the police-only dispatch alone") {
  const auto scenario = scenario_with_car();
  const ResponsePlan plan = apply_after_police_only(scenario, "cit", {{"share_trained", 0.0}});
  REQUIRE(plan.unit_types.size() == 3);
  for (const auto& by_risk : plan.dispatch.crisis) {
    for (const auto& options : by_risk) CHECK(same_options(options, {{0, kInf}}));
  }
  for (const auto& options : plan.dispatch.background) CHECK(same_options(options, {{0, kInf}}));
  CHECK(plan.fixed_costs.empty());
}

TEST_CASE("cit training cost is officers trained times amortised and refresher hours times the hourly cost") {
  const auto scenario = scenario_with_car();
  const ResponsePlan plan = apply_after_police_only(scenario, "cit", {{"share_trained", 0.2}});
  REQUIRE(plan.fixed_costs.size() == 1);
  // baseline patrol roster: 18 units 06-16, 22 units 14-24, 16 units 22-08: 560 unit-hours a
  // day, 23.33 posts; x 8760/1960 FTE per post x 0.2 trained = 20.86 officers; each 40 h / 5
  // years + 8 h a year = 16 h a year at $58/h (patrol cost_per_hour / 1 officer).
  const double officers = 0.2 * (560.0 / 24.0) * (8760.0 / 1960.0);
  CHECK(plan.fixed_costs[0].annual == doctest::Approx(officers * 16.0 * 58.0).epsilon(1e-12));
  CHECK(plan.fixed_costs[0].label == "cit training: 20.9 officers x 16.0 h/year x 58.0/h");
}

TEST_CASE("cit rejects an unknown patrol type, a missing police_only and a clashing name") {
  const auto scenario = scenario_with_car();
  const auto registry = builtin_registry();
  const auto& cit = registry.get("cit");
  CHECK(input_error_of([&] { (void)apply_after_police_only(scenario, "cit", {{"patrol_type", std::string("squad")}}); }) ==
        "patrol_type: cit needs unit type 'squad' in unit_types; declared: patrol, car");
  CHECK(input_error_of([&] {
          ResponsePlan plan = fresh_plan(scenario);
          cit.apply(scenario, parameters_for(cit, {}), plan);
        }) == "patrol_type: cit needs police_only (or another model that sends unit type 'patrol' to crisis calls) listed "
              "before it in models; no crisis call goes to 'patrol' yet");
  CHECK(input_error_of([&] { (void)apply_after_police_only(scenario, "cit", {{"unit_type", std::string("car")}}); }) ==
        "unit_type: cit adds unit type 'car', but a unit type of that name already exists (patrol, car); choose another name");
}

TEST_CASE("a model's error names its place in the scenario file") {
  const auto registry = builtin_registry();
  try {
    (void)crisis::io::load_world(kScenarios + "baseline_police.yaml",
                                 {{"models", "[police_only, {name: cit, params: {patrol_type: squad}}]"}}, registry);
    FAIL("expected an InputError");
  } catch (const InputError& error) {
    const std::string text = error.what();
    CHECK(text.find("models[1].params.patrol_type: cit needs unit type 'squad' in unit_types; declared: patrol") !=
          std::string::npos);
  }
}

// ---- street_triage -------------------------------------------------------------------------

TEST_CASE("street_triage prefers the car for eligible call types and leaves the others to patrol") {
  const auto scenario = scenario_with_car();
  const ResponsePlan plan = apply_after_police_only(
      scenario, "street_triage",
      {{"unit_type", std::string("car")}, {"call_types", std::vector<std::string>{"suicidal", "self_harm"}}, {"wait_limit_min", 12.0}});
  const std::vector<DispatchOption> preferred = {{1, 12.0}, {0, kInf}};
  const std::vector<DispatchOption> patrol_only = {{0, kInf}};
  for (std::size_t t = 0; t < crisis::world::kCrisisTypeCount; ++t) {
    const bool eligible = t == 0 || t == 5;  // suicidal, self_harm
    for (const auto& options : plan.dispatch.crisis[t]) CHECK(same_options(options, eligible ? preferred : patrol_only));
  }
  for (const auto& options : plan.dispatch.background) CHECK(same_options(options, patrol_only));
  CHECK(same_options(plan.backup_options[1], patrol_only));  // the car's officer asks patrol for help
  CHECK(plan.unit_types[1].roster == scenario.unit_types[1].roster);
}

TEST_CASE("street_triage can be limited to perceived risk levels") {
  const auto scenario = scenario_with_car();
  const ResponsePlan plan = apply_after_police_only(
      scenario, "street_triage", {{"unit_type", std::string("car")}, {"risk_levels", std::vector<std::string>{"low", "moderate"}}});
  for (const auto& by_risk : plan.dispatch.crisis) {
    CHECK(same_options(by_risk[0], {{1, 15.0}, {0, kInf}}));
    CHECK(same_options(by_risk[1], {{1, 15.0}, {0, kInf}}));
    CHECK(same_options(by_risk[2], {{0, kInf}}));
  }
}

TEST_CASE("street_triage rejects an undeclared car, an unknown call type and a car with no hours") {
  auto scenario = scenario_with_car();
  CHECK(input_error_of([&] { (void)apply_after_police_only(scenario, "street_triage", {}); }) ==
        "unit_type: street_triage needs unit type 'street_triage' in unit_types; declared: patrol, car");
  CHECK(input_error_of([&] {
          (void)apply_after_police_only(scenario, "street_triage",
                                        {{"unit_type", std::string("car")}, {"call_types", std::vector<std::string>{"suicide"}}});
        }) == "call_types: unknown call type 'suicide'; valid: suicidal, psychosis, welfare_check, intoxication, conflict, "
              "self_harm, violent_weapon");
  CHECK(input_error_of([&] { (void)apply_after_police_only(scenario, "street_triage", {{"unit_type", std::string("patrol")}}); }) ==
        "unit_type: street_triage needs a triage car distinct from patrol_type 'patrol'; declared: patrol, car");
  scenario.unit_types[1].roster.fill(0);
  CHECK(input_error_of([&] { (void)apply_after_police_only(scenario, "street_triage", {{"unit_type", std::string("car")}}); }) ==
        "unit_type: street_triage sends unit type 'car', but its roster has no unit on duty in any hour; give it a roster");
}

// ---- co_responder ---------------------------------------------------------------------------

TEST_CASE("co_responder in first_response mode prefers the car like street triage") {
  const auto scenario = scenario_with_car();
  const ResponsePlan plan = apply_after_police_only(scenario, "co_responder", {{"unit_type", std::string("car")}});
  for (const auto& by_risk : plan.dispatch.crisis) {
    for (const auto& options : by_risk) CHECK(same_options(options, {{1, 15.0}, {0, kInf}}));
  }
  CHECK(same_options(plan.backup_options[1], {{0, kInf}}));
  CHECK(same_options(plan.backup_options[0], {{0, kInf}}));
}

TEST_CASE("co_responder in secondary mode makes patrol ask the car to join at eligible calls") {
  const auto scenario = scenario_with_car();
  const ResponsePlan plan = apply_after_police_only(scenario, "co_responder",
                                                    {{"unit_type", std::string("car")},
                                                     {"mode", std::string("secondary")},
                                                     {"call_types", std::vector<std::string>{"psychosis", "welfare_check"}},
                                                     {"join_probability", 0.4},
                                                     {"give_up_min", 25.0}});
  // Patrol still goes first to every call.
  for (const auto& by_risk : plan.dispatch.crisis) {
    for (const auto& options : by_risk) CHECK(same_options(options, {{0, kInf}}));
  }
  // Its request for a second unit goes to the car, and it waits 25 minutes at most.
  CHECK(same_options(plan.backup_options[0], {{1, kInf}}));
  CHECK(plan.backup_give_up_min[0] == 25.0);
  // P(request) = 1 - (1 - backup)(1 - join) at eligible types; baseline backup is 0.
  for (std::size_t t = 0; t < crisis::world::kCrisisTypeCount; ++t) {
    const bool eligible = t == 1 || t == 2;
    CHECK(plan.unit_types[0].outcomes[t].backup == doctest::Approx(eligible ? 0.4 : 0.0));
  }
}

TEST_CASE("co_responder rejects an unknown mode and risk levels in secondary mode") {
  const auto scenario = scenario_with_car();
  CHECK(input_error_of([&] {
          (void)apply_after_police_only(scenario, "co_responder", {{"unit_type", std::string("car")}, {"mode", std::string("tertiary")}});
        }) == "mode: unknown mode 'tertiary'; valid: first_response, secondary");
  CHECK(input_error_of([&] {
          (void)apply_after_police_only(scenario, "co_responder",
                                        {{"unit_type", std::string("car")},
                                         {"mode", std::string("secondary")},
                                         {"risk_levels", std::vector<std::string>{"high"}}});
        }) == "risk_levels: applies only to mode first_response; in secondary mode patrol decides on scene whatever the "
              "perceived risk, so leave risk_levels out");
  CHECK(input_error_of([&] { (void)apply_after_police_only(scenario, "co_responder", {}); }) ==
        "unit_type: co_responder needs unit type 'co_responder' in unit_types; declared: patrol, car");
}

// ---- published ranges ---------------------------------------------------------------------

namespace {

struct PairedRun {
  crisis::io::RunResults reference;
  crisis::io::RunResults policy;
};

/// Run variant `reference` and variant `policy` of `file` with the same seed and
/// replications, over `horizon_days`.
PairedRun run_pair(const std::string& file, const std::string& reference, const std::string& policy, int replications,
                   const std::string& horizon_days) {
  const auto registry = builtin_registry();
  const std::string path = kScenarios + file;
  const auto loaded = crisis::io::load_scenario(path, {}, registry);
  REQUIRE(!loaded.variants.empty());
  CHECK(loaded.variants.front().name == reference);  // the first variant is the baseline
  auto run_variant = [&](const std::string& name) {
    for (const auto& variant : loaded.variants) {
      if (variant.name != name) continue;
      auto overrides = variant.overrides;
      overrides.push_back({"run.horizon_days", horizon_days});
      // TODO(#14): these published contrasts were calibrated with urgent calls held for the
      // specialist; recalibrating the scenarios under the realistic default (no priority-1
      // call held, docs/methods/dispatch.md) is part 2 of the issue. Until then they keep it.
      overrides.push_back({"dispatch.hold_urgent_for_specialist", "true"});
      const auto world = crisis::io::load_world(path, overrides, registry);
      return crisis::io::run_world(world, loaded.scenario.run.seed, static_cast<std::size_t>(replications), 0, false);
    }
    FAIL("no variant named " << name << " in " << file);
    return crisis::io::RunResults{};
  };
  return {run_variant(reference), run_variant(policy)};
}

std::vector<double> column(const crisis::io::RunResults& results, const std::string& measure) {
  const std::size_t index = results.measure_index(measure);
  REQUIRE_MESSAGE(index != std::string::npos, "no measure " << measure);
  return results.column(index);
}

/// Per-replication relative change of `measure`: policy / reference - 1.
std::vector<double> relative_changes(const PairedRun& run, const std::string& measure) {
  const auto before = column(run.reference, measure);
  const auto after = column(run.policy, measure);
  REQUIRE(before.size() == after.size());
  std::vector<double> changes;
  for (std::size_t r = 0; r < before.size(); ++r) changes.push_back(after[r] / before[r] - 1.0);
  return changes;
}

}  // namespace

TEST_CASE("memphis_cit: arrests on calls handled by CIT officers vs untrained match Compton 2014's odds ratio") {
  // Every officer trained (cit_all_officers) against none (police_only): every crisis call is
  // handled by a CIT officer in one and an untrained officer in the other, Compton's contrast.
  const PairedRun run = run_pair("memphis_cit.yaml", "police_only", "cit_all_officers", 8, "182");
  const auto before = column(run.reference, "per_1000.arrest");
  const auto after = column(run.policy, "per_1000.arrest");
  std::vector<double> odds_ratios;
  for (std::size_t r = 0; r < before.size(); ++r) {
    const double p0 = before[r] / 1000.0;
    const double p1 = after[r] / 1000.0;
    odds_ratios.push_back((p1 / (1.0 - p1)) / (p0 / (1.0 - p0)));
  }
  const auto odds_ratio = crisis::engine::summarize_replications(odds_ratios);
  const auto change = crisis::engine::summarize_replications(relative_changes(run, "per_1000.arrest"));
  MESSAGE("arrest odds ratio, CIT vs untrained: " << odds_ratio.mean << " [" << odds_ratio.low << ", " << odds_ratio.high
                                                  << "]; arrests per 1,000 change " << change.mean << " [" << change.low
                                                  << ", " << change.high << "]");
  // Compton et al. 2014: OR 0.47, p = .007; 95% interval 0.27-0.81 (D, Wald from the p-value).
  CHECK(odds_ratio.low >= 0.27);
  CHECK(odds_ratio.high <= 0.81);
  // Every one of the crisis calls went to a CIT officer.
  CHECK(column(run.policy, "crisis_calls_answered.cit") == column(run.policy, "crisis_calls"));
}

TEST_CASE("uk_street_triage: Section 136 detentions fall by 39-56% against police only") {
  const PairedRun run = run_pair("uk_street_triage.yaml", "police_only", "street_triage", 20, "365");
  const auto change = crisis::engine::summarize_replications(relative_changes(run, "per_1000.ed_detention"));
  MESSAGE("S136 (ed_detention) per 1,000 change: " << change.mean << " [" << change.low << ", " << change.high << "]");
  // Heslin et al. 2016 (Sussex) -39%; Keown et al. 2016 (NTW, first year) -56%.
  CHECK(change.low >= -0.56);
  CHECK(change.high <= -0.39);
}

TEST_CASE("co_responder: apprehensions on co-responder contacts fall as in Hamilton") {
  const PairedRun run = run_pair("co_responder.yaml", "police_only", "co_responder_every_call", 8, "182");
  const auto apprehensions = crisis::engine::summarize_replications(relative_changes(run, "per_1000.ed_detention"));
  const auto ed = crisis::engine::summarize_replications(relative_changes(run, "per_1000.ed_transports"));
  MESSAGE("apprehensions per 1,000 change: " << apprehensions.mean << " [" << apprehensions.low << ", " << apprehensions.high
                                             << "]; ED transports per 1,000 change: " << ed.mean << " [" << ed.low << ", "
                                             << ed.high << "]");
  // Hamilton MCRRT: 66% -> 25% of contacts (-62.1%), later 3 in 4 -> under 1 in 5 (-73.3% or more).
  CHECK(apprehensions.low >= -0.733);
  CHECK(apprehensions.high <= -0.621);
  // ED transports fall too (NPACER 16% vs 100%; Sherbrooke -0.42), by more than a third.
  CHECK(ed.high < -0.33);
  // The contrast holds: the car handles nearly every crisis call.
  const auto answered = column(run.policy, "crisis_calls_answered.co_responder");
  const auto calls = column(run.policy, "crisis_calls");
  for (std::size_t r = 0; r < calls.size(); ++r) CHECK(answered[r] >= 0.98 * calls[r]);
}
