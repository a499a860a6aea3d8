// UK Street Triage: a car with a police officer and a mental-health nurse, on duty in set
// hours, preferred for behavioural-health calls. Mechanics and sources:
// docs/methods/street_triage.md.
// Registered in models/builtin_models.cpp.

#include <memory>

#include "engine/errors.hpp"
#include "models/police_side_support.hpp"
#include "world/response_model.hpp"

namespace crisis::models {
namespace {

using world::ParameterSpec;

class StreetTriage final : public world::ResponseModel {
 public:
  std::string_view name() const override { return "street_triage"; }
  std::string_view description() const override {
    return "UK Street Triage: an officer and a mental-health nurse in one car, preferred for behavioural-health calls "
           "in its hours";
  }
  std::vector<ParameterSpec> parameters() const override {
    using Kind = ParameterSpec::Kind;
    return {
        ParameterSpec{"unit_type", Kind::word, std::string("street_triage"), 0, 0, "",
                      "the triage car's unit type (from unit_types): officer + nurse, its roster is its hours"},
        ParameterSpec{"patrol_type", Kind::word, std::string("patrol"), 0, 0, "",
                      "the patrol unit type (sent by police_only) that answers when the car cannot"},
        ParameterSpec{"call_types", Kind::words, detail::all_crisis_type_names(), 0, 0, "",
                      "crisis call types the car is preferred for"},
        ParameterSpec{"risk_levels", Kind::words, detail::all_risk_level_names(), 0, 0, "",
                      "perceived risk levels (low, moderate, high) the car is preferred for"},
        ParameterSpec{"wait_limit_min", Kind::number, 15.0, 0.0, 1440.0, "min",
                      "how long an eligible call waits for the car before patrol is also acceptable"},
    };
  }

  void apply(const world::Scenario&, const world::ModelParameters& parameters, world::ResponsePlan& plan) const override {
    const int car = detail::require_unit_type(plan, name(), "unit_type", parameters.word("unit_type"));
    const int patrol = detail::require_unit_type(plan, name(), "patrol_type", parameters.word("patrol_type"));
    if (car == patrol) {
      throw InputError(InputProblem{"", 0, 0, "unit_type",
                                    "street_triage needs a triage car distinct from patrol_type '" + parameters.word("patrol_type") +
                                        "'; declared: " + detail::declared_unit_types(plan)});
    }
    detail::require_patrol_on_crisis_calls(plan, name(), "patrol_type", patrol);
    detail::require_roster(plan, name(), "unit_type", car);
    const auto types = detail::crisis_types_from(parameters.words("call_types"), "call_types");
    const auto risks = detail::risk_levels_from(parameters.words("risk_levels"), "risk_levels");
    const double wait = parameters.number("wait_limit_min");
    for (std::size_t t = 0; t < world::kCrisisTypeCount; ++t) {
      for (std::size_t r = 0; r < world::kRiskLevelCount; ++r) {
        if (types[t] && risks[r]) detail::prefer_before(plan.dispatch.crisis[t][r], car, wait, patrol);
      }
    }
    // The car's officer asks patrol for a second unit (outcomes.*.backup, backup_if_high_risk).
    auto& backup = plan.backup_options[static_cast<std::size_t>(car)];
    if (backup.empty()) backup = {world::DispatchOption{patrol}};
  }
};

}  // namespace

std::unique_ptr<world::ResponseModel> make_street_triage() { return std::make_unique<StreetTriage>(); }

}  // namespace crisis::models
