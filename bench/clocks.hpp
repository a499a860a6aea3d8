#pragma once
/// \file
/// Clocks and memory readings shared by the benchmarks (Linux).

#include <sys/resource.h>
#include <time.h>

namespace crisis::bench {

/// Monotonic wall time in seconds.
inline double wall_seconds() noexcept {
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  return static_cast<double>(now.tv_sec) + 1e-9 * static_cast<double>(now.tv_nsec);
}

/// CPU time of the calling thread in seconds: unlike wall time, it does not grow while the
/// thread waits for a core that other processes hold.
inline double thread_cpu_seconds() noexcept {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + 1e-9 * static_cast<double>(now.tv_nsec);
}

/// CPU time of the whole process (all threads) in seconds.
inline double process_cpu_seconds() noexcept {
  timespec now{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + 1e-9 * static_cast<double>(now.tv_nsec);
}

/// Peak resident set size of the process so far, in bytes (getrusage ru_maxrss, KiB on Linux).
inline long peak_rss_bytes() noexcept {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss * 1024L;
}

}  // namespace crisis::bench
