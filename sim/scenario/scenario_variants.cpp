#include "scenario/scenario_parts.hpp"

// Variants: named sets of overrides on top of the base scenario (compare runs each). Each must
// give a valid scenario, checked when the scenario is loaded rather than at compare time.

#include <algorithm>

namespace crisis::io::detail {

std::vector<VariantSpec> read_variants(YamlReader& reader, const YAML::Node& node) {
  std::vector<VariantSpec> variants;
  if (!node.IsDefined()) return variants;
  if (!node.IsSequence() || node.size() == 0) {
    reader.problem(node, "variants", "expected a list of variants such as {name: with_cit, set: {\"models\": \"[police_only, cit]\"}}");
    return variants;
  }
  for (std::size_t i = 0; i < node.size(); ++i) {
    const std::string path = "variants[" + std::to_string(i) + "]";
    MapReader map(reader, node[i], path);
    VariantSpec variant;
    variant.name = map.text("name", std::nullopt);
    const bool safe = !variant.name.empty() && std::all_of(variant.name.begin(), variant.name.end(), [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
    });
    if (!variant.name.empty() && (!safe || variant.name.front() == '.')) {
      reader.problem(map.child("name"), path + ".name", "expected a name of letters, digits, '_', '-' or '.' (it names an output folder)");
    }
    variant.description = map.text("description", std::string());
    const YAML::Node set = map.child("set");
    if (set.IsDefined()) {
      MapReader sets(reader, set, path + ".set");
      if (sets.valid()) {
        for (const auto& entry : set) {
          reader.record(entry.first, path + ".set." + (entry.first.IsScalar() ? entry.first.Scalar() : std::string("?")));
          if (!entry.first.IsScalar()) {
            reader.problem(entry.first, path + ".set", "expected a scenario path such as unit_types[0].roster.constant, got " + describe(entry.first));
            continue;
          }
          YAML::Emitter emitter;
          emitter << YAML::Flow << entry.second;
          variant.overrides.push_back({entry.first.Scalar(), emitter.c_str()});
        }
      }
      reader.know(key_pattern(path) + ".set.<path>");
    }
    map.finish();
    for (const auto& other : variants) {
      if (other.name == variant.name) reader.problem(map.child("name"), path + ".name", "duplicate variant name '" + variant.name + "'");
    }
    variants.push_back(std::move(variant));
  }
  return variants;
}

std::vector<InputProblem> check_variants(const YamlReader& base, const world::ModelRegistry& registry,
                                         const YAML::Node& root, const std::vector<VariantSpec>& variants) {
  std::vector<InputProblem> variant_problems;
  for (std::size_t v = 0; v < variants.size(); ++v) {
    const VariantSpec& variant = variants[v];
    YAML::Node copy = YAML::Clone(root);
    YamlReader variant_reader(base.file());
    const std::string variant_path = "variants[" + std::to_string(v) + "]";
    try {
      for (const Override& o : variant.overrides) {
        try {
          apply_override(copy, o);
        } catch (const InputError& error) {
          InputProblem problem = base.locate(variant_path + ".set." + o.path, error.problems().front().message);
          throw InputError(std::move(problem));
        }
        variant_reader.mark_overridden(o.path);
      }
      const LoadedScenario variant_scenario = read_scenario(variant_reader, registry, copy);
      // A variant may ask for more work than the base (more replications, a denser city).
      if (variant_reader.ok()) check_work_budget(variant_reader, variant_scenario.scenario, 0);
    } catch (const InputError& error) {
      for (const InputProblem& p : error.problems()) variant_problems.push_back(p);
      continue;
    }
    for (const InputProblem& p : variant_reader.problems()) {
      // Problems under an override point at the variant's `set:` entry; others (which the
      // base already passed) cannot occur, but are reported as they are.
      std::string set_key = p.field;
      for (const Override& o : variant.overrides) {
        if (p.file == "--set " + o.path) set_key = o.path;
      }
      InputProblem located = base.locate(variant_path + ".set." + set_key, p.field + ": " + p.message);
      located.field = variant_path + " ('" + variant.name + "')";
      variant_problems.push_back(std::move(located));
    }
  }
  return variant_problems;
}

}  // namespace crisis::io::detail
