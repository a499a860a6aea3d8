#include "app/flags.hpp"

#include <charconv>
#include <system_error>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "engine/errors.hpp"
#include "yaml/yaml_reader.hpp"

namespace crisis::cli {

void add_simulation_flags(CLI::App& command, SimulationFlags& flags, const SimulationFlagHelp& help) {
  command.add_option(help.input_name, flags.input, help.input)->required();
  if (help.out_required) {
    command.add_option("--out,-o", flags.out_dir, help.out)->required();
    if (help.threads) add_threads_flag(command, flags.threads);
  }
  if (!help.seed.empty()) add_seed_flag(command, flags.seed, help.seed);
  if (!help.replications.empty()) {
    add_replications_flag(command, flags.replications, help.replications, help.minimum_replications);
  }
  if (help.threads && !help.out_required) add_threads_flag(command, flags.threads);
  if (!help.horizon.empty()) {
    command.add_option("--horizon-days", flags.horizon_days, help.horizon)->check(CLI::Range(0.05, engine::kMaxHorizonDays));
  }
  if (!help.warmup.empty()) {
    command.add_option("--warmup-days", flags.warmup_days, help.warmup)->check(CLI::Range(0.0, engine::kMaxHorizonDays));
  }
  if (!help.set.empty()) command.add_option("--set", flags.sets, help.set);
  if (help.format) {
    command.add_option("--format", flags.format, "Output on stdout: table or json")->check(CLI::IsMember({"table", "json"}));
  }
  if (!help.out.empty() && !help.out_required) command.add_option("--out,-o", flags.out_dir, help.out);
  if (!help.calls.empty()) {
    command.add_flag("--calls", flags.calls, help.calls);
    command.add_flag("--calls-gz", flags.calls_gz, "Write calls.csv.gz (gzip) instead of calls.csv; implies --calls");
    command.add_option("--calls-filter", flags.calls_filter, "crisis: only crisis calls in calls.csv, not the other police calls; implies --calls")
        ->check(CLI::IsMember({"crisis"}));
    command.add_option("--calls-decimals", flags.calls_decimals,
                       "Round calls.csv's times (minutes) to this many decimals, e.g. 2 (0.6 s) (default: every digit); implies --calls")
        ->check(CLI::Range(0, 15));
  }
  if (!help.xlsx.empty()) command.add_option("--xlsx", flags.xlsx, help.xlsx);
  if (!help.quiet.empty()) add_quiet_flag(command, flags.quiet, help.quiet);
}

io::CallsOptions calls_options(const SimulationFlags& flags) {
  io::CallsOptions options;
  options.write = flags.calls || flags.calls_gz || !flags.calls_filter.empty() || flags.calls_decimals.has_value();
  options.gzip = flags.calls_gz;
  options.crisis_only = flags.calls_filter == "crisis";
  options.decimals = flags.calls_decimals.value_or(-1);
  return options;
}

CLI::Option* add_seed_flag(CLI::App& command, std::optional<std::uint64_t>& seed, const std::string& help) {
  return command.add_option("--seed", seed, help)->check(CLI::Validator(check_seed, "SEED", "seed"));
}

CLI::Option* add_replications_flag(CLI::App& command, std::optional<int>& replications, const std::string& help,
                                   int minimum) {
  return command.add_option("--replications,-r", replications, help)->check(CLI::Range(minimum, kMaxReplications));
}

CLI::Option* add_threads_flag(CLI::App& command, int& threads) {
  return command.add_option("--threads,-j", threads, "Worker threads; 0 = all cores. Results do not depend on it")
      ->check(CLI::Range(0, 1024));
}

CLI::Option* add_quiet_flag(CLI::App& command, bool& quiet, const std::string& help) {
  return command.add_flag("--quiet,-q", quiet, help);
}

void add_examples(CLI::App& command, const std::vector<std::string>& lines) {
  std::string text = "Examples:";
  for (const std::string& line : lines) text += "\n  " + line;
  command.footer(text);
}

std::string check_seed(const std::string& input) {
  std::int64_t value = 0;
  const auto [end, error] = std::from_chars(input.data(), input.data() + input.size(), value);
  if (error != std::errc() || end != input.data() + input.size() || value < 0) {
    return "expected a whole number from 0 to 9223372036854775807, got \"" + input + "\"";
  }
  return {};
}

void check_path_is_text(const std::string& path) {
  if (io::invalid_utf8_offset(path) != std::string::npos) {
    throw InputError(InputProblem{path, 0, 0, "", "the path is not valid UTF-8 text; rename the file"});
  }
}

std::vector<io::Override> run_overrides(const SimulationFlags& flags, bool with_seed_and_replications) {
  std::vector<io::Override> overrides;
  for (const auto& text : flags.sets) {
    overrides.push_back(io::parse_override(text));
    if (io::invalid_utf8_offset(text) != std::string::npos) {
      throw InputError(InputProblem{"", 0, 0, "--set " + overrides.back().path, "the value is not valid UTF-8 text"});
    }
  }
  if (flags.horizon_days) overrides.push_back({"run.horizon_days", fmt::format("{}", *flags.horizon_days)});
  if (flags.warmup_days) overrides.push_back({"run.warmup_days", fmt::format("{}", *flags.warmup_days)});
  if (with_seed_and_replications && flags.replications) {
    overrides.push_back({"run.replications", std::to_string(*flags.replications)});
  }
  if (with_seed_and_replications && flags.seed) overrides.push_back({"run.seed", std::to_string(*flags.seed)});
  return overrides;
}

std::vector<io::Override> scenario_overrides(const SimulationFlags& flags) {
  check_path_is_text(flags.input);
  return run_overrides(flags);
}

}  // namespace crisis::cli
