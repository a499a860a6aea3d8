#pragma once
/// \file
/// Work counted by the threads that do it and read by whoever shows progress (the command
/// line draws a bar from it: sim/app/progress.hpp). Only counts live here: nothing in it
/// reaches an output, so results stay the same whether anyone watches or not.

#include <atomic>
#include <cstdint>

namespace crisis::engine {

struct ProgressCounter {
  std::atomic<std::uint64_t> done{0};     ///< units of work finished (replications, rows, ...)
  std::atomic<std::uint64_t> total{0};    ///< units planned; 0 = not known ahead
  std::atomic<std::uint64_t> resumed{0};  ///< of `done`, those finished by an earlier run (not in the rate)

  /// Plan `units` more units of work (a caller that knows how much is ahead).
  void add_total(std::uint64_t units) noexcept { total.fetch_add(units, std::memory_order_relaxed); }
  /// One or more units finished; safe from any thread.
  void advance(std::uint64_t units = 1) noexcept { done.fetch_add(units, std::memory_order_relaxed); }
};

}  // namespace crisis::engine
