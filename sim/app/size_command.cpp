#include "app/size_command.hpp"

#include <charconv>
#include <chrono>
#include <iostream>
#include <memory>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "app/flag_checks.hpp"
#include "app/progress.hpp"
#include "engine/errors.hpp"
#include "scenario/scenario_loader.hpp"
#include "experiments/sizing/sizing.hpp"
#include "yaml/yaml_reader.hpp"

namespace crisis::cli {
namespace {

/// The flags as scenario overrides, applied after the sizing file's own `set:`.
std::vector<io::Override> command_overrides(const SizeFlags& flags) {
  return run_overrides(flags.sets, flags.horizon_days, flags.warmup_days, flags.replications, flags.seed);
}

}  // namespace

std::unique_ptr<SizeCommand> add_size_command(CLI::App& app) {
  auto size = std::make_unique<SizeCommand>();
  SizeFlags& flags = size->flags;
  CLI::App* command = app.add_subcommand(
      "size", "Find the least-cost mix of units that meets service targets with 95% confidence (docs/sizing.md)");
  size->command = command;
  command->add_option("sizing", flags.sizing_file, "Sizing YAML file: scenario, unit types to vary, targets")
      ->required();
  command
      ->add_option("--seed", flags.seed, "Random seed, the same for every candidate (default: the scenario's run.seed)")
      ->check(CLI::Validator(check_seed, "SEED", "seed"));
  command
      ->add_option("--replications,-r", flags.replications,
                   "Replications per candidate, at least 2 (default: run.replications)")
      ->check(CLI::Range(2, 100000));
  command->add_option("--threads,-j", flags.threads, "Worker threads; 0 = all cores. Results do not depend on it")
      ->check(CLI::Range(0, 1024));
  command
      ->add_option("--horizon-days", flags.horizon_days,
                   "Simulated days counted in the measures (default: run.horizon_days)")
      ->check(CLI::Range(0.05, 3650.0));
  command->add_option("--warmup-days", flags.warmup_days, "Days simulated first and left out of the measures")
      ->check(CLI::Range(0.0, 3650.0));
  command->add_option("--set", flags.sets,
                      "Override a scenario field: --set path=value (repeatable; after the file's set:)");
  command->add_option("--format", flags.format, "Output on stdout: table or json")
      ->check(CLI::IsMember({"table", "json"}));
  command->add_option("--out,-o", flags.out_dir, "Write sizing.json and frontier.csv into this folder");
  command->add_flag("--quiet,-q", flags.quiet, "No progress or timing on stderr");
  return size;
}

int run_size_command(const SizeCommand& size, const world::ModelRegistry& registry, std::ostream& out,
                     std::ostream& err) {
  const SizeFlags& flags = size.flags;
  const io::SizingSpec spec = io::load_sizing(flags.sizing_file);
  io::SizingOptions options;
  options.overrides = command_overrides(flags);
  options.threads = flags.threads;
  // One log line per simulated mix; on a terminal, below them, a bar of the mixes simulated
  // (their number is not known ahead: the search stops when it has its answer).
  engine::ProgressCounter counter;
  std::unique_ptr<ProgressBar> bar = progress_bar_if_wanted(err, flags.quiet, counter, "mixes");
  if (bar) {
    options.progress = [&counter, &bar](const std::string& line) {
      counter.advance();
      bar->print_line(line);
    };
  } else if (!flags.quiet) {
    options.progress = [&err](const std::string& line) { err << line << "\n" << std::flush; };
  }
  const auto started = std::chrono::steady_clock::now();
  const io::SizingResult result = io::run_sizing(spec, options, registry);
  if (bar) bar->finish();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (!flags.out_dir.empty()) io::write_sizing_outputs(flags.out_dir, result);
  if (flags.format == "json") {
    out << io::sizing_json(result).dump(2) << "\n";
  } else {
    out << io::sizing_table(result);
  }
  if (!flags.quiet) {
    err << fmt::format("{} simulated mixes in {:.1f} s{}\n", result.candidates.size(), seconds,
                       flags.out_dir.empty() ? "" : "; results in " + flags.out_dir);
  }
  return 0;
}

}  // namespace crisis::cli
