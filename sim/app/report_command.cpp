#include "app/report_command.hpp"

#include <filesystem>
#include <memory>
#include <ostream>
#include <string>
#include <system_error>

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
  std::string out_dir;    ///< --out/-o: the folder for report.html, as -o is a folder for every command
  std::string output;     ///< --output: the file itself; default: OUT/report.html, else RESULTS_DIR/report.html
  std::string plotly_js;  ///< default: where Debian's python3-plotly installs it
  bool quiet = false;
};

/// The HTML file to write. `-o` names a folder, as for every other command; before, `report -o`
/// named the file, so a value ending in .html (or .htm) is still taken as the file, with a note.
std::string output_file(const ReportFlags& flags, std::ostream& err) {
  if (!flags.output.empty()) return flags.output;
  if (flags.out_dir.empty()) return (std::filesystem::path(flags.results_dir) / "report.html").string();
  const std::string extension = std::filesystem::path(flags.out_dir).extension().string();
  if (extension == ".html" || extension == ".htm") {
    if (!flags.quiet) err << "note: -o names a folder now; writing the file " << flags.out_dir << " as before (use --output FILE)\n";
    return flags.out_dir;
  }
  std::error_code error;
  std::filesystem::create_directories(flags.out_dir, error);
  return (std::filesystem::path(flags.out_dir) / "report.html").string();
}

int command_report(const ReportFlags& flags, const world::ModelRegistry& /*registry*/, std::ostream& out, std::ostream& err) {
  const std::string output = output_file(flags, err);
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
    command.add_option("--out,-o", flags.out_dir, "Folder to write report.html into (default: the results folder)");
    command.add_option("--output", flags.output, "The HTML file to write, instead of a folder's report.html");
    command.add_option(
        "--plotly-js", flags.plotly_js,
        std::string("plotly.js to inline in the page (default: ") + CRISIS_PLOTLY_JS + ", from Debian's python3-plotly)");
    add_quiet_flag(command, flags.quiet, "Print nothing on success");
    add_examples(command, {"crisis-sim compare scenarios/eugene_cahoots.yaml --out results/cahoots && crisis-sim report results/cahoots",
                           "crisis-sim report results/cahoots --output cahoots.html"});
  };
  return make_command<ReportFlags>(app, "report",
                                   "Write one self-contained HTML report (charts and tables) of run, compare, "
                                   "sweep or size results (docs/report.md)",
                                   add_flags, command_report);
}

}  // namespace crisis::cli
