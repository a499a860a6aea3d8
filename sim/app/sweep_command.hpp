#pragma once
/// \file
/// `crisis-sim sweep SWEEP.yaml --out DIR`: run a scenario over a grid or Latin hypercube of
/// parameters into DIR/sweep.sqlite and DIR/points.csv (docs/sweeps.md); with CRISIS_MPI, the
/// work is split across MPI ranks (sweep_mpi.cpp).

#include <memory>

#include "app/command.hpp"
#include "experiments/sweep/sweep.hpp"

namespace crisis::cli {

/// Add `sweep` to `app`. Under mpirun, only rank 0 prints.
Command add_sweep_command(CLI::App& app);

/// The MPI transport when this build has CRISIS_MPI and the process was started by mpirun
/// (MPI is initialised here and finalised when the object goes); nullptr otherwise.
std::unique_ptr<io::SweepTransport> make_mpi_transport();

/// End every rank at once after rank 0 has reported a failure (MPI_Abort). Only for an MPI
/// transport of more than one rank.
[[noreturn]] void abort_mpi(io::SweepTransport& transport, int exit_code);

}  // namespace crisis::cli
