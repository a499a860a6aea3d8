#include "app/report_command.hpp"

#include <filesystem>
#include <memory>
#include <ostream>
#include <string>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "app/flags.hpp"
#include "report/report.hpp"

#ifndef CRISIS_PLOTLY_JS
#define CRISIS_PLOTLY_JS "/usr/share/python3-plotly/plotly.js"
#endif

namespace crisis::cli {
namespace {

/// report's flags as parsed.
struct ReportFlags {
  std::string results_dir;
  std::string output;     ///< default: RESULTS_DIR/report.html
  std::string plotly_js;  ///< default: where Debian's python3-plotly installs it
  bool quiet = false;
};

int command_report(const ReportFlags& flags, const world::ModelRegistry& /*registry*/, std::ostream& out, std::ostream& /*err*/) {
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

}  // namespace

Command add_report_command(CLI::App& app) {
  const auto add_flags = [](CLI::App& command, ReportFlags& flags) {
    command.add_option("results", flags.results_dir, "The --out folder of crisis-sim run, compare, sweep or size")->required();
    command.add_option("--output,-o", flags.output, "The HTML file to write (default: RESULTS_DIR/report.html)");
    command.add_option(
        "--plotly-js", flags.plotly_js,
        std::string("plotly.js to inline in the page (default: ") + CRISIS_PLOTLY_JS + ", from Debian's python3-plotly)");
    add_quiet_flag(command, flags.quiet, "Print nothing on success");
  };
  return make_command<ReportFlags>(app, "report",
                                   "Write one self-contained HTML report (charts and tables) of run, compare, "
                                   "sweep or size results (docs/report.md)",
                                   add_flags, command_report);
}

}  // namespace crisis::cli
