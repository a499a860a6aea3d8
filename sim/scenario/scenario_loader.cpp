#include "scenario/scenario_loader.hpp"

// Loading a scenario: the file's text, the --set overrides applied, every section read (one
// group per file in sections/), the variants checked, and the content hash. The parts are in
// scenario_parts.hpp.

#include "engine/errors.hpp"
#include "engine/limits.hpp"
#include "scenario/scenario_parts.hpp"
#include "yaml/yaml_reader.hpp"

namespace crisis::io {

LoadedScenario load_scenario(const std::string& path, const std::vector<Override>& overrides,
                             const world::ModelRegistry& registry, bool check_variants) {
  return load_scenario_text(read_yaml_file(path), path, overrides, registry, check_variants);
}

LoadedScenario load_scenario_text(const std::string& text, const std::string& path, const std::vector<Override>& overrides,
                                  const world::ModelRegistry& registry, bool check_variants) {
  if (text.find_first_not_of(" \t\r\n") == std::string::npos) {
    throw InputError(InputProblem{path, 1, 1, "", "the file is empty; expected a scenario (see docs/scenario-format.md)"});
  }
  YAML::Node root = load_yaml_text(text, path);
  require_document(root, path);
  YamlReader reader(path);
  // A file whose top level is not a mapping is the file's fault, whatever --set (or
  // --replications, --seed) would have changed in it: say so before applying them.
  if (!root.IsMap()) {
    MapReader top(reader, root, "");
    reader.throw_if_problems();
  }
  for (const Override& o : overrides) {
    detail::apply_override(root, o);
    reader.mark_overridden(o.path);
  }
  LoadedScenario loaded = detail::read_scenario(reader, registry, root);
  if (reader.ok()) detail::check_work_budget(reader, loaded.scenario, loaded.variants.size());
  reader.throw_if_problems();
  // Each variant must be a valid scenario too: check its overrides now, not at compare time.
  if (check_variants) {
    std::vector<InputProblem> variant_problems = detail::check_variants(reader, registry, root, loaded.variants);
    if (!variant_problems.empty()) throw InputError(std::move(variant_problems));
  }
  loaded.scenario.source_path = path;
  loaded.scenario.content_hash = detail::scenario_content_hash(text, overrides);
  loaded.known_keys = reader.known_keys();
  if (loaded.scenario.run.warmup_days + loaded.scenario.run.horizon_days > engine::kMaxHorizonDays) {
    throw InputError(reader.locate("run.horizon_days", "warm-up plus horizon exceed 3650 days"));
  }
  return loaded;
}

world::World load_world(const std::string& path, const std::vector<Override>& overrides, const world::ModelRegistry& registry) {
  LoadedScenario loaded = load_scenario(path, overrides, registry, /*check_variants=*/false);
  try {
    return world::build_world(loaded.scenario, registry);
  } catch (const InputError& error) {
    // Re-read only to find where the failing key sits in the file.
    YAML::Node root = load_yaml_file(path);
    YamlReader reader(path);
    for (const Override& o : overrides) {
      detail::apply_override(root, o);
      reader.mark_overridden(o.path);
    }
    (void)detail::read_scenario(reader, registry, root);
    std::vector<InputProblem> located;
    for (const InputProblem& problem : error.problems()) {
      InputProblem p = reader.locate(problem.field, problem.message);
      located.push_back(std::move(p));
    }
    throw InputError(std::move(located));
  }
}

}  // namespace crisis::io
