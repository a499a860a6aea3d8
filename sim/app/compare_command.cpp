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
#include "experiments/compare_export.hpp"
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
  const io::CallsOptions calls = calls_options(flags);
  if (calls.write && flags.out_dir.empty()) {
    throw InputError(InputProblem{"", 0, 0, "--calls", "needs --out DIR: calls are written to DIR/VARIANT/calls.csv"});
  }
  if (!flags.xlsx.empty()) check_path_is_text(flags.xlsx);
  const auto started = std::chrono::steady_clock::now();
  std::vector<world::World> worlds;
  engine::ProgressCounter progress;
  std::unique_ptr<ProgressBar> bar = progress_bar_if_wanted(err, flags.quiet, progress, "replications");
  const io::Comparison comparison = compare_scenario(flags, compare_flags.models, registry, &worlds, &progress);
  if (bar) bar->finish();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (!flags.out_dir.empty()) io::write_comparison_outputs(flags.out_dir, comparison, worlds, calls);
  if (!flags.xlsx.empty()) io::write_xlsx(flags.xlsx, io::comparison_export_tables(comparison, worlds));
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
  if (variants.size() == 1) {
    throw InputError(InputProblem{"", 0, 0, "--models",
                                  "names one variant ('" + variants.front().name +
                                      "'); compare needs two or more, separated by commas: the first is the reference, "
                                      "e.g. --models police_only," + (variants.front().name == "police_only" ? std::string("cit")
                                                                                                          : variants.front().name)});
  }
  return io::run_comparison(flags.input, scenario_overrides(flags), std::move(variants), registry, flags.threads,
                            calls_options(flags).write, worlds, progress);
}

Command add_compare_command(CLI::App& app) {
  const auto add_flags = [](CLI::App& command, CompareFlags& flags) {
    SimulationFlagHelp help = scenario_run_flag_help();
    help.out = "Write comparison.json and comparison.csv, and one folder per variant (as run --out), into this folder";
    help.calls = "With --out: also write one row per call to DIR/VARIANT/calls.csv";
    help.xlsx = "Also write the comparison, per-zone and per-group tables and the inputs to this .xlsx workbook";
    add_simulation_flags(command, flags.simulation, help);
    command.add_option("--models", flags.models,
                       "Variants as models instead of the scenario's variants: e.g. police_only,cit,cit+civilian_team "
                       "(police_only is added to each; the first is the reference)");
    add_examples(command, {"crisis-sim compare scenarios/eugene_cahoots.yaml",
                           "crisis-sim compare scenarios/baseline_police.yaml --models police_only,cit -r 10",
                           "crisis-sim compare my_city.yaml --out results/my_city && crisis-sim report results/my_city"});
  };
  return make_command<CompareFlags>(
      app, "compare", "Run the scenario's variants under common random numbers and show paired differences with 95% intervals",
      add_flags, command_compare);
}

}  // namespace crisis::cli
