// The event calendar's total order (time, priority, scheduling sequence) and its bookkeeping.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "engine/event_calendar.hpp"
#include "engine/random.hpp"

namespace {

using crisis::engine::EventCalendar;
using crisis::engine::Minutes;
using crisis::engine::RandomStream;
using crisis::engine::StreamKey;

/// What a reference implementation knows about an event: its key and who it is.
struct ReferenceEvent {
  Minutes time;
  std::int32_t priority;
  int id;
};

/// The calendar's order without the sequence number: a *stable* sort by (time, priority)
/// keeps equal keys in scheduling order, which is exactly the documented tie-break.
bool reference_runs_before(const ReferenceEvent& a, const ReferenceEvent& b) {
  if (a.time != b.time) return a.time < b.time;
  return a.priority < b.priority;
}

std::vector<int> drain_ids(EventCalendar<int>& calendar) {
  std::vector<int> ids;
  while (!calendar.empty()) ids.push_back(calendar.pop().payload);
  return ids;
}

}  // namespace

TEST_CASE("events at equal times run in priority order, then in scheduling order") {
  EventCalendar<int> calendar;
  calendar.schedule(5.0, 1, 0);
  calendar.schedule(5.0, 0, 1);
  calendar.schedule(5.0, 1, 2);
  calendar.schedule(5.0, -3, 3);
  calendar.schedule(5.0, 0, 4);
  calendar.schedule(5.0, 1, 5);

  // Priority -3 first, then the two priority-0 events and the three priority-1 events, each
  // group in the order it was scheduled.
  CHECK(drain_ids(calendar) == std::vector<int>{3, 1, 4, 0, 2, 5});
}

TEST_CASE("an earlier time runs first whatever the priorities") {
  EventCalendar<int> calendar;
  calendar.schedule(10.0, -100, 0);
  calendar.schedule(2.5, 100, 1);
  calendar.schedule(7.0, 0, 2);
  calendar.schedule(0.0, 50, 3);

  CHECK(drain_ids(calendar) == std::vector<int>{3, 1, 2, 0});
}

TEST_CASE("events scheduled at one time and priority run in scheduling order however many there are") {
  // Enough equal keys to fill several levels of the 4-ary heap, so a tie could not hide in
  // one node's children.
  EventCalendar<int> calendar;
  constexpr int kCount = 1000;
  for (int id = 0; id < kCount; ++id) calendar.schedule(1.0, 0, id);

  std::vector<int> expected(kCount);
  for (int id = 0; id < kCount; ++id) expected[static_cast<std::size_t>(id)] = id;
  CHECK(drain_ids(calendar) == expected);
}

TEST_CASE("popping every event after random scheduling matches a stable sort by time and priority") {
  // Times are drawn from a coarse grid and priorities from three values so that ties on
  // time, and on time and priority together, are frequent.
  RandomStream rng(StreamKey{20240601, 0, 0, 1});
  EventCalendar<int> calendar;
  std::vector<ReferenceEvent> reference;
  constexpr int kCount = 20000;
  for (int id = 0; id < kCount; ++id) {
    const Minutes time = 0.25 * static_cast<double>(rng.below(400));
    const auto priority = static_cast<std::int32_t>(rng.below(3)) - 1;
    calendar.schedule(time, priority, id);
    reference.push_back({time, priority, id});
  }
  std::stable_sort(reference.begin(), reference.end(), reference_runs_before);

  REQUIRE(calendar.size() == reference.size());
  std::size_t mismatches = 0;
  for (const ReferenceEvent& expected : reference) {
    const auto entry = calendar.pop();
    if (entry.payload != expected.id || entry.time != expected.time || entry.priority != expected.priority) {
      ++mismatches;
    }
  }
  CHECK(mismatches == 0);
  CHECK(calendar.empty());
}

TEST_CASE("interleaved random scheduling and running matches a stable sort of the pending events") {
  // A hold model as a simulation drives it: each step either schedules a new event some
  // random delay after the current clock or runs the next one. The reference keeps pending
  // events in scheduling order and stable-sorts them before every pop.
  RandomStream rng(StreamKey{20240601, 0, 0, 2});
  EventCalendar<int> calendar;
  std::vector<ReferenceEvent> pending;
  Minutes clock = 0.0;
  int next_id = 0;
  std::size_t mismatches = 0;
  std::size_t pops = 0;
  for (int step = 0; step < 20000; ++step) {
    // Schedule with probability 0.52 so the pending list grows slowly, exercising both a
    // deep heap and frequent pops; always schedule when nothing is pending.
    const bool push = pending.empty() || rng.below(100) < 52;
    if (push) {
      const Minutes time = clock + 0.5 * static_cast<double>(rng.below(8));
      const auto priority = static_cast<std::int32_t>(rng.below(4));
      calendar.schedule(time, priority, next_id);
      pending.push_back({time, priority, next_id});
      ++next_id;
    } else {
      std::stable_sort(pending.begin(), pending.end(), reference_runs_before);
      const ReferenceEvent expected = pending.front();
      pending.erase(pending.begin());
      REQUIRE(!calendar.empty());
      if (calendar.top().payload != expected.id) ++mismatches;
      const auto entry = calendar.pop();
      if (entry.payload != expected.id || entry.time != expected.time) ++mismatches;
      clock = entry.time;
      ++pops;
    }
    if (calendar.size() != pending.size()) ++mismatches;
  }
  CHECK(mismatches == 0);
  CHECK(pops > 5000);  // the walk really interleaved pops with pushes
  CHECK(calendar.scheduled_count() == static_cast<std::uint64_t>(next_id));
}

