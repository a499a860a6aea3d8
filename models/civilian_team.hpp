#pragma once
/// \file
/// CAHOOTS / Denver STAR: a medic and a crisis worker in a van, sent through 911 to
/// non-violent calls, with police backup on request. See docs/methods/civilian_team.md.

#include <memory>

#include "world/response_model.hpp"

namespace crisis::models {
/// The civilian crisis team model (`civilian_team`).
std::unique_ptr<world::ResponseModel> make_civilian_team();
}  // namespace crisis::models
