#include "app/backtest_command.hpp"

#include <filesystem>
#include <memory>
#include <ostream>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "app/cad_command_flags.hpp"
#include "app/flags.hpp"
#include "app/progress.hpp"
#include "engine/errors.hpp"
#include "engine/progress.hpp"
#include "fit/cad_backtest.hpp"
#include "fit/cad_fit.hpp"
#include "results/results_writer.hpp"

namespace crisis::cli {
namespace {

/// The command line that reproduces this backtest, for its report.
std::string command_line(const FitFlags& f) {
  std::string line = fmt::format("crisis-sim backtest {} --schema {}", f.csv, f.schema);
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

int command_backtest(const FitFlags& flags, const world::ModelRegistry& registry, std::ostream& out, std::ostream& err) {
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
  options.name = scenario_name(flags, "_backtest");
  options.seed = flags.seed.value_or(1);
  options.replications = flags.replications.value_or(20);
  options.threads = flags.threads;
  const StagedOutput staged(flags.out_dir);
  options.import.rejects_path = staged.staged("rejects.csv");
  // The base depends on the schema's name; the importer reports it.
  options.base_path = resolve_base(flags, flags.schema);
  io::cad::ImportSummary summary;
  engine::ProgressCounter progress;  // calibration and held-out replications, on a terminal's stderr
  options.progress = &progress;
  auto bar = progress_bar_if_wanted(err, flags.quiet, progress, "replications");
  const io::cad::BacktestResult result = io::cad::run_backtest(options, registry, &summary);
  if (bar) bar->finish();
  if (!flags.quiet) err << io::cad::summary_text(summary);
  if (!flags.quiet) err << io::cad::data_quality_text(result.quality);
  const std::string scenario_path = staged.final_path(options.name + ".yaml");
  io::write_file_atomically(staged.staged(options.name + ".yaml"), result.scenario.yaml);
  io::write_file_atomically(staged.staged("fit_report.md"), io::cad::fit_report_markdown(result.fit, result.scenario));
  io::write_file_atomically(staged.staged("fit.json"), io::cad::fit_json(result.fit).dump(2) + "\n");
  io::write_file_atomically(staged.staged("backtest.json"), io::cad::backtest_json(result).dump(2) + "\n");
  io::write_file_atomically(staged.staged("backtest_report.md"), io::cad::backtest_report_markdown(result, command_line(flags)));
  staged.commit();
  out << io::cad::backtest_table(result);
  if (!flags.quiet) {
    err << fmt::format("wrote {}, backtest.json, backtest_report.md, fit_report.md, fit.json and rejects.csv in {}\n",
                       scenario_path, flags.out_dir);
  }
  return 0;
}

}  // namespace

Command add_backtest_command(CLI::App& app) {
  const auto add_flags = [](CLI::App& command, FitFlags& flags) {
    add_cad_flags(command, flags, "Replications of the simulation (default 20)");
    command.add_option("--split", flags.split, "Fit before this date, compare from it (YYYY-MM-DD)")->required();
    command.add_option("--until", flags.until, "End of the held-out period, exclusive (default: the day after the last call)");
    command.add_option("--from", flags.from, "Fit calls created at or after this date (YYYY-MM-DD), e.g. after a break");
    command.add_option("--to", flags.to, "Use calls created before this date (YYYY-MM-DD)");
    add_examples(command, {"crisis-sim backtest calls.csv --schema seattle --split 2023-07-01 --out results/backtest"});
  };
  return make_command<FitFlags>(
      app, "backtest", "Fit on the calls before a date, simulate, and compare with the calls after it (docs/cad-fit.md)",
      add_flags, command_backtest);
}

}  // namespace crisis::cli
