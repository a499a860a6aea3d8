#include "app/validate_command.hpp"

#include <memory>
#include <ostream>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "cad/replay_loader.hpp"
#include "engine/errors.hpp"
#include "results/results_writer.hpp"

namespace crisis::cli {
namespace {

int command_validate(const SimulationFlags& flags, const world::ModelRegistry& registry, std::ostream& out, std::ostream& /*err*/) {
  const ValidatedScenario validated = validate_scenario(flags, registry);
  const auto& s = validated.world.scenario();
  const auto& plan = validated.world.plan();
  double population = 0.0;
  for (const auto& zone : s.zones) population += zone.population;
  out << fmt::format("{}: valid scenario '{}': {} zones, {:.0f} residents, {} unit types, models {}", flags.input, s.name,
                     s.zones.size(), population, plan.unit_types.size(), fmt::join(plan.applied_models, ", "));
  if (!validated.loaded.variants.empty()) {
    std::vector<std::string> names;
    for (const auto& variant : validated.loaded.variants) names.push_back(variant.name);
    out << fmt::format("; {} variants: {}", names.size(), fmt::join(names, ", "));
  }
  out << "\n";
  if (s.replay.enabled) out << io::replay_note(s.replay) << "\n";
  return 0;
}

}  // namespace

ValidatedScenario validate_scenario(const SimulationFlags& flags, const world::ModelRegistry& registry) {
  const std::vector<io::Override> overrides = scenario_overrides(flags);
  ValidatedScenario validated{io::load_world(flags.input, overrides, registry),
                              io::load_scenario(flags.input, overrides, registry)};
  // Variants are whole scenarios too: build each, so a model that rejects one is caught here.
  for (const io::VariantSpec& variant : validated.loaded.variants) {
    std::vector<io::Override> all = overrides;
    all.insert(all.end(), variant.overrides.begin(), variant.overrides.end());
    try {
      (void)io::load_world(flags.input, all, registry);
    } catch (const InputError& error) {
      std::vector<InputProblem> problems = error.problems();
      for (auto& problem : problems) problem.message += " (in variant '" + variant.name + "')";
      throw InputError(std::move(problems));
    }
  }
  return validated;
}

Command add_validate_command(CLI::App& app) {
  const auto add_flags = [](CLI::App& command, SimulationFlags& flags) {
    add_simulation_flags(command, flags,
                         {.input = "Scenario YAML file", .set = "Override a scenario field: --set path=value (repeatable)"});
    add_examples(command, {"crisis-sim validate scenarios/baseline_police.yaml",
                           "crisis-sim validate my_city.yaml --set run.horizon_days=90"});
  };
  return make_command<SimulationFlags>(app, "validate", "Check a scenario without running it", add_flags, command_validate);
}

}  // namespace crisis::cli
