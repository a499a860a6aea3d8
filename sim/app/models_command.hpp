#pragma once
/// \file
/// `crisis-sim models`: list the response models with their one-line descriptions.

#include "app/command.hpp"

namespace crisis::cli {

/// Add `models` to `app`.
Command add_models_command(CLI::App& app);

}  // namespace crisis::cli
