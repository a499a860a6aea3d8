#pragma once
/// \file
/// The open calls of one replication: one slot per call (crisis, background or backup request),
/// reused once the call closes. Slots are recognised in events by (slot, generation).

#include <cstdint>
#include <vector>

#include "world/replication/context.hpp"

namespace crisis::world::detail {

enum class CallKind : std::uint8_t { crisis, background, backup };
enum class Stage : std::uint8_t { line, field };

/// One call while it is open. Times in minutes from the start of the replication.
struct Call {
  std::uint64_t entity = 0;
  std::uint32_t generation = 0;
  CallKind kind = CallKind::crisis;
  Stage stage = Stage::field;
  bool active = false;
  bool in_window = false;
  bool queued = false;
  bool use_of_force = false;
  bool injury = false;
  bool repeat = false;
  bool from_line = false;
  bool field_pending = false;
  bool backup_requested = false;
  bool resolved_by_phone = false;
  bool abandoned = false;
  bool clinician_involved = false;
  // Dispatch realism (issue #14): call-taking error, routing compliance, who attended.
  bool miscoded = false;        // crisis sent as an ordinary call, or an ordinary call sent as a crisis
  bool eligible = false;        // its dispatch list prefers a unit type before the last tier
  bool not_offered = false;     // eligible, but the dispatcher did not offer it to the alternative
  bool served_by_alternative = false;  // the first field unit came from a preferred tier
  bool police_attended = false; // a unit with officers reached the scene (backups included)
  std::uint8_t type = 0;
  std::uint8_t priority = 1;
  std::uint8_t true_risk = 0;
  std::uint8_t perceived_risk = 0;
  std::uint8_t allowed_options = 1;
  std::int8_t disposition = -1;
  std::uint16_t zone = 0;
  std::uint16_t backup_of_type = 0;  // backup calls: the type of the unit that asked
  std::int16_t field_type = -1;      // type of the first unit on scene
  std::int32_t first_unit = -1;      // the first unit sent to the scene (not a phone)
  std::int16_t deciding_type = -1;   // type of the unit whose outcome table decided
  std::uint32_t resident = 0;
  std::uint32_t parent = 0;          // backup calls: the call they back up
  std::int32_t unit = -1;            // the unit now holding the call's main work
  std::int32_t backup_slot = -1;
  std::uint16_t units_active = 0;
  double arrival = 0.0;
  double ready = 0.0;
  double dispatched = kNaN;
  double on_scene = kNaN;
  double specialist_on_scene = kNaN;  // first specialist (clinician or preferred type) on scene
  double primary_scene_end = 0.0;
  double scene_end = kNaN;  // the first field unit's drawn end of scene (calls.csv-free, for backtests)
  double handoff_minutes = 0.0;
  double officer_minutes = 0.0;
  double clinician_minutes = 0.0;
  double staff_cost = 0.0;
  double ed_wait_officer_minutes = 0.0;
};

/// The call slots. Opening a call may move every Call: callers re-fetch references afterwards.
class CallBook {
 public:
  /// A fresh call arriving at `now`, counted in the measures when `in_window`.
  std::uint32_t open(double now, bool in_window);
  /// Free the slot; events still naming its old generation are ignored.
  void close(std::uint32_t slot);

  Call& operator[](std::uint32_t slot) { return calls_[slot]; }
  const Call& operator[](std::uint32_t slot) const { return calls_[slot]; }
  /// True while an event for (slot, generation) still concerns an open call.
  [[nodiscard]] bool current(std::uint32_t slot, std::uint32_t generation) const {
    return calls_[slot].generation == generation && calls_[slot].active;
  }
  [[nodiscard]] std::uint64_t open_count() const noexcept { return open_calls_; }
  /// Call `visit(call)` for every open call, in slot order (the end of an overloaded run).
  template <class Visit>
  void for_each_open(Visit visit) const {
    for (const Call& call : calls_) {
      if (call.active) visit(call);
    }
  }
  [[nodiscard]] std::uint64_t opened() const noexcept { return calls_opened_; }
  [[nodiscard]] std::uint64_t closed() const noexcept { return calls_closed_; }

 private:
  std::vector<Call> calls_;
  std::vector<std::uint32_t> free_slots_;
  std::uint64_t calls_opened_ = 0;
  std::uint64_t calls_closed_ = 0;
  std::uint64_t open_calls_ = 0;
};

}  // namespace crisis::world::detail
