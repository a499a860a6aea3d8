#pragma once
/// \file
/// Happens-before edges for ThreadSanitizer across oneTBB's scheduler.
///
/// Debian's libtbb.so is not built with -fsanitize=thread, so ThreadSanitizer cannot see the
/// synchronisation inside it: the hand-off of a task to a worker thread and the join at the
/// end of tbb::parallel_for. Without help it reports what the caller wrote before the loop and
/// read after it, against what the tasks read and wrote, as data races (scripts/sanitize.sh).
/// These guards state the edges TBB provides, so that a report that remains is a real race
/// between tasks. In any other build they compile to nothing.
///
///   const auto body = [&](std::size_t i) {
///     const TsanTask in_task;            // first in the body: sees the caller's writes, and
///     results[i] = ...;                  // its own reach the caller, even if it throws
///   };
///   {
///     const TsanForkJoin fork_join;      // the caller's writes so far (the body included) reach
///     tbb::parallel_for(0, n, body);     // the tasks; at scope exit every task's writes reach it
///   }
///
/// They use fixed synchronisation addresses, not ones derived from the lambda's captures:
/// reading a capture before the acquire would itself be reported.

#if defined(__SANITIZE_THREAD__)
#define CRISIS_THREAD_SANITIZER 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define CRISIS_THREAD_SANITIZER 1
#endif
#endif

#ifdef CRISIS_THREAD_SANITIZER
#include <sanitizer/tsan_interface.h>
#endif

namespace crisis::engine {

namespace detail {
// Two addresses, so that tasks synchronise with the caller only, never with each other: a
// race between two tasks stays visible even when one of them ended before the other began.
inline char tsan_fork = 0;  // only the addresses are used
inline char tsan_join = 0;
#ifdef CRISIS_THREAD_SANITIZER
inline void tsan_release(char* address) noexcept { __tsan_release(address); }
inline void tsan_acquire(char* address) noexcept { __tsan_acquire(address); }
#else
inline void tsan_release(char*) noexcept {}
inline void tsan_acquire(char*) noexcept {}
#endif
}  // namespace detail

/// Around code that starts parallel tasks and waits for them: releases on construction,
/// acquires on destruction (also when a task's exception passes through).
class TsanForkJoin {
 public:
  TsanForkJoin() noexcept { detail::tsan_release(&detail::tsan_fork); }
  ~TsanForkJoin() { detail::tsan_acquire(&detail::tsan_join); }
  TsanForkJoin(const TsanForkJoin&) = delete;
  TsanForkJoin& operator=(const TsanForkJoin&) = delete;
};

/// First in the body of each parallel task: acquires on construction, releases on destruction.
class TsanTask {
 public:
  TsanTask() noexcept { detail::tsan_acquire(&detail::tsan_fork); }
  ~TsanTask() { detail::tsan_release(&detail::tsan_join); }
  TsanTask(const TsanTask&) = delete;
  TsanTask& operator=(const TsanTask&) = delete;
};

}  // namespace crisis::engine
