#include "app/check_command.hpp"

#include <chrono>
#include <memory>
#include <ostream>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "app/flags.hpp"
#include "app/progress.hpp"
#include "experiments/evidence.hpp"

namespace crisis::cli {
namespace {

/// check's flags: several scenarios, the simulation flags that apply to each, and a format
/// that adds markdown (docs/validation.md is made with it).
struct CheckFlags {
  std::vector<std::string> scenarios;
  SimulationFlags simulation;
  std::string format = "table";
};

int command_check(const CheckFlags& check_flags, const world::ModelRegistry& registry, std::ostream& out, std::ostream& err) {
  const auto started = std::chrono::steady_clock::now();
  std::vector<io::EvidenceCheck> checks;
  std::size_t failed = 0;
  std::size_t entries = 0;
  for (const std::string& scenario : check_flags.scenarios) {
    SimulationFlags flags = check_flags.simulation;
    flags.input = scenario;
    engine::ProgressCounter progress;
    std::unique_ptr<ProgressBar> bar = progress_bar_if_wanted(err, flags.quiet, progress, "replications");
    checks.push_back(io::run_evidence(scenario, scenario_overrides(flags), registry, flags.threads, &progress));
    if (bar) bar->finish();
    failed += checks.back().failed();
    entries += checks.back().results.size();
    // Tables are printed as each scenario ends, so a long check shows its progress.
    if (check_flags.format == "table") out << io::evidence_table(checks.back()) << "\n" << std::flush;
    if (check_flags.format == "markdown") out << io::evidence_markdown(checks.back()) << std::flush;
  }
  if (check_flags.format == "json") out << io::evidence_json(checks).dump(2) << "\n";
  if (!check_flags.simulation.quiet) {
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    err << fmt::format("{} of {} evidence entries pass over {} scenarios in {:.2f} s\n", entries - failed, entries, checks.size(),
                       seconds);
  }
  return failed == 0 ? 0 : kEvidenceMissedExitCode;
}

}  // namespace

Command add_check_command(CLI::App& app) {
  const auto add_flags = [](CLI::App& command, CheckFlags& flags) {
    command.add_option("scenarios", flags.scenarios, "Scenario YAML files whose evidence: entries to check")->required();
    // Not add_simulation_flags: its one positional is a single file, and check takes several.
    SimulationFlags& simulation = flags.simulation;
    add_seed_flag(command, simulation.seed, "Override run.seed in every scenario");
    add_replications_flag(command, simulation.replications,
                          "Override run.replications (each entry's interval is over replications)", 1);
    add_threads_flag(command, simulation.threads);
    command.add_option("--horizon-days", simulation.horizon_days, "Override run.horizon_days")->check(CLI::Range(0.05, engine::kMaxHorizonDays));
    command.add_option("--warmup-days", simulation.warmup_days, "Override run.warmup_days")->check(CLI::Range(0.0, engine::kMaxHorizonDays));
    command.add_option("--set", simulation.sets, "Override a scenario field in every scenario: --set path=value (repeatable)");
    add_quiet_flag(command, simulation.quiet, "No progress bar or timing on stderr");
    command.add_option("--format", flags.format, "Output on stdout: table, json or markdown")
        ->check(CLI::IsMember({"table", "json", "markdown"}));
  };
  return make_command<CheckFlags>(
      app, "check",
      "Run each scenario's evidence: entries against their published figures; exit 3 when any misses", add_flags,
      command_check);
}

}  // namespace crisis::cli
