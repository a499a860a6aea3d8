#pragma once
/// \file
/// What every crisis-sim subcommand is to the top-level App (cli.cpp): its CLI11 node and how
/// it runs once parsed; and the one mapping from what a command throws to the exit code.

#include <functional>
#include <iosfwd>

#include "world/response_model.hpp"

namespace CLI {
class App;
}

namespace crisis::cli {

/// A subcommand added to the top-level App by its add_X_command. `run` owns the flags the
/// parse fills, so the Command must outlive the parse.
struct Command {
  CLI::App* app = nullptr;  ///< owned by the top-level App
  /// Run the parsed command: returns its exit code; throws the library's errors, which
  /// run_parsed_command maps to exit codes.
  std::function<int(const world::ModelRegistry& registry, std::ostream& out, std::ostream& err)> run;
};

/// Run a parsed `command`, printing what it throws as report_current_exception does.
int run_parsed_command(const Command& command, const world::ModelRegistry& registry, std::ostream& out, std::ostream& err);

/// Print the exception being handled and return its exit code: InputError 2 (one
/// "error: file:line:column: ..." line per problem), InvariantError 1 (asking for a report),
/// any other std::exception 1. Call only inside a catch block; anything else is rethrown.
int report_current_exception(std::ostream& err);

}  // namespace crisis::cli
