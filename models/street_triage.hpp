#pragma once
#include <memory>

#include "world/response_model.hpp"

namespace crisis::models {
/// UK Street Triage: a car with a police officer and a mental-health nurse, on duty in set
/// hours, preferred for behavioural-health calls. Mechanics and sources:
/// docs/methods/street_triage.md.
std::unique_ptr<world::ResponseModel> make_street_triage();
}  // namespace crisis::models
