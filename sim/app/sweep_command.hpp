#pragma once
/// \file
/// `crisis-sim sweep SWEEP.yaml --out DIR`: its flags and what it prints. Kept out of cli.cpp
/// so that the command table there stays short.

#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "experiments/sweep/sweep.hpp"

namespace CLI {
class App;
}

namespace crisis::cli {

struct SweepFlags {
  std::string sweep_file;
  std::string out_dir;
  int threads = 0;
  std::optional<std::uint64_t> seed;
  std::optional<int> replications;
  std::optional<double> horizon_days;
  std::optional<double> warmup_days;
  std::vector<std::string> sets;
  std::vector<std::string> precision;
  std::optional<int> max_replications;
  std::optional<std::string> warmup_advice;
  bool quiet = false;
};

/// The `sweep` subcommand and the flags it fills when parsed.
struct SweepCommand {
  CLI::App* command = nullptr;
  SweepFlags flags;
};

/// Add `sweep` to `app`. The returned object must outlive the parse.
std::unique_ptr<SweepCommand> add_sweep_command(CLI::App& app);

/// Run a parsed `sweep`. Returns the exit code; throws the library's errors for run_cli to
/// map (single process). Under mpirun, only rank 0 prints.
int run_sweep_command(const SweepCommand& sweep, const world::ModelRegistry& registry, std::ostream& out, std::ostream& err);

/// The MPI transport when this build has CRISIS_MPI and the process was started by mpirun
/// (MPI is initialised here and finalised when the object goes); nullptr otherwise.
std::unique_ptr<io::SweepTransport> make_mpi_transport();

/// End every rank at once after rank 0 has reported a failure (MPI_Abort). Only for an MPI
/// transport of more than one rank.
[[noreturn]] void abort_mpi(io::SweepTransport& transport, int exit_code);

}  // namespace crisis::cli
