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
#include "app/init_command.hpp"
#include "app/models_command.hpp"
#include "app/report_command.hpp"
#include "app/run_command.hpp"
#include "app/size_command.hpp"
#include "app/sweep_command.hpp"
#include "app/validate_command.hpp"
#include "crisis/build_info.hpp"
#include "models/builtin_models.hpp"
#include "results/results_writer.hpp"
#include "yaml/yaml_reader.hpp"

namespace crisis::cli {
namespace {

constexpr const char* kSeeHelp =
    "Run 'crisis-sim --help' for the commands, or 'crisis-sim help COMMAND' for a command's flags.\n";

/// The subcommand named `name`, or nullptr.
CLI::App* find_command(const std::vector<Command>& commands, const std::string& name) {
  for (const Command& command : commands) {
    if (command.app->get_name() == name) return command.app;
  }
  return nullptr;
}

std::vector<std::string> command_names(const std::vector<Command>& commands) {
  std::vector<std::string> names;
  for (const Command& command : commands) names.push_back(command.app->get_name());
  return names;
}

/// "unknown command 'runn' (did you mean 'run'?); commands: run, compare, ...".
int unknown_command(const std::vector<Command>& commands, const std::string& word, std::ostream& err) {
  const std::vector<std::string> names = command_names(commands);
  err << "error: unknown command '" << word << "'" << io::did_you_mean(word, names) << "; commands: " << io::join(names, ", ")
      << "\n"
      << kSeeHelp;
  return 2;
}

/// After CLI11 refused arguments of `command`: one line per word that looks like a flag and
/// is none of the command's, with the closest flag it has. False when there was no such word
/// (then CLI11's own message is the clearer one).
bool explain_unknown_flags(const CLI::App& command, int argc, const char* const* argv, std::ostream& err) {
  std::vector<std::string> flags;
  for (const CLI::Option* option : command.get_options()) {
    for (const std::string& name : option->get_lnames()) flags.push_back("--" + name);
  }
  bool any = false;
  for (int i = 2; i < argc; ++i) {
    std::string word = argv[i];
    if (word.rfind("--", 0) != 0 || word == "--") continue;
    word = word.substr(0, word.find('='));
    if (command.get_option_no_throw(word) != nullptr || word == "--help") continue;
    err << "error: " << word << ": not expected by '" << command.get_name() << "'" << io::did_you_mean(word, flags)
        << "; 'crisis-sim help " << command.get_name() << "' lists its flags\n";
    any = true;
  }
  return any;
}

}  // namespace

int run_cli(int argc, const char* const* argv, std::ostream& out, std::ostream& err) {
  world::ModelRegistry registry;
  models::register_builtin_models(registry);

  CLI::App app{"crisis-sim: agent-based simulation of behavioural-health crisis response"};
  app.set_version_flag("--version", std::string("crisis-sim ") + build::kVersion);
  app.require_subcommand(1);
  app.fallthrough(false);
  app.footer("Start here: crisis-sim init my_city.yaml --population 250000 && crisis-sim compare my_city.yaml\n"
             "Run 'crisis-sim help COMMAND' (or 'crisis-sim COMMAND --help') for a command's flags and an example.");

  // In the order `crisis-sim --help` lists them; each lives in app/NAME_command.cpp.
  const std::vector<Command> commands = {add_run_command(app),   add_compare_command(app), add_validate_command(app),
                                         add_models_command(app), add_sweep_command(app),   add_size_command(app),
                                         add_fit_command(app),    add_backtest_command(app), add_report_command(app), add_check_command(app),
                                         add_init_command(app)};

  // `crisis-sim help [COMMAND]`, and a first word that names no command, before CLI11, whose
  // only words for either are "A subcommand is required".
  const std::string first = argc > 1 ? argv[1] : "";
  if (first == "help") {
    if (argc == 2) {
      out << app.help();
      return 0;
    }
    if (CLI::App* command = find_command(commands, argv[2])) {
      out << command->help();
      return 0;
    }
    return unknown_command(commands, argv[2], err);
  }
  if (!first.empty() && first.front() != '-' && find_command(commands, first) == nullptr) {
    return unknown_command(commands, first, err);
  }

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
    const CLI::App* command = find_command(commands, first);
    const bool explained = dynamic_cast<const CLI::ExtrasError*>(&error) != nullptr && command != nullptr &&
                           explain_unknown_flags(*command, argc, argv, err);
    if (!explained) err << "error: " << error.what() << "\n";
    err << kSeeHelp;
    return 2;
  }

  for (const Command& command : commands) {
    if (command.app->parsed()) return run_parsed_command(command, registry, out, err);
  }
  return 1;
}

}  // namespace crisis::cli
