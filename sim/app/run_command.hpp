#pragma once
/// \file
/// `crisis-sim run SCENARIO`: simulate a scenario and print its measures. run_scenario is what
/// the command computes; the Python module calls it too, so both give the same numbers.

#include "app/command.hpp"
#include "app/flags.hpp"
#include "engine/progress.hpp"
#include "results/results_writer.hpp"
#include "world/world.hpp"

namespace crisis::cli {

/// A scenario's world (overrides applied) and the results of its replications.
struct ScenarioRun {
  world::World world;
  io::RunResults results;
};

/// Load `flags.input` with scenario_overrides(flags) and run its run.replications replications
/// from run.seed on `flags.threads` threads, recording calls when `flags.calls`. `progress`,
/// when given, gets the replications added to its total and advances as each ends.
ScenarioRun run_scenario(const SimulationFlags& flags, const world::ModelRegistry& registry,
                         engine::ProgressCounter* progress = nullptr);

/// The --help text of the simulation flags of run and compare.
SimulationFlagHelp scenario_run_flag_help();

/// Add `run` to `app`.
Command add_run_command(CLI::App& app);

}  // namespace crisis::cli
