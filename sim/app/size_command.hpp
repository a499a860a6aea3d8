#pragma once
/// \file
/// `crisis-sim size SIZING.yaml`: find the least-cost mix of units that meets service targets
/// (docs/sizing.md). Exit code 0 whether or not a feasible mix exists (the answer says which).

#include "app/command.hpp"

namespace crisis::cli {

/// Add `size` to `app`.
Command add_size_command(CLI::App& app);

}  // namespace crisis::cli
