#include "app/cad_command_flags.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <system_error>

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "app/flags.hpp"
#include "engine/errors.hpp"
#include "fit/cad_fit.hpp"

#ifndef CRISIS_SCENARIOS_DIR
#define CRISIS_SCENARIOS_DIR "scenarios"
#endif

namespace crisis::cli {
namespace {

/// A scenario name usable as a file name: letters, digits, _ - . (not starting with .).
std::string checked_name(const std::string& name) {
  const bool ok = !name.empty() && name.front() != '.' && std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '-' || c == '.';
  });
  if (!ok) throw InputError(InputProblem{"", 0, 0, "--name", "expected letters, digits, _, - and ., not starting with ., got \"" + name + "\""});
  return name;
}

std::string default_name(const std::string& csv, const char* suffix) {
  std::string stem = std::filesystem::path(csv).stem().string();
  for (char& c : stem) {
    if (std::isalnum(static_cast<unsigned char>(c)) == 0 && c != '_' && c != '-') c = '_';
  }
  if (stem.empty() || stem.front() == '.') stem = "cad";
  return stem + suffix;
}

}  // namespace

void add_cad_flags(CLI::App& command, FitFlags& flags, const char* replications_help) {
  command.add_option("cad", flags.csv, "The CAD export (CSV)")->required();
  command.add_option("--schema", flags.schema, "Import schema: a built-in name (milwaukee, seattle, dallas, mcslc, nopd) or a YAML file")
      ->required();
  command.add_option("--mapping", flags.mapping, "Call-type mapping: a built-in name or a CSV file (default: the schema's)");
  command.add_option("--out,-o", flags.out_dir, "Folder for the scenario, reports and rejects.csv")->required();
  command.add_option("--base", flags.base,
                     "Base scenario whose unfitted values are kept (default: scenarios/mobile_crisis_team.yaml for mcslc, "
                     "else scenarios/baseline_police.yaml)");
  command.add_option("--name", flags.name, "Name of the fitted scenario (and its file, NAME.yaml)");
  add_seed_flag(command, flags.seed, "Random seed of the calibration and simulation runs (default 1)");
  add_replications_flag(command, flags.replications, replications_help, 1);
  add_threads_flag(command, flags.threads);
  add_quiet_flag(command, flags.quiet, "Print only the result: no import summary, file list or progress bar");
}

io::cad::Timestamp parse_date_flag(const std::string& text, const std::string& flag) {
  const std::optional<io::cad::Timestamp> parsed = io::cad::parse_timestamp(text, "");
  if (!parsed) {
    throw InputError(InputProblem{"", 0, 0, flag, "expected a date YYYY-MM-DD or a date-time YYYY-MM-DD HH:MM[:SS], got \"" + text + "\""});
  }
  return *parsed;
}

std::string resolve_base(const FitFlags& flags, const std::string& schema) {
  if (!flags.base.empty()) return flags.base;
  const std::string here = io::cad::default_base_scenario(schema, "scenarios");
  if (std::filesystem::exists(here)) return here;
  return io::cad::default_base_scenario(schema, CRISIS_SCENARIOS_DIR);
}

std::string scenario_name(const FitFlags& flags, const char* suffix) {
  return checked_name(flags.name.empty() ? default_name(flags.csv, suffix) : flags.name);
}

StagedOutput::StagedOutput(const std::string& out_dir) : out_(out_dir) {
  const std::filesystem::path target(out_dir);
  std::error_code error;
  if (std::filesystem::exists(target, error) && !std::filesystem::is_directory(target, error)) {
    throw InputError(InputProblem{out_dir, 0, 0, "--out", "exists and is not a folder"});
  }
  // Staged in the nearest existing folder above, so that a failure creates no folder at all.
  std::filesystem::path parent = target.has_parent_path() ? target.parent_path() : std::filesystem::path(".");
  while (!parent.empty() && !std::filesystem::is_directory(parent, error)) parent = parent.parent_path();
  if (parent.empty()) parent = ".";
  staging_ = parent / fmt::format(".{}.partial-{}", target.filename().string(), static_cast<long long>(::getpid()));
  std::filesystem::remove_all(staging_, error);
  if (!std::filesystem::create_directory(staging_, error)) {
    throw InputError(InputProblem{out_dir, 0, 0, "--out", "cannot create the output folder: " + error.message()});
  }
}

StagedOutput::~StagedOutput() {
  std::error_code error;
  std::filesystem::remove_all(staging_, error);  // after commit() it is empty; after a failure it holds the partial files
}

std::string StagedOutput::staged(const std::string& file) const { return (staging_ / file).string(); }

std::string StagedOutput::final_path(const std::string& file) const { return (std::filesystem::path(out_) / file).string(); }

void StagedOutput::commit() const {
  std::error_code error;
  std::filesystem::create_directories(out_, error);
  if (error || !std::filesystem::is_directory(out_)) {
    throw InputError(InputProblem{out_, 0, 0, "--out", "cannot create the output folder: " + error.message()});
  }
  for (const auto& entry : std::filesystem::directory_iterator(staging_)) {
    std::filesystem::rename(entry.path(), std::filesystem::path(out_) / entry.path().filename(), error);
    if (error) {
      throw InputError(InputProblem{out_, 0, 0, "--out", "cannot move " + entry.path().filename().string() + " into it: " + error.message()});
    }
  }
}

}  // namespace crisis::cli
