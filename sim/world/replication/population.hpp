#pragma once
/// \file
/// The residents of one replication: who they are (zone, group, frailty), what state they are
/// in (community, in crisis, at the ED, in jail, in the crisis centre, engaged with care) and
/// the crisis centre's occupancy that follows from those states.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "engine/distributions.hpp"
#include "world/replication/context.hpp"

namespace crisis::world::detail {

enum class ResidentState : std::uint8_t { community, in_crisis, at_ed, detained, in_jail, in_crisis_centre, engaged };

/// The resident agents and their states. Schedules only its own resident_return events.
class Population {
 public:
  /// Build the agents and draw their frailties (one stream per resident).
  explicit Population(Context& context);

  /// Crisis candidates per minute at profile weight 1: the base rates times the largest state
  /// multiplier (Lewis-Shedler thinning). 0 when replaying or when nobody has a rate.
  [[nodiscard]] double candidate_rate_per_minute() const noexcept { return candidate_rate_per_minute_; }
  /// The resident behind a crisis candidate, or -1 when the candidate is thinned away.
  /// Draws, in order: the resident, then the acceptance uniform.
  [[nodiscard]] std::int64_t draw_candidate(engine::RandomStream& rng) const;
  /// A resident of `zone` who can have a crisis now, for a replayed call (see population.cpp).
  [[nodiscard]] std::uint32_t pick_resident(std::uint16_t zone, engine::RandomStream& rng) const;

  /// Resident `who` calls in crisis at `now`: returns true when it is a repeat crisis (within
  /// 90 days of the last), and puts the resident in crisis.
  bool begin_crisis(double now, std::uint32_t who);
  /// Move a resident to `state` for `stay_min` minutes (community and in-crisis: no stay).
  void set_state(double now, std::uint32_t who, ResidentState state, double stay_min);
  /// The resident_return event of (who, generation).
  void on_return(double now, std::uint32_t who);
  [[nodiscard]] bool current(std::uint32_t who, std::uint32_t generation) const { return residents_[who].generation == generation; }
  void set_engage_on_return(std::uint32_t who, bool engage) { residents_[who].engage_on_return = engage; }
  /// Count one more admission to the crisis centre (the resident moves there next).
  void admit_to_crisis_centre() { ++crisis_centre_occupancy_; }
  /// True when the crisis centre has a bed limit and every bed is taken.
  [[nodiscard]] bool crisis_centre_full() const;

  [[nodiscard]] std::uint16_t zone(std::uint32_t who) const { return residents_[who].zone; }
  [[nodiscard]] std::uint8_t group(std::uint32_t who) const { return residents_[who].group; }
  /// Share of residents engaged with care now; NaN without residents.
  [[nodiscard]] double engaged_share() const;
  /// Empty when the states are consistent, else what is wrong.
  [[nodiscard]] std::string invariant_problem() const;

 private:
  struct Resident {
    float last_crisis_min = -1.0F;  // time of the previous crisis call; < 0 = none yet
    ResidentState state = ResidentState::community;
    bool engage_on_return = false;
    std::uint8_t group = 0;
    std::uint16_t generation = 0;
    std::uint16_t zone = 0;
    std::uint16_t crises = 0;
  };
  void build_replay_pickers(const std::vector<double>& rates);
  [[nodiscard]] double multiplier(ResidentState state) const;

  Context& context_;
  std::vector<Resident> residents_;
  engine::AliasTable resident_picker_;
  std::vector<std::size_t> zone_first_resident_;  // residents of zone z: [first[z], first[z + 1])
  std::vector<engine::AliasTable> zone_resident_picker_;  // by personal rate, within the zone
  double candidate_rate_per_minute_ = 0.0;  // at profile weight 1
  double max_multiplier_ = 1.0;
  int crisis_centre_occupancy_ = 0;
};

}  // namespace crisis::world::detail
