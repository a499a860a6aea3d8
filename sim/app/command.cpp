#include "app/command.hpp"

#include <exception>
#include <ostream>

#include <CLI/CLI.hpp>

#include "engine/errors.hpp"

namespace crisis::cli {

CLI::App* detail::add_subcommand(CLI::App& app, const std::string& name, const std::string& description) {
  return app.add_subcommand(name, description);
}

int run_parsed_command(const Command& command, const world::ModelRegistry& registry, std::ostream& out, std::ostream& err) {
  try {
    return command.run(registry, out, err);
  } catch (const std::exception&) {
    return report_current_exception(err);
  }
}

int report_current_exception(std::ostream& err) {
  try {
    throw;
  } catch (const InputError& error) {
    for (const auto& problem : error.problems()) err << "error: " << problem.to_string() << "\n";
    return 2;
  } catch (const InvariantError& error) {
    err << "internal error: " << error.what() << "\nPlease report it with the scenario and the command line.\n";
    return 1;
  } catch (const std::exception& error) {
    err << "internal error: " << error.what() << "\n";
    return 1;
  }
}

}  // namespace crisis::cli
