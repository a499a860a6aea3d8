// The civilian crisis team model (`civilian_team`).
// Registered in models/builtin_models.cpp.

#include <memory>

#include "models/civilian_side_support.hpp"
#include "models/police_side_support.hpp"
#include "world/response_model.hpp"

namespace crisis::models {
namespace {

using world::DispatchOption;
using world::ParameterSpec;

class CivilianTeam final : public world::ResponseModel {
 public:
  std::string_view name() const override { return "civilian_team"; }
  std::string_view description() const override {
    return "CAHOOTS / STAR civilian van (medic + crisis worker): sent by 911 to non-violent, lower-risk calls; "
           "asks police for backup";
  }
  std::vector<ParameterSpec> parameters() const override {
    using Kind = ParameterSpec::Kind;
    return {
        ParameterSpec{"unit_type", Kind::word, std::string("civilian_van"), 0, 0, "",
                      "the van's unit type (from unit_types): officers 0, clinicians >= 1, can_arrest false"},
        ParameterSpec{"patrol_type", Kind::word, std::string("patrol"), 0, 0, "",
                      "the police unit type that takes calls past the wait limit and answers backup requests"},
        // CAHOOTS answers welfare checks, intoxication, mental-health and suicide-threat calls
        // and non-violent disputes (nlc.org, evidence.md §1); self-harm in progress and weapon
        // calls stay with police.
        ParameterSpec{"call_types", Kind::words,
                      std::vector<std::string>{"suicidal", "psychosis", "welfare_check", "intoxication", "conflict"}, 0,
                      0, "", "crisis call types the van is sent to"},
        ParameterSpec{"max_perceived_risk", Kind::word, std::string("low"), 0, 0, "",
                      "highest risk, as perceived by the call-taker, at which the van is sent: low or moderate"},
        ParameterSpec{
            "wait_limit_min", Kind::number, 20.0, 0.0, 1440.0, "min",
            "how long an eligible call waits for a van before police are also acceptable (0 = nearest of either)"},
    };
  }

  void apply(const world::Scenario&, const world::ModelParameters& parameters,
             world::ResponsePlan& plan) const override {
    const int van = detail::require_unit_type(plan, name(), "unit_type", parameters.word("unit_type"));
    const int patrol = detail::require_unit_type(plan, name(), "patrol_type", parameters.word("patrol_type"));
    detail::require_civilian_field_unit(plan, name(), "unit_type", van);
    detail::require_police_unit(plan, name(), "patrol_type", patrol);
    detail::require_patrol_on_crisis_calls(plan, name(), "patrol_type", patrol);
    detail::require_roster(plan, name(), "unit_type", van);
    const auto types = detail::crisis_types_from(parameters.words("call_types"), "call_types");
    const std::size_t ceiling = detail::risk_ceiling_from(parameters.word("max_perceived_risk"), "max_perceived_risk");
    const double wait = parameters.number("wait_limit_min");

    for (std::size_t t = 0; t < world::kCrisisTypeCount; ++t) {
      if (!types[t]) continue;
      for (std::size_t r = 0; r <= ceiling; ++r) detail::prefer_before(plan.dispatch.crisis[t][r], van, wait, patrol);
    }
    // Mid-incident the crew asks police to come (outcomes.*.backup, and backup_if_high_risk
    // when triage sent it to a call that turns out high risk); police take over and their
    // outcome table decides, so an arrest after backup is police's, never the van's.
    plan.backup_options[static_cast<std::size_t>(van)] = {DispatchOption{patrol}};
  }
};

}  // namespace

std::unique_ptr<world::ResponseModel> make_civilian_team() { return std::make_unique<CivilianTeam>(); }

}  // namespace crisis::models
