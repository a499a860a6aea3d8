// The civilian-side response models (civilian_team, mobile_crisis, crisis_line): what each
// apply() writes into the plan, the errors a planner sees, the mechanics in a running world
// (a van never arrests; triage errors bring police backup), and the shipped scenarios
// against published figures (shared/evidence.md §1 and §9) under common random numbers.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "engine/errors.hpp"
#include "engine/statistics.hpp"
#include "results/results_writer.hpp"
#include "scenario/scenario_loader.hpp"
#include "models/builtin_models.hpp"
#include "world/response_model.hpp"
#include "world/world.hpp"

namespace {

using crisis::InputError;
using crisis::world::DispatchOption;
using crisis::world::ModelParameters;
using crisis::world::ModelRegistry;
using crisis::world::ParameterValue;
using crisis::world::ResponsePlan;
using crisis::world::UnitTypeSpec;

const std::string kSourceDir = CRISIS_SOURCE_DIR;
const std::string kEugene = kSourceDir + "/scenarios/eugene_cahoots.yaml";
const std::string kCrisisNow = kSourceDir + "/scenarios/crisis_now.yaml";

constexpr std::size_t kSuicidal = 0, kPsychosis = 1, kWelfare = 2, kSelfHarm = 5, kViolent = 6;
constexpr std::size_t kLow = 0, kModerate = 1, kHigh = 2;

ModelRegistry builtin_registry() {
  ModelRegistry registry;
  crisis::models::register_builtin_models(registry);
  return registry;
}

UnitTypeSpec unit_type(std::string name, int officers, int clinicians, bool phone = false) {
  UnitTypeSpec spec;
  spec.name = std::move(name);
  spec.officers = officers;
  spec.clinicians = clinicians;
  spec.can_arrest = officers > 0;
  spec.phone = phone;
  spec.roster.fill(1);
  return spec;  // outcome rows default to resolved: acceptable for a phone unit too
}

/// The model's parameters at their defaults, with `given` replacing some (as the loader does).
ModelParameters parameters_of(const crisis::world::ResponseModel& model,
                              std::initializer_list<std::pair<std::string, ParameterValue>> given = {}) {
  ModelParameters parameters;
  for (const auto& spec : model.parameters()) parameters.set(spec.name, spec.default_value);
  for (const auto& [name, value] : given) parameters.set(name, value);
  return parameters;
}

/// A plan with patrol (0), van (1), line (2) and team (3), and police_only applied.
struct PlanFixture {
  ModelRegistry registry = builtin_registry();
  crisis::world::Scenario scenario;
  ResponsePlan plan;

  explicit PlanFixture(bool with_police = true) {
    plan.add_unit_type(unit_type("patrol", 1, 0));
    plan.add_unit_type(unit_type("van", 0, 2));
    plan.add_unit_type(unit_type("line", 0, 1, true));
    plan.add_unit_type(unit_type("team", 0, 2));
    if (with_police) apply("police_only");
  }
  void apply(const std::string& model_name, std::initializer_list<std::pair<std::string, ParameterValue>> given = {}) {
    const auto& model = registry.get(model_name);
    model.apply(scenario, parameters_of(model, given), plan);
  }
  /// "field: message" of the InputError the model throws, or "no error".
  std::string error_of(const std::string& model_name,
                       std::initializer_list<std::pair<std::string, ParameterValue>> given = {}) {
    try {
      apply(model_name, given);
    } catch (const InputError& error) {
      REQUIRE(error.problems().size() == 1);
      return error.problems().front().field + ": " + error.problems().front().message;
    }
    return "no error";
  }
  /// A dispatch list as "van@20 patrol@inf": unit type names and wait limits.
  [[nodiscard]] std::string text(const std::vector<DispatchOption>& options) const {
    std::string out;
    for (const DispatchOption& option : options) {
      if (!out.empty()) out += ' ';
      out += plan.unit_types[static_cast<std::size_t>(option.unit_type)].name + "@";
      out += std::isinf(option.wait_limit) ? std::string("inf") : std::to_string(static_cast<int>(option.wait_limit));
    }
    return out;
  }
  [[nodiscard]] std::string crisis(std::size_t type, std::size_t risk) const {
    return text(plan.dispatch.crisis[type][risk]);
  }
};

/// Mean and 95% interval across replications.
crisis::engine::ReplicationSummary summary_of(const std::vector<double>& values) {
  return crisis::engine::summarize_replications(values);
}

const crisis::io::VariantSpec& variant_named(const crisis::io::LoadedScenario& loaded, const std::string& name) {
  for (const auto& variant : loaded.variants) {
    if (variant.name == name) return variant;
  }
  FAIL("no variant " << name << " in " << loaded.scenario.source_path);
  return loaded.variants.front();
}

/// Per-replication values of measure `name`.
std::vector<double> column(const crisis::io::RunResults& results, const std::string& name) {
  const std::size_t index = results.measure_index(name);
  REQUIRE_MESSAGE(index != static_cast<std::size_t>(-1), "no measure " << name);
  return results.column(index);
}

}  // namespace

