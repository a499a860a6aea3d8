#include "app/sweep_command.hpp"

#include <charconv>
#include <csignal>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <sstream>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <unistd.h>

#include "app/flags.hpp"
#include "app/progress.hpp"
#include "engine/errors.hpp"
#include "results/results_writer.hpp"
#include "scenario/scenario_loader.hpp"
#include "yaml/yaml_reader.hpp"

namespace crisis::cli {
namespace {

using Clock = std::chrono::steady_clock;

/// "1 point", "9 points".
std::string count_of(std::uint64_t count, const char* noun) { return fmt::format("{} {}{}", count, noun, count == 1 ? "" : "s"); }

/// sweep's flags: the simulation flags and the precision and warm-up advice ones.
struct SweepFlags {
  SimulationFlags simulation;
  std::vector<std::string> precision;
  std::optional<int> max_replications;
  std::optional<std::string> warmup_advice;
};

io::SweepDefinition definition_from(const SweepFlags& sweep_flags) {
  const SimulationFlags& flags = sweep_flags.simulation;
  check_path_is_text(flags.input);
  // The sweep sets seed and replications itself (points x replications): only --set, horizon
  // and warm-up become overrides.
  io::SweepDefinition definition = io::load_sweep_definition(flags.input, run_overrides(flags, false));
  if (flags.replications) definition.replications = *flags.replications;
  if (flags.seed) definition.seed = *flags.seed;
  if (!sweep_flags.precision.empty()) {
    io::PrecisionRule rule = definition.precision.value_or(io::PrecisionRule{});
    rule.targets.clear();
    for (const std::string& text : sweep_flags.precision) rule.targets.push_back(io::parse_precision_flag(text));
    definition.precision = rule;
  }
  if (sweep_flags.max_replications) {
    if (!definition.precision) {
      throw InputError(InputProblem{"", 0, 0, "--max-replications", "caps the replications that --precision adds; give --precision too"});
    }
    definition.precision->max_replications = *sweep_flags.max_replications;
  }
  if (const std::optional<std::string>& measure = sweep_flags.warmup_advice) {
    io::WarmupAdviceSpec spec = definition.warmup_advice.value_or(io::WarmupAdviceSpec{});
    const auto& valid = io::warmup_series_measures();
    if (std::find(valid.begin(), valid.end(), *measure) == valid.end()) {
      const std::string suggestion = io::closest_match(*measure, valid);
      throw InputError(InputProblem{"", 0, 0, "--warmup-advice",
                                    "expected one of " + fmt::format("{}", fmt::join(valid, ", ")) + ", got \"" + *measure +
                                        "\"" + (suggestion.empty() ? "" : " (did you mean '" + suggestion + "'?)")});
    }
    spec.measure = *measure;
    definition.warmup_advice = spec;
  }
  return definition;
}

int command_sweep(const SweepFlags& sweep_flags, const world::ModelRegistry& registry, std::ostream& out, std::ostream& err) {
  const SimulationFlags& flags = sweep_flags.simulation;
  std::unique_ptr<io::SweepTransport> transport = make_mpi_transport();
  const bool root = !transport || transport->rank() == 0;
  const bool parallel_ranks = transport && transport->size() > 1;
  if (!root) {
    // Only rank 0 writes files; when it aborts, mpirun ends the others with SIGTERM, and the
    // interrupt handler's "no partial output" line would only be noise from them.
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
  }
  std::ostringstream muted;
  std::ostream& say = root ? out : muted;
  std::ostream& note = root ? err : muted;
  try {
    const io::SweepDefinition definition = definition_from(sweep_flags);
    io::SweepOptions options;
    options.out_dir = flags.out_dir;
    options.threads = flags.threads;
    options.transport = transport.get();
    // The bar only where a person watches: the real stderr, on a terminal (app/progress.hpp).
    engine::ProgressCounter counter;
    std::unique_ptr<ProgressBar> bar = progress_bar_if_wanted(err, !root || flags.quiet, counter, "rows");
    if (bar) {
      options.progress = [&counter](const io::SweepProgress& progress) {
        counter.resumed.store(progress.rows_resumed, std::memory_order_relaxed);
        counter.total.store(progress.rows_planned, std::memory_order_relaxed);
        counter.done.store(progress.rows_done, std::memory_order_relaxed);
      };
    }
    const auto started = Clock::now();
    const io::SweepReport report = io::run_sweep(definition, registry, options);
    const double seconds = std::chrono::duration<double>(Clock::now() - started).count();
    if (bar) bar->finish();
    if (!root) return 0;

    say << fmt::format("sweep {}: {} on {}, {}\n", definition.name, count_of(report.points, "point"), definition.scenario_path,
                       count_of(report.measures.size(), "result column"));
    say << fmt::format("  {}: {} run now, {} resumed from an earlier run", count_of(report.rows_total, "row"), report.rows_run,
                       report.rows_resumed);
    if (report.replications_min == report.replications_max) {
      say << fmt::format("; {} per point\n", count_of(static_cast<std::uint64_t>(report.replications_min), "replication"));
    } else {
      say << fmt::format("; {} to {} replications per point\n", report.replications_min, report.replications_max);
    }
    if (definition.precision) {
      say << fmt::format("  precision: {} of {} points reached the target; {} stopped at max_replications\n",
                         report.points - report.points_short_of_precision, report.points, report.points_short_of_precision);
    }
    say << fmt::format("  results: {} (tables sweep, points, results) and {}\n", report.database, report.points_csv);

    if (definition.warmup_advice) {
      const io::WarmupAdvice advice = io::warmup_advice(definition, registry);
      const std::string file = (std::filesystem::path(flags.out_dir) / "warmup_advice.json").string();
      io::write_file_atomically(file, io::warmup_advice_json(advice).dump(2) + "\n");
      say << fmt::format("  warm-up advice (MSER-5 on {} by day, one {}-day replication from an empty start): ", advice.measure,
                         io::format_number(advice.days));
      if (advice.reliable) {
        say << fmt::format("{} days; the scenario warms up {} days ({})\n", io::format_number(advice.recommended_warmup_days),
                           io::format_number(advice.scenario_warmup_days),
                           advice.scenario_warmup_days >= advice.recommended_warmup_days ? "enough" : "raise run.warmup_days");
      } else {
        say << fmt::format("no truncation point stands out in the first half of the run (the minimum is at its end): either "
                           "this measure shows no warm-up transient by day, or it lasts longer than half the run (raise "
                           "warmup_advice.days); the daily series is in {}\n",
                           file);
      }
    }
    if (!flags.quiet) {
      note << fmt::format("{} rows in {:.2f} s ({:.1f} rows/s){}\n", report.rows_run, seconds,
                          seconds > 0 ? static_cast<double>(report.rows_run) / seconds : 0.0,
                          parallel_ranks ? fmt::format(" on {} MPI ranks", transport->size()) : std::string());
    }
    return 0;
  } catch (...) {
    if (!parallel_ranks) throw;  // run_parsed_command prints it and picks the exit code
    // Several ranks: rank 0 reports, then ends them all (some may wait on a message that will
    // not come); the other ranks stay quiet and wait to be ended.
    const int code = report_current_exception(note);
    if (root) abort_mpi(*transport, code);
    return code;
  }
}

}  // namespace

Command add_sweep_command(CLI::App& app) {
  const auto add_flags = [](CLI::App& command, SweepFlags& flags) {
    add_simulation_flags(command, flags.simulation,
                       {.input_name = "sweep_file",
                        .input = "Sweep YAML file (docs/sweeps.md)",
                        .seed = "Random seed (default: the sweep's seed, else the scenario's run.seed)",
                        .replications = "Replications per point (the first batch, with precision)",
                        .threads = true,
                        .horizon = "Simulated days counted in the measures, at every point (default: the scenario's run.horizon_days)",
                        .warmup = "Days simulated first and left out of the measures, at every point (default: run.warmup_days)",
                        .set = "Override a base scenario field at every point: --set path=value (repeatable)",
                        .out = "Folder for sweep.sqlite and points.csv; the same command resumes into it",
                        .out_required = true});
  command.add_option("--precision", flags.precision,
                      "Add replications until each point's 95% interval is this narrow: MEASURE=5% (of the mean) or MEASURE=0.5 "
                      "(absolute); repeatable");
  command.add_option("--max-replications", flags.max_replications, "Cap on replications per point under --precision (default 100)")
      ->check(CLI::Range(2, kMaxReplications));
  command.add_option("--warmup-advice", flags.warmup_advice,
                      "Also report MSER-5 warm-up advice on this measure by day: response_min.mean, background.response_min.mean, "
                      "crisis_calls or background_calls");
  // After the sweep's own flags, where --help has always listed it.
  add_quiet_flag(command, flags.simulation.quiet, "No progress bar or timing on stderr");
  add_examples(command, {"crisis-sim sweep scenarios/sweeps/triage_x_staffing.yaml --out results/sweep",
                         "crisis-sim report results/sweep"});
  };
  return make_command<SweepFlags>(
      app, "sweep",
      "Run a scenario over a grid or Latin hypercube of parameters into DIR/sweep.sqlite and DIR/points.csv; resumes when run again",
      add_flags, command_sweep);
}

#if !defined(CRISIS_MPI)
std::unique_ptr<io::SweepTransport> make_mpi_transport() { return nullptr; }
void abort_mpi(io::SweepTransport& /*transport*/, int exit_code) { std::_Exit(exit_code); }
#endif

}  // namespace crisis::cli
