// The MPI side of `crisis-sim sweep`, built only with -DCRISIS_MPI=ON. Rank 0 owns the
// database and plans the work; every rank computes its share of each round's (point,
// replication) tasks and sends the rows to rank 0, which commits them (the scheduling is in
// sim/experiments/sweep/sweep_scheduler.cpp, the bytes in sweep_wire.hpp).
#include "app/sweep_command.hpp"

#include <cstdint>
#include <cstdlib>
#include <vector>

#include <mpi.h>

#include "engine/errors.hpp"

namespace crisis::cli {
namespace {

/// MPI_COMM_WORLD as a SweepTransport. Only the main thread calls MPI (MPI_THREAD_FUNNELED):
/// TBB's workers compute, the main thread talks.
class MpiTransport final : public io::SweepTransport {
 public:
  MpiTransport() {
    int provided = 0;
    MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
    MPI_Comm_size(MPI_COMM_WORLD, &size_);
  }
  MpiTransport(const MpiTransport&) = delete;
  MpiTransport& operator=(const MpiTransport&) = delete;
  ~MpiTransport() override { MPI_Finalize(); }

  [[nodiscard]] int rank() const override { return rank_; }
  [[nodiscard]] int size() const override { return size_; }

  void broadcast(std::string& bytes) override {
    std::uint64_t length = bytes.size();
    MPI_Bcast(&length, 1, MPI_UINT64_T, 0, MPI_COMM_WORLD);
    bytes.resize(static_cast<std::size_t>(length));
    if (length > 0) MPI_Bcast(bytes.data(), checked_int(length), MPI_CHAR, 0, MPI_COMM_WORLD);
  }

  std::vector<std::string> gather(const std::string& mine) override {
    const int length = checked_int(mine.size());
    std::vector<int> lengths(rank_ == 0 ? static_cast<std::size_t>(size_) : 0);
    MPI_Gather(&length, 1, MPI_INT, lengths.data(), 1, MPI_INT, 0, MPI_COMM_WORLD);
    std::vector<int> offsets(lengths.size());
    std::uint64_t total = 0;
    for (std::size_t r = 0; r < lengths.size(); ++r) {
      offsets[r] = checked_int(total);
      total += static_cast<std::uint64_t>(lengths[r]);
    }
    std::string all(static_cast<std::size_t>(total), '\0');
    MPI_Gatherv(mine.data(), length, MPI_CHAR, all.data(), lengths.data(), offsets.data(), MPI_CHAR, 0, MPI_COMM_WORLD);
    std::vector<std::string> replies;
    for (std::size_t r = 0; r < lengths.size(); ++r) {
      replies.push_back(all.substr(static_cast<std::size_t>(offsets[r]), static_cast<std::size_t>(lengths[r])));
    }
    return replies;
  }

 private:
  static int checked_int(std::uint64_t value) {
    if (value > static_cast<std::uint64_t>(INT32_MAX)) throw InvariantError("sweep: a message between MPI ranks exceeds 2 GiB");
    return static_cast<int>(value);
  }
  int rank_ = 0;
  int size_ = 1;
};

/// Started by mpirun (Open MPI, or a PMI/PMIx launcher such as srun)? A plain run of an MPI
/// build stays a single process and never initialises MPI.
bool launched_by_mpi() {
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_SIZE", "PMI_RANK"}) {
    if (std::getenv(name) != nullptr) return true;
  }
  return false;
}

}  // namespace

std::unique_ptr<io::SweepTransport> make_mpi_transport() {
  if (!launched_by_mpi()) return nullptr;
  return std::make_unique<MpiTransport>();
}

void abort_mpi(io::SweepTransport& /*transport*/, int exit_code) {
  MPI_Abort(MPI_COMM_WORLD, exit_code);
  std::_Exit(exit_code);
}

}  // namespace crisis::cli
