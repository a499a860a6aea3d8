// One replication of the world: the discrete-event simulation of residents, calls, units
// and facilities. Everything mutable lives in a Replication object owned by one thread.

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "engine/distributions.hpp"
#include "engine/errors.hpp"
#include "world/replication/calls.hpp"
#include "world/replication/context.hpp"
#include "world/replication/population.hpp"
#include "world/replication/tally.hpp"
#include "world/world.hpp"

namespace crisis::world {
namespace detail {
namespace {

using engine::RandomStream;

// Unit state, position in its type's available list and the job it holds.
struct Unit {
  std::uint16_t type = 0;
  std::uint16_t base_zone = 0;
  bool on_duty = false;
  bool busy = false;
  std::int32_t available_slot = -1;  // position in the type's available list
  std::uint32_t call = 0;
  double busy_since = 0.0;
  double off_duty_since = kNaN;  // set while busy past the end of the shift
};


// Index one past the dispatch tier that starts at `start`: options joined by a wait limit
// of 0 form one tier, in which the nearest available unit of any of the types is sent.
std::size_t tier_end(const std::vector<DispatchOption>& options, std::size_t start) {
  std::size_t end = start;
  while (end < options.size()) {
    ++end;
    if (options[end - 1].wait_limit != 0.0) break;
  }
  return end;
}

class Replication {
 public:
  Replication(const World& world, std::uint64_t seed, std::uint32_t replication, bool record_calls)
      : context_(world, seed, replication),
        world_(world),
        scenario_(world.scenario()),
        plan_(world.plan()),
        seed_(seed),
        replication_(replication),
        tally_(context_, record_calls),
        crisis_arrivals_(key(kGlobalEntity, kCrisisArrivals)),
        background_arrivals_(key(kGlobalEntity, kBackgroundArrivals)) {
    if (plan_.routing.crisis_line_unit_type >= 0) line_options_.push_back(DispatchOption{plan_.routing.crisis_line_unit_type});
  }

  ReplicationResult run();

 private:
  engine::StreamKey key(std::uint64_t entity, std::uint64_t purpose) const { return context_.key(entity, purpose); }
  RandomStream stream(std::uint64_t entity, Purpose purpose) const { return context_.stream(entity, purpose); }

  void build_units();
  double next_arrival(RandomStream& rng, double from, double rate_per_minute, const WeekProfile& profile) const;

  void on_hour_tick(double now);
  void on_crisis_candidate(double now);
  void on_background_arrival(double now);
  void open_crisis_call(double now, std::uint64_t entity, std::uint32_t who, int forced_type, int forced_priority, int forced_zone);
  void open_background_call(double now, std::uint64_t entity, int forced_priority, int forced_zone);
  void on_replay_crisis(double now, std::uint32_t position);
  void on_replay_background(double now, std::uint32_t position);
  void on_call_ready(double now, std::uint32_t slot);
  void on_fallback(double now, std::uint32_t slot);
  void on_backup_give_up(double now, std::uint32_t slot);
  void on_abandon(double now, std::uint32_t slot);
  void on_unit_arrives(double now, std::uint32_t unit_index);
  void on_scene_done(double now, std::uint32_t unit_index);
  void on_unit_free(double now, std::uint32_t unit_index);

  const std::vector<DispatchOption>& options_for(const Call& call) const;
  bool try_dispatch(double now, std::uint32_t slot);
  std::size_t open_tiers(const std::vector<DispatchOption>& options, std::size_t allowed) const;
  int nearest_available(int unit_type, std::uint16_t zone) const;
  void assign(double now, std::uint32_t slot, int unit_index);
  void serve_queue(double now, int unit_index);
  void remove_waiting(std::uint32_t slot);
  void make_available(int unit_index);
  void make_unavailable(int unit_index);
  double resolve_outcome(double now, std::uint32_t root_slot, const Unit& unit);
  void finalize_call(double now, std::uint32_t slot);
  void schedule(double time, EventKind kind, std::uint32_t a, std::uint32_t b = 0) { context_.schedule(time, kind, a, b); }
  void check_invariants(double end_time) const;

  Context context_;
  const World& world_;
  const Scenario& scenario_;
  const ResponsePlan& plan_;
  std::uint64_t seed_;
  std::uint32_t replication_;
  CallBook calls_;
  Tally tally_;
  Population population_{context_};

  RandomStream crisis_arrivals_;
  RandomStream background_arrivals_;
  std::uint64_t crisis_candidates_ = 0;
  std::uint64_t background_count_ = 0;
  std::vector<DispatchOption> line_options_;
  // Replay: positions in scenario.replay.calls of the crisis / other-police calls, in time order.
  std::vector<std::uint32_t> replay_crisis_;
  std::vector<std::uint32_t> replay_background_;
  bool replay_background_on_ = false;

  std::vector<Unit> units_;
  std::vector<std::vector<int>> units_of_type_;
  std::vector<std::vector<int>> available_;
  std::vector<int> on_duty_count_;  // per unit type, busy or not

