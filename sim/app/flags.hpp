#pragma once
/// \file
/// The flags every simulating command shares (run, compare, validate, size, sweep; fit and
/// backtest take a few of them), added to a CLI11 command by one function, and turned into
/// scenario overrides by one function that the Python module calls too.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/limits.hpp"
#include "results/results_writer.hpp"
#include "scenario/scenario_loader.hpp"

namespace CLI {
class App;
class Option;
}  // namespace CLI

namespace crisis::cli {

/// The most replications any flag accepts (per run, point or candidate).
using engine::kMaxReplications;

/// The simulation flags as parsed. Commands that lack a flag leave its default.
struct SimulationFlags {
  std::string input;  ///< the positional file: scenario, sizing or sweep YAML
  std::optional<std::uint64_t> seed;
  std::optional<int> replications;
  int threads = 0;  ///< 0 = all cores; results do not depend on it
  std::optional<double> horizon_days;
  std::optional<double> warmup_days;
  std::vector<std::string> sets;  ///< "path=value", in the order given
  std::string format = "table";   ///< table or json
  std::string out_dir;            ///< "" = write no files
  bool calls = false;
  bool calls_gz = false;          ///< --calls-gz: calls.csv.gz (implies --calls)
  std::string calls_filter;       ///< --calls-filter: "" (all calls) or "crisis" (implies --calls)
  std::optional<int> calls_decimals;  ///< --calls-decimals: times rounded (implies --calls)
  std::string xlsx;               ///< --xlsx FILE: also write the tables to a workbook
  bool quiet = false;
};

/// Each command's --help text for the simulation flags. An empty text leaves that flag out of
/// the command; the order in which flags are added (and so listed by --help) is fixed.
struct SimulationFlagHelp {
  std::string input_name = "scenario";  ///< the positional's name in --help
  std::string input{};
  std::string seed{};
  std::string replications{};
  int minimum_replications = 1;
  bool threads = false;
  std::string horizon{};
  std::string warmup{};
  std::string set{};
  bool format = false;
  std::string out{};
  /// A required --out, listed (with --threads) right after the input, as sweep lists it: there
  /// the folder is what the sweep resumes into, not an optional extra.
  bool out_required = false;
  std::string calls{};  ///< also adds --calls-gz, --calls-filter and --calls-decimals
  std::string xlsx{};
  std::string quiet{};
};

/// Add the flags that `help` names to `command`, bound to `flags`; both must outlive the parse.
void add_simulation_flags(CLI::App& command, SimulationFlags& flags, const SimulationFlagHelp& help);

/// How calls.csv is to be written: `write` when --calls or any --calls-* flag was given.
io::CallsOptions calls_options(const SimulationFlags& flags);

/// --seed, checked by check_seed.
CLI::Option* add_seed_flag(CLI::App& command, std::optional<std::uint64_t>& seed, const std::string& help);
/// --replications/-r, from `minimum` to the largest count any command accepts.
CLI::Option* add_replications_flag(CLI::App& command, std::optional<int>& replications, const std::string& help,
                                   int minimum);
/// --threads/-j, 0 to 1024, with the help text every command shares.
CLI::Option* add_threads_flag(CLI::App& command, int& threads);
/// --quiet/-q.
CLI::Option* add_quiet_flag(CLI::App& command, bool& quiet, const std::string& help);

/// End `command`'s --help with "Examples:" and these command lines (each a whole
/// `crisis-sim ...` line that works from the repository's folder).
void add_examples(CLI::App& command, const std::vector<std::string>& lines);

/// --seed takes what run.seed takes: a whole number from 0 to 2^63 - 1 (CLI11 alone would wrap
/// "-5" round to 18446744073709551611). "" when `input` is one, else what was expected.
std::string check_seed(const std::string& input);

/// Paths end up in JSON outputs, which must be UTF-8: InputError naming `path` when it is not.
void check_path_is_text(const std::string& path);

/// The --set flags and the run flags as scenario overrides, in the order every command applies
/// them: each --set (its value checked to be UTF-8 text, as outputs are), then the horizon,
/// warm-up and, when `with_seed_and_replications`, the replications and seed that were given.
std::vector<io::Override> run_overrides(const SimulationFlags& flags, bool with_seed_and_replications = true);

/// What run, compare and validate (and the Python module) apply to the scenario `flags.input`:
/// its path checked by check_path_is_text, then run_overrides.
std::vector<io::Override> scenario_overrides(const SimulationFlags& flags);

}  // namespace crisis::cli
