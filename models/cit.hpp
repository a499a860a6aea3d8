#pragma once
#include <memory>

#include "world/response_model.hpp"

namespace crisis::models {
/// Crisis Intervention Team (Memphis model): a share of patrol officers trained in crisis
/// intervention, preferred for crisis calls. Mechanics and sources: docs/methods/cit.md.
std::unique_ptr<world::ResponseModel> make_cit();
}  // namespace crisis::models
