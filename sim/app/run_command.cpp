#include "app/run_command.hpp"

#include <chrono>
#include <memory>
#include <ostream>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "app/progress.hpp"
#include "cad/replay_loader.hpp"
#include "engine/errors.hpp"
#include "results/export_tables.hpp"
#include "scenario/scenario_loader.hpp"

namespace crisis::cli {
namespace {

int command_run(const SimulationFlags& flags, const world::ModelRegistry& registry, std::ostream& out, std::ostream& err) {
  const io::CallsOptions calls = calls_options(flags);
  if (calls.write && flags.out_dir.empty()) {
    throw InputError(InputProblem{"", 0, 0, "--calls", "needs --out DIR: calls are written to DIR/calls.csv"});
  }
  if (!flags.xlsx.empty()) check_path_is_text(flags.xlsx);
  if (!flags.out_dir.empty()) io::check_output_directory(flags.out_dir);  // before the work, not after
  const auto started = std::chrono::steady_clock::now();
  engine::ProgressCounter progress;
  std::unique_ptr<ProgressBar> bar = progress_bar_if_wanted(err, flags.quiet, progress, "replications");
  const ScenarioRun run = run_scenario(flags, registry, &progress);
  if (bar) bar->finish();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  const io::RunResults& results = run.results;
  if (!flags.out_dir.empty()) io::write_run_outputs(flags.out_dir, results, run.world, calls);
  if (!flags.xlsx.empty()) io::write_xlsx(flags.xlsx, io::run_export_tables(results, run.world));
  if (flags.format == "json") {
    out << io::summary_json(results).dump(2) << "\n";
  } else {
    out << io::summary_table(results);
  }
  if (const std::string warning = io::overload_warning(results); !warning.empty()) err << warning << "\n";
  if (!flags.quiet && run.world.scenario().replay.enabled) err << io::replay_note(run.world.scenario().replay) << "\n";
  if (!flags.quiet) {
    std::uint64_t events = 0;
    for (const auto& r : results.replications) events += r.events;
    err << fmt::format("{} replications in {:.2f} s ({:.3g} events/s){}\n", results.replications.size(), seconds,
                       seconds > 0 ? static_cast<double>(events) / seconds : 0.0,
                       flags.out_dir.empty() ? "" : "; results in " + flags.out_dir);
  }
  return 0;
}

}  // namespace

ScenarioRun run_scenario(const SimulationFlags& flags, const world::ModelRegistry& registry,
                         engine::ProgressCounter* progress) {
  ScenarioRun run{io::load_world(flags.input, scenario_overrides(flags), registry), {}};
  const auto& settings = run.world.scenario().run;
  if (progress != nullptr) progress->add_total(static_cast<std::uint64_t>(settings.replications));
  // calls.csv streams replication by replication to a temporary file (memory does not grow with
  // the replications); gzip, the crisis filter and rounding format it from memory instead.
  const io::CallsOptions calls = calls_options(flags);
  const bool plain = !calls.gzip && !calls.crisis_only && calls.decimals < 0;
  const io::CallRecords records = !calls.write ? io::CallRecords::none : plain ? io::CallRecords::streamed : io::CallRecords::in_memory;
  run.results = io::run_world(run.world, settings.seed, static_cast<std::size_t>(settings.replications), flags.threads, records,
                              progress);
  return run;
}

SimulationFlagHelp scenario_run_flag_help() {
  return {.input = "Scenario YAML file",
          .seed = "Random seed (default: the scenario's run.seed)",
          .replications = "Independent replications (default: run.replications)",
          .threads = true,
          .horizon = "Simulated days counted in the measures (default: run.horizon_days)",
          .warmup = "Days simulated first and left out of the measures (default: run.warmup_days)",
          .set = "Override a scenario field: --set path=value (repeatable)",
          .format = true,
          .out = "Write summary.json, replications.csv and utilisation_by_hour.csv into this folder",
          .calls = "With --out: also write one row per call to calls.csv",
          .xlsx = "Also write the measures, per-zone and per-group tables and the inputs to this .xlsx workbook",
          .quiet = "No progress or timing on stderr"};
}

Command add_run_command(CLI::App& app) {
  return make_command<SimulationFlags>(
      app, "run", "Simulate a scenario and print its measures with 95% confidence intervals",
      [](CLI::App& command, SimulationFlags& flags) {
        add_simulation_flags(command, flags, scenario_run_flag_help());
        add_examples(command, {"crisis-sim run scenarios/baseline_police.yaml",
                               "crisis-sim run scenarios/baseline_police.yaml -r 20 --horizon-days 90 --out results/baseline",
                               "crisis-sim run scenarios/baseline_police.yaml --set crises.triage_accuracy=0.8 --format json",
                               "crisis-sim run scenarios/baseline_police.yaml -o results/b --calls-gz --calls-filter crisis --xlsx b.xlsx"});
      },
      command_run);
}

}  // namespace crisis::cli