// ---- civilian_team ----------------------------------------------------------------------------

TEST_CASE("civilian_team sends the van first to eligible calls at or below the risk ceiling, then patrol") {
  PlanFixture f;
  f.apply("civilian_team", {{"unit_type", std::string("van")}});
  // Defaults: five non-violent call types, perceived risk low, a 20-minute wait for a van.
  CHECK(f.crisis(kWelfare, kLow) == "van@20 patrol@inf");
  CHECK(f.crisis(kSuicidal, kLow) == "van@20 patrol@inf");
  CHECK(f.crisis(kWelfare, kModerate) == "patrol@inf");
  CHECK(f.crisis(kWelfare, kHigh) == "patrol@inf");
  CHECK(f.crisis(kSelfHarm, kLow) == "patrol@inf");
  CHECK(f.crisis(kViolent, kLow) == "patrol@inf");
  // Background calls stay with police; the van's backup request goes to patrol.
  CHECK(f.text(f.plan.dispatch.background[2]) == "patrol@inf");
  CHECK(f.text(f.plan.backup_options[1]) == "patrol@inf");
  CHECK(f.plan.routing.after_phone_empty());
}

TEST_CASE("civilian_team at a moderate ceiling takes moderate calls but is never first for perceived high risk") {
  PlanFixture f;
  f.apply("civilian_team", {{"unit_type", std::string("van")},
                            {"max_perceived_risk", std::string("moderate")},
                            {"call_types", std::vector<std::string>{"welfare_check", "psychosis"}},
                            {"wait_limit_min", 0.0}});
  CHECK(f.crisis(kWelfare, kModerate) == "van@0 patrol@inf");  // wait limit 0: one tier, nearest of either
  CHECK(f.crisis(kPsychosis, kLow) == "van@0 patrol@inf");
  CHECK(f.crisis(kPsychosis, kHigh) == "patrol@inf");
  CHECK(f.crisis(kSuicidal, kLow) == "patrol@inf");
}

TEST_CASE("civilian_team rejects bad parameters with the parameter named and the valid choices listed") {
  PlanFixture f;
  CHECK(f.error_of("civilian_team", {{"unit_type", std::string("cahoots_bus")}}) ==
        "unit_type: civilian_team needs unit type 'cahoots_bus' in unit_types; declared: patrol, van, line, team");
  CHECK(f.error_of("civilian_team", {{"unit_type", std::string("patrol")}}) ==
        "unit_type: civilian_team needs a civilian unit type, but 'patrol' has officers: 1 (expected 0)");
  CHECK(f.error_of("civilian_team", {{"unit_type", std::string("line")}}) ==
        "unit_type: civilian_team needs a civilian unit type, but 'line' answers by phone (phone: true); name a field "
        "unit type");
  CHECK(f.error_of("civilian_team",
                   {{"unit_type", std::string("van")}, {"call_types", std::vector<std::string>{"fights"}}}) ==
        "call_types: unknown call type 'fights'; valid: suicidal, psychosis, welfare_check, intoxication, conflict, "
        "self_harm, violent_weapon");
  CHECK(
      f.error_of("civilian_team", {{"unit_type", std::string("van")}, {"max_perceived_risk", std::string("high")}}) ==
      "max_perceived_risk: unknown risk level 'high'; valid: low, moderate (a civilian unit is not sent first to calls "
      "perceived as high risk)");
  CHECK(f.error_of("civilian_team", {{"unit_type", std::string("van")}, {"patrol_type", std::string("team")}}) ==
        "patrol_type: civilian_team falls back on police, but 'team' has no officers in the field; name the patrol "
        "unit type");
  f.plan.unit_types[1].can_arrest = true;
  CHECK(f.error_of("civilian_team", {{"unit_type", std::string("van")}}) ==
        "unit_type: civilian_team needs a civilian unit type, but 'van' has can_arrest: true (expected false)");
  f.plan.unit_types[1].can_arrest = false;
  f.plan.unit_types[1].roster.fill(0);
  CHECK(f.error_of("civilian_team", {{"unit_type", std::string("van")}}) ==
        "unit_type: civilian_team sends unit type 'van', but its roster has no unit on duty in any hour; give it a "
        "roster");
}

