#pragma once
/// \file
/// What happens once a unit reaches a call: time on scene, backup requests, the outcome drawn
/// from the deciding unit's table, transports and hand-offs at the ED, jail or crisis centre,
/// the resident's next state, and the end of the call (reported to the tally).

#include <cstdint>

#include "world/replication/calls.hpp"
#include "world/replication/context.hpp"
#include "world/replication/dispatcher.hpp"
#include "world/replication/population.hpp"
#include "world/replication/tally.hpp"

namespace crisis::world::detail {

/// On-scene work and outcomes. Owns no state of its own beyond the calls' fields it fills in:
/// the units are the dispatcher's, the residents the population's, the measures the tally's.
class Scene {
 public:
  Scene(Context& context, CallBook& calls, Population& population, Dispatcher& dispatcher, Tally& tally)
      : context_(context), calls_(calls), population_(population), dispatcher_(dispatcher), tally_(tally) {}

  /// The unit_arrives event: the unit reaches the scene (or picks up the phone).
  void on_unit_arrives(double now, std::uint32_t unit_index);
  /// The scene_done event: the outcome, a hand-over to the field, or a backup taking over.
  void on_scene_done(double now, std::uint32_t unit_index);
  /// The abandon event: the caller hangs up on the crisis line (and may call 911).
  void on_abandon(double now, std::uint32_t slot);
  /// The call side of unit_free: the unit's time is charged to its call, which ends when
  /// no unit is left on it.
  void on_unit_free(double now, std::uint32_t unit_index);

 private:
  double resolve_outcome(double now, std::uint32_t root_slot, const Unit& unit);
  void note_attendance(Call& root, std::size_t unit_type, double now);
  void finalize_call(double now, std::uint32_t slot);

  Context& context_;
  CallBook& calls_;
  Population& population_;
  Dispatcher& dispatcher_;
  Tally& tally_;
};

}  // namespace crisis::world::detail
