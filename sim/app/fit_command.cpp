#include "app/fit_command.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <system_error>

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "app/flag_checks.hpp"
#include "app/progress.hpp"
#include "engine/errors.hpp"
#include "engine/progress.hpp"
#include "cad/cad.hpp"
#include "fit/cad_backtest.hpp"
#include "fit/cad_fit.hpp"
#include "results/results_writer.hpp"

#ifndef CRISIS_SCENARIOS_DIR
#define CRISIS_SCENARIOS_DIR "scenarios"
#endif

namespace crisis::cli {
namespace {

/// "YYYY-MM-DD" or "YYYY-MM-DD HH:MM[:SS]" (or with T) as a CAD timestamp, read as the importer
/// reads ISO stamps; InputError naming the flag otherwise.
io::cad::Timestamp parse_date_flag(const std::string& text, const std::string& flag) {
  const std::optional<io::cad::Timestamp> parsed = io::cad::parse_timestamp(text, "");
  if (!parsed) {
    throw InputError(InputProblem{"", 0, 0, flag, "expected a date YYYY-MM-DD or a date-time YYYY-MM-DD HH:MM[:SS], got \"" + text + "\""});
  }
  return *parsed;
}

void add_common_flags(CLI::App& command, FitFlags& flags, const char* replications_help, int minimum_replications) {
  command.add_option("cad", flags.csv, "The CAD export (CSV)")->required();
  command.add_option("--schema", flags.schema, "Import schema: a built-in name (milwaukee, seattle, dallas, mcslc, nopd) or a YAML file")
      ->required();
  command.add_option("--mapping", flags.mapping, "Call-type mapping: a built-in name or a CSV file (default: the schema's)");
  command.add_option("--out,-o", flags.out_dir, "Folder for the scenario, reports and rejects.csv")->required();
  command.add_option("--base", flags.base,
                     "Base scenario whose unfitted values are kept (default: scenarios/mobile_crisis_team.yaml for mcslc, "
                     "else scenarios/baseline_police.yaml)");
  command.add_option("--name", flags.name, "Name of the fitted scenario (and its file, NAME.yaml)");
  command.add_option("--seed", flags.seed, "Random seed of the calibration and simulation runs (default 1)")
      ->check(CLI::Validator(check_seed, "SEED", "seed"));
  command.add_option("--replications,-r", flags.replications, replications_help)->check(CLI::Range(minimum_replications, 100000));
  command.add_option("--threads,-j", flags.threads, "Worker threads; 0 = all cores. Results do not depend on it")
      ->check(CLI::Range(0, 1024));
  command.add_flag("--quiet,-q", flags.quiet, "Print only the result: no import summary, file list or progress bar");
}

std::string resolve_base(const FitFlags& flags, const std::string& schema) {
  if (!flags.base.empty()) return flags.base;
  // The shipped scenarios: from the working folder when run in a checkout, else the source tree.
  const std::string here = io::cad::default_base_scenario(schema, "scenarios");
  if (std::filesystem::exists(here)) return here;
  return io::cad::default_base_scenario(schema, CRISIS_SCENARIOS_DIR);
}

/// A scenario name usable as a file name: letters, digits, _ - . (not starting with .).
std::string checked_name(const std::string& name) {
  const bool ok = !name.empty() && name.front() != '.' && std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '-' || c == '.';
  });
  if (!ok) throw InputError(InputProblem{"", 0, 0, "--name", "expected letters, digits, _, - and ., not starting with ., got \"" + name + "\""});
  return name;
}

std::string default_name(const std::string& csv, const char* suffix) {
  std::string stem = std::filesystem::path(csv).stem().string();
  for (char& c : stem) {
    if (std::isalnum(static_cast<unsigned char>(c)) == 0 && c != '_' && c != '-') c = '_';
  }
  if (stem.empty() || stem.front() == '.') stem = "cad";
  return stem + suffix;
}

