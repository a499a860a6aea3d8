// Co-responder teams (PACT, Car 87, PACER, MCRRT, Helsinki): an officer and a clinician in one
// car, sent first or asked by patrol to join. Mechanics and sources: docs/methods/co_responder.md.
// Registered in models/builtin_models.cpp.

#include <memory>

#include "engine/errors.hpp"
#include "models/police_side_support.hpp"
#include "world/response_model.hpp"

namespace crisis::models {
namespace {

using world::ParameterSpec;

class CoResponder final : public world::ResponseModel {
 public:
  std::string_view name() const override { return "co_responder"; }
  std::string_view description() const override {
    return "co-responder car (officer + clinician): sent first to crisis calls, or asked by patrol to join on scene";
  }
  std::vector<ParameterSpec> parameters() const override {
    using Kind = ParameterSpec::Kind;
    return {
        ParameterSpec{"unit_type", Kind::word, std::string("co_responder"), 0, 0, "",
                      "the co-responder car's unit type (from unit_types): officer + clinician"},
        ParameterSpec{"patrol_type", Kind::word, std::string("patrol"), 0, 0, "",
                      "the patrol unit type (sent by police_only)"},
        ParameterSpec{"mode", Kind::word, std::string("first_response"), 0, 0, "",
                      "first_response: eligible calls prefer the car; secondary: patrol goes first and asks the car to join"},
        ParameterSpec{"call_types", Kind::words, detail::all_crisis_type_names(), 0, 0, "",
                      "crisis call types the car attends"},
        ParameterSpec{"risk_levels", Kind::words, detail::all_risk_level_names(), 0, 0, "",
                      "perceived risk levels the car is preferred for (first_response mode only)"},
        ParameterSpec{"wait_limit_min", Kind::number, 15.0, 0.0, 1440.0, "min",
                      "first_response: how long an eligible call waits for the car before patrol is also acceptable"},
        ParameterSpec{"join_probability", Kind::number, 0.5, 0.0, 1.0, "probability",
                      "secondary: P(patrol on scene at an eligible call asks the car to join)"},
        ParameterSpec{"give_up_min", Kind::number, 45.0, 0.0, 1440.0, "min",
                      "secondary: how long patrol waits on scene for the car before carrying on alone"},
    };
  }

  void apply(const world::Scenario&, const world::ModelParameters& parameters, world::ResponsePlan& plan) const override {
    const int car = detail::require_unit_type(plan, name(), "unit_type", parameters.word("unit_type"));
    const int patrol = detail::require_unit_type(plan, name(), "patrol_type", parameters.word("patrol_type"));
    if (car == patrol) {
      throw InputError(InputProblem{"", 0, 0, "unit_type",
                                    "co_responder needs a car distinct from patrol_type '" + parameters.word("patrol_type") +
                                        "'; declared: " + detail::declared_unit_types(plan)});
    }
    const std::string& mode = parameters.word("mode");
    if (mode != "first_response" && mode != "secondary") {
      throw InputError(InputProblem{"", 0, 0, "mode", "unknown mode '" + mode + "'; valid: first_response, secondary"});
    }
    detail::require_patrol_on_crisis_calls(plan, name(), "patrol_type", patrol);
    detail::require_roster(plan, name(), "unit_type", car);
    const auto types = detail::crisis_types_from(parameters.words("call_types"), "call_types");
    const auto risks = detail::risk_levels_from(parameters.words("risk_levels"), "risk_levels");
    const auto car_slot = static_cast<std::size_t>(car);
    const auto patrol_slot = static_cast<std::size_t>(patrol);

    if (mode == "first_response") {
      const double wait = parameters.number("wait_limit_min");
      for (std::size_t t = 0; t < world::kCrisisTypeCount; ++t) {
        for (std::size_t r = 0; r < world::kRiskLevelCount; ++r) {
          if (types[t] && risks[r]) detail::prefer_before(plan.dispatch.crisis[t][r], car, wait, patrol);
        }
      }
      // The car's officer asks patrol for a second unit when its outcome rows say so.
      if (plan.backup_options[car_slot].empty()) plan.backup_options[car_slot] = {world::DispatchOption{patrol}};
      return;
    }

    // Secondary response: patrol's request for a second unit goes to the car, which joins,
    // takes over and decides the disposition from its own outcome table. The request rate of
    // eligible call types becomes 1 - (1 - backup)(1 - join_probability).
    for (const bool level : risks) {
      if (!level) {
        throw InputError(InputProblem{"", 0, 0, "risk_levels",
                                      "applies only to mode first_response; in secondary mode patrol decides on scene "
                                      "whatever the perceived risk, so leave risk_levels out"});
      }
    }
    const double join = parameters.number("join_probability");
    world::UnitTypeSpec& patrol_spec = plan.unit_types[patrol_slot];
    for (std::size_t t = 0; t < world::kCrisisTypeCount; ++t) {
      if (types[t]) patrol_spec.outcomes[t].backup = 1.0 - (1.0 - patrol_spec.outcomes[t].backup) * (1.0 - join);
    }
    plan.backup_options[patrol_slot] = {world::DispatchOption{car}};
    plan.backup_give_up_min[patrol_slot] = parameters.number("give_up_min");
  }
};

}  // namespace

std::unique_ptr<world::ResponseModel> make_co_responder() { return std::make_unique<CoResponder>(); }

}  // namespace crisis::models
