#pragma once
/// \file
/// `crisis-sim size SIZING.yaml`: its flags and what it prints (docs/sizing.md). Kept out of
/// cli.cpp so that the command table there stays short.

#include <cstdint>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "world/response_model.hpp"

namespace CLI {
class App;
}

namespace crisis::cli {

struct SizeFlags {
  std::string sizing_file;
  std::optional<std::uint64_t> seed;
  std::optional<int> replications;
  int threads = 0;
  std::optional<double> horizon_days;
  std::optional<double> warmup_days;
  std::vector<std::string> sets;
  std::string format = "table";
  std::string out_dir;
  bool quiet = false;
};

/// The `size` subcommand and the flags it fills when parsed.
struct SizeCommand {
  CLI::App* command = nullptr;
  SizeFlags flags;
};

/// Add `size` to `app`. The returned object must outlive the parse.
std::unique_ptr<SizeCommand> add_size_command(CLI::App& app);

/// Run a parsed `size`: exit code 0 whether or not a feasible mix exists (the answer says
/// which); throws the library's errors for run_cli to map to 2 or 1.
int run_size_command(const SizeCommand& size, const world::ModelRegistry& registry, std::ostream& out,
                     std::ostream& err);

}  // namespace crisis::cli
