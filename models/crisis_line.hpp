#pragma once
/// \file
/// A 988 crisis call centre: clinicians answer a share of crises by phone before any unit is
/// sent. See docs/methods/crisis_line.md.

#include <memory>

#include "world/response_model.hpp"

namespace crisis::models {
/// The crisis line model (`crisis_line`).
std::unique_ptr<world::ResponseModel> make_crisis_line();
}  // namespace crisis::models
