// M/M/c as a minimal hand-written loop: what a programmer would write for this one model
// with no engine at all. Plain structs, a 4-ary heap ordered by time alone, xoshiro256+
// and -log(u). It is the practical limit the engine is compared with.
#include "mmc.hpp"

#include <cmath>
#include <cstdint>
#include <vector>

namespace crisis::bench {
namespace {

struct Event {
  double time;
  bool arrival;
};

/// A 4-ary min-heap on time. No sequence numbers: ties have probability zero here.
class Heap {
 public:
  [[nodiscard]] bool empty() const noexcept { return items_.empty(); }
  void push(Event event) {
    std::size_t i = items_.size();
    items_.push_back(event);
    while (i > 0) {
      const std::size_t parent = (i - 1) / 4;
      if (items_[parent].time <= event.time) break;
      items_[i] = items_[parent];
      i = parent;
    }
    items_[i] = event;
  }
  Event pop() noexcept {
    const Event first = items_.front();
    const Event last = items_.back();
    items_.pop_back();
    const std::size_t n = items_.size();
    if (n == 0) return first;
    std::size_t i = 0;
    while (true) {
      const std::size_t child = 4 * i + 1;
      if (child >= n) break;
      std::size_t best = child;
      const std::size_t end = child + 4 < n ? child + 4 : n;
      for (std::size_t c = child + 1; c < end; ++c) {
        if (items_[c].time < items_[best].time) best = c;
      }
      if (!(items_[best].time < last.time)) break;
      items_[i] = items_[best];
      i = best;
    }
    items_[i] = last;
    return first;
  }

 private:
  std::vector<Event> items_;
};

/// xoshiro256+ (Blackman & Vigna 2018), seeded by SplitMix64: one 64-bit output per uniform.
class TinyRng {
 public:
  explicit TinyRng(std::uint64_t seed) noexcept {
    for (auto& word : state_) {
      seed += 0x9E3779B97F4A7C15ULL;
      std::uint64_t z = seed;
      z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
      z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
      word = z ^ (z >> 31);
    }
  }
  /// Uniform on (0, 1].
  double uniform_positive() noexcept {
    const std::uint64_t result = state_[0] + state_[3];
    const std::uint64_t t = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= t;
    state_[3] = (state_[3] << 45) | (state_[3] >> 19);
    return static_cast<double>((result >> 11) + 1) * 0x1.0p-53;
  }
  double exponential(double mean) noexcept { return -mean * std::log(uniform_positive()); }

 private:
  std::uint64_t state_[4];
};

}  // namespace

MmcResult run_mmc_minimal(const MmcSpec& spec) {
  const detail::Stopwatch stopwatch;
  Heap heap;
  TinyRng arrivals(spec.seed * 2 + 1);
  TinyRng services(spec.seed * 2 + 2);
  const double mean_interarrival = 1.0 / spec.arrival_rate();
  detail::ArrivalQueue queue;
  detail::WaitBatches waits(spec.customers, spec.batches);
  std::uint64_t arrived = 0;
  int busy = 0;
  std::uint64_t events = 0;
  if (spec.customers > 0) heap.push({arrivals.exponential(mean_interarrival), true});
  while (!heap.empty()) {
    const Event event = heap.pop();
    const double now = event.time;
    ++events;
    if (event.arrival) {
      if (++arrived < spec.customers) heap.push({now + arrivals.exponential(mean_interarrival), true});
      if (busy < spec.servers) {
        ++busy;
        waits.add(0.0);
        heap.push({now + services.exponential(1.0), false});
      } else {
        queue.push(now);
      }
    } else if (!queue.empty()) {
      waits.add(now - queue.pop());
      heap.push({now + services.exponential(1.0), false});
    } else {
      --busy;
    }
  }
  MmcResult result;
  waits.finish(result);
  result.events = events;
  stopwatch.stop(result);
  return result;
}

}  // namespace crisis::bench
