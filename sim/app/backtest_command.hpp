#pragma once
/// \file
/// `crisis-sim backtest CAD.csv --split DATE`: fit on the calls before a date, simulate, and
/// compare with the calls after it (docs/cad-fit.md).

#include "app/command.hpp"

namespace crisis::cli {

/// Add `backtest` to `app`.
Command add_backtest_command(CLI::App& app);

}  // namespace crisis::cli
