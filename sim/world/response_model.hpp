#pragma once
/// \file
/// Response models: named policies that bring unit types, dispatch rules and outcome tables.

#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "world/scenario.hpp"

namespace crisis::world {

/// One acceptable answer to a call: a unit type, and how long to wait for one before the
/// next option in the list also becomes acceptable. A wait limit of 0 puts the next option
/// in the same tier: the nearest available unit of either type is sent.
struct DispatchOption {
  int unit_type = 0;
  Minutes wait_limit = std::numeric_limits<double>::infinity();
};

/// The dispatch rules: for each crisis type and perceived risk level, the ordered unit
/// types to send; for each background priority, the same.
struct DispatchTable {
  std::array<std::array<std::vector<DispatchOption>, kRiskLevelCount>, kCrisisTypeCount> crisis;
  std::array<std::vector<DispatchOption>, kPriorityCount> background;
};

/// Where the crisis goes first: a 911 call, or (with a crisis line) the line.
struct CallRouting {
  double share_to_crisis_line = 0.0;  ///< of crises that first reach the crisis line
  int crisis_line_unit_type = -1;     ///< phone unit type, when a line exists
  /// P(resolved by phone | answered), by crisis type; the disposition is then drawn from the
  /// phone unit type's outcome row (resolved or referral).
  std::array<double, kCrisisTypeCount> phone_resolution{};
  DurationSpec patience;              ///< caller's patience in the line's queue
  double abandoned_call_911 = 0.0;    ///< P(an abandoned caller then calls 911)
  /// Who is sent when the phone does not resolve the crisis, by crisis type and perceived
  /// risk; an empty list means the 911 dispatch table decides (e.g. weapons go to police).
  std::array<std::array<std::vector<DispatchOption>, kRiskLevelCount>, kCrisisTypeCount> after_phone;

  /// True when no call type and risk has an after-phone list.
  [[nodiscard]] bool after_phone_empty() const {
    for (const auto& by_risk : after_phone) {
      for (const auto& options : by_risk) {
        if (!options.empty()) return false;
      }
    }
    return true;
  }
};

/// A fixed cost that does not depend on the calls (training, programme overheads).
struct FixedCost {
  std::string label;
  double annual = 0.0;  ///< per year, in the scenario's currency
};

/// What models build: the unit types, dispatch rules and routing the world will run.
/// Models edit it in the order the scenario lists them.
struct ResponsePlan {
  std::vector<UnitTypeSpec> unit_types;
  DispatchTable dispatch;
  CallRouting routing;
  /// Who each unit type asks for when it calls for a second unit mid-incident (police
  /// backup for a civilian team; a co-responder joining patrol), by unit type index; and
  /// how long it waits for one before carrying on alone (infinity = waits as long as it takes).
  std::vector<std::vector<DispatchOption>> backup_options;
  std::vector<Minutes> backup_give_up_min;
  std::vector<FixedCost> fixed_costs;
  std::vector<std::string> applied_models;

  /// Add a unit type (as a model does) and return its index; keeps per-type tables in step.
  int add_unit_type(UnitTypeSpec type);

  [[nodiscard]] int unit_type_index(std::string_view name) const;
};

/// The declared shape of a model parameter, used to validate input and to document it.
struct ParameterSpec {
  enum class Kind { number, flag, word, words };
  std::string name;
  Kind kind = Kind::number;
  ParameterValue default_value;
  double minimum = -std::numeric_limits<double>::infinity();
  double maximum = std::numeric_limits<double>::infinity();
  std::string unit;
  std::string description;
};

/// A response model. Implementations live in models/ and see only world's public headers.
class ResponseModel {
 public:
  virtual ~ResponseModel() = default;
  [[nodiscard]] virtual std::string_view name() const = 0;
  [[nodiscard]] virtual std::string_view description() const = 0;
  [[nodiscard]] virtual std::vector<ParameterSpec> parameters() const { return {}; }
  /// Edit the plan. Throws InputError whose field is relative to the model's parameters
  /// (e.g. "unit_type") when the scenario cannot support the model.
  virtual void apply(const Scenario& scenario, const ModelParameters& parameters, ResponsePlan& plan) const = 0;
};

/// Models by name. Filled explicitly by register_builtin_models(); no static registration.
class ModelRegistry {
 public:
  void add(std::unique_ptr<ResponseModel> model);
  /// The model called `name`; InputError listing the valid names when there is none.
  [[nodiscard]] const ResponseModel& get(std::string_view name) const;
  [[nodiscard]] const ResponseModel* find(std::string_view name) const;
  /// Models in name order.
  [[nodiscard]] std::vector<const ResponseModel*> all() const;
  [[nodiscard]] std::string names_joined() const;

 private:
  std::vector<std::unique_ptr<ResponseModel>> models_;
};

}  // namespace crisis::world
