#pragma once
/// \file
/// What every crisis-sim subcommand is to the top-level App (cli.cpp): its CLI11 node and how
/// it runs once parsed; and the one mapping from what a command throws to the exit code.

#include <functional>
#include <iosfwd>
#include <memory>
#include <string>

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

/// Add subcommand `name` to `app` with flags of type `Flags`: `add_flags(CLI::App&, Flags&)`
/// binds them, and `run(const Flags&, registry, out, err)` runs the parsed command. The flags
/// live as long as the returned Command. (A template so that CLI11 stays out of this header.)
template <class Flags, class AddFlags, class Run>
Command make_command(CLI::App& app, const std::string& name, const std::string& description, AddFlags add_flags,
                     Run run);

/// Run a parsed `command`, printing what it throws as report_current_exception does.
int run_parsed_command(const Command& command, const world::ModelRegistry& registry, std::ostream& out, std::ostream& err);

/// Print the exception being handled and return its exit code: InputError 2 (one
/// "error: file:line:column: ..." line per problem), InvariantError 1 (asking for a report),
/// any other std::exception 1. Call only inside a catch block; anything else is rethrown.
int report_current_exception(std::ostream& err);

namespace detail {
/// app.add_subcommand(name, description), out of line so that CLI11 stays out of this header.
CLI::App* add_subcommand(CLI::App& app, const std::string& name, const std::string& description);
}  // namespace detail

template <class Flags, class AddFlags, class Run>
Command make_command(CLI::App& app, const std::string& name, const std::string& description, AddFlags add_flags,
                     Run run) {
  auto flags = std::make_shared<Flags>();
  CLI::App* command = detail::add_subcommand(app, name, description);
  add_flags(*command, *flags);
  return {command, [flags, run](const world::ModelRegistry& registry, std::ostream& out, std::ostream& err) {
            return run(*flags, registry, out, err);
          }};
}

}  // namespace crisis::cli
