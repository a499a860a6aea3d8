#include "app/fit_command.hpp"

#include <cmath>
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
#include "fit/cad_fit.hpp"
#include "results/results_writer.hpp"

namespace crisis::cli {
namespace {

int command_fit(const FitFlags& flags, const world::ModelRegistry& registry, std::ostream& out, std::ostream& err) {
  io::cad::ImportOptions import;
  import.schema = flags.schema;
  import.mapping = flags.mapping;
  if (!flags.from.empty()) import.from = parse_date_flag(flags.from, "--from");
  if (!flags.to.empty()) import.to = parse_date_flag(flags.to, "--to");
  if (import.from && import.to && !(*import.to > *import.from)) {
    throw InputError(InputProblem{"", 0, 0, "--to", "must be after --from"});
  }
  const std::string name = scenario_name(flags, "_fit");
  const StagedOutput staged(flags.out_dir);
  import.rejects_path = staged.staged("rejects.csv");
  const io::cad::ImportResult imported = io::cad::import_calls(flags.csv, import);
  if (!flags.quiet) err << io::cad::summary_text(imported.summary);

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
  out << fmt::format("wrote {}, {}, {} and {}\n", staged.final_path(name + ".yaml"), staged.final_path("fit_report.md"),
                     staged.final_path("fit.json"), import.rejects_path);
  return 0;
}

}  // namespace

Command add_fit_command(CLI::App& app) {
  const auto add_flags = [](CLI::App& command, FitFlags& flags) {
    add_cad_flags(command, flags, "Replications of the first calibration run (default 4; later runs take as many as the 1% tolerance needs)");
    command.add_option("--from", flags.from, "Fit calls created at or after this date (YYYY-MM-DD)");
    command.add_option("--to", flags.to, "Fit calls created before this date (YYYY-MM-DD)");
    add_examples(command, {"crisis-sim fit calls.csv --schema seattle --out results/fit",
                           "crisis-sim validate results/fit/calls_fit.yaml"});
  };
  return make_command<FitFlags>(app, "fit", "Fit a scenario to a city's calls for service (docs/cad-fit.md)", add_flags, command_fit);
}

}  // namespace crisis::cli
