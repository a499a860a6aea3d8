#pragma once
/// \file
/// `crisis-sim compare SCENARIO`: run a scenario's variants under common random numbers and
/// print paired differences. compare_scenario is what the command computes; the Python module
/// calls it too.

#include <string>
#include <vector>

#include "app/command.hpp"
#include "app/flags.hpp"
#include "engine/progress.hpp"
#include "experiments/compare.hpp"
#include "world/world.hpp"

namespace crisis::cli {

/// Run the variants of `flags.input` (the file's, or those that `models` names, as --models
/// reads them when not empty) with scenario_overrides(flags), paired. `worlds`, when given,
/// receives each variant's world; `progress` counts their replications.
io::Comparison compare_scenario(const SimulationFlags& flags, const std::string& models,
                                const world::ModelRegistry& registry, std::vector<world::World>* worlds = nullptr,
                                engine::ProgressCounter* progress = nullptr);

/// Add `compare` to `app`.
Command add_compare_command(CLI::App& app);

}  // namespace crisis::cli
