#pragma once
/// \file
/// `crisis-sim init FILE`: write a commented, valid scenario for a city from a few answers
/// (app/init_scenario.hpp), given as flags or, on a terminal, asked for.

#include "app/command.hpp"

namespace crisis::cli {

/// Add `init` to `app`.
Command add_init_command(CLI::App& app);

}  // namespace crisis::cli
