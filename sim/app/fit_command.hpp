#pragma once
/// \file
/// `crisis-sim fit CAD.csv`: fit a scenario to a city's calls for service (docs/cad-fit.md).

#include "app/command.hpp"

namespace crisis::cli {

/// Add `fit` to `app`.
Command add_fit_command(CLI::App& app);

}  // namespace crisis::cli
