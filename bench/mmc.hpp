#pragma once
/// \file
/// The M/M/c model of bench/compare-peers, and what every implementation of it reports.
///
/// Time is measured in mean service times (mu = 1), so the arrival rate is lambda = c rho and
/// the mean wait comes out directly in service times, the unit of Erlang C's Wq = C / (c - A).
/// Customers are served first come first served by `servers` identical servers; the run
/// starts empty and ends when the last of `customers` customers has been served.

#include <cstdint>
#include <vector>

#include "clocks.hpp"

namespace crisis::bench {

struct MmcSpec {
  int servers = 10;
  double utilisation = 0.8;
  std::uint64_t customers = 1'000'000;
  /// Waits are averaged in this many consecutive batches of customers (in order of service),
  /// so that a confidence interval can be taken over the batch means (batch-means method).
  int batches = 20;
  std::uint64_t seed = 20240611;

  [[nodiscard]] double arrival_rate() const noexcept { return servers * utilisation; }
};

struct MmcResult {
  double mean_wait = 0.0;                ///< in mean service times, over all customers
  std::vector<double> batch_mean_waits;  ///< `batches` values, in order of service
  std::uint64_t events = 0;              ///< model events: one arrival and one departure per customer
  double seconds = 0.0;                  ///< wall time of the simulation loop alone
  double cpu_seconds = 0.0;              ///< CPU time of the same, immune to other processes
};

/// crisis-sim's engine: EventCalendar, RandomStream and sample_exponential (mmc_engine.cpp).
MmcResult run_mmc_engine(const MmcSpec& spec);

/// The practical limit: plain structs, a hand-written 4-ary heap and a tiny RNG (mmc_minimal.cpp).
MmcResult run_mmc_minimal(const MmcSpec& spec);

namespace detail {

/// Wall and CPU clocks started together, stopped into a result.
struct Stopwatch {
  double wall_start = wall_seconds();
  double cpu_start = thread_cpu_seconds();
  void stop(MmcResult& result) const noexcept {
    result.seconds = wall_seconds() - wall_start;
    result.cpu_seconds = thread_cpu_seconds() - cpu_start;
  }
};

/// A first-in-first-out queue of arrival times in a power-of-two ring buffer. Both C++
/// implementations use it, so that they differ only in the engine parts being compared.
class ArrivalQueue {
 public:
  [[nodiscard]] bool empty() const noexcept { return head_ == tail_; }
  void push(double arrival_time) {
    if (tail_ - head_ == buffer_.size()) grow();
    buffer_[tail_++ & (buffer_.size() - 1)] = arrival_time;
  }
  double pop() noexcept { return buffer_[head_++ & (buffer_.size() - 1)]; }

 private:
  void grow() {
    std::vector<double> bigger(buffer_.empty() ? 64 : 2 * buffer_.size());
    for (std::uint64_t i = head_; i < tail_; ++i) bigger[i - head_] = buffer_[i & (buffer_.size() - 1)];
    tail_ -= head_;
    head_ = 0;
    buffer_ = std::move(bigger);
  }
  std::vector<double> buffer_;
  std::uint64_t head_ = 0;
  std::uint64_t tail_ = 0;
};

/// Accumulates waits, in order of service, into the overall mean and the batch means.
class WaitBatches {
 public:
  WaitBatches(std::uint64_t customers, int batches)
      : per_batch_(customers / static_cast<std::uint64_t>(batches)), sums_(static_cast<std::size_t>(batches), 0.0) {}
  void add(double wait) noexcept {
    total_ += wait;
    const std::uint64_t batch = served_ / per_batch_;
    if (batch < sums_.size()) sums_[batch] += wait;  // the remainder of customers/batches joins no batch
    ++served_;
  }
  void finish(MmcResult& result) const {
    result.mean_wait = total_ / static_cast<double>(served_);
    result.batch_mean_waits.clear();
    for (double sum : sums_) result.batch_mean_waits.push_back(sum / static_cast<double>(per_batch_));
  }

 private:
  std::uint64_t per_batch_;
  std::vector<double> sums_;
  std::uint64_t served_ = 0;
  double total_ = 0.0;
};

}  // namespace detail
}  // namespace crisis::bench
