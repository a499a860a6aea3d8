#include "app/size_command.hpp"

#include <chrono>
#include <memory>
#include <ostream>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "app/flags.hpp"
#include "app/progress.hpp"
#include "experiments/sizing/sizing.hpp"

namespace crisis::cli {
namespace {

int command_size(const SimulationFlags& flags, const world::ModelRegistry& registry, std::ostream& out, std::ostream& err) {
  const io::SizingSpec spec = io::load_sizing(flags.input);
  io::SizingOptions options;
  options.overrides = run_overrides(flags);  // applied after the sizing file's own `set:`
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

}  // namespace

Command add_size_command(CLI::App& app) {
  const auto add_flags = [](CLI::App& command, SimulationFlags& flags) {
    add_simulation_flags(command, flags,
                       {.input_name = "sizing",
                        .input = "Sizing YAML file: scenario, unit types to vary, targets",
                        .seed = "Random seed, the same for every candidate (default: the scenario's run.seed)",
                        .replications = "Replications per candidate, at least 2 (default: run.replications)",
                        .minimum_replications = 2,
                        .threads = true,
                        .horizon = "Simulated days counted in the measures (default: run.horizon_days)",
                        .warmup = "Days simulated first and left out of the measures (default: run.warmup_days)",
                        .set = "Override a scenario field: --set path=value (repeatable; after the file's set:)",
                        .format = true,
                        .out = "Write sizing.json and frontier.csv into this folder",
                        .quiet = "No progress or timing on stderr"});
    add_examples(command, {"crisis-sim size scenarios/sizing/eugene_cahoots.yaml --out results/size",
                           "crisis-sim report results/size"});
  };
  return make_command<SimulationFlags>(
      app, "size", "Find the least-cost mix of units that meets service targets with 95% confidence (docs/sizing.md)",
      add_flags, command_size);
}

}  // namespace crisis::cli