TEST_CASE("each civilian model needs police listed before it as the fallback") {
  for (const char* model : {"civilian_team", "mobile_crisis", "crisis_line"}) {
    CAPTURE(model);
    PlanFixture f(false);
    const std::string type = std::string(model) == "crisis_line"     ? "line"
                             : std::string(model) == "civilian_team" ? "van"
                                                                     : "team";
    CHECK(f.error_of(model, {{"unit_type", type}}) ==
          "patrol_type: " + std::string(model) +
              " needs police_only (or another model that sends unit type 'patrol' to crisis calls) listed before it in "
              "models; no crisis call goes to 'patrol' yet");
  }
}

// ---- mobile_crisis ----------------------------------------------------------------------------

TEST_CASE(
    "mobile_crisis sends calls the line did not resolve to a team, then patrol, and leaves 911 alone by default") {
  PlanFixture f;
  f.apply("mobile_crisis", {{"unit_type", std::string("team")}});
  CHECK(f.text(f.plan.routing.after_phone[kSuicidal][kLow]) == "team@30 patrol@inf");
  CHECK(f.text(f.plan.routing.after_phone[kSuicidal][kModerate]) == "team@30 patrol@inf");
  // Perceived high risk and weapons keep the 911 table (police) after the phone.
  CHECK(f.plan.routing.after_phone[kSuicidal][kHigh].empty());
  CHECK(f.plan.routing.after_phone[kViolent][kLow].empty());
  CHECK(f.text(f.plan.backup_options[3]) == "patrol@inf");
  for (std::size_t t = 0; t < crisis::world::kCrisisTypeCount; ++t) {
    for (std::size_t r = 0; r < crisis::world::kRiskLevelCount; ++r) CHECK(f.crisis(t, r) == "patrol@inf");
  }
}

TEST_CASE("mobile_crisis with from_911 also sends a team first to eligible 911 calls") {
  PlanFixture f;
  f.apply("mobile_crisis", {{"unit_type", std::string("team")},
                            {"from_911", true},
                            {"call_types", std::vector<std::string>{"suicidal"}},
                            {"wait_limit_min", 45.0}});
  CHECK(f.crisis(kSuicidal, kLow) == "team@45 patrol@inf");
  CHECK(f.crisis(kSuicidal, kModerate) == "team@45 patrol@inf");  // default ceiling: moderate
  CHECK(f.crisis(kSuicidal, kHigh) == "patrol@inf");
  CHECK(f.crisis(kWelfare, kLow) == "patrol@inf");
  CHECK(f.text(f.plan.routing.after_phone[kSuicidal][kLow]) == "team@45 patrol@inf");
  CHECK(f.plan.routing.after_phone[kWelfare][kLow].empty());  // not in call_types
}

TEST_CASE("mobile_crisis after civilian_team puts both before patrol, van first") {
  PlanFixture f;
  f.apply("civilian_team", {{"unit_type", std::string("van")}});
  f.apply("mobile_crisis", {{"unit_type", std::string("team")}, {"from_911", true}});
  CHECK(f.crisis(kWelfare, kLow) == "van@20 team@30 patrol@inf");
  CHECK(f.crisis(kWelfare, kModerate) == "team@30 patrol@inf");
}

