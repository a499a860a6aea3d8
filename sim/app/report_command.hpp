#pragma once
/// \file
/// `crisis-sim report RESULTS_DIR -o report.html`: one self-contained HTML report of run,
/// compare, sweep or size results (docs/report.md).

#include "app/command.hpp"

namespace crisis::cli {

/// Add `report` to `app`.
Command add_report_command(CLI::App& app);

}  // namespace crisis::cli
