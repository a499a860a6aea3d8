#include "app/cli.hpp"

#include <iostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "app/backtest_command.hpp"
#include "app/check_command.hpp"
#include "app/command.hpp"
#include "app/compare_command.hpp"
#include "app/fit_command.hpp"
#include "app/models_command.hpp"
#include "app/report_command.hpp"
#include "app/run_command.hpp"
#include "app/size_command.hpp"
#include "app/sweep_command.hpp"
#include "app/validate_command.hpp"
#include "crisis/build_info.hpp"
#include "models/builtin_models.hpp"

namespace crisis::cli {

int run_cli(int argc, const char* const* argv, std::ostream& out, std::ostream& err) {
  world::ModelRegistry registry;
  models::register_builtin_models(registry);

  CLI::App app{"crisis-sim: agent-based simulation of behavioural-health crisis response"};
  app.set_version_flag("--version", std::string("crisis-sim ") + build::kVersion);
  app.require_subcommand(1);
  app.fallthrough(false);

  // In the order `crisis-sim --help` lists them; each lives in app/NAME_command.cpp.
  const std::vector<Command> commands = {add_run_command(app),   add_compare_command(app), add_validate_command(app),
                                         add_models_command(app), add_sweep_command(app),   add_size_command(app),
                                         add_fit_command(app),    add_backtest_command(app), add_report_command(app), add_check_command(app)};

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    if (error.get_exit_code() == 0) {  // --help, --version
      out << (dynamic_cast<const CLI::CallForHelp*>(&error) || dynamic_cast<const CLI::CallForAllHelp*>(&error)
                  ? app.help()
                  : std::string());
      if (dynamic_cast<const CLI::CallForVersion*>(&error)) out << error.what() << "\n";
      return 0;
    }
    err << "error: " << error.what() << "\n";
    err << "Run 'crisis-sim --help' for the commands, or 'crisis-sim COMMAND --help' for a command's flags.\n";
    return 2;
  }

  for (const Command& command : commands) {
    if (command.app->parsed()) return run_parsed_command(command, registry, out, err);
  }
  return 1;
}

}  // namespace crisis::cli