TEST_CASE("mobile_crisis rejects bad parameters with the parameter named") {
  PlanFixture f;
  CHECK(f.error_of("mobile_crisis", {{"unit_type", std::string("mobile")}}) ==
        "unit_type: mobile_crisis needs unit type 'mobile' in unit_types; declared: patrol, van, line, team");
  CHECK(
      f.error_of("mobile_crisis", {{"unit_type", std::string("team")}, {"call_types", std::vector<std::string>{}}}) ==
      "call_types: expected at least one call type; valid: suicidal, psychosis, welfare_check, intoxication, conflict, "
      "self_harm, violent_weapon");
  CHECK(f.error_of("mobile_crisis",
                   {{"unit_type", std::string("team")}, {"max_perceived_risk", std::string("medium")}}) ==
        "max_perceived_risk: unknown risk level 'medium'; valid: low, moderate (a civilian unit is not sent first to "
        "calls "
        "perceived as high risk)");
  f.plan.unit_types[3].clinicians = 0;
  CHECK(f.error_of("mobile_crisis", {{"unit_type", std::string("team")}}) ==
        "unit_type: mobile_crisis needs a civilian unit type, but 'team' has clinicians: 0 (expected at least 1)");
}

// ---- crisis_line ------------------------------------------------------------------------------

TEST_CASE("crisis_line fills the call routing from its parameters and leaves after_phone to mobile_crisis") {
  PlanFixture f;
  f.apply("crisis_line", {{"unit_type", std::string("line")},
                          {"share_to_line", 0.4},
                          {"phone_resolution_psychosis", 0.6},
                          {"patience_min", 3.0},
                          {"abandoned_call_911", 0.7}});
  const auto& routing = f.plan.routing;
  CHECK(routing.crisis_line_unit_type == 2);
  CHECK(routing.share_to_crisis_line == 0.4);
  CHECK(routing.phone_resolution[kPsychosis] == 0.6);
  // Defaults by type (docs/methods/crisis_line.md): ~79% on the baseline mix.
  CHECK(routing.phone_resolution[kSuicidal] == 0.85);
  CHECK(routing.phone_resolution[kWelfare] == 0.92);
  CHECK(routing.phone_resolution[kSelfHarm] == 0.30);
  CHECK(routing.phone_resolution[kViolent] == 0.0);
  CHECK(routing.patience.kind == crisis::world::DurationSpec::Kind::exponential);
  CHECK(routing.patience.mean == 3.0);
  CHECK(routing.abandoned_call_911 == 0.7);
  CHECK(routing.after_phone_empty());  // unresolved calls use the 911 dispatch table
  CHECK(f.crisis(kSuicidal, kLow) == "patrol@inf");
}

TEST_CASE("crisis_line rejects a unit type that is not a phone line of clinicians resolving or referring") {
  PlanFixture f;
  CHECK(f.error_of("crisis_line", {{"unit_type", std::string("988")}}) ==
        "unit_type: crisis_line needs unit type '988' in unit_types; declared: patrol, van, line, team");
  CHECK(f.error_of("crisis_line", {{"unit_type", std::string("team")}}) ==
        "unit_type: crisis_line needs a phone unit type, but 'team' has phone: false (expected true: line clinicians "
        "answer "
        "by phone)");
  f.plan.unit_types[2].outcomes[kSuicidal].disposition = {0.5, 0.0, 0.5, 0.0, 0.0, 0.0};
  CHECK(
      f.error_of("crisis_line", {{"unit_type", std::string("line")}}) ==
      "unit_type: crisis_line needs a phone unit type, but 'line' has outcomes.suicidal.crisis_centre above 0; a call "
      "resolved by phone ends resolved or referral, and the field units decide the rest");
}

