#pragma once
/// \file
/// `crisis-sim check SCENARIO...`: run each scenario's `evidence:` entries and print, per
/// entry, the published figure and its source, the simulated value with its 95% interval and a
/// verdict. Exit 0 when every entry passes, kEvidenceMissedExitCode when any misses.

#include "app/command.hpp"

namespace crisis::cli {

/// The exit code of `check` when at least one evidence entry misses its published figure
/// (0/1/2 keep their meaning: success, internal error, bad input).
inline constexpr int kEvidenceMissedExitCode = 3;

Command add_check_command(CLI::App& app);

}  // namespace crisis::cli
