#pragma once
/// \file
/// Which (point, replication) tasks a sweep runs and where: points in chunks, the rows the
/// database already holds skipped, replications added in batches until each point meets its
/// precision target, each round run in parallel on this process's threads and, under MPI,
/// shared across ranks (task i of a round on rank i mod ranks). A failure on any rank stops
/// every rank with the same exit code.

#include <atomic>
#include <cstdint>
#include <vector>

#include <oneapi/tbb/task_arena.h>

#include "experiments/sweep/sweep.hpp"
#include "experiments/sweep/sweep_plan.hpp"
#include "experiments/sweep/sweep_wire.hpp"
#include "experiments/sweep/sweep_writer.hpp"

namespace crisis::io::detail {

class SweepScheduler {
 public:
  /// `store` and `writer` are rank 0's (nullptr on the other ranks); `transport` is nullptr
  /// in a single process. `stop` set by the caller makes the tasks not yet started return.
  SweepScheduler(const SweepDefinition& definition, std::size_t points, const PointLoader& loader,
                 const SweepPlan& plan, SweepTransport* transport, tbb::task_arena& arena, SweepStore* store,
                 SweepWriter* writer, const std::atomic<bool>& stop);

  /// Rank 0: plan and run every chunk of points, submit rows and final replication counts to
  /// the writer in issue order, then tell the other ranks to finish and wait for the writer.
  /// Returns early, without finishing the writer, when the writer halted.
  void lead();
  /// Other ranks: compute the share of each round rank 0 sends, until it says finish.
  void follow();

 private:
  struct Chunk;
  /// One chunk of points through all its rounds. False when the writer halted.
  bool run_chunk(std::size_t first, std::size_t last, std::uint64_t& sequence);
  /// One slice of a round: share it out, compute, collect every rank's rows. `base` is the
  /// sequence number of the slice's first task.
  void run_slice(Chunk& chunk, const std::vector<Task>& part, std::uint64_t base);
  /// This rank's share of `tasks` (points in [first_point, last_point)), in parallel; rank 0's
  /// rows also go to the writer, numbered from `first_sequence`. A row is empty when skipped.
  std::vector<std::vector<double>> compute_round(const std::vector<Task>& tasks, std::size_t first_point,
                                                 std::size_t last_point, std::uint64_t first_sequence);
  [[nodiscard]] bool precision_met(const std::vector<std::vector<double>>& values_by_target, int replications) const;
  void broadcast(std::string& bytes) {
    if (transport_) transport_->broadcast(bytes);
  }

  const SweepDefinition& definition_;
  const PointLoader& loader_;
  const SweepPlan& plan_;
  SweepTransport* transport_;
  tbb::task_arena& arena_;
  SweepStore* store_;
  SweepWriter* writer_;
  const std::atomic<bool>& stop_;
  std::size_t points_;
  int rank_ = 0;
  int ranks_ = 1;
};

}  // namespace crisis::io::detail
