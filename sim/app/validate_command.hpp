#pragma once
/// \file
/// `crisis-sim validate SCENARIO`: check a scenario (and each of its variants) without running
/// it. validate_scenario is the check; the Python module calls it too.

#include "app/command.hpp"
#include "app/flags.hpp"
#include "scenario/scenario_loader.hpp"
#include "world/world.hpp"

namespace crisis::cli {

/// A scenario that passed validate_scenario: its world and what its file declares.
struct ValidatedScenario {
  world::World world;
  io::LoadedScenario loaded;
};

/// Build the world of `flags.input` with scenario_overrides(flags), then each variant's world,
/// so that a model that rejects a variant is caught too. Throws InputError (a variant's
/// problems name the variant).
ValidatedScenario validate_scenario(const SimulationFlags& flags, const world::ModelRegistry& registry);

/// Add `validate` to `app`.
Command add_validate_command(CLI::App& app);

}  // namespace crisis::cli