TEST_CASE("size and empty count pending events while scheduled_count counts every event ever scheduled") {
  EventCalendar<int> calendar;
  CHECK(calendar.empty());
  CHECK(calendar.size() == 0);
  CHECK(calendar.scheduled_count() == 0);

  calendar.schedule(3.0, 0, 1);
  calendar.schedule(1.0, 0, 2);
  calendar.schedule(2.0, 0, 3);
  CHECK_FALSE(calendar.empty());
  CHECK(calendar.size() == 3);
  CHECK(calendar.scheduled_count() == 3);

  CHECK(calendar.pop().payload == 2);
  CHECK(calendar.size() == 2);
  CHECK(calendar.scheduled_count() == 3);  // running an event does not uncount it

  calendar.schedule(0.5, 0, 4);
  CHECK(calendar.size() == 3);
  CHECK(calendar.scheduled_count() == 4);

  CHECK(drain_ids(calendar) == std::vector<int>{4, 3, 1});
  CHECK(calendar.empty());
  CHECK(calendar.size() == 0);
  CHECK(calendar.scheduled_count() == 4);
}

TEST_CASE("each entry carries the sequence number it was scheduled with") {
  EventCalendar<int> calendar;
  calendar.schedule(9.0, 0, 0);
  calendar.schedule(1.0, 0, 1);
  calendar.schedule(5.0, 2, 2);

  const auto first = calendar.pop();
  CHECK(first.time == 1.0);
  CHECK(first.priority == 0);
  CHECK(first.sequence == 1);
  const auto second = calendar.pop();
  CHECK(second.time == 5.0);
  CHECK(second.priority == 2);
  CHECK(second.sequence == 2);
  CHECK(calendar.pop().sequence == 0);
}

TEST_CASE("top shows the event that pop returns next without removing it") {
  EventCalendar<int> calendar;
  calendar.schedule(4.0, 0, 40);
  calendar.schedule(2.0, 0, 20);
  calendar.schedule(3.0, 0, 30);

  CHECK(calendar.top().payload == 20);
  CHECK(calendar.top().time == 2.0);
  CHECK(calendar.size() == 3);
  CHECK(calendar.pop().payload == 20);
  CHECK(calendar.top().payload == 30);
}

TEST_CASE("clear empties the calendar and restarts the scheduling sequence") {
  EventCalendar<int> calendar;
  for (int id = 0; id < 50; ++id) calendar.schedule(static_cast<double>(50 - id), 0, id);
  (void)calendar.pop();
  calendar.clear();

  CHECK(calendar.empty());
  CHECK(calendar.size() == 0);
  CHECK(calendar.scheduled_count() == 0);

  // After a clear the calendar behaves like a new one: sequences start again at zero and the
  // ordering guarantees still hold.
  calendar.schedule(1.0, 0, 100);
  calendar.schedule(1.0, 0, 101);
  calendar.schedule(0.5, 0, 102);
  CHECK(calendar.scheduled_count() == 3);
  const auto first = calendar.pop();
  CHECK(first.payload == 102);
  CHECK(first.sequence == 2);
  CHECK(calendar.pop().sequence == 0);
  CHECK(calendar.pop().sequence == 1);
  CHECK(calendar.empty());
}

TEST_CASE("reserve does not change what the calendar holds") {
  EventCalendar<int> calendar;
  calendar.schedule(2.0, 0, 1);
  calendar.reserve(1024);
  calendar.schedule(1.0, 0, 2);
  CHECK(calendar.size() == 2);
  CHECK(drain_ids(calendar) == std::vector<int>{2, 1});
}

TEST_CASE("the calendar carries move-only payloads without copying them") {
  EventCalendar<std::unique_ptr<std::string>> calendar;
  calendar.schedule(2.0, 0, std::make_unique<std::string>("second"));
  calendar.schedule(1.0, 0, std::make_unique<std::string>("first"));
  calendar.schedule(3.0, 0, std::make_unique<std::string>("third"));

  std::vector<std::string> order;
  while (!calendar.empty()) {
    auto entry = calendar.pop();
    REQUIRE(entry.payload != nullptr);
    order.push_back(*entry.payload);
  }
  CHECK(order == std::vector<std::string>{"first", "second", "third"});
}

TEST_CASE("runs_before is a strict total order on time, then priority, then sequence") {
  using Entry = EventCalendar<int>::Entry;
  // Built field by field so that the test does not depend on the order of Entry's members.
  const auto make = [](double time, std::int32_t priority, std::uint64_t sequence) {
    Entry entry{};
    entry.time = time;
    entry.priority = priority;
    entry.sequence = sequence;
    return entry;
  };
  const Entry early = make(1.0, 5, 9);
  const Entry late = make(2.0, -5, 0);
  const Entry urgent = make(1.0, -1, 10);
  const Entry first_scheduled = make(1.0, 5, 3);

  CHECK(EventCalendar<int>::runs_before(early, late));
  CHECK_FALSE(EventCalendar<int>::runs_before(late, early));
  CHECK(EventCalendar<int>::runs_before(urgent, early));
  CHECK_FALSE(EventCalendar<int>::runs_before(early, urgent));
  CHECK(EventCalendar<int>::runs_before(first_scheduled, early));
  CHECK_FALSE(EventCalendar<int>::runs_before(early, first_scheduled));
  CHECK_FALSE(EventCalendar<int>::runs_before(early, early));  // irreflexive
}
