#pragma once
#include <memory>

#include "world/response_model.hpp"

namespace crisis::models {
/// Co-responder teams (PACT, Car 87, PACER, MCRRT, Helsinki): an officer and a clinician in one
/// car, sent first or asked by patrol to join. Mechanics and sources: docs/methods/co_responder.md.
std::unique_ptr<world::ResponseModel> make_co_responder();
}  // namespace crisis::models
