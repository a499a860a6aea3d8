#pragma once
/// \file
/// The units of one replication and the calls waiting for them: rosters on duty, who is
/// available, the queue, the nearest-unit choice by dispatch tier, fallbacks and backup
/// requests while they wait. It sends units (scheduling unit_arrives); the scene decides
/// what they do there.

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "world/replication/calls.hpp"
#include "world/replication/context.hpp"
#include "world/replication/tally.hpp"

namespace crisis::world::detail {

/// One unit: its state, its place in its type's available list and the job it holds.
struct Unit {
  std::uint16_t type = 0;
  std::uint16_t base_zone = 0;
  bool on_duty = false;
  bool busy = false;
  std::int32_t available_slot = -1;  // position in the type's available list
  std::uint32_t call = 0;            // the call slot it works on while busy
  double busy_since = 0.0;
  double off_duty_since = kNaN;  // set while busy past the end of the shift
};

/// Units, rosters on duty and the waiting calls. Reports busy time and overtime to the tally.
class Dispatcher {
 public:
  Dispatcher(Context& context, CallBook& calls, Tally& tally);

  /// The hour_tick event: bring rosters to this hour's numbers, schedule the next tick.
  void on_hour_tick(double now);
  /// The call_ready event: send the nearest acceptable unit, or queue the call.
  void on_call_ready(double now, std::uint32_t slot);
  /// The fallback event: widen the acceptable tiers of a waiting call and try again.
  void on_fallback(double now, std::uint32_t slot);
  /// The backup_give_up event: nobody came; the unit on scene carries on alone.
  void on_backup_give_up(double now, std::uint32_t slot);
  /// Take `slot` off the queue (it no longer waits).
  void remove_waiting(std::uint32_t slot);

  /// A unit's job is over at `now`: count its busy time (the first half of unit_free).
  void clock_off(double now, std::uint32_t unit_index);
  /// The unit is free again: off duty (overtime ends) or available to the queue.
  void release(double now, std::uint32_t unit_index);

  [[nodiscard]] const Unit& unit(std::uint32_t unit_index) const { return units_[unit_index]; }
  /// True when a unit of any of the options' types is on duty (busy or not).
  [[nodiscard]] bool any_on_duty(const std::vector<DispatchOption>& options) const;
  /// True when a unit of `unit_type` is a specialist for crisis call `root`: a field unit with
  /// a clinician, or a type its dispatch list prefers before the last tier.
  [[nodiscard]] bool is_specialist(const Call& root, std::size_t unit_type) const;
  /// Empty when no call waits and no unit is busy, else what is wrong.
  [[nodiscard]] std::string invariant_problem() const;

 private:
  const std::vector<DispatchOption>& options_for(const Call& call) const;
  const std::vector<DispatchOption>& field_list(const Call& call) const;
  bool urgent(const Call& call) const;
  void decide_offer(Call& call);
  void rewiden_waiting(double now);
  bool try_dispatch(double now, std::uint32_t slot);
  std::size_t open_tiers(const std::vector<DispatchOption>& options, std::size_t allowed) const;
  int nearest_available(int unit_type, std::uint16_t zone) const;
  void assign(double now, std::uint32_t slot, int unit_index);
  void serve_queue(double now, int unit_index);
  void make_available(int unit_index);
  void make_unavailable(int unit_index);

  Context& context_;
  CallBook& calls_;
  Tally& tally_;
  std::vector<DispatchOption> line_options_;
  // The last tier of each crisis list: what a dispatcher sends when not offering the alternative.
  std::array<std::array<std::vector<DispatchOption>, kRiskLevelCount>, kCrisisTypeCount> last_tier_crisis_;
  std::array<std::array<std::vector<DispatchOption>, kRiskLevelCount>, kCrisisTypeCount> last_tier_after_phone_;
  std::vector<Unit> units_;
  std::vector<std::vector<int>> units_of_type_;
  std::vector<std::vector<int>> available_;
  std::vector<int> on_duty_count_;  // per unit type, busy or not
  std::vector<std::uint32_t> waiting_;
};

}  // namespace crisis::world::detail
