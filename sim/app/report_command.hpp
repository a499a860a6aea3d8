#pragma once
/// \file
/// `crisis-sim report RESULTS_DIR -o report.html`: its flags and what it prints
/// (docs/report.md). Kept out of cli.cpp so that the command table there stays short.

#include <iosfwd>
#include <memory>
#include <string>

namespace CLI {
class App;
}

namespace crisis::cli {

struct ReportFlags {
  std::string results_dir;
  std::string output;     ///< default: RESULTS_DIR/report.html
  std::string plotly_js;  ///< default: where Debian's python3-plotly installs it
  bool quiet = false;
};

/// The `report` subcommand and the flags it fills when parsed.
struct ReportCommand {
  CLI::App* command = nullptr;
  ReportFlags flags;
};

/// Add `report` to `app`. The returned object must outlive the parse.
std::unique_ptr<ReportCommand> add_report_command(CLI::App& app);

/// Run a parsed `report`: exit code 0; throws the library's errors for run_cli to map to 2 or 1.
int run_report_command(const ReportCommand& report, std::ostream& out, std::ostream& err);

}  // namespace crisis::cli
