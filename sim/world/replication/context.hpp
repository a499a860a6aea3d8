#pragma once
/// \file
/// What every part of one replication shares: the world, its random-stream keys and the calendar.
/// Internal to sim/world: the parts of a replication (population, arrivals, dispatcher, scene,
/// tally) each own their state and meet only through the calendar and their narrow interfaces.

#include <cstdint>
#include <limits>

#include "engine/event_calendar.hpp"
#include "engine/random.hpp"
#include "world/world.hpp"

namespace crisis::world::detail {

inline constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// What an event does. The numeric value doubles as the tie-break priority at equal times:
// rosters change first, then units clear (so a unit freed at t can take a call arriving at t),
// then scene work, then new work arrives. Documented in docs/architecture.md.
enum class EventKind : std::uint8_t {
  hour_tick = 0,
  unit_free = 1,
  scene_done = 2,
  unit_arrives = 3,
  call_ready = 4,
  fallback = 5,
  backup_give_up = 6,
  abandon = 7,
  crisis_candidate = 8,
  background_arrival = 9,
  resident_return = 10,
};

struct Event {
  EventKind kind;
  std::uint32_t a;  // call slot, unit, or resident
  std::uint32_t b;  // generation, to recognise stale events
};

// Purposes of random streams. Each (entity, purpose) pair has its own stream; the values are
// part of every output (they key the streams), so new purposes go at the end.
enum Purpose : std::uint64_t {
  kCrisisArrivals = 1,
  kBackgroundArrivals,
  kResidentFrailty,
  kCallAttributes,
  kCallProcessing,
  kTravel,
  kScene,
  kOutcome,
  kTransport,
  kResidentStay,
  kBackup,
  kBackupTravel,
  kBackupScene,
  kPhone,
  kPatience,
  kRouting,
  kPhoneResolution,
  kAbandonChoice,
  kReplayPlacement,  // replayed calls: zone (unmatched area) and resident
  kCallTaking,       // issue #14: is the call coded right (and as which crisis type if not)
  kCompliance,       // issue #14: does the dispatcher offer an eligible call to the alternative
  kFlatPlacement,    // issue #14: crises.calls_per_day: the zone and resident of a call
};

// Entity ids: crisis candidates, background calls and residents occupy separate ranges.
inline constexpr std::uint64_t kBackgroundEntity = 1ULL << 40;
inline constexpr std::uint64_t kResidentEntity = 1ULL << 41;
inline constexpr std::uint64_t kGlobalEntity = 1ULL << 42;
inline constexpr std::uint64_t kReplayEntity = 1ULL << 43;  // + index of the call in scenario.replay.calls

/// The shared frame of one replication: read-only world facts, stream keys and the calendar.
/// Owned by the Replication; every part holds a reference.
class Context {
 public:
  Context(const World& world_in, std::uint64_t seed_in, std::uint32_t replication_in)
      : world(world_in), scenario(world_in.scenario()), plan(world_in.plan()), seed(seed_in), replication(replication_in) {}

  [[nodiscard]] engine::StreamKey key(std::uint64_t entity, std::uint64_t purpose) const { return {seed, replication, entity, purpose}; }
  [[nodiscard]] engine::RandomStream stream(std::uint64_t entity, Purpose purpose) const { return engine::RandomStream(key(entity, purpose)); }
  /// Schedule an event; ties at equal times break by kind, then by scheduling order.
  void schedule(double time, EventKind kind, std::uint32_t a, std::uint32_t b = 0) {
    calendar.schedule(time, static_cast<std::int32_t>(kind), Event{kind, a, b});
  }
  /// True when a call arriving at `now` is counted in the measures.
  [[nodiscard]] bool in_window(double now) const { return now >= world.window_start_min && now < world.window_end_min; }

  const World& world;
  const Scenario& scenario;
  const ResponsePlan& plan;
  const std::uint64_t seed;
  const std::uint32_t replication;
  engine::EventCalendar<Event> calendar;
};

}  // namespace crisis::world::detail
