#include "models/builtin_models.hpp"

#include "models/cit.hpp"
#include "models/civilian_team.hpp"
#include "models/co_responder.hpp"
#include "models/crisis_line.hpp"
#include "models/mobile_crisis.hpp"
#include "models/police_only.hpp"
#include "models/street_triage.hpp"

namespace crisis::models {

void register_builtin_models(world::ModelRegistry& registry) {
  registry.add(make_police_only());
  registry.add(make_cit());
  registry.add(make_street_triage());
  registry.add(make_co_responder());
  registry.add(make_civilian_team());
  registry.add(make_mobile_crisis());
  registry.add(make_crisis_line());
}

}  // namespace crisis::models
