#include "models/builtin_models.hpp"

#include <memory>

namespace crisis::models {

// The built-in models: one factory per file in models/, registered below in this order (the
// order `crisis-sim models` lists). Adding a model: its .cpp, a line here and a line below.
std::unique_ptr<world::ResponseModel> make_police_only();  // models/police_only.cpp
std::unique_ptr<world::ResponseModel> make_cit();  // models/cit.cpp
std::unique_ptr<world::ResponseModel> make_street_triage();  // models/street_triage.cpp
std::unique_ptr<world::ResponseModel> make_co_responder();  // models/co_responder.cpp
std::unique_ptr<world::ResponseModel> make_civilian_team();  // models/civilian_team.cpp
std::unique_ptr<world::ResponseModel> make_mobile_crisis();  // models/mobile_crisis.cpp
std::unique_ptr<world::ResponseModel> make_crisis_line();  // models/crisis_line.cpp

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
