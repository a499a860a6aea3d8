#pragma once
/// \file
/// The one place where built-in response models are registered.

#include "world/response_model.hpp"

namespace crisis::models {

/// Register every built-in model with `registry`. Called from main() and from tests.
void register_builtin_models(world::ModelRegistry& registry);

}  // namespace crisis::models
