// The mobile crisis team model (`mobile_crisis`).
// Registered in models/builtin_models.cpp.

#include <memory>

#include "models/civilian_side_support.hpp"
#include "models/police_side_support.hpp"
#include "world/response_model.hpp"

namespace crisis::models {
namespace {

using world::DispatchOption;
using world::ParameterSpec;

class MobileCrisis final : public world::ResponseModel {
 public:
  std::string_view name() const override { return "mobile_crisis"; }
  std::string_view description() const override {
    return "Crisis Now mobile crisis teams of clinicians: sent by the crisis line when the phone does not resolve "
           "the crisis (and optionally by 911); ask police for backup";
  }
  std::vector<ParameterSpec> parameters() const override {
    using Kind = ParameterSpec::Kind;
    return {
        ParameterSpec{"unit_type", Kind::word, std::string("mobile_team"), 0, 0, "",
                      "the team's unit type (from unit_types): officers 0, clinicians >= 1; its response_target_min "
                      "gives share_within_unit_target.<unit_type>"},
        ParameterSpec{"patrol_type", Kind::word, std::string("patrol"), 0, 0, "",
                      "the police unit type that takes calls past the wait limit and answers backup requests"},
        ParameterSpec{"wait_limit_min", Kind::number, 30.0, 0.0, 1440.0, "min",
                      "how long a call waits for a team before police are also acceptable (0 = nearest of either)"},
        ParameterSpec{"from_911", Kind::flag, false, 0, 0, "",
                      "also send teams first to eligible 911 calls (call_types, max_perceived_risk)"},
        ParameterSpec{"call_types", Kind::words,
                      std::vector<std::string>{"suicidal", "psychosis", "welfare_check", "intoxication"}, 0, 0, "",
                      "crisis call types the team is sent to (after the line; with from_911 also from 911)"},
        ParameterSpec{"max_perceived_risk", Kind::word, std::string("moderate"), 0, 0, "",
                      "highest perceived risk at which the team is sent: low or moderate"},
    };
  }

  void apply(const world::Scenario&, const world::ModelParameters& parameters,
             world::ResponsePlan& plan) const override {
    const int team = detail::require_unit_type(plan, name(), "unit_type", parameters.word("unit_type"));
    const int patrol = detail::require_unit_type(plan, name(), "patrol_type", parameters.word("patrol_type"));
    detail::require_civilian_field_unit(plan, name(), "unit_type", team);
    detail::require_police_unit(plan, name(), "patrol_type", patrol);
    detail::require_patrol_on_crisis_calls(plan, name(), "patrol_type", patrol);
    detail::require_roster(plan, name(), "unit_type", team);
    // Checked whether or not from_911 is on, so a typo never waits for the flag to surface.
    const auto types = detail::crisis_types_from(parameters.words("call_types"), "call_types");
    const std::size_t ceiling = detail::risk_ceiling_from(parameters.word("max_perceived_risk"), "max_perceived_risk");
    const double wait = parameters.number("wait_limit_min");

    // Calls the crisis line could not resolve by phone, of eligible types and perceived risk:
    // a team, then police past the wait limit. Others (weapons, high risk) keep the 911
    // dispatch table. Without a crisis_line model no call reaches these lists.
    for (std::size_t t = 0; t < world::kCrisisTypeCount; ++t) {
      if (!types[t]) continue;
      for (std::size_t r = 0; r <= ceiling; ++r) plan.routing.after_phone[t][r] = {DispatchOption{team, wait}, DispatchOption{patrol}};
    }
    if (parameters.flag("from_911")) {
      for (std::size_t t = 0; t < world::kCrisisTypeCount; ++t) {
        if (!types[t]) continue;
        for (std::size_t r = 0; r <= ceiling; ++r)
          detail::prefer_before(plan.dispatch.crisis[t][r], team, wait, patrol);
      }
    }
    plan.backup_options[static_cast<std::size_t>(team)] = {DispatchOption{patrol}};
  }
};

}  // namespace

std::unique_ptr<world::ResponseModel> make_mobile_crisis() { return std::make_unique<MobileCrisis>(); }

}  // namespace crisis::models