TEST_CASE("a model parameter error that came from --set names the override and the model's key path") {
  const ModelRegistry registry = builtin_registry();
  try {
    (void)crisis::io::load_world(kEugene, {{"models[1].params.unit_type", "cahoots_bus"}}, registry);
    FAIL("expected an InputError");
  } catch (const InputError& error) {
    REQUIRE(error.problems().size() == 1);
    const auto& problem = error.problems().front();
    CHECK(problem.file == "--set models[1].params.unit_type");  // the value is not in the file
    CHECK(problem.line == 0);
    CHECK(problem.field == "models[1].params.unit_type");
    CHECK(problem.message ==
          "civilian_team needs unit type 'cahoots_bus' in unit_types; declared: patrol, cahoots_van");
  }
}

// ---- mechanics in a running world --------------------------------------------------------------

TEST_CASE("a civilian van never arrests; arrests on its calls come only after police backup took over") {
  const ModelRegistry registry = builtin_registry();
  const auto world = crisis::io::load_world(kEugene, {{"run.horizon_days", "120"}}, registry);
  const int van = world.plan().unit_type_index("cahoots_van");
  REQUIRE(van >= 0);
  const auto result = world.run_replication(world.scenario().run.seed, 0, true);
  int van_calls = 0, backups = 0, arrests_without_backup = 0, detentions_without_backup = 0;
  for (const auto& call : result.calls) {
    if (!call.crisis || call.unit_type != van) continue;
    ++van_calls;
    if (call.backup) {
      ++backups;
      continue;
    }
    arrests_without_backup += call.disposition == static_cast<std::int8_t>(crisis::world::Disposition::arrest);
    detentions_without_backup += call.disposition == static_cast<std::int8_t>(crisis::world::Disposition::ed_detention);
  }
  CHECK(van_calls > 3000);
  CHECK(backups > 0);
  CHECK(arrests_without_backup == 0);
  CHECK(detentions_without_backup == 0);  // the scenario's crew places no holds either
}

TEST_CASE("triage errors send vans to truly high-risk calls, and only those bring police backup") {
  const ModelRegistry registry = builtin_registry();
  // Outcome-row backup off, so backups come from backup_if_high_risk alone.
  std::vector<crisis::io::Override> overrides = {{"run.horizon_days", "120"},
                                                 {"unit_types[1].outcomes.default.backup", "0"},
                                                 {"unit_types[1].outcomes.welfare_check.backup", "0"},
                                                 {"unit_types[1].outcomes.intoxication.backup", "0"},
                                                 {"unit_types[1].outcomes.conflict.backup", "0"},
                                                 {"unit_types[1].backup_if_high_risk", "1"}};
  auto run = [&](const std::string& accuracy) {
    auto with_accuracy = overrides;
    with_accuracy.push_back({"crises.triage_accuracy", accuracy});
    const auto world = crisis::io::load_world(kEugene, with_accuracy, registry);
    return world.run_replication(world.scenario().run.seed, 0, true);
  };
  // Perfect triage: a van is never sent to a call whose true risk is high, so nobody calls police.
  const auto perfect = run("1");
  int perfect_backups = 0;
  for (const auto& call : perfect.calls) perfect_backups += call.backup;
  CHECK(perfect_backups == 0);

  const auto imperfect = run("0.6");
  constexpr int kVan = 1;  // unit_types[1], cahoots_van, as in the overrides above
  int backups = 0, backups_not_high = 0, van_calls_high = 0;
  for (const auto& call : imperfect.calls) {
    if (!call.crisis) continue;
    if (call.unit_type == kVan && call.true_risk == 2) ++van_calls_high;
    if (!call.backup) continue;
    ++backups;
    if (call.true_risk != 2 || call.perceived_risk == 2) ++backups_not_high;
  }
  CHECK(van_calls_high > 0);
  CHECK(backups == van_calls_high);  // backup_if_high_risk 1: every one of them calls police
  CHECK(backups_not_high == 0);
}

// ---- shipped scenarios against published figures ------------------------------------------------

