#include "scenario/scenario_parts.hpp"

// The whole scenario: its sections in a fixed order (the order problems are reported in).

#include "cad/replay_loader.hpp"

namespace crisis::io::detail {

namespace {

// Where `key` itself is written in `map` (a null mark when it is not there).
YAML::Mark key_mark(const YAML::Node& map, const std::string& key) {
  if (map.IsMap()) {
    for (const auto& entry : map) {
      if (entry.first.IsScalar() && entry.first.Scalar() == key) return entry.first.Mark();
    }
  }
  return YAML::Mark::null_mark();
}

}  // namespace

LoadedScenario read_scenario(YamlReader& reader, const world::ModelRegistry& registry, const YAML::Node& root) {
  LoadedScenario loaded;
  world::Scenario& s = loaded.scenario;
  MapReader top(reader, root, "");
  if (!top.valid()) return loaded;
  s.name = top.text("name", std::nullopt);
  s.description = top.text("description", std::string());
  read_run(reader, top.child("run"), s);
  read_city(reader, top.child("city"), s);
  read_residents(reader, top.child("residents"), s);
  read_crises(reader, top.child("crises"), s);
  read_background(reader, top.child("background"), s);
  read_unit_types(reader, top.child("unit_types"), s);
  read_facilities(reader, top.child("facilities"), s);
  read_costs(reader, top.child("costs"), s);
  read_targets(reader, top.child("targets"), s);
  read_evidence(reader, top.child("evidence"), loaded.evidence);
  read_dispatch(reader, top.child("dispatch"), s);
  read_models(reader, top.child("models"), registry, s);
  read_replay(reader, top.child("replay"), key_mark(root, "replay"), top.child("run"), s);
  loaded.variants = read_variants(reader, top.child("variants"));
  top.finish();
  return loaded;
}

}  // namespace crisis::io::detail