  std::vector<std::uint32_t> waiting_;
};

// ---- set-up ---------------------------------------------------------------------------------

void Replication::build_units() {
  const std::size_t types = plan_.unit_types.size();
  units_of_type_.assign(types, {});
  available_.assign(types, {});
  for (std::size_t t = 0; t < types; ++t) {
    for (int i = 0; i < world_.unit_count[t]; ++i) {
      Unit unit;
      unit.type = static_cast<std::uint16_t>(t);
      unit.base_zone = world_.unit_base_zone[t][static_cast<std::size_t>(i)];
      units_of_type_[t].push_back(static_cast<int>(units_.size()));
      units_.push_back(unit);
    }
  }
  on_duty_count_.assign(types, 0);
}

// Next event of a non-homogeneous Poisson process with rate rate_per_minute x profile(hour),
// by inversion of the integrated rate over the piecewise-constant hourly profile.
double Replication::next_arrival(RandomStream& rng, double from, double rate_per_minute, const WeekProfile& profile) const {
  if (rate_per_minute <= 0.0) return std::numeric_limits<double>::infinity();
  double remaining = engine::sample_exponential(rng, 1.0);
  double t = from;
  for (int guard = 0; guard < 100000; ++guard) {
    const int hour = engine::hour_of_week(t);
    const double hour_end = (std::floor(t / engine::kMinutesPerHour) + 1.0) * engine::kMinutesPerHour;
    const double rate = rate_per_minute * profile[static_cast<std::size_t>(hour)];
    const double capacity = rate * (hour_end - t);
    if (remaining <= capacity) return t + remaining / rate;
    remaining -= capacity;
    t = hour_end;
  }
  return std::numeric_limits<double>::infinity();
}

// ---- the run --------------------------------------------------------------------------------

ReplicationResult Replication::run() {
  build_units();
  const double end = world_.window_end_min;
  // A replication may run past the horizon only to finish the calls already open.
  const double hard_stop = end + 60.0 * engine::kMinutesPerDay;

  schedule(0.0, EventKind::hour_tick, 0);
  const ReplayConfig& replay = scenario_.replay;
  if (replay.enabled) {
    // Replayed calls take the places of the arrival processes (and their event kinds, so ties
    // break as they would): each arrival schedules the next one of its list.
    replay_background_on_ = replay.background;
    for (std::size_t i = 0; i < replay.calls.size(); ++i) {
      if (replay.calls[i].crisis) {
        replay_crisis_.push_back(static_cast<std::uint32_t>(i));
      } else if (replay_background_on_) {
        replay_background_.push_back(static_cast<std::uint32_t>(i));
      }
    }
    if (!replay_crisis_.empty()) schedule(replay.calls[replay_crisis_.front()].at, EventKind::crisis_candidate, 0);
    if (!replay_background_.empty()) schedule(replay.calls[replay_background_.front()].at, EventKind::background_arrival, 0);
  } else {
    const double first_crisis = next_arrival(crisis_arrivals_, 0.0, population_.candidate_rate_per_minute(), scenario_.crises.profile);
    if (first_crisis < end) schedule(first_crisis, EventKind::crisis_candidate, 0);
  }
  if (!replay_background_on_) {
    const double background_rate = scenario_.background.calls_per_day / engine::kMinutesPerDay;
    const double first_background = next_arrival(background_arrivals_, 0.0, background_rate, scenario_.background.profile);
    if (first_background < end) schedule(first_background, EventKind::background_arrival, 0);
  }

  double now = 0.0;
  while (!context_.calendar.empty()) {
    const auto entry = context_.calendar.pop();
    now = entry.time;
    if (now > hard_stop) {
      throw InvariantError("replication " + std::to_string(replication_) + " (seed " + std::to_string(seed_) +
                           ") still had " + std::to_string(calls_.open_count()) +
                           " open calls 60 days after the horizon: a unit type in a dispatch list is never on duty?");
    }
    const Event& event = entry.payload;
    const auto current = [&] { return calls_.current(event.a, event.b); };
    switch (event.kind) {
      case EventKind::hour_tick: on_hour_tick(now); break;
      case EventKind::crisis_candidate:
        if (replay.enabled) {
          on_replay_crisis(now, event.a);
        } else {
          on_crisis_candidate(now);
        }
        break;
      case EventKind::background_arrival:
        if (replay_background_on_) {
          on_replay_background(now, event.a);
        } else {
          on_background_arrival(now);
        }
        break;
      case EventKind::call_ready:
        if (current()) on_call_ready(now, event.a);
        break;
      case EventKind::fallback:
        if (current() && calls_[event.a].unit < 0) on_fallback(now, event.a);
        break;
      case EventKind::backup_give_up:
        if (current() && calls_[event.a].unit < 0) on_backup_give_up(now, event.a);
        break;
      case EventKind::abandon:
        if (current() && calls_[event.a].unit < 0 && calls_[event.a].stage == Stage::line) on_abandon(now, event.a);
        break;
      case EventKind::unit_arrives: on_unit_arrives(now, event.a); break;
      case EventKind::scene_done: on_scene_done(now, event.a); break;
      case EventKind::unit_free: on_unit_free(now, event.a); break;
      case EventKind::resident_return:
        if (population_.current(event.a, event.b)) population_.on_return(now, event.a);
        break;
    }
  }
  check_invariants(now);
  ReplicationResult result;
  result.events = context_.calendar.scheduled_count();
  tally_.finish(result, population_.engaged_share());
  return result;
}

void Replication::on_hour_tick(double now) {
  const auto hour = static_cast<std::size_t>(engine::hour_of_week(now + 1e-9));
  for (std::size_t t = 0; t < plan_.unit_types.size(); ++t) {
    const int wanted = plan_.unit_types[t].roster[hour];
    const auto& members = units_of_type_[t];
    for (std::size_t i = 0; i < members.size(); ++i) {
      const int u = members[i];
      Unit& unit = units_[static_cast<std::size_t>(u)];
      const bool should = static_cast<int>(i) < wanted;
      if (should && !unit.on_duty) {
        unit.on_duty = true;
        ++on_duty_count_[t];
        if (unit.busy) {
          if (!std::isnan(unit.off_duty_since)) {
            tally_.on_overtime(t, unit.off_duty_since, now);
            unit.off_duty_since = kNaN;
          }
        } else {
          make_available(u);
          serve_queue(now, u);
        }
      } else if (!should && unit.on_duty) {
        unit.on_duty = false;
        --on_duty_count_[t];
        if (unit.busy) {
          unit.off_duty_since = now;  // finishes the job; the rest is overtime
        } else {
          make_unavailable(u);
        }
      }
    }
  }
  if (now + engine::kMinutesPerHour < world_.window_end_min || calls_.open_count() > 0) {
    schedule(now + engine::kMinutesPerHour, EventKind::hour_tick, 0);
  }
}

void Replication::on_crisis_candidate(double now) {
  const std::uint64_t candidate = crisis_candidates_++;
  const double next = next_arrival(crisis_arrivals_, now, population_.candidate_rate_per_minute(), scenario_.crises.profile);
  if (next < world_.window_end_min) schedule(next, EventKind::crisis_candidate, 0);

  const std::int64_t who = population_.draw_candidate(crisis_arrivals_);
  if (who < 0) return;  // thinned
  open_crisis_call(now, candidate, static_cast<std::uint32_t>(who), -1, 0, -1);
}

// A crisis call from resident `who`. Replayed calls force the type, priority and zone the
// record gives (-1 / 0: as for a simulated call); the draws keep their order either way.
void Replication::open_crisis_call(double now, std::uint64_t entity, std::uint32_t who, int forced_type, int forced_priority,
                                   int forced_zone) {
  const std::uint32_t slot = calls_.open(now, context_.in_window(now));
  Call& call = calls_[slot];
  call.entity = entity;
  call.kind = CallKind::crisis;
  call.resident = who;
  call.zone = forced_zone >= 0 ? static_cast<std::uint16_t>(forced_zone) : population_.zone(who);
  call.repeat = population_.begin_crisis(now, who);

  RandomStream rng = stream(call.entity, kCallAttributes);
  std::array<double, kCrisisTypeCount> shares{};
  for (std::size_t t = 0; t < kCrisisTypeCount; ++t) shares[t] = scenario_.crises.types[t].share;
  call.type = static_cast<std::uint8_t>(forced_type >= 0 ? static_cast<std::size_t>(forced_type) : engine::sample_discrete(rng, shares));
  const CrisisTypeSpec& type = scenario_.crises.types[call.type];
  call.true_risk = static_cast<std::uint8_t>(engine::sample_discrete(rng, type.risk));
  // Triage: right with probability `triage_accuracy`, otherwise one level off (up or down
  // with equal chance, reflected at the ends).
  const double triage_u = rng.uniform();
  const double direction_u = rng.uniform();
  int perceived = call.true_risk;
  if (triage_u >= scenario_.crises.triage_accuracy) {
    perceived += direction_u < 0.5 ? -1 : 1;
    if (perceived < 0) perceived = 1;
    if (perceived > 2) perceived = 1;
  }
  call.perceived_risk = static_cast<std::uint8_t>(perceived);
  call.priority = static_cast<std::uint8_t>(forced_priority > 0 ? forced_priority : perceived == 2 ? 1 : type.priority);

  // First contact: the crisis line (when one exists) or 911.
  RandomStream routing = stream(call.entity, kRouting);
  if (!line_options_.empty() && routing.uniform() < plan_.routing.share_to_crisis_line) {
    call.stage = Stage::line;
    call.ready = now;
  } else {
    RandomStream processing = stream(call.entity, kCallProcessing);
    call.ready = now + scenario_.crises.call_processing.sample(processing);
  }
  schedule(call.ready, EventKind::call_ready, slot, call.generation);
}

void Replication::on_background_arrival(double now) {
  const std::uint64_t index = background_count_++;
  const double rate = scenario_.background.calls_per_day / engine::kMinutesPerDay;
  const double next = next_arrival(background_arrivals_, now, rate, scenario_.background.profile);
  if (next < world_.window_end_min) schedule(next, EventKind::background_arrival, 0);
  open_background_call(now, kBackgroundEntity + index, 0, -1);
}

void Replication::open_background_call(double now, std::uint64_t entity, int forced_priority, int forced_zone) {
  const std::uint32_t slot = calls_.open(now, context_.in_window(now));
  Call& call = calls_[slot];
  call.entity = entity;
  call.kind = CallKind::background;
  RandomStream rng = stream(call.entity, kCallAttributes);
  call.priority = static_cast<std::uint8_t>(
      forced_priority > 0 ? static_cast<std::size_t>(forced_priority) : 1 + engine::sample_discrete(rng, scenario_.background.priority_share));
  // Background calls fall in zones by population.
  call.zone = static_cast<std::uint16_t>(forced_zone >= 0 ? static_cast<std::size_t>(forced_zone) : engine::sample_discrete(rng, world_.zone_population));
  RandomStream processing = stream(call.entity, kCallProcessing);
  call.ready = now + scenario_.background.call_processing.sample(processing);
  schedule(call.ready, EventKind::call_ready, slot, call.generation);
}

// ---- replayed arrivals ------------------------------------------------------------------------

void Replication::on_replay_crisis(double now, std::uint32_t position) {
  const auto& calls = scenario_.replay.calls;
  if (position + 1 < replay_crisis_.size()) schedule(calls[replay_crisis_[position + 1]].at, EventKind::crisis_candidate, position + 1);
  const std::uint32_t index = replay_crisis_[position];
  const ReplayCall& replayed = calls[index];
  // The placement stream is keyed by the call, not by what the response did before it, so
  // variants replaying the same period see the same zones (and the same draws for residents).
  const std::uint64_t entity = kReplayEntity + index;
  RandomStream placement = stream(entity, kReplayPlacement);
  const auto zone = static_cast<std::uint16_t>(replayed.zone >= 0 ? static_cast<std::size_t>(replayed.zone)
                                                                  : engine::sample_discrete(placement, world_.zone_population));
  // The call happened in that zone even when the resident drawn for it lives elsewhere.
  open_crisis_call(now, entity, population_.pick_resident(zone, placement), replayed.type, replayed.priority, zone);
}

void Replication::on_replay_background(double now, std::uint32_t position) {
  const auto& calls = scenario_.replay.calls;
  if (position + 1 < replay_background_.size()) schedule(calls[replay_background_[position + 1]].at, EventKind::background_arrival, position + 1);
  const ReplayCall& replayed = calls[replay_background_[position]];
  int zone = replayed.zone;
  if (zone < 0) {
    RandomStream placement = stream(kReplayEntity + replay_background_[position], kReplayPlacement);
    zone = static_cast<int>(engine::sample_discrete(placement, world_.zone_population));
  }
  open_background_call(now, kBackgroundEntity + position, replayed.priority, zone);
}

const std::vector<DispatchOption>& Replication::options_for(const Call& call) const {
  switch (call.kind) {
    case CallKind::backup: return plan_.backup_options[call.backup_of_type];
    case CallKind::background: return plan_.dispatch.background[call.priority - 1u];
    case CallKind::crisis: break;
  }
  if (call.stage == Stage::line) return line_options_;
  if (call.from_line && !plan_.routing.after_phone[call.type][call.perceived_risk].empty()) {
    return plan_.routing.after_phone[call.type][call.perceived_risk];
  }
  return plan_.dispatch.crisis[call.type][call.perceived_risk];
}

// One past the tiers that are acceptable now: the first tier, widened past every tier none of
// whose unit types has anyone on duty (waiting for a team that is off shift helps nobody).
std::size_t Replication::open_tiers(const std::vector<DispatchOption>& options, std::size_t allowed) const {
  std::size_t begin = 0;
  while (allowed < options.size()) {
    bool staffed = false;
    for (std::size_t i = begin; i < allowed; ++i) staffed = staffed || on_duty_count_[static_cast<std::size_t>(options[i].unit_type)] > 0;
    if (staffed) break;
    begin = allowed;
    allowed = tier_end(options, allowed);
  }
  return allowed;
}

void Replication::on_call_ready(double now, std::uint32_t slot) {
  const auto& options = options_for(calls_[slot]);
  if (options.empty()) {
    throw InvariantError("a call has no unit type to send (replication " + std::to_string(replication_) + ", seed " +
                         std::to_string(seed_) + "): a model left a dispatch list empty");
  }
  calls_[slot].allowed_options = static_cast<std::uint8_t>(open_tiers(options, tier_end(options, 0)));
  if (try_dispatch(now, slot)) return;
  Call& call = calls_[slot];
  waiting_.push_back(slot);
  if (call.stage == Stage::line) {
    RandomStream rng = stream(call.entity, kPatience);
    schedule(now + plan_.routing.patience.sample(rng), EventKind::abandon, slot, call.generation);
  } else {
    call.queued = true;
  }
  if (call.kind == CallKind::backup) {
    const double give_up = plan_.backup_give_up_min[call.backup_of_type];
    if (std::isfinite(give_up)) schedule(now + give_up, EventKind::backup_give_up, slot, call.generation);
  }
  const double limit = options[call.allowed_options - 1u].wait_limit;
  if (call.allowed_options < options.size() && std::isfinite(limit)) {
    schedule(now + limit, EventKind::fallback, slot, call.generation);
  }
}

void Replication::on_fallback(double now, std::uint32_t slot) {
  const auto& options = options_for(calls_[slot]);
  Call& call = calls_[slot];
  if (call.allowed_options < options.size()) {
    call.allowed_options = static_cast<std::uint8_t>(open_tiers(options, tier_end(options, call.allowed_options)));
  }
  if (try_dispatch(now, slot)) {
    remove_waiting(slot);
    return;
  }
  const double limit = options[call.allowed_options - 1u].wait_limit;
  if (call.allowed_options < options.size() && std::isfinite(limit)) {
    schedule(now + limit, EventKind::fallback, slot, call.generation);
  }
}

void Replication::remove_waiting(std::uint32_t slot) {
  const auto found = std::find(waiting_.begin(), waiting_.end(), slot);
  if (found != waiting_.end()) waiting_.erase(found);
}

void Replication::on_backup_give_up(double now, std::uint32_t slot) {
  // Nobody came in time: the unit on scene carries on alone.
  remove_waiting(slot);
  const std::uint32_t root_slot = calls_[slot].parent;
  calls_.close(slot);
  Call& root = calls_[root_slot];
  root.backup_slot = -1;
  schedule(std::max(now, root.primary_scene_end), EventKind::scene_done, static_cast<std::uint32_t>(root.unit));
}

void Replication::on_abandon(double now, std::uint32_t slot) {
  remove_waiting(slot);
  Call& call = calls_[slot];
  call.abandoned = true;
  RandomStream rng = stream(call.entity, kAbandonChoice);
  if (rng.uniform() < plan_.routing.abandoned_call_911) {
    call.stage = Stage::field;  // hangs up on the line and calls 911
    RandomStream processing = stream(call.entity, kCallProcessing);
    call.ready = now + scenario_.crises.call_processing.sample(processing);
    schedule(call.ready, EventKind::call_ready, slot, call.generation);
    return;
  }
  population_.set_state(now, call.resident, ResidentState::community, 0.0);
  finalize_call(now, slot);
}

int Replication::nearest_available(int unit_type, std::uint16_t zone) const {
  int best = -1;
  const bool phone = plan_.unit_types[static_cast<std::size_t>(unit_type)].phone;
  double best_time = std::numeric_limits<double>::infinity();
  for (int u : available_[static_cast<std::size_t>(unit_type)]) {
    const double t = phone ? 0.0 : world_.travel_mean_min(units_[static_cast<std::size_t>(u)].base_zone, zone);
    if (t < best_time || (t == best_time && u < best)) {
      best_time = t;
      best = u;
    }
  }
  return best;
}

bool Replication::try_dispatch(double now, std::uint32_t slot) {
  const Call& call = calls_[slot];
  const auto& options = options_for(call);
  const std::size_t allowed = std::min<std::size_t>(call.allowed_options, options.size());
  for (std::size_t begin = 0; begin < allowed;) {
    const std::size_t end = std::min(tier_end(options, begin), allowed);
    int best = -1;
    double best_time = std::numeric_limits<double>::infinity();
    for (std::size_t i = begin; i < end; ++i) {
      const int unit = nearest_available(options[i].unit_type, call.zone);
      if (unit < 0) continue;
      const Unit& candidate = units_[static_cast<std::size_t>(unit)];
      const double t = plan_.unit_types[candidate.type].phone ? 0.0 : world_.travel_mean_min(candidate.base_zone, call.zone);
      if (t < best_time || (t == best_time && unit < best)) {
        best_time = t;
        best = unit;
      }
    }
    if (best >= 0) {
      assign(now, slot, best);
      return true;
    }
    begin = end;
  }
  return false;
}

void Replication::make_available(int unit_index) {
  Unit& unit = units_[static_cast<std::size_t>(unit_index)];
  if (unit.available_slot >= 0) return;
  auto& list = available_[unit.type];
  unit.available_slot = static_cast<std::int32_t>(list.size());
  list.push_back(unit_index);
}

void Replication::make_unavailable(int unit_index) {
  Unit& unit = units_[static_cast<std::size_t>(unit_index)];
  if (unit.available_slot < 0) return;
  auto& list = available_[unit.type];
  const int moved = list.back();
  list[static_cast<std::size_t>(unit.available_slot)] = moved;
  units_[static_cast<std::size_t>(moved)].available_slot = unit.available_slot;
  list.pop_back();
  unit.available_slot = -1;
}

void Replication::assign(double now, std::uint32_t slot, int unit_index) {
  Call& call = calls_[slot];
  Unit& unit = units_[static_cast<std::size_t>(unit_index)];
  const UnitTypeSpec& type = plan_.unit_types[unit.type];
  make_unavailable(unit_index);
  unit.busy = true;
  unit.call = slot;
  unit.busy_since = now;
  call.unit = unit_index;
  Call& root = call.kind == CallKind::backup ? calls_[call.parent] : call;
  ++root.units_active;
  if (!type.phone) {
    root.field_pending = false;
    if (std::isnan(root.dispatched)) {
      root.dispatched = now;
      root.first_unit = unit_index;
    }
  }
  double travel = 0.0;
  if (!type.phone) {
    RandomStream rng = stream(call.entity, call.kind == CallKind::backup ? kBackupTravel : kTravel);
    const double mean = world_.travel_mean_min(unit.base_zone, call.zone);
    travel = mean > 0.0 ? engine::sample_lognormal(rng, mean, mean * scenario_.travel.noise_cv) : 0.0;
  }
  schedule(now + travel, EventKind::unit_arrives, static_cast<std::uint32_t>(unit_index));
}

void Replication::serve_queue(double now, int unit_index) {
  const Unit& unit = units_[static_cast<std::size_t>(unit_index)];
  std::size_t best = waiting_.size();
  for (std::size_t w = 0; w < waiting_.size(); ++w) {
    const Call& call = calls_[waiting_[w]];
    const auto& options = options_for(call);
    bool acceptable = false;
    for (std::size_t i = 0; i < call.allowed_options && i < options.size(); ++i) {
      acceptable = acceptable || options[i].unit_type == unit.type;
    }
    if (!acceptable) continue;
    if (best == waiting_.size()) {
      best = w;
      continue;
    }
    const Call& incumbent = calls_[waiting_[best]];
    if (call.priority < incumbent.priority ||
        (call.priority == incumbent.priority &&
         (call.ready < incumbent.ready || (call.ready == incumbent.ready && call.entity < incumbent.entity)))) {
      best = w;
    }
  }
  if (best == waiting_.size()) return;
  const std::uint32_t slot = waiting_[best];
  waiting_.erase(waiting_.begin() + static_cast<std::ptrdiff_t>(best));
  assign(now, slot, unit_index);
}

void Replication::on_unit_arrives(double now, std::uint32_t unit_index) {
  const Unit& unit = units_[unit_index];
  const std::uint32_t slot = unit.call;
  const UnitTypeSpec& type = plan_.unit_types[unit.type];
  Call& call = calls_[slot];
  if (call.kind == CallKind::backup) {
    const Call& root = calls_[call.parent];
    call.on_scene = now;
    RandomStream rng = stream(call.entity, kBackupScene);
    schedule(now + type.on_scene[root.type].sample(rng), EventKind::scene_done, unit_index);
    return;
  }
  if (call.stage == Stage::line) {
    tally_.on_line_answered(call, now);
    RandomStream rng = stream(call.entity, kPhone);
    schedule(now + type.on_scene[call.type].sample(rng), EventKind::scene_done, unit_index);
    return;
  }
  if (std::isnan(call.on_scene)) {
    call.on_scene = now;
    call.field_type = static_cast<std::int16_t>(unit.type);
  }
  RandomStream rng = stream(call.entity, kScene);
  const double scene = call.kind == CallKind::crisis ? type.on_scene[call.type].sample(rng)
                                                     : scenario_.background.service[call.priority - 1u].sample(rng);
  if (std::isnan(call.scene_end)) call.scene_end = now + scene;
  const auto& backup_options = plan_.backup_options[unit.type];
  const bool backup_on_duty = std::any_of(backup_options.begin(), backup_options.end(), [&](const DispatchOption& option) {
    return on_duty_count_[static_cast<std::size_t>(option.unit_type)] > 0;
  });
  if (call.kind == CallKind::crisis && backup_on_duty) {
    // Mid-incident the unit may ask for a second unit: by its outcome table's rate, and
    // more often when the true risk turns out high (triage error sent the wrong unit).
    double p = type.outcomes[call.type].backup;
    if (call.true_risk == 2) p = 1.0 - (1.0 - p) * (1.0 - type.backup_if_high_risk);
    RandomStream backup_rng = stream(call.entity, kBackup);
    if (backup_rng.uniform() < p) {
      call.backup_requested = true;
      call.primary_scene_end = now + scene;
      const std::uint64_t entity = call.entity;
      const std::uint16_t zone = call.zone;
      const std::uint8_t crisis_type = call.type;
      const bool in_window = call.in_window;
      const std::uint32_t backup = calls_.open(now, context_.in_window(now));  // invalidates `call`
      Call& request = calls_[backup];
      request.kind = CallKind::backup;
      request.entity = entity;
      request.parent = slot;
      request.backup_of_type = unit.type;
      request.zone = zone;
      request.type = crisis_type;
      request.priority = 1;
      request.in_window = in_window;
      request.ready = now;
      calls_[slot].backup_slot = static_cast<std::int32_t>(backup);
      on_call_ready(now, backup);
      return;  // the scene now ends when the backup has dealt with it
    }
  }
  schedule(now + scene, EventKind::scene_done, unit_index);
}

void Replication::on_scene_done(double now, std::uint32_t unit_index) {
  const Unit& unit = units_[unit_index];
  const std::uint32_t slot = unit.call;
  Call& call = calls_[slot];
  switch (call.kind) {
    case CallKind::background:
      schedule(now, EventKind::unit_free, unit_index);
      return;
    case CallKind::backup: {
      // The backup takes over: the outcome is its unit's, and the first unit is released.
      const std::uint32_t root_slot = call.parent;
      const double busy_until = resolve_outcome(now, root_slot, unit);
      schedule(now, EventKind::unit_free, static_cast<std::uint32_t>(calls_[root_slot].unit));
      schedule(busy_until, EventKind::unit_free, unit_index);
      return;
    }
    case CallKind::crisis: break;
  }
  if (call.stage == Stage::line) {
    RandomStream rng = stream(call.entity, kPhoneResolution);
    if (rng.uniform() < plan_.routing.phone_resolution[call.type]) {
      call.resolved_by_phone = true;
      (void)resolve_outcome(now, slot, unit);
    } else {
      call.stage = Stage::field;  // the line sends a team (or 911)
      call.from_line = true;
      call.field_pending = true;
      schedule(now, EventKind::call_ready, slot, call.generation);
    }
    schedule(now, EventKind::unit_free, unit_index);
    return;
  }
  schedule(resolve_outcome(now, slot, unit), EventKind::unit_free, unit_index);
}

// Draw the outcome of crisis call `root_slot` as handled by `unit`, update the resident and
// costs, and return when the unit is free again (after any transport and hand-off).
double Replication::resolve_outcome(double now, std::uint32_t root_slot, const Unit& unit) {
  Call& call = calls_[root_slot];
  const UnitTypeSpec& type = plan_.unit_types[unit.type];
  const OutcomeRow& row = type.outcomes[call.type];
  call.deciding_type = static_cast<std::int16_t>(unit.type);
  RandomStream rng = stream(call.entity, kOutcome);
  auto disposition = static_cast<Disposition>(engine::sample_discrete(rng, row.disposition));
  const double force_u = rng.uniform();
  const double injury_u = rng.uniform();
  const double risk_factor = call.true_risk == 2 ? type.high_risk_force_multiplier : 1.0;
  call.use_of_force = call.use_of_force || force_u < std::min(1.0, row.use_of_force * risk_factor);
  call.injury = call.injury || injury_u < std::min(1.0, row.injury * risk_factor);

  const FacilitiesConfig& facilities = scenario_.facilities;
  if (disposition == Disposition::crisis_centre) {
    const bool exists = facilities.crisis_centre.has_value();
    const bool full = exists && population_.crisis_centre_full();
    if (!exists || full) disposition = Disposition::ed_voluntary;  // no bed: the ED is the fallback
  }
  call.disposition = static_cast<std::int8_t>(disposition);

  RandomStream transport = stream(call.entity, kTransport);
  RandomStream stay = stream(call.entity, kResidentStay);
  const ResidentConfig& residents = scenario_.residents;
  const CostConfig& costs = scenario_.costs;
  int facility = -1;
  const FacilitySpec* spec = nullptr;
  ResidentState next_state = ResidentState::community;
  double stay_min = 0.0;
  double engage_probability = 0.0;
  switch (disposition) {
    case Disposition::resolved: break;
    case Disposition::referral: engage_probability = residents.engagement_after_referral; break;
    case Disposition::crisis_centre:
      facility = world_.facility_zone[2];
      spec = &*facilities.crisis_centre;
      next_state = ResidentState::in_crisis_centre;
      stay_min = residents.crisis_centre_stay.sample(stay);
      engage_probability = residents.engagement_after_crisis_centre;
      population_.admit_to_crisis_centre();
      tally_.on_outcome_cost(call, costs.crisis_centre_admission);
      break;
    case Disposition::ed_voluntary:
      facility = world_.facility_zone[0];
      spec = &facilities.emergency_department;
      next_state = ResidentState::at_ed;
      stay_min = residents.ed_stay.sample(stay);
      engage_probability = residents.engagement_after_ed;
      tally_.on_outcome_cost(call, costs.ed_visit);
      break;
    case Disposition::ed_detention:
      facility = world_.facility_zone[0];
      spec = &facilities.emergency_department;
      next_state = ResidentState::detained;
      stay_min = residents.detention_stay.sample(stay);
      engage_probability = residents.engagement_after_ed;
      tally_.on_outcome_cost(call, costs.ed_visit + costs.ed_detention);
      break;
    case Disposition::arrest:
      facility = world_.facility_zone[1];
      spec = &facilities.jail;
      next_state = ResidentState::in_jail;
      stay_min = residents.jail_stay.sample(stay);
      tally_.on_outcome_cost(call, costs.arrest_booking + costs.jail_day * stay_min / engine::kMinutesPerDay);
      break;
  }
  if (call.injury && injury_u < std::min(1.0, row.injury * risk_factor)) tally_.on_outcome_cost(call, costs.injury);
  population_.set_engage_on_return(call.resident, stay.uniform() < engage_probability);
  population_.set_state(now, call.resident, next_state, stay_min);

  double busy_until = now;
  if (spec != nullptr && type.can_transport && !type.phone) {
    const double mean = world_.travel_mean_min(call.zone, facility);
    const double travel = mean > 0.0 ? engine::sample_lognormal(transport, mean, mean * scenario_.travel.noise_cv) : 0.0;
    const bool at_ed = disposition == Disposition::ed_voluntary || disposition == Disposition::ed_detention;
    const double handoff = (at_ed && type.ed_handoff) ? type.ed_handoff->sample(transport) : spec->handoff.sample(transport);
    busy_until = now + travel + handoff;
    if (disposition == Disposition::ed_voluntary || disposition == Disposition::ed_detention) {
      call.handoff_minutes += handoff;
      call.ed_wait_officer_minutes += handoff * type.officers;
    }
  }
  return busy_until;
}

void Replication::on_unit_free(double now, std::uint32_t unit_index) {
  Unit& unit = units_[unit_index];
  const std::uint32_t slot = unit.call;
  const UnitTypeSpec& type = plan_.unit_types[unit.type];
  tally_.on_unit_busy(unit.type, unit.busy_since, now);
  const bool backup = calls_[slot].kind == CallKind::backup;
  const std::uint32_t root_slot = backup ? calls_[slot].parent : slot;
  Call& root = calls_[root_slot];
  const double minutes = now - unit.busy_since;
  root.officer_minutes += minutes * type.officers;
  root.clinician_minutes += minutes * type.clinicians;
  root.staff_cost += minutes * type.cost_per_hour / engine::kMinutesPerHour;
  if (type.clinicians > 0) root.clinician_involved = true;
  if (root.unit == static_cast<std::int32_t>(unit_index)) root.unit = -1;
  --root.units_active;
  if (backup) calls_.close(slot);
  if (root.units_active == 0 && !root.field_pending) finalize_call(now, root_slot);
  unit.busy = false;
  if (!unit.on_duty) {
    tally_.on_overtime(unit.type, unit.off_duty_since, now);
    unit.off_duty_since = kNaN;
    return;
  }
  make_available(static_cast<int>(unit_index));
  serve_queue(now, static_cast<int>(unit_index));
}

// The call is over: count it in the measures (when it arrived in the window) and free its slot.
void Replication::finalize_call(double now, std::uint32_t slot) {
  const Call& call = calls_[slot];
  tally_.on_call_closed(call, now, call.kind == CallKind::crisis ? population_.group(call.resident) : 0);
  calls_.close(slot);
}

// ---- results ---------------------------------------------------------------------------------

void Replication::check_invariants(double end_time) const {
  std::string problem;
  if (calls_.opened() != calls_.closed()) {
    problem = std::to_string(calls_.opened()) + " calls opened but " + std::to_string(calls_.closed()) + " closed";
  } else if (!waiting_.empty()) {
    problem = std::to_string(waiting_.size()) + " calls still waiting";
  } else if (std::any_of(units_.begin(), units_.end(), [](const Unit& u) { return u.busy; })) {
    problem = "a unit is still busy";
  } else if (*population_.invariant_problem() != '\0') {
    problem = population_.invariant_problem();
  } else {
    problem = tally_.invariant_problem();
  }
  if (!problem.empty()) {
    throw InvariantError("invariant broken at t=" + std::to_string(end_time) + " min in replication " +
                         std::to_string(replication_) + " (seed " + std::to_string(seed_) + "): " + problem +
                         "; reproduce with --seed " + std::to_string(seed_) + " --replications " +
                         std::to_string(replication_ + 1));
  }
}

}  // namespace
}  // namespace detail

ReplicationResult World::run_replication(std::uint64_t seed, std::uint32_t replication, bool record_calls) const {
  detail::Replication run(*this, seed, replication, record_calls);
  return run.run();
}

}  // namespace crisis::world
