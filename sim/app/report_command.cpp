#include "app/report_command.hpp"

#include <filesystem>
#include <iostream>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "report/report.hpp"

#ifndef CRISIS_PLOTLY_JS
#define CRISIS_PLOTLY_JS "/usr/share/python3-plotly/plotly.js"
#endif

namespace crisis::cli {

std::unique_ptr<ReportCommand> add_report_command(CLI::App& app) {
  auto report = std::make_unique<ReportCommand>();
  ReportFlags& flags = report->flags;
  CLI::App* command = app.add_subcommand("report",
                                         "Write one self-contained HTML report (charts and tables) of run, compare, "
                                         "sweep or size results (docs/report.md)");
  report->command = command;
  command->add_option("results", flags.results_dir, "The --out folder of crisis-sim run, compare, sweep or size")
      ->required();
  command->add_option("--output,-o", flags.output, "The HTML file to write (default: RESULTS_DIR/report.html)");
  command->add_option(
      "--plotly-js", flags.plotly_js,
      std::string("plotly.js to inline in the page (default: ") + CRISIS_PLOTLY_JS + ", from Debian's python3-plotly)");
  command->add_flag("--quiet,-q", flags.quiet, "Print nothing on success");
  return report;
}

int run_report_command(const ReportCommand& report, std::ostream& out, std::ostream& /*err*/) {
  const ReportFlags& flags = report.flags;
  const std::string output =
      flags.output.empty() ? (std::filesystem::path(flags.results_dir) / "report.html").string() : flags.output;
  const std::string plotly_js = flags.plotly_js.empty() ? std::string(CRISIS_PLOTLY_JS) : flags.plotly_js;
  const io::ReportSummary summary = io::write_report(flags.results_dir, output, plotly_js);
  if (!flags.quiet) {
    out << fmt::format(
        "report of {} results in {}: {} charts, {} tables, {:.1f} MB (plotly.js inlined; opens without a network)\n",
        io::results_kind_name(summary.kind), output, summary.charts, summary.tables,
        static_cast<double>(summary.bytes) / 1e6);
  }
  return 0;
}

}  // namespace crisis::cli
