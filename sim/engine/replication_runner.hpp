#pragma once
/// \file
/// Runs independent replications in parallel and returns them in replication order.

#include <cstddef>
#include <functional>
#include <vector>

#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/task_arena.h>

#include "engine/thread_sanitizer.hpp"

namespace crisis::engine {

/// Run `task(r)` for r = 0 .. count-1 on at most `threads` threads (0 = all cores).
///
/// Each task writes only its own slot, and the results come back indexed by replication,
/// so anything combined from them afterwards is combined in a fixed order: the output is
/// byte-identical whatever the thread count. An exception thrown by a task is rethrown here.
template <class Result, class Task>
std::vector<Result> run_replications(std::size_t count, int threads, Task&& task) {
  std::vector<Result> results(count);
  const int concurrency = threads > 0 ? threads : tbb::task_arena::automatic;
  tbb::task_arena arena(concurrency);
  arena.execute([&] {
    const auto run_one = [&](std::size_t replication) {
      const TsanTask in_task;
      results[replication] = task(replication);
    };
    // The ordering TBB's hand-off and join provide, stated for ThreadSanitizer (no-op
    // otherwise); after run_one exists, since the tasks read it.
    const TsanForkJoin fork_join;
    tbb::parallel_for(std::size_t{0}, count, run_one);
  });
  return results;
}

}  // namespace crisis::engine
