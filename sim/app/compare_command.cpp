#include "app/compare_command.hpp"

#include <chrono>
#include <memory>
#include <ostream>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "app/progress.hpp"
#include "cad/replay_loader.hpp"
#include "app/run_command.hpp"
#include "engine/errors.hpp"
#include "results/results_writer.hpp"

namespace crisis::cli {
namespace {

/// compare's flags: the simulation flags and --models.
struct CompareFlags {
  SimulationFlags simulation;
  std::string models;
};

int command_compare(const CompareFlags& compare_flags, const world::ModelRegistry& registry, std::ostream& out,
            std::ostream& err) {
  const SimulationFlags& flags = compare_flags.simulation;
  if (flags.calls && flags.out_dir.empty()) {
    throw InputError(InputProblem{"", 0, 0, "--calls", "needs --out DIR: calls are written to DIR/VARIANT/calls.csv"});
  }
  const auto started = std::chrono::steady_clock::now();
  std::vector<world::World> worlds;
  engine::ProgressCounter progress;
  std::unique_ptr<ProgressBar> bar = progress_bar_if_wanted(err, flags.quiet, progress, "replications");
  const io::Comparison comparison = compare_scenario(flags, compare_flags.models, registry, &worlds, &progress);
  if (bar) bar->finish();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (!flags.out_dir.empty()) io::write_comparison_outputs(flags.out_dir, comparison, worlds, flags.calls);
  if (flags.format == "json") {
    out << io::comparison_json(comparison).dump(2) << "\n";
  } else {
    out << io::comparison_table(comparison);
  }
  if (!flags.quiet && !worlds.empty() && worlds.front().scenario().replay.enabled) {
    err << io::replay_note(worlds.front().scenario().replay) << "\n";
  }
  if (!flags.quiet) {
    err << fmt::format("{} variants x {} replications in {:.2f} s{}\n", comparison.variants.size(),
                       comparison.variants.front().results.replications.size(), seconds,
                       flags.out_dir.empty() ? "" : "; results in " + flags.out_dir);
  }
  return 0;
}

}  // namespace

io::Comparison compare_scenario(const SimulationFlags& flags, const std::string& models,
                                const world::ModelRegistry& registry, std::vector<world::World>* worlds,
                                engine::ProgressCounter* progress) {
  // --models is read before the overrides, so a bad model name is the error reported first.
  std::vector<io::VariantSpec> variants;
  if (!models.empty()) {
    variants = io::variants_from_models(models, registry);
    // Again with the scenario, so that the models it lists keep its parameters (issue #14).
    const io::LoadedScenario loaded = io::load_scenario(flags.input, scenario_overrides(flags), registry, false);
    variants = io::variants_from_models(models, registry, &loaded.scenario);
  }
  return io::run_comparison(flags.input, scenario_overrides(flags), std::move(variants), registry, flags.threads,
                            flags.calls, worlds, progress);
}

Command add_compare_command(CLI::App& app) {
  const auto add_flags = [](CLI::App& command, CompareFlags& flags) {
    add_simulation_flags(command, flags.simulation, scenario_run_flag_help());
    command.add_option("--models", flags.models,
                       "Variants as models instead of the scenario's variants: e.g. police_only,cit,cit+civilian_team "
                       "(police_only is added to each)");
  };
  return make_command<CompareFlags>(
      app, "compare", "Run the scenario's variants under common random numbers and show paired differences with 95% intervals",
      add_flags, command_compare);
}

}  // namespace crisis::cli