/// The output folder's files, written first into a hidden sibling folder and moved into the
/// output folder only when the command succeeds: a failed fit or backtest leaves no partial
/// output, no rejects.csv and no empty folder (issue #15).
class StagedOutput {
 public:
  explicit StagedOutput(const std::string& out_dir) : out_(out_dir) {
    const std::filesystem::path target(out_dir);
    std::error_code error;
    if (std::filesystem::exists(target, error) && !std::filesystem::is_directory(target, error)) {
      throw InputError(InputProblem{out_dir, 0, 0, "--out", "exists and is not a folder"});
    }
    // Staged in the nearest existing folder above, so that a failure creates no folder at all.
    std::filesystem::path parent = target.has_parent_path() ? target.parent_path() : std::filesystem::path(".");
    while (!parent.empty() && !std::filesystem::is_directory(parent, error)) parent = parent.parent_path();
    if (parent.empty()) parent = ".";
    staging_ = parent / fmt::format(".{}.partial-{}", target.filename().string(), static_cast<long long>(::getpid()));
    std::filesystem::remove_all(staging_, error);
    if (!std::filesystem::create_directory(staging_, error)) {
      throw InputError(InputProblem{out_dir, 0, 0, "--out", "cannot create the output folder: " + error.message()});
    }
  }
  StagedOutput(const StagedOutput&) = delete;
  StagedOutput& operator=(const StagedOutput&) = delete;
  ~StagedOutput() {
    std::error_code error;
    std::filesystem::remove_all(staging_, error);  // after commit() it is empty; after a failure it holds the partial files
  }
  /// Where to write a file now.
  [[nodiscard]] std::string staged(const std::string& file) const { return (staging_ / file).string(); }
  /// Where the file ends up.
  [[nodiscard]] std::string final_path(const std::string& file) const { return (std::filesystem::path(out_) / file).string(); }
  /// Moves every staged file into the output folder (created now), each by one rename.
  void commit() const {
    std::error_code error;
    std::filesystem::create_directories(out_, error);
    if (error || !std::filesystem::is_directory(out_)) {
      throw InputError(InputProblem{out_, 0, 0, "--out", "cannot create the output folder: " + error.message()});
    }
    for (const auto& entry : std::filesystem::directory_iterator(staging_)) {
      std::filesystem::rename(entry.path(), std::filesystem::path(out_) / entry.path().filename(), error);
      if (error) throw InputError(InputProblem{out_, 0, 0, "--out", "cannot move " + entry.path().filename().string() + " into it: " + error.message()});
    }
  }

 private:
  std::string out_;
  std::filesystem::path staging_;
};

void print_import_summary(const io::cad::ImportSummary& summary, std::ostream& err) { err << io::cad::summary_text(summary); }

std::string command_line(const char* command, const FitFlags& f) {
  std::string line = fmt::format("crisis-sim {} {} --schema {}", command, f.csv, f.schema);
  if (!f.mapping.empty()) line += " --mapping " + f.mapping;
  if (!f.split.empty()) line += " --split " + f.split;
  if (!f.until.empty()) line += " --until " + f.until;
  if (!f.from.empty()) line += " --from " + f.from;
  if (!f.to.empty()) line += " --to " + f.to;
  if (!f.base.empty()) line += " --base " + f.base;
  if (f.replications) line += fmt::format(" --replications {}", *f.replications);
  if (f.seed) line += fmt::format(" --seed {}", *f.seed);
  line += " --out " + f.out_dir;
  return line;
}

int run_fit(const FitFlags& flags, const world::ModelRegistry& registry, std::ostream& out, std::ostream& err) {
  io::cad::ImportOptions import;
  import.schema = flags.schema;
  import.mapping = flags.mapping;
  if (!flags.from.empty()) import.from = parse_date_flag(flags.from, "--from");
  if (!flags.to.empty()) import.to = parse_date_flag(flags.to, "--to");
  if (import.from && import.to && !(*import.to > *import.from)) {
    throw InputError(InputProblem{"", 0, 0, "--to", "must be after --from"});
  }
  const std::string name = checked_name(flags.name.empty() ? default_name(flags.csv, "_fit") : flags.name);
  const StagedOutput staged(flags.out_dir);
  import.rejects_path = staged.staged("rejects.csv");
  const io::cad::ImportResult imported = io::cad::import_calls(flags.csv, import);
  if (!flags.quiet) print_import_summary(imported.summary, err);

  io::cad::FitOptions fit_options;
  fit_options.window_start = import.from;
  fit_options.window_end = import.to;
  const io::cad::FitResult fit = io::cad::fit_calls(imported.calls, imported.summary, fit_options);
  if (!flags.quiet) err << io::cad::data_quality_text(fit.quality);
  io::cad::ScenarioFitOptions scenario_options;
  scenario_options.base_path = resolve_base(flags, imported.summary.schema_name);
  scenario_options.name = name;
  scenario_options.input_label = std::filesystem::path(flags.csv).filename().string();
  scenario_options.seed = flags.seed.value_or(1);
  scenario_options.threads = flags.threads;
  if (flags.replications) scenario_options.calibration_replications = *flags.replications;
  engine::ProgressCounter progress;  // the calibration runs' replications, on a terminal's stderr
  scenario_options.progress = &progress;
  auto bar = progress_bar_if_wanted(err, flags.quiet, progress, "replications");
  const io::cad::ScenarioFit scenario = io::cad::fit_scenario(fit, scenario_options, registry);
  if (bar) bar->finish();

  const std::filesystem::path dir(flags.out_dir);
  const std::string scenario_path = (dir / (name + ".yaml")).string();
  io::write_file_atomically(staged.staged(name + ".yaml"), scenario.yaml);
  io::write_file_atomically(staged.staged("fit_report.md"), io::cad::fit_report_markdown(fit, scenario));
  io::write_file_atomically(staged.staged("fit.json"), io::cad::fit_json(fit).dump(2) + "\n");
  staged.commit();
  import.rejects_path = staged.final_path("rejects.csv");
  out << fmt::format("fitted {} crisis calls a day (simulated {:.2f} [{:.2f}, {:.2f}]) and {} other police calls a day from {} calls\n",
                     io::format_number(std::round(scenario.target_crisis_per_day * 100) / 100), scenario.simulated_crisis_per_day,
                     scenario.simulated_crisis_interval.low, scenario.simulated_crisis_interval.high,
                     std::isfinite(scenario.target_background_per_day)
                         ? io::format_number(std::round(scenario.target_background_per_day * 10) / 10)
                         : std::string("no"),
                     imported.summary.rows_used);
  out << fmt::format("wrote {}, {}, {} and {}\n", scenario_path, (dir / "fit_report.md").string(), (dir / "fit.json").string(),
                     import.rejects_path);
  return 0;
}