// CAHOOTS asked police for backup 150 times a year (ev §1: azdailysun, bendbulletin; "~0.6%"),
// 160 (albanylaw), or 250 (pilotonline), all flagged U, on ~24,000 calls a year (G/S). The
// published share is therefore 150/24,000 = 0.63% to 250/24,000 = 1.04%; allowing the "~" on
// 24,000 (22,000-26,000) widens it to 150/26,000 = 0.58% .. 250/22,000 = 1.14%. The 95% CI of
// the model's share of van calls that ask for backup must lie inside that range.
TEST_CASE("eugene_cahoots: vans ask police for backup on 0.58-1.14% of their calls, as CAHOOTS does") {
  const ModelRegistry registry = builtin_registry();
  const auto loaded = crisis::io::load_scenario(kEugene, {}, registry);
  REQUIRE(loaded.variants.size() >= 2);
  CHECK(loaded.variants.front().name == "police_only");  // the first variant is the baseline
  // TODO(#14): calibrated with urgent calls held for the van; recalibrating eugene_cahoots under
  // the realistic default (docs/methods/dispatch.md) is part 2 of the issue.
  auto held = [&](const std::string& name) {
    auto overrides = variant_named(loaded, name).overrides;
    overrides.push_back({"dispatch.hold_urgent_for_specialist", "true"});
    return overrides;
  };
  const auto baseline_world = crisis::io::load_world(kEugene, held("police_only"), registry);
  const auto cahoots_world = crisis::io::load_world(kEugene, held("cahoots"), registry);
  const std::uint64_t seed = loaded.scenario.run.seed;
  constexpr std::size_t kReplications = 10;
  const auto baseline = crisis::io::run_world(baseline_world, seed, kReplications, 2, false);
  const auto cahoots = crisis::io::run_world(cahoots_world, seed, kReplications, 2, false);

  // Patrol never asks for backup in this scenario, so every request is a van's.
  for (double v : column(baseline, "per_1000.backup_requests")) CHECK(v == 0.0);

  const auto calls = column(cahoots, "crisis_calls");
  const auto backup_per_1000 = column(cahoots, "per_1000.backup_requests");
  const auto van_calls = column(cahoots, "crisis_calls_answered.cahoots_van");
  std::vector<double> backup_share;
  for (std::size_t r = 0; r < kReplications; ++r)
    backup_share.push_back(backup_per_1000[r] * calls[r] / 1000.0 / van_calls[r]);
  const auto share = summary_of(backup_share);
  MESSAGE("van backup share " << share.mean << " [" << share.low << ", " << share.high << "]");
  CHECK(share.low >= 150.0 / 26000.0);
  CHECK(share.high <= 250.0 / 22000.0);

  // Volume: with Eugene's 2021 roster (nlc.org) the vans answered 16,479 calls; the scenario's
  // call stream is an assumption (documented in the file), so accept down to 25% below that,
  // and never above the two-city 24,000.
  const auto volume = summary_of(van_calls);
  MESSAGE("van calls a year " << volume.mean << " [" << volume.low << ", " << volume.high << "]");
  CHECK(volume.low >= 0.75 * 16479.0);
  CHECK(volume.high <= 24000.0);

  // Paired differences under common random numbers: the vans take officer hours off crisis
  // calls and lower arrests per 1,000 calls.
  const auto officer_hours_baseline = column(baseline, "officer_hours.crisis");
  const auto officer_hours_cahoots = column(cahoots, "officer_hours.crisis");
  const auto arrests_baseline = column(baseline, "per_1000.arrest");
  const auto arrests_cahoots = column(cahoots, "per_1000.arrest");
  std::vector<double> hours_saved, arrests_avoided;
  for (std::size_t r = 0; r < kReplications; ++r) {
    hours_saved.push_back(officer_hours_baseline[r] - officer_hours_cahoots[r]);
    arrests_avoided.push_back(arrests_baseline[r] - arrests_cahoots[r]);
  }
  CHECK(summary_of(hours_saved).low > 0.0);
  CHECK(summary_of(arrests_avoided).low > 0.0);
}

