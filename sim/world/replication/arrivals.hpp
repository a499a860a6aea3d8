#pragma once
/// \file
/// Where calls come from: crisis candidates (thinned against the residents' states) and
/// background police calls, both non-homogeneous Poisson processes over the hour-of-week
/// profile, or the replayed calls of a CAD period in their place. Each arrival opens a call
/// with its drawn attributes and schedules its call_ready; dispatch is not its business.

#include <cstdint>
#include <vector>

#include "world/replication/calls.hpp"
#include "world/replication/context.hpp"
#include "world/replication/population.hpp"

namespace crisis::world::detail {

/// The arrival processes (or replay lists) and the draws that make a new call.
class Arrivals {
 public:
  Arrivals(Context& context, CallBook& calls, Population& population);

  /// Schedule the first arrival of each process (or each replay list).
  void start();
  /// A crisis_candidate event: `position` in the replay list when replaying.
  void on_crisis_arrival(double now, std::uint32_t position);
  /// A background_arrival event: `position` in the replay list when replaying.
  void on_background_arrival(double now, std::uint32_t position);

 private:
  void on_candidate(double now);
  /// Crisis arrivals per minute at profile weight 1: crises.calls_per_day when given, else the
  /// residents' candidate rate.
  [[nodiscard]] double crisis_rate_per_minute() const;
  void on_background(double now);
  void on_replay_crisis(double now, std::uint32_t position);
  void on_replay_background(double now, std::uint32_t position);
  void open_crisis_call(double now, std::uint64_t entity, std::uint32_t who, int forced_type, int forced_priority, int forced_zone);
  void open_background_call(double now, std::uint64_t entity, int forced_priority, int forced_zone);

  Context& context_;
  CallBook& calls_;
  Population& population_;
  engine::RandomStream crisis_arrivals_;
  engine::RandomStream background_arrivals_;
  std::uint64_t crisis_candidates_ = 0;
  std::uint64_t background_count_ = 0;
  // Replay: positions in scenario.replay.calls of the crisis / other-police calls, in time order.
  std::vector<std::uint32_t> replay_crisis_;
  std::vector<std::uint32_t> replay_background_;
  bool replay_background_on_ = false;
};

}  // namespace crisis::world::detail
