#include "models/builtin_models.hpp"

#include "models/police_only.hpp"

namespace crisis::models {

void register_builtin_models(world::ModelRegistry& registry) {
  registry.add(make_police_only());
}

}  // namespace crisis::models
