#include "app/cli.hpp"

#include <charconv>
#include <cstdint>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "app/fit_command.hpp"
#include "app/flag_checks.hpp"
#include "app/report_command.hpp"
#include "app/progress.hpp"
#include "app/size_command.hpp"
#include "app/sweep_command.hpp"
#include "crisis/build_info.hpp"
#include "engine/errors.hpp"
#include "experiments/compare.hpp"
#include "cad/replay_loader.hpp"
#include "results/results_writer.hpp"
#include "scenario/scenario_loader.hpp"
#include "yaml/yaml_reader.hpp"
#include "models/builtin_models.hpp"

namespace crisis::cli {
namespace {

/// Flags shared by every command that simulates.
struct SimulationFlags {
  std::string scenario;
  std::optional<std::uint64_t> seed;
  std::optional<int> replications;
  int threads = 0;
  std::optional<double> horizon_days;
  std::optional<double> warmup_days;
  std::vector<std::string> sets;
  std::string format = "table";
  std::string out_dir;
  bool calls = false;
  bool quiet = false;
};

void add_simulation_flags(CLI::App& command, SimulationFlags& flags) {
  command.add_option("scenario", flags.scenario, "Scenario YAML file")->required();
  command.add_option("--seed", flags.seed, "Random seed (default: the scenario's run.seed)")
      ->check(CLI::Validator(check_seed, "SEED", "seed"));
  command.add_option("--replications,-r", flags.replications, "Independent replications (default: run.replications)")
      ->check(CLI::Range(1, 100000));
  command.add_option("--threads,-j", flags.threads, "Worker threads; 0 = all cores. Results do not depend on it")
      ->check(CLI::Range(0, 1024));
  command.add_option("--horizon-days", flags.horizon_days, "Simulated days counted in the measures (default: run.horizon_days)")
      ->check(CLI::Range(0.05, 3650.0));
  command.add_option("--warmup-days", flags.warmup_days, "Days simulated first and left out of the measures")
      ->check(CLI::Range(0.0, 3650.0));
  command.add_option("--set", flags.sets, "Override a scenario field: --set path=value (repeatable)");
  command.add_option("--format", flags.format, "Output on stdout: table or json")->check(CLI::IsMember({"table", "json"}));
  command.add_option("--out,-o", flags.out_dir, "Write summary.json and replications.csv into this folder");
  command.add_flag("--calls", flags.calls, "With --out: also write one row per call to calls.csv");
  command.add_flag("--quiet,-q", flags.quiet, "No progress or timing on stderr");
}

std::vector<io::Override> overrides_from(const SimulationFlags& flags) {
  // Paths and values end up in JSON outputs, which must be UTF-8: refuse other bytes up front.
  if (io::invalid_utf8_offset(flags.scenario) != std::string::npos) {
    throw InputError(InputProblem{flags.scenario, 0, 0, "", "the path is not valid UTF-8 text; rename the file"});
  }
  return run_overrides(flags.sets, flags.horizon_days, flags.warmup_days, flags.replications, flags.seed);
}

int command_run(const SimulationFlags& flags, const world::ModelRegistry& registry, std::ostream& out, std::ostream& err) {
  if (flags.calls && flags.out_dir.empty()) {
    throw InputError(InputProblem{"", 0, 0, "--calls", "needs --out DIR: calls are written to DIR/calls.csv"});
  }
  const world::World world = io::load_world(flags.scenario, overrides_from(flags), registry);
  const auto& run = world.scenario().run;
  const auto started = std::chrono::steady_clock::now();
  engine::ProgressCounter progress;
  progress.add_total(static_cast<std::uint64_t>(run.replications));
  std::unique_ptr<ProgressBar> bar = progress_bar_if_wanted(err, flags.quiet, progress, "replications");
  const io::RunResults results =
      io::run_world(world, run.seed, static_cast<std::size_t>(run.replications), flags.threads, flags.calls, &progress);
  if (bar) bar->finish();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (!flags.out_dir.empty()) io::write_run_outputs(flags.out_dir, results, world, flags.calls);
  if (flags.format == "json") {
    out << io::summary_json(results).dump(2) << "\n";
  } else {
    out << io::summary_table(results);
  }
  if (!flags.quiet && world.scenario().replay.enabled) err << io::replay_note(world.scenario().replay) << "\n";
  if (!flags.quiet) {
    std::uint64_t events = 0;
    for (const auto& r : results.replications) events += r.events;
    err << fmt::format("{} replications in {:.2f} s ({:.3g} events/s){}\n", results.replications.size(), seconds,
                       seconds > 0 ? static_cast<double>(events) / seconds : 0.0,
                       flags.out_dir.empty() ? "" : "; results in " + flags.out_dir);
  }
  return 0;
}

int command_compare(const SimulationFlags& flags, const std::string& models_flag, const world::ModelRegistry& registry,
                    std::ostream& out, std::ostream& err) {
  if (flags.calls && flags.out_dir.empty()) {
    throw InputError(InputProblem{"", 0, 0, "--calls", "needs --out DIR: calls are written to DIR/VARIANT/calls.csv"});
  }
  std::vector<io::VariantSpec> variants;
  if (!models_flag.empty()) variants = io::variants_from_models(models_flag, registry);
  const auto started = std::chrono::steady_clock::now();
  std::vector<world::World> worlds;
  engine::ProgressCounter progress;
  std::unique_ptr<ProgressBar> bar = progress_bar_if_wanted(err, flags.quiet, progress, "replications");
  const io::Comparison comparison = io::run_comparison(flags.scenario, overrides_from(flags), variants, registry,
                                                       flags.threads, flags.calls, &worlds, &progress);
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

int command_validate(const SimulationFlags& flags, const world::ModelRegistry& registry, std::ostream& out) {
  const std::vector<io::Override> overrides = overrides_from(flags);
  const world::World world = io::load_world(flags.scenario, overrides, registry);
  // Variants are whole scenarios too: build each, so a model that rejects one is caught here.
  const io::LoadedScenario loaded = io::load_scenario(flags.scenario, overrides, registry);
  for (const io::VariantSpec& variant : loaded.variants) {
    std::vector<io::Override> all = overrides;
    all.insert(all.end(), variant.overrides.begin(), variant.overrides.end());
    try {
      (void)io::load_world(flags.scenario, all, registry);
    } catch (const InputError& error) {
      std::vector<InputProblem> problems = error.problems();
      for (auto& problem : problems) problem.message += " (in variant '" + variant.name + "')";
      throw InputError(std::move(problems));
    }
  }
  const auto& s = world.scenario();
  double population = 0.0;
  for (const auto& zone : s.zones) population += zone.population;
  out << fmt::format("{}: valid scenario '{}': {} zones, {:.0f} residents, {} unit types, models {}", flags.scenario, s.name,
                     s.zones.size(), population, world.plan().unit_types.size(), fmt::join(world.plan().applied_models, ", "));
  if (!loaded.variants.empty()) {
    std::vector<std::string> names;
    for (const auto& variant : loaded.variants) names.push_back(variant.name);
    out << fmt::format("; {} variants: {}", names.size(), fmt::join(names, ", "));
  }
  out << "\n";
  if (s.replay.enabled) out << io::replay_note(s.replay) << "\n";
  return 0;
}

int command_models(const world::ModelRegistry& registry, std::ostream& out) {
  for (const world::ResponseModel* model : registry.all()) {
    out << fmt::format("{:<16} {}\n", model->name(), model->description());
  }
  return 0;
}

}  // namespace

int run_cli(int argc, const char* const* argv, std::ostream& out, std::ostream& err) {
  world::ModelRegistry registry;
  models::register_builtin_models(registry);

  CLI::App app{"crisis-sim: agent-based simulation of behavioural-health crisis response"};
  app.set_version_flag("--version", std::string("crisis-sim ") + build::kVersion);
  app.require_subcommand(1);
  app.fallthrough(false);

  SimulationFlags run_flags;
  CLI::App* run = app.add_subcommand("run", "Simulate a scenario and print its measures with 95% confidence intervals");
  add_simulation_flags(*run, run_flags);

  SimulationFlags compare_flags;
  std::string compare_models;
  CLI::App* compare = app.add_subcommand(
      "compare", "Run the scenario's variants under common random numbers and show paired differences with 95% intervals");
  add_simulation_flags(*compare, compare_flags);
  compare->add_option("--models", compare_models,
                      "Variants as models instead of the scenario's variants: e.g. police_only,cit,cit+civilian_team "
                      "(police_only is added to each)");

  SimulationFlags validate_flags;
  CLI::App* validate = app.add_subcommand("validate", "Check a scenario without running it");
  validate->add_option("scenario", validate_flags.scenario, "Scenario YAML file")->required();
  validate->add_option("--set", validate_flags.sets, "Override a scenario field: --set path=value (repeatable)");

  CLI::App* models = app.add_subcommand("models", "List the response models with their descriptions");

  const std::unique_ptr<SweepCommand> sweep = add_sweep_command(app);  // cli/sweep_command.cpp
  const std::unique_ptr<SizeCommand> size = add_size_command(app);     // cli/size_command.cpp
  const std::unique_ptr<FitCommands> fit = add_fit_commands(app);      // cli/fit_command.cpp: fit, backtest
  const std::unique_ptr<ReportCommand> report = add_report_command(app);  // cli/report_command.cpp

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    if (error.get_exit_code() == 0) {  // --help, --version
      out << (dynamic_cast<const CLI::CallForHelp*>(&error) || dynamic_cast<const CLI::CallForAllHelp*>(&error)
                  ? app.help()
                  : std::string());
      if (dynamic_cast<const CLI::CallForVersion*>(&error)) out << error.what() << "\n";
      return 0;
    }
    err << "error: " << error.what() << "\n";
    err << "Run 'crisis-sim --help' for the commands, or 'crisis-sim COMMAND --help' for a command's flags.\n";
    return 2;
  }

  try {
    if (run->parsed()) return command_run(run_flags, registry, out, err);
    if (compare->parsed()) return command_compare(compare_flags, compare_models, registry, out, err);
    if (validate->parsed()) return command_validate(validate_flags, registry, out);
    if (models->parsed()) return command_models(registry, out);
    if (sweep->command->parsed()) return run_sweep_command(*sweep, registry, out, err);
    if (size->command->parsed()) return run_size_command(*size, registry, out, err);
    if (const int code = run_fit_commands(*fit, registry, out, err); code >= 0) return code;
    if (report->command->parsed()) return run_report_command(*report, out, err);
  } catch (const InputError& error) {
    for (const auto& problem : error.problems()) err << "error: " << problem.to_string() << "\n";
    return 2;
  } catch (const InvariantError& error) {
    err << "internal error: " << error.what() << "\nPlease report it with the scenario and the command line.\n";
    return 1;
  } catch (const std::exception& error) {
    err << "internal error: " << error.what() << "\n";
    return 1;
  }
  return 1;
}

}  // namespace crisis::cli
