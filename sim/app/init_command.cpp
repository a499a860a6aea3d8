#include "app/init_command.hpp"

#include <filesystem>
#include <iostream>
#include <optional>
#include <ostream>
#include <string>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <unistd.h>

#include "app/flags.hpp"
#include "app/init_scenario.hpp"
#include "app/validate_command.hpp"
#include "engine/errors.hpp"
#include "results/results_writer.hpp"

namespace crisis::cli {

using io::format_number;
using io::join;
namespace {

/// init's flags as parsed; an answer not given is asked for on a terminal.
struct InitFlags {
  std::string file;
  std::optional<double> population;
  std::optional<int> zones;
  std::optional<std::string> models;
  std::optional<std::string> hours;
  std::string name;  ///< default: the file's stem
  bool force = false;
  bool no_prompt = false;
};

constexpr const char* kDefaultModels = "cit,civilian_team,mobile_crisis,crisis_line";

/// Ask `question` on `out` and read a line from `in`; `fallback` when the line is empty.
std::string ask(std::istream& in, std::ostream& out, const std::string& question, const std::string& fallback) {
  out << question << " [" << fallback << "]: " << std::flush;
  std::string line;
  if (!std::getline(in, line)) return fallback;
  const auto first = line.find_first_not_of(" \t");
  if (first == std::string::npos) return fallback;
  return line.substr(first, line.find_last_not_of(" \t\r") - first + 1);
}

std::vector<std::string> split_models(const std::string& text) {
  std::vector<std::string> models;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t comma = std::min(text.find(',', start), text.size());
    std::string item = text.substr(start, comma - start);
    if (!item.empty() && item != "none") models.push_back(item);
    start = comma + 1;
  }
  return models;
}

double number_answer(const std::string& text, const char* flag) {
  try {
    std::size_t used = 0;
    const double value = std::stod(text, &used);
    if (used == text.size()) return value;
  } catch (const std::exception&) {
  }
  throw InputError(InputProblem{"", 0, 0, flag, "expected a number, got \"" + text + "\""});
}

int command_init(const InitFlags& flags, const world::ModelRegistry& registry, std::ostream& out, std::ostream& err) {
  check_path_is_text(flags.file);
  if (std::filesystem::exists(flags.file) && !flags.force) {
    throw InputError(InputProblem{flags.file, 0, 0, "FILE", "exists already; pick another name or add --force to replace it"});
  }
  // On a terminal, what the flags leave out is asked for; elsewhere (scripts, CI) the defaults hold.
  const bool interactive = !flags.no_prompt && ::isatty(STDIN_FILENO) == 1;
  InitAnswers answers;
  answers.name = flags.name.empty() ? std::filesystem::path(flags.file).stem().string() : flags.name;
  if (flags.population) {
    answers.population = *flags.population;
  } else if (interactive) {
    answers.population = number_answer(ask(std::cin, out, "Residents of the city", "175000"), "--population");
  } else {
    throw InputError(InputProblem{"", 0, 0, "--population", "needed: the city's residents, e.g. --population 250000"});
  }
  if (flags.zones) {
    answers.zones = *flags.zones;
  } else if (interactive) {
    answers.zones = static_cast<int>(number_answer(ask(std::cin, out, "Zones (1 = the whole city as one zone)", "1"), "--zones"));
  }
  std::string models = flags.models.value_or(kDefaultModels);
  if (!flags.models && interactive) {
    models = ask(std::cin, out, "Models to compare with police only (cit, civilian_team, mobile_crisis, crisis_line; none)",
                 kDefaultModels);
  }
  answers.models = split_models(models);
  std::string hours = flags.hours.value_or("24/7");
  if (!flags.hours && interactive) hours = ask(std::cin, out, "Hours of the vans and mobile teams (24/7 or START-END)", "24/7");
  parse_team_hours(hours, answers);
  check_init_answers(answers);

  io::write_file_atomically(flags.file, init_scenario_yaml(answers));
  // What init writes must load: a scenario it cannot read back is a bug here, not bad input.
  SimulationFlags check;
  check.input = flags.file;
  try {
    (void)validate_scenario(check, registry);
  } catch (const InputError& error) {
    throw InvariantError("crisis-sim init wrote a scenario that does not validate: " + error.problems().front().to_string());
  }
  std::vector<std::string> variants = {"police_only"};
  variants.insert(variants.end(), answers.models.begin(), answers.models.end());
  if (answers.models.size() > 1) variants.emplace_back("all_models");
  out << fmt::format("wrote {}: {} residents in {}, variants {}\n", flags.file, format_number(answers.population),
                     answers.zones == 1 ? std::string("one zone") : fmt::format("{} zones", answers.zones), join(variants, ", "));
  out << fmt::format("next: crisis-sim compare {} --out results/{}   (replace the ASSUMPTION lines with your city's figures)\n",
                     flags.file, answers.name);
  (void)err;
  return 0;
}

}  // namespace

Command add_init_command(CLI::App& app) {
  const auto add_flags = [](CLI::App& command, InitFlags& flags) {
    command.add_option("file", flags.file, "The scenario YAML file to write")->required();
    command.add_option("--population", flags.population, "Residents of the city (asked for on a terminal when not given)");
    command.add_option("--zones", flags.zones, "Zones on a grid; 1 = the whole city as one zone (default: 1)");
    command.add_option("--models", flags.models,
                       std::string("Models to compare with police only, comma-separated: cit, civilian_team, mobile_crisis, "
                                   "crisis_line, or none (default: ") +
                           kDefaultModels + ")");
    command.add_option("--hours", flags.hours, "Hours the vans and mobile teams are on duty: 24/7 or START-END, e.g. 8-20 (default: 24/7)");
    command.add_option("--name", flags.name, "The scenario's name (default: the file's name without .yaml)");
    command.add_flag("--force", flags.force, "Replace FILE if it exists");
    command.add_flag("--no-prompt", flags.no_prompt, "Never ask: use the defaults for what the flags leave out");
    add_examples(command, {"crisis-sim init my_city.yaml --population 250000",
                           "crisis-sim init my_city.yaml --population 80000 --zones 4 --models civilian_team --hours 8-20",
                           "crisis-sim compare my_city.yaml --out results/my_city"});
  };
  return make_command<InitFlags>(app, "init",
                                 "Write a commented scenario for a city from its population and the models to compare "
                                 "(every default cited or marked ASSUMPTION)",
                                 add_flags, command_init);
}

}  // namespace crisis::cli
