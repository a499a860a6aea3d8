#pragma once
#include <memory>

#include "world/response_model.hpp"

namespace crisis::models {
/// Today's response: every behavioural-health call goes to patrol officers.
std::unique_ptr<world::ResponseModel> make_police_only();
}  // namespace crisis::models
