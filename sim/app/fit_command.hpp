#pragma once
/// \file
/// `crisis-sim fit CAD.csv` and `crisis-sim backtest CAD.csv`: fit a scenario to a city's
/// calls for service, and check it against a held-out period (docs/cad-fit.md). Kept out of
/// cli.cpp so that the command table there stays short.

#include <cstdint>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>

#include "world/response_model.hpp"

namespace CLI {
class App;
}

namespace crisis::cli {

struct FitFlags {
  std::string csv;
  std::string schema;
  std::string mapping;
  std::string out_dir;
  std::string base;
  std::string from;   ///< fit: keep calls created at or after this date
  std::string to;     ///< fit: keep calls created before this date
  std::string split;  ///< backtest: fit before, compare from
  std::string until;  ///< backtest: end of the held-out period
  std::string name;
  std::optional<std::uint64_t> seed;
  std::optional<int> replications;
  int threads = 1;
  bool quiet = false;
};

/// The `fit` and `backtest` subcommands and the flags they fill when parsed.
struct FitCommands {
  CLI::App* fit = nullptr;
  CLI::App* backtest = nullptr;
  FitFlags fit_flags;
  FitFlags backtest_flags;
};

/// Add `fit` and `backtest` to `app`. The returned object must outlive the parse.
std::unique_ptr<FitCommands> add_fit_commands(CLI::App& app);

/// Run whichever of them was parsed; -1 when neither was. Throws the library's errors for
/// run_cli to map to exit codes 2 or 1.
int run_fit_commands(const FitCommands& commands, const world::ModelRegistry& registry, std::ostream& out, std::ostream& err);

}  // namespace crisis::cli
