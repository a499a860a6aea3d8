#include "models/civilian_side_support.hpp"

#include "engine/errors.hpp"

namespace crisis::models::detail {

namespace {

[[noreturn]] void reject(const std::string& parameter, const std::string& message) {
  throw InputError(InputProblem{"", 0, 0, parameter, message});
}

}  // namespace

std::size_t risk_ceiling_from(const std::string& word, const std::string& parameter) {
  // A civilian unit is never the first choice for a call the call-taker already sees as high
  // risk; triage errors (true risk one level above the perceived) still reach it.
  if (word == world::kRiskLevelNames[0]) return 0;
  if (word == world::kRiskLevelNames[1]) return 1;
  reject(parameter, "unknown risk level '" + word +
                        "'; valid: low, moderate (a civilian unit is not sent first to calls "
                        "perceived as high risk)");
}

void require_civilian_field_unit(const world::ResponsePlan& plan, std::string_view model, const std::string& parameter,
                                 int type) {
  const world::UnitTypeSpec& spec = plan.unit_types[static_cast<std::size_t>(type)];
  const std::string prefix = std::string(model) + " needs a civilian unit type, but '" + spec.name + "' ";
  if (spec.phone) reject(parameter, prefix + "answers by phone (phone: true); name a field unit type");
  if (spec.officers != 0)
    reject(parameter, prefix + "has officers: " + std::to_string(spec.officers) + " (expected 0)");
  if (spec.can_arrest) reject(parameter, prefix + "has can_arrest: true (expected false)");
  if (spec.clinicians < 1) reject(parameter, prefix + "has clinicians: 0 (expected at least 1)");
}

void require_phone_unit(const world::ResponsePlan& plan, std::string_view model, const std::string& parameter,
                        int type) {
  const world::UnitTypeSpec& spec = plan.unit_types[static_cast<std::size_t>(type)];
  const std::string prefix = std::string(model) + " needs a phone unit type, but '" + spec.name + "' ";
  if (!spec.phone) reject(parameter, prefix + "has phone: false (expected true: line clinicians answer by phone)");
  if (spec.officers != 0)
    reject(parameter, prefix + "has officers: " + std::to_string(spec.officers) + " (expected 0)");
  if (spec.clinicians < 1) reject(parameter, prefix + "has clinicians: 0 (expected at least 1)");
  constexpr auto kResolved = static_cast<std::size_t>(world::Disposition::resolved);
  constexpr auto kReferral = static_cast<std::size_t>(world::Disposition::referral);
  for (std::size_t t = 0; t < world::kCrisisTypeCount; ++t) {
    for (std::size_t d = 0; d < world::kDispositionCount; ++d) {
      if (d == kResolved || d == kReferral || spec.outcomes[t].disposition[d] <= 0.0) continue;
      reject(parameter, prefix + "has outcomes." + std::string(world::kCrisisTypeNames[t]) + "." +
                            std::string(world::kDispositionNames[d]) +
                            " above 0; a call resolved by phone ends "
                            "resolved or referral, and the field units decide the rest");
    }
  }
}

void require_police_unit(const world::ResponsePlan& plan, std::string_view model, const std::string& parameter,
                         int type) {
  const world::UnitTypeSpec& spec = plan.unit_types[static_cast<std::size_t>(type)];
  if (spec.officers < 1 || spec.phone) {
    reject(parameter, std::string(model) + " falls back on police, but '" + spec.name +
                          "' has no officers in the field; name the patrol unit type");
  }
}

}  // namespace crisis::models::detail
