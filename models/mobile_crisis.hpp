#pragma once
/// \file
/// Crisis Now mobile crisis teams of clinicians, sent by the crisis line when the phone does
/// not resolve the crisis, and optionally by 911. See docs/methods/mobile_crisis.md.

#include <memory>

#include "world/response_model.hpp"

namespace crisis::models {
/// The mobile crisis team model (`mobile_crisis`).
std::unique_ptr<world::ResponseModel> make_mobile_crisis();
}  // namespace crisis::models