// Arizona's crisis line resolves ~80% of calls by phone and its mobile teams resolve ~70% of
// dispatches in the field (kvoa.com 2022, ev §9, G). Both are given to the nearest ten
// percent, so the published values are 75-85% and 65-75%; the 95% CIs must lie inside.
TEST_CASE("crisis_now: the line resolves 75-85% of answered calls by phone and mobile teams 65-75% in the field") {
  const ModelRegistry registry = builtin_registry();
  const auto loaded = crisis::io::load_scenario(kCrisisNow, {}, registry);
  REQUIRE(loaded.variants.size() >= 2);
  CHECK(loaded.variants.front().name == "police_only");
  const auto baseline_world =
      crisis::io::load_world(kCrisisNow, variant_named(loaded, "police_only").overrides, registry);
  const auto policy_world = crisis::io::load_world(kCrisisNow, variant_named(loaded, "crisis_now").overrides, registry);
  const std::uint64_t seed = loaded.scenario.run.seed;
  constexpr std::size_t kReplications = 10;
  const auto baseline = crisis::io::run_world(baseline_world, seed, kReplications, 2, false);
  const auto policy = crisis::io::run_world(policy_world, seed, kReplications, 2, false);

  // Phone resolution among calls the line answered. Calls reaching the line are a binomial
  // share_to_line of crisis calls; callers who hung up were never answered.
  const double to_line = policy_world.plan().routing.share_to_crisis_line;
  REQUIRE(to_line > 0.0);
  const auto calls = column(policy, "crisis_calls");
  const auto phone_per_1000 = column(policy, "per_1000.resolved_by_phone");
  const auto abandoned_per_1000 = column(policy, "per_1000.abandoned_line_calls");
  std::vector<double> phone_share;
  for (std::size_t r = 0; r < kReplications; ++r) {
    const double answered = to_line * calls[r] - abandoned_per_1000[r] * calls[r] / 1000.0;
    phone_share.push_back(phone_per_1000[r] * calls[r] / 1000.0 / answered);
  }
  const auto phone = summary_of(phone_share);
  MESSAGE("phone resolution " << phone.mean << " [" << phone.low << ", " << phone.high << "]");
  CHECK(phone.low >= 0.75);
  CHECK(phone.high <= 0.85);

  // Field resolution: of the crisis calls a mobile team reached first, the share that ended
  // resolved or referred in the community (a police takeover after backup counts as police
  // decided). Calls are recorded one replication at a time; replication r of run_world is
  // world.run_replication(seed, r), so these are the same replications as above.
  const int team = policy_world.plan().unit_type_index("mobile_team");
  REQUIRE(team >= 0);
  std::vector<double> field_share;
  for (std::uint32_t r = 0; r < kReplications; ++r) {
    const auto result = policy_world.run_replication(seed, r, true);
    double reached = 0, in_community = 0;
    for (const auto& call : result.calls) {
      if (!call.crisis || !call.in_window || call.unit_type != team) continue;
      reached += 1;
      in_community += call.disposition == static_cast<std::int8_t>(crisis::world::Disposition::resolved) ||
                      call.disposition == static_cast<std::int8_t>(crisis::world::Disposition::referral);
    }
    CHECK(reached == column(policy, "crisis_calls_answered.mobile_team")[r]);
    field_share.push_back(in_community / reached);
  }
  const auto field = summary_of(field_share);
  MESSAGE("mobile-team field resolution " << field.mean << " [" << field.low << ", " << field.high << "]");
  CHECK(field.low >= 0.65);
  CHECK(field.high <= 0.75);

  // The teams meet their own response target (<= 1 h urban, ev §9) on most dispatches.
  CHECK(summary_of(column(policy, "share_within_unit_target.mobile_team")).low > 0.9);

  // Paired differences under common random numbers: fewer officer hours on crises and fewer
  // ED transports than police only.
  const auto hours_baseline = column(baseline, "officer_hours.crisis");
  const auto hours_policy = column(policy, "officer_hours.crisis");
  const auto ed_baseline = column(baseline, "per_1000.ed_transports");
  const auto ed_policy = column(policy, "per_1000.ed_transports");
  std::vector<double> hours_saved, ed_avoided;
  for (std::size_t r = 0; r < kReplications; ++r) {
    hours_saved.push_back(hours_baseline[r] - hours_policy[r]);
    ed_avoided.push_back(ed_baseline[r] - ed_policy[r]);
  }
  CHECK(summary_of(hours_saved).low > 0.0);
  CHECK(summary_of(ed_avoided).low > 0.0);
}