int run_backtest(const FitFlags& flags, const world::ModelRegistry& registry, std::ostream& out, std::ostream& err) {
  io::cad::BacktestOptions options;
  options.csv_path = flags.csv;
  options.import.schema = flags.schema;
  options.import.mapping = flags.mapping;
  options.split = parse_date_flag(flags.split, "--split");
  if (!flags.from.empty()) options.import.from = parse_date_flag(flags.from, "--from");
  if (!flags.to.empty()) options.import.to = parse_date_flag(flags.to, "--to");
  if (!flags.until.empty()) {
    options.until = parse_date_flag(flags.until, "--until");
    if (!(*options.until > options.split)) throw InputError(InputProblem{"", 0, 0, "--until", "must be after --split"});
  }
  options.name = checked_name(flags.name.empty() ? default_name(flags.csv, "_backtest") : flags.name);
  options.seed = flags.seed.value_or(1);
  options.replications = flags.replications.value_or(20);
  options.threads = flags.threads;
  const StagedOutput staged(flags.out_dir);
  const std::filesystem::path dir(flags.out_dir);
  options.import.rejects_path = staged.staged("rejects.csv");
  // The base depends on the schema's name; the importer reports it.
  options.base_path = resolve_base(flags, flags.schema);
  io::cad::ImportSummary summary;
  engine::ProgressCounter progress;  // calibration and held-out replications, on a terminal's stderr
  options.progress = &progress;
  auto bar = progress_bar_if_wanted(err, flags.quiet, progress, "replications");
  const io::cad::BacktestResult result = io::cad::run_backtest(options, registry, &summary);
  if (bar) bar->finish();
  if (!flags.quiet) print_import_summary(summary, err);
  if (!flags.quiet) err << io::cad::data_quality_text(result.quality);
  const std::string scenario_path = (dir / (options.name + ".yaml")).string();
  io::write_file_atomically(staged.staged(options.name + ".yaml"), result.scenario.yaml);
  io::write_file_atomically(staged.staged("fit_report.md"), io::cad::fit_report_markdown(result.fit, result.scenario));
  io::write_file_atomically(staged.staged("fit.json"), io::cad::fit_json(result.fit).dump(2) + "\n");
  io::write_file_atomically(staged.staged("backtest.json"), io::cad::backtest_json(result).dump(2) + "\n");
  io::write_file_atomically(staged.staged("backtest_report.md"), io::cad::backtest_report_markdown(result, command_line("backtest", flags)));
  staged.commit();
  out << io::cad::backtest_table(result);
  if (!flags.quiet) {
    err << fmt::format("wrote {}, backtest.json, backtest_report.md, fit_report.md, fit.json and rejects.csv in {}\n",
                       scenario_path, flags.out_dir);
  }
  return 0;
}

}  // namespace

std::unique_ptr<FitCommands> add_fit_commands(CLI::App& app) {
  auto commands = std::make_unique<FitCommands>();
  commands->fit = app.add_subcommand("fit", "Fit a scenario to a city's calls for service (docs/cad-fit.md)");
  add_common_flags(*commands->fit, commands->fit_flags, "Replications of the first calibration run (default 4; later runs take as many as the 1% tolerance needs)", 1);
  commands->fit->add_option("--from", commands->fit_flags.from, "Fit calls created at or after this date (YYYY-MM-DD)");
  commands->fit->add_option("--to", commands->fit_flags.to, "Fit calls created before this date (YYYY-MM-DD)");
  commands->backtest = app.add_subcommand(
      "backtest", "Fit on the calls before a date, simulate, and compare with the calls after it (docs/cad-fit.md)");
  add_common_flags(*commands->backtest, commands->backtest_flags, "Replications of the simulation (default 20)", 1);
  commands->backtest->add_option("--split", commands->backtest_flags.split, "Fit before this date, compare from it (YYYY-MM-DD)")
      ->required();
  commands->backtest->add_option("--from", commands->backtest_flags.from, "Fit calls created at or after this date (YYYY-MM-DD), e.g. after a break");
  commands->backtest->add_option("--to", commands->backtest_flags.to, "Use calls created before this date (YYYY-MM-DD)");
  commands->backtest->add_option("--until", commands->backtest_flags.until,
                                 "End of the held-out period, exclusive (default: the day after the last call)");
  return commands;
}

int run_fit_commands(const FitCommands& commands, const world::ModelRegistry& registry, std::ostream& out, std::ostream& err) {
  if (commands.fit->parsed()) return run_fit(commands.fit_flags, registry, out, err);
  if (commands.backtest->parsed()) return run_backtest(commands.backtest_flags, registry, out, err);
  return -1;
}

}  // namespace crisis::cli
