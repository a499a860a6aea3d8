// M/M/c on crisis-sim's engine: the event calendar, random streams and distributions that
// World::run_replication uses, driven by the smallest possible model. What this measures is
// the engine's cost per event, not the city model's.
#include "mmc.hpp"

#include "engine/distributions.hpp"
#include "engine/event_calendar.hpp"
#include "engine/random.hpp"

namespace crisis::bench {
namespace {

// The numeric value is also the tie-break priority: a departure at time t frees its server
// before an arrival at the same t looks for one (continuous times make such ties rare).
enum class MmcEvent : std::uint8_t { departure = 0, arrival = 1 };

// Stream purposes, as the world uses them: one stream per purpose.
constexpr std::uint64_t kArrivalsPurpose = 1;
constexpr std::uint64_t kServicePurpose = 2;

}  // namespace

MmcResult run_mmc_engine(const MmcSpec& spec) {
  const detail::Stopwatch stopwatch;
  engine::EventCalendar<MmcEvent> calendar;
  calendar.reserve(static_cast<std::size_t>(spec.servers) + 2);
  engine::RandomStream arrivals({spec.seed, 0, 0, kArrivalsPurpose});
  engine::RandomStream services({spec.seed, 0, 0, kServicePurpose});
  const double mean_interarrival = 1.0 / spec.arrival_rate();
  constexpr double kMeanService = 1.0;
  auto schedule = [&](double time, MmcEvent event) {
    calendar.schedule(time, static_cast<std::int32_t>(event), event);
  };

  detail::ArrivalQueue queue;
  detail::WaitBatches waits(spec.customers, spec.batches);
  std::uint64_t arrived = 0;
  int busy = 0;
  std::uint64_t events = 0;
  if (spec.customers > 0) schedule(engine::sample_exponential(arrivals, mean_interarrival), MmcEvent::arrival);
  while (!calendar.empty()) {
    const auto entry = calendar.pop();
    const double now = entry.time;
    ++events;
    if (entry.payload == MmcEvent::arrival) {
      if (++arrived < spec.customers)
        schedule(now + engine::sample_exponential(arrivals, mean_interarrival), MmcEvent::arrival);
      if (busy < spec.servers) {
        ++busy;
        waits.add(0.0);
        schedule(now + engine::sample_exponential(services, kMeanService), MmcEvent::departure);
      } else {
        queue.push(now);
      }
    } else if (!queue.empty()) {
      waits.add(now - queue.pop());
      schedule(now + engine::sample_exponential(services, kMeanService), MmcEvent::departure);
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
