// Today's response: every behavioural-health call goes to patrol officers.
// Registered in models/builtin_models.cpp.

#include <memory>

#include "engine/errors.hpp"
#include "world/response_model.hpp"

namespace crisis::models {
namespace {

using world::DispatchOption;
using world::ParameterSpec;

class PoliceOnly final : public world::ResponseModel {
 public:
  std::string_view name() const override { return "police_only"; }
  std::string_view description() const override {
    return "the baseline: patrol officers answer every crisis and background call";
  }
  std::vector<ParameterSpec> parameters() const override {
    return {ParameterSpec{"unit_type", ParameterSpec::Kind::word, std::string("patrol"), 0, 0, "",
                          "the unit type (from unit_types) that patrols and answers calls"}};
  }
  void apply(const world::Scenario&, const world::ModelParameters& parameters, world::ResponsePlan& plan) const override {
    const std::string& type_name = parameters.word("unit_type");
    const int type = plan.unit_type_index(type_name);
    if (type < 0) {
      std::string valid;
      for (const auto& unit_type : plan.unit_types) valid += (valid.empty() ? "" : ", ") + unit_type.name;
      throw InputError(InputProblem{"", 0, 0, "unit_type",
                                    "police_only needs unit type '" + type_name + "' in unit_types; declared: " + valid});
    }
    plan.unit_types[static_cast<std::size_t>(type)].answers_background = true;
    const DispatchOption patrol{type};
    for (auto& by_risk : plan.dispatch.crisis) {
      for (auto& options : by_risk) options = {patrol};
    }
    for (auto& options : plan.dispatch.background) options = {patrol};
    // An officer who asks for a second unit (outcomes.*.backup) gets another patrol car.
    plan.backup_options[static_cast<std::size_t>(type)] = {patrol};
  }
};

}  // namespace

std::unique_ptr<world::ResponseModel> make_police_only() { return std::make_unique<PoliceOnly>(); }

}  // namespace crisis::models
