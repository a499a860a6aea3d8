// The crisis line model (`crisis_line`).
// Registered in models/builtin_models.cpp.

#include <array>
#include <memory>

#include "models/civilian_side_support.hpp"
#include "models/police_side_support.hpp"
#include "world/response_model.hpp"

namespace crisis::models {
namespace {

using world::ParameterSpec;

// P(resolved by phone | answered) by call type. Only the overall ~80% is published (Arizona
// crisis line, kvoa.com 2022, evidence.md §9); the split by type is an ASSUMPTION that gives
// ~79% on the baseline call mix: calls that need someone there (self-harm in progress, a
// weapon) are rarely settled by phone. Order: world::kCrisisTypeNames.
constexpr std::array<double, world::kCrisisTypeCount> kDefaultPhoneResolution = {0.85, 0.75, 0.92, 0.80,
                                                                                 0.85, 0.30, 0.0};

std::string resolution_parameter(std::size_t type) {
  return "phone_resolution_" + std::string(world::kCrisisTypeNames[type]);
}

class CrisisLine final : public world::ResponseModel {
 public:
  std::string_view name() const override { return "crisis_line"; }
  std::string_view description() const override {
    return "988 crisis call centre: clinicians answer a share of crises by phone first and resolve most of them; "
           "the rest go to a mobile team (mobile_crisis) or 911";
  }
  std::vector<ParameterSpec> parameters() const override {
    using Kind = ParameterSpec::Kind;
    std::vector<ParameterSpec> specs = {
        ParameterSpec{"unit_type", Kind::word, std::string("crisis_line"), 0, 0, "",
                      "the line's unit type (from unit_types): phone true, one clinician per unit (a call-taker); its "
                      "on_scene_min is the phone time and its outcome rows hold only resolved and referral"},
        ParameterSpec{"patrol_type", Kind::word, std::string("patrol"), 0, 0, "",
                      "the police unit type that 911 sends when the line does not resolve a call or a caller gives up"},
        ParameterSpec{"share_to_line", Kind::number, 0.25, 0.0, 1.0, "share",
                      "share of crises whose first contact is the crisis line rather than 911"},
    };
    for (std::size_t t = 0; t < world::kCrisisTypeCount; ++t) {
      specs.push_back(
          ParameterSpec{resolution_parameter(t), Kind::number, kDefaultPhoneResolution[t], 0.0, 1.0, "probability",
                        "P(an answered " + std::string(world::kCrisisTypeNames[t]) + " call is resolved by phone)"});
    }
    specs.push_back(ParameterSpec{"patience_min", Kind::number, 5.0, 0.1, 1440.0, "min",
                                  "mean of the caller's patience in the line's queue (exponential); a caller not "
                                  "answered by then hangs up"});
    specs.push_back(ParameterSpec{"abandoned_call_911", Kind::number, 0.5, 0.0, 1.0, "probability",
                                  "P(a caller who hung up on the line then calls 911)"});
    return specs;
  }

  void apply(const world::Scenario&, const world::ModelParameters& parameters,
             world::ResponsePlan& plan) const override {
    const int line = detail::require_unit_type(plan, name(), "unit_type", parameters.word("unit_type"));
    const int patrol = detail::require_unit_type(plan, name(), "patrol_type", parameters.word("patrol_type"));
    detail::require_phone_unit(plan, name(), "unit_type", line);
    detail::require_police_unit(plan, name(), "patrol_type", patrol);
    detail::require_patrol_on_crisis_calls(plan, name(), "patrol_type", patrol);
    detail::require_roster(plan, name(), "unit_type", line);

    world::CallRouting& routing = plan.routing;
    routing.crisis_line_unit_type = line;
    routing.share_to_crisis_line = parameters.number("share_to_line");
    for (std::size_t t = 0; t < world::kCrisisTypeCount; ++t)
      routing.phone_resolution[t] = parameters.number(resolution_parameter(t));
    // Exponential patience: memoryless, one number to source, and the usual call-centre
    // abandonment model (Erlang A).
    routing.patience = world::DurationSpec::exponential(parameters.number("patience_min"));
    routing.abandoned_call_911 = parameters.number("abandoned_call_911");
    // Unresolved calls follow routing.after_phone when mobile_crisis set it, else the 911
    // dispatch table; both end with police.
  }
};

}  // namespace

std::unique_ptr<world::ResponseModel> make_crisis_line() { return std::make_unique<CrisisLine>(); }

}  // namespace crisis::models
