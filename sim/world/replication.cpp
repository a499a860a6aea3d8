// One replication of the world: the discrete-event simulation of residents, calls, units
// and facilities. Everything mutable lives in a Replication object owned by one thread.

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "engine/distributions.hpp"
#include "engine/errors.hpp"
#include "engine/event_calendar.hpp"
#include "engine/statistics.hpp"
#include "world/measures.hpp"
#include "world/world.hpp"

namespace crisis::world {
namespace {

using engine::RandomStream;
using engine::StreamKey;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kRepeatWindowMin = 90.0 * 1440.0;  // repeat crises: within 90 days of the last

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

// Purposes of random streams. Each (entity, purpose) pair has its own stream.
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
};

// Entity ids: crisis candidates, background calls and residents occupy separate ranges.
constexpr std::uint64_t kBackgroundEntity = 1ULL << 40;
constexpr std::uint64_t kResidentEntity = 1ULL << 41;
constexpr std::uint64_t kGlobalEntity = 1ULL << 42;
constexpr std::uint64_t kReplayEntity = 1ULL << 43;  // + index of the call in scenario.replay.calls
constexpr int kReplayResidentTries = 64;             // draws for a resident who can be in crisis

enum class ResidentState : std::uint8_t { community, in_crisis, at_ed, detained, in_jail, in_crisis_centre, engaged };

struct Resident {
  float last_crisis_min = -1.0F;  // time of the previous crisis call; < 0 = none yet
  ResidentState state = ResidentState::community;
  bool engage_on_return = false;
  std::uint8_t group = 0;
  std::uint16_t generation = 0;
  std::uint16_t zone = 0;
  std::uint16_t crises = 0;
};

enum class CallKind : std::uint8_t { crisis, background, backup };
enum class Stage : std::uint8_t { line, field };

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
  double primary_scene_end = 0.0;
  double scene_end = kNaN;  // the first field unit's drawn end of scene (calls.csv-free, for backtests)
  double handoff_minutes = 0.0;
  double officer_minutes = 0.0;
  double clinician_minutes = 0.0;
  double staff_cost = 0.0;
  double ed_wait_officer_minutes = 0.0;
};

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

double window_overlap(double start, double end, double window_start, double window_end) {
  return std::max(0.0, std::min(end, window_end) - std::max(start, window_start));
}

// Add the part of [start, end) inside the window to `by_hour` (168 cells), split at the hours
// of the week it crosses: the data behind the utilisation heat map (crisis-sim report).
void add_by_hour_of_week(double* by_hour, double start, double end, double window_start, double window_end) {
  double from = std::max(start, window_start);
  const double to = std::min(end, window_end);
  while (from < to) {
    const double hour_end = (std::floor(from / engine::kMinutesPerHour) + 1.0) * engine::kMinutesPerHour;
    const double until = std::min(to, hour_end);
    by_hour[engine::hour_of_week(from)] += until - from;
    from = until;
  }
}

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
      : world_(world),
        scenario_(world.scenario()),
        plan_(world.plan()),
        ix_(world.indices()),
        seed_(seed),
        replication_(replication),
        record_calls_(record_calls),
        crisis_arrivals_(key(kGlobalEntity, kCrisisArrivals)),
        background_arrivals_(key(kGlobalEntity, kBackgroundArrivals)) {
    if (plan_.routing.crisis_line_unit_type >= 0) line_options_.push_back(DispatchOption{plan_.routing.crisis_line_unit_type});
  }

  ReplicationResult run();

 private:
  StreamKey key(std::uint64_t entity, std::uint64_t purpose) const { return {seed_, replication_, entity, purpose}; }
  RandomStream stream(std::uint64_t entity, Purpose purpose) const { return RandomStream(key(entity, purpose)); }

  void build_residents();
  void build_units();
  double next_arrival(RandomStream& rng, double from, double rate_per_minute, const WeekProfile& profile) const;

  void on_hour_tick(double now);
  void on_crisis_candidate(double now);
  void on_background_arrival(double now);
  void open_crisis_call(double now, std::uint64_t entity, std::uint32_t who, int forced_type, int forced_priority, int forced_zone);
  void open_background_call(double now, std::uint64_t entity, int forced_priority, int forced_zone);
  void on_replay_crisis(double now, std::uint32_t position);
  void on_replay_background(double now, std::uint32_t position);
  std::uint32_t pick_resident(std::uint16_t zone, RandomStream& rng) const;
  void on_call_ready(double now, std::uint32_t slot);
  void on_fallback(double now, std::uint32_t slot);
  void on_backup_give_up(double now, std::uint32_t slot);
  void on_abandon(double now, std::uint32_t slot);
  void on_unit_arrives(double now, std::uint32_t unit_index);
  void on_scene_done(double now, std::uint32_t unit_index);
  void on_unit_free(double now, std::uint32_t unit_index);
  void on_resident_return(double now, std::uint32_t resident_index);

  std::uint32_t new_call(double now);
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
  void close_slot(std::uint32_t slot);
  void finalize_call(double now, std::uint32_t slot);
  void set_resident_state(double now, std::uint32_t resident_index, ResidentState state, double stay_min);
  double resident_multiplier(ResidentState state) const;
  void schedule(double time, EventKind kind, std::uint32_t a, std::uint32_t b = 0) {
    calendar_.schedule(time, static_cast<std::int32_t>(kind), Event{kind, a, b});
  }
  void finish_measures(ReplicationResult& result);
  void check_invariants(double end_time) const;

  const World& world_;
  const Scenario& scenario_;
  const ResponsePlan& plan_;
  const World::Indices& ix_;
  std::uint64_t seed_;
  std::uint32_t replication_;
  bool record_calls_;

  engine::EventCalendar<Event> calendar_;
  RandomStream crisis_arrivals_;
  RandomStream background_arrivals_;
  std::uint64_t crisis_candidates_ = 0;
  std::uint64_t background_count_ = 0;
  std::vector<DispatchOption> line_options_;
  // Replay: positions in scenario.replay.calls of the crisis / other-police calls, in time order.
  std::vector<std::uint32_t> replay_crisis_;
  std::vector<std::uint32_t> replay_background_;
  bool replay_background_on_ = false;
  std::vector<std::size_t> zone_first_resident_;  // residents of zone z: [first[z], first[z + 1])
  std::vector<engine::AliasTable> zone_resident_picker_;  // by personal rate, within the zone

  std::vector<Resident> residents_;
  engine::AliasTable resident_picker_;
  double candidate_rate_per_minute_ = 0.0;  // at profile weight 1
  double max_multiplier_ = 1.0;
  int crisis_centre_occupancy_ = 0;

  std::vector<Unit> units_;
  std::vector<std::vector<int>> units_of_type_;
  std::vector<std::vector<int>> available_;
  std::vector<int> on_duty_count_;  // per unit type, busy or not

  std::vector<Call> calls_;
  std::vector<std::uint32_t> free_slots_;
  std::vector<std::uint32_t> waiting_;
  std::uint64_t calls_opened_ = 0;
  std::uint64_t calls_closed_ = 0;
  std::uint64_t open_calls_ = 0;

  // Measures, for calls that arrive in the window.
  std::vector<double> crisis_response_;
  std::array<std::vector<double>, kCrisisTypeCount> response_by_type_;
  std::array<std::vector<double>, kPriorityCount> response_by_priority_;
  std::array<std::vector<double>, kPriorityCount> background_response_by_priority_;
  std::vector<double> background_response_;
  engine::RunningStats background_wait_;
  engine::RunningStats line_wait_;
  std::vector<engine::RunningStats> zone_response_, group_response_, unit_response_;
  std::vector<double> unit_within_target_;
  std::vector<double> zone_calls_, zone_arrests_, zone_ed_;
  std::vector<double> group_calls_, group_arrests_, group_force_, group_ed_, group_clinician_;
  std::array<double, kCrisisTypeCount> calls_by_type_{};
  std::array<double, kDispositionCount> dispositions_{};
  double crisis_calls_ = 0, background_calls_ = 0;
  double crisis_past_target_ = 0, crisis_queued_ = 0, background_past_target_ = 0, background_queued_ = 0;
  double use_of_force_ = 0, injuries_ = 0, repeat_crises_ = 0, clinician_involved_ = 0;
  double backup_requests_ = 0, resolved_by_phone_ = 0, abandoned_ = 0, line_answered_ = 0;
  double officer_minutes_crisis_ = 0, officer_minutes_ed_wait_ = 0, clinician_minutes_crisis_ = 0;
  double staff_cost_crisis_ = 0;
  double outcome_cost_ = 0;
  std::vector<double> busy_minutes_, overtime_minutes_, answered_by_type_;
  std::vector<double> busy_by_hour_;  // [type * 168 + hour of week], in the window
  std::vector<CallRecord> records_;
};

// ---- set-up ---------------------------------------------------------------------------------

void Replication::build_residents() {
  const ResidentConfig& config = scenario_.residents;
  double total_population = 0.0;
  for (const Zone& zone : scenario_.zones) total_population += zone.population * zone.prevalence;
  const auto agents = static_cast<std::size_t>(std::llround(total_population * config.share_with_needs));
  residents_.assign(agents, Resident{});
  if (agents == 0) return;
  // Zones get contiguous blocks of agents in proportion to population x prevalence.
  std::size_t next = 0;
  double cumulative = 0.0;
  for (std::size_t z = 0; z < scenario_.zones.size(); ++z) {
    cumulative += world_.resident_share_by_zone[z];
    const auto end = z + 1 == scenario_.zones.size() ? agents : static_cast<std::size_t>(std::llround(cumulative * static_cast<double>(agents)));
    for (; next < end && next < agents; ++next) residents_[next].zone = static_cast<std::uint16_t>(z);
  }
  // Groups interleave through every zone in proportion to their shares.
  if (!config.groups.empty()) {
    std::vector<double> shares;
    for (const ResidentGroup& group : config.groups) shares.push_back(group.share);
    const std::vector<std::uint16_t> sequence = apportion_sequence(shares, std::min<std::size_t>(agents, 100000));
    for (std::size_t i = 0; i < agents; ++i) residents_[i].group = static_cast<std::uint8_t>(sequence[i % sequence.size()]);
  }
  // Gamma frailty with mean 1: a few residents have many crises (heterogeneous rates).
  std::vector<double> rates(agents);
  double total_rate = 0.0;
  for (std::size_t i = 0; i < agents; ++i) {
    RandomStream rng = stream(kResidentEntity + i, kResidentFrailty);
    const double shape = config.frailty_shape;
    const double group_multiplier = config.groups.empty() ? 1.0 : config.groups[residents_[i].group].rate_multiplier;
    rates[i] = config.crises_per_year * group_multiplier * engine::sample_gamma(rng, shape, 1.0 / shape);
    total_rate += rates[i];
  }
  if (scenario_.replay.enabled) {
    // Replayed crises fall on a resident of the call's zone, drawn by personal rate (uniformly
    // when the zone's rates are all zero).
    zone_first_resident_.assign(scenario_.zones.size() + 1, agents);
    for (std::size_t i = agents; i-- > 0;) zone_first_resident_[residents_[i].zone] = i;
    for (std::size_t z = scenario_.zones.size(); z-- > 0;) zone_first_resident_[z] = std::min(zone_first_resident_[z], zone_first_resident_[z + 1]);
    zone_resident_picker_.resize(scenario_.zones.size());
    for (std::size_t z = 0; z < scenario_.zones.size(); ++z) {
      const std::size_t first = zone_first_resident_[z];
      const std::size_t last = zone_first_resident_[z + 1];
      if (first == last) continue;
      std::vector<double> weights(rates.begin() + static_cast<std::ptrdiff_t>(first), rates.begin() + static_cast<std::ptrdiff_t>(last));
      double zone_total = 0.0;
      for (double w : weights) zone_total += w;
      if (!(zone_total > 0.0)) std::fill(weights.begin(), weights.end(), 1.0);
      zone_resident_picker_[z] = engine::AliasTable(weights);
    }
    if (!(total_rate > 0.0)) std::fill(rates.begin(), rates.end(), 1.0);
    resident_picker_ = engine::AliasTable(rates);
    max_multiplier_ = std::max(1.0, config.engaged_rate_multiplier);
    return;  // no candidate process: the arrivals are the replayed calls
  }
  if (total_rate <= 0.0) return;
  resident_picker_ = engine::AliasTable(rates);
  max_multiplier_ = std::max(1.0, config.engaged_rate_multiplier);
  // Candidates arrive at the sum of base rates times the largest state multiplier; each is
  // accepted with probability multiplier(state)/max (Lewis-Shedler thinning). The candidate
  // stream does not depend on what the response did, so variants share their crises.
  candidate_rate_per_minute_ = total_rate * max_multiplier_ / (365.0 * engine::kMinutesPerDay);
}

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
  busy_minutes_.assign(types, 0.0);
  busy_by_hour_.assign(types * static_cast<std::size_t>(engine::kHoursPerWeek), 0.0);
  overtime_minutes_.assign(types, 0.0);
  answered_by_type_.assign(types, 0.0);
  unit_response_.assign(types, {});
  unit_within_target_.assign(types, 0.0);
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
  build_residents();
  build_units();
  const std::size_t zones = scenario_.zones.size();
  const std::size_t groups = scenario_.residents.groups.size();
  zone_response_.assign(zones, {});
  zone_calls_.assign(zones, 0.0);
  zone_arrests_.assign(zones, 0.0);
  zone_ed_.assign(zones, 0.0);
  group_response_.assign(groups, {});
  group_calls_.assign(groups, 0.0);
  group_arrests_.assign(groups, 0.0);
  group_force_.assign(groups, 0.0);
  group_ed_.assign(groups, 0.0);
  group_clinician_.assign(groups, 0.0);
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
    const double first_crisis = next_arrival(crisis_arrivals_, 0.0, candidate_rate_per_minute_, scenario_.crises.profile);
    if (first_crisis < end) schedule(first_crisis, EventKind::crisis_candidate, 0);
  }
  if (!replay_background_on_) {
    const double background_rate = scenario_.background.calls_per_day / engine::kMinutesPerDay;
    const double first_background = next_arrival(background_arrivals_, 0.0, background_rate, scenario_.background.profile);
    if (first_background < end) schedule(first_background, EventKind::background_arrival, 0);
  }

  double now = 0.0;
  while (!calendar_.empty()) {
    const auto entry = calendar_.pop();
    now = entry.time;
    if (now > hard_stop) {
      throw InvariantError("replication " + std::to_string(replication_) + " (seed " + std::to_string(seed_) +
                           ") still had " + std::to_string(open_calls_) +
                           " open calls 60 days after the horizon: a unit type in a dispatch list is never on duty?");
    }
    const Event& event = entry.payload;
    const auto current = [&] { return calls_[event.a].generation == event.b && calls_[event.a].active; };
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
        if (residents_[event.a].generation == event.b) on_resident_return(now, event.a);
        break;
    }
  }
  check_invariants(now);
  ReplicationResult result;
  result.events = calendar_.scheduled_count();
  finish_measures(result);
  if (record_calls_) result.calls = std::move(records_);
  result.busy_minutes_by_hour_of_week = std::move(busy_by_hour_);
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
            overtime_minutes_[t] += window_overlap(unit.off_duty_since, now, world_.window_start_min, world_.window_end_min);
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
  if (now + engine::kMinutesPerHour < world_.window_end_min || open_calls_ > 0) {
    schedule(now + engine::kMinutesPerHour, EventKind::hour_tick, 0);
  }
}

std::uint32_t Replication::new_call(double now) {
  std::uint32_t slot = 0;
  if (!free_slots_.empty()) {
    slot = free_slots_.back();
    free_slots_.pop_back();
  } else {
    slot = static_cast<std::uint32_t>(calls_.size());
    calls_.emplace_back();  // may move every Call: callers re-fetch references afterwards
  }
  Call& call = calls_[slot];
  const std::uint32_t generation = call.generation + 1;
  call = Call{};
  call.generation = generation;
  call.active = true;
  call.arrival = now;
  call.in_window = now >= world_.window_start_min && now < world_.window_end_min;
  ++calls_opened_;
  ++open_calls_;
  return slot;
}

void Replication::on_crisis_candidate(double now) {
  const std::uint64_t candidate = crisis_candidates_++;
  const double next = next_arrival(crisis_arrivals_, now, candidate_rate_per_minute_, scenario_.crises.profile);
  if (next < world_.window_end_min) schedule(next, EventKind::crisis_candidate, 0);

  const std::uint32_t who = resident_picker_.sample(crisis_arrivals_);
  const double accept = crisis_arrivals_.uniform();
  if (accept * max_multiplier_ >= resident_multiplier(residents_[who].state)) return;  // thinned
  open_crisis_call(now, candidate, who, -1, 0, -1);
}

// A crisis call from resident `who`. Replayed calls force the type, priority and zone the
// record gives (-1 / 0: as for a simulated call); the draws keep their order either way.
void Replication::open_crisis_call(double now, std::uint64_t entity, std::uint32_t who, int forced_type, int forced_priority,
                                   int forced_zone) {
  const std::uint32_t slot = new_call(now);
  Call& call = calls_[slot];
  Resident& resident = residents_[who];
  call.entity = entity;
  call.kind = CallKind::crisis;
  call.resident = who;
  call.zone = forced_zone >= 0 ? static_cast<std::uint16_t>(forced_zone) : resident.zone;
  // A repeat crisis: the same resident called within the last 90 days (kRepeatWindowMin).
  call.repeat = resident.last_crisis_min >= 0.0F && now - resident.last_crisis_min <= kRepeatWindowMin;
  resident.last_crisis_min = static_cast<float>(now);
  if (resident.crises < std::numeric_limits<std::uint16_t>::max()) ++resident.crises;
  set_resident_state(now, who, ResidentState::in_crisis, kNaN);

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
  const std::uint32_t slot = new_call(now);
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
  open_crisis_call(now, entity, pick_resident(zone, placement), replayed.type, replayed.priority, zone);
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

// A resident of `zone` who can have a crisis now, drawn by personal rate (Lewis-Shedler
// acceptance on the state multiplier, as for simulated crises). If every draw is of someone
// who cannot (in hospital, jail or already in crisis), the last one drawn takes the call: the
// call happened, and is never dropped. A zone without residents borrows one from anywhere.
std::uint32_t Replication::pick_resident(std::uint16_t zone, RandomStream& rng) const {
  if (residents_.empty()) {
    throw InvariantError("a replayed crisis call needs a resident, and the scenario has none (sim/cad checks this)");
  }
  std::size_t first = zone_first_resident_[zone];
  const engine::AliasTable* picker = &zone_resident_picker_[zone];
  if (picker->empty()) {
    first = 0;
    picker = &resident_picker_;
  }
  std::uint32_t who = 0;
  for (int attempt = 0; attempt < kReplayResidentTries; ++attempt) {
    who = static_cast<std::uint32_t>(first + picker->sample(rng));
    if (rng.uniform() * max_multiplier_ < resident_multiplier(residents_[who].state)) break;
  }
  return who;
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
  close_slot(slot);
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
  set_resident_state(now, call.resident, ResidentState::community, 0.0);
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
    if (call.in_window) {
      line_wait_.add(now - call.ready);
      line_answered_ += 1;
    }
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
      const std::uint32_t backup = new_call(now);  // invalidates `call`
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
    const bool full = exists && facilities.crisis_centre->beds > 0 && crisis_centre_occupancy_ >= facilities.crisis_centre->beds;
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
      ++crisis_centre_occupancy_;
      if (call.in_window) outcome_cost_ += costs.crisis_centre_admission;
      break;
    case Disposition::ed_voluntary:
      facility = world_.facility_zone[0];
      spec = &facilities.emergency_department;
      next_state = ResidentState::at_ed;
      stay_min = residents.ed_stay.sample(stay);
      engage_probability = residents.engagement_after_ed;
      if (call.in_window) outcome_cost_ += costs.ed_visit;
      break;
    case Disposition::ed_detention:
      facility = world_.facility_zone[0];
      spec = &facilities.emergency_department;
      next_state = ResidentState::detained;
      stay_min = residents.detention_stay.sample(stay);
      engage_probability = residents.engagement_after_ed;
      if (call.in_window) outcome_cost_ += costs.ed_visit + costs.ed_detention;
      break;
    case Disposition::arrest:
      facility = world_.facility_zone[1];
      spec = &facilities.jail;
      next_state = ResidentState::in_jail;
      stay_min = residents.jail_stay.sample(stay);
      if (call.in_window) outcome_cost_ += costs.arrest_booking + costs.jail_day * stay_min / engine::kMinutesPerDay;
      break;
  }
  if (call.injury && call.in_window && injury_u < std::min(1.0, row.injury * risk_factor)) outcome_cost_ += costs.injury;
  residents_[call.resident].engage_on_return = stay.uniform() < engage_probability;
  set_resident_state(now, call.resident, next_state, stay_min);

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
  busy_minutes_[unit.type] += window_overlap(unit.busy_since, now, world_.window_start_min, world_.window_end_min);
  add_by_hour_of_week(&busy_by_hour_[unit.type * static_cast<std::size_t>(engine::kHoursPerWeek)], unit.busy_since, now,
                      world_.window_start_min, world_.window_end_min);
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
  if (backup) close_slot(slot);
  if (root.units_active == 0 && !root.field_pending) finalize_call(now, root_slot);
  unit.busy = false;
  if (!unit.on_duty) {
    overtime_minutes_[unit.type] += window_overlap(unit.off_duty_since, now, world_.window_start_min, world_.window_end_min);
    unit.off_duty_since = kNaN;
    return;
  }
  make_available(static_cast<int>(unit_index));
  serve_queue(now, static_cast<int>(unit_index));
}

void Replication::close_slot(std::uint32_t slot) {
  Call& call = calls_[slot];
  call.active = false;
  ++call.generation;
  ++calls_closed_;
  --open_calls_;
  free_slots_.push_back(slot);
}

// The call is over: count it in the measures (when it arrived in the window) and free its slot.
void Replication::finalize_call(double now, std::uint32_t slot) {
  Call& call = calls_[slot];
  const double response = call.on_scene - call.arrival;  // NaN when no unit went out
  const bool attended = std::isfinite(response);
  if (call.in_window && call.kind == CallKind::crisis) {
    const double target = scenario_.targets.response_min[call.priority - 1u];
    const std::size_t group = residents_[call.resident].group;
    const bool has_groups = !group_calls_.empty();
    crisis_calls_ += 1;
    calls_by_type_[call.type] += 1;
    zone_calls_[call.zone] += 1;
    if (has_groups) group_calls_[group] += 1;
    if (attended) {
      crisis_response_.push_back(response);
      response_by_type_[call.type].push_back(response);
      response_by_priority_[call.priority - 1u].push_back(response);
      zone_response_[call.zone].add(response);
      if (has_groups) group_response_[group].add(response);
      if (response > target) crisis_past_target_ += 1;
      const auto field_type = static_cast<std::size_t>(call.field_type);
      answered_by_type_[field_type] += 1;
      unit_response_[field_type].add(response);
      const double unit_target = plan_.unit_types[field_type].response_target_min;
      if (unit_target > 0 && response <= unit_target) unit_within_target_[field_type] += 1;
    }
    if (call.queued) crisis_queued_ += 1;
    if (call.disposition >= 0) dispositions_[static_cast<std::size_t>(call.disposition)] += 1;
    const bool arrested = call.disposition == static_cast<std::int8_t>(Disposition::arrest);
    const bool to_ed = call.disposition == static_cast<std::int8_t>(Disposition::ed_voluntary) ||
                       call.disposition == static_cast<std::int8_t>(Disposition::ed_detention);
    if (arrested) zone_arrests_[call.zone] += 1;
    if (to_ed) zone_ed_[call.zone] += 1;
    if (has_groups) {
      if (arrested) group_arrests_[group] += 1;
      if (to_ed) group_ed_[group] += 1;
      if (call.use_of_force) group_force_[group] += 1;
      if (call.clinician_involved) group_clinician_[group] += 1;
    }
    if (call.use_of_force) use_of_force_ += 1;
    if (call.injury) injuries_ += 1;
    if (call.repeat) repeat_crises_ += 1;
    if (call.clinician_involved) clinician_involved_ += 1;
    if (call.backup_requested) backup_requests_ += 1;
    if (call.resolved_by_phone) resolved_by_phone_ += 1;
    if (call.abandoned) abandoned_ += 1;
    officer_minutes_crisis_ += call.officer_minutes;
    clinician_minutes_crisis_ += call.clinician_minutes;
    officer_minutes_ed_wait_ += call.ed_wait_officer_minutes;
    staff_cost_crisis_ += call.staff_cost;
  } else if (call.in_window && call.kind == CallKind::background) {
    const double target = scenario_.targets.response_min[call.priority - 1u];
    background_calls_ += 1;
    background_response_.push_back(response);
    background_response_by_priority_[call.priority - 1u].push_back(response);
    background_wait_.add(call.dispatched - call.ready);
    if (response > target) background_past_target_ += 1;
    if (call.queued) background_queued_ += 1;
  }
  if (record_calls_) {
    CallRecord record;
    record.replication = replication_;
    record.call_id = call.entity;
    record.crisis = call.kind == CallKind::crisis;
    record.in_window = call.in_window;
    record.call_type = call.type;
    record.priority = call.priority;
    record.true_risk = call.true_risk;
    record.perceived_risk = call.perceived_risk;
    record.zone = call.zone;
    record.resident = call.resident;
    record.arrival_min = call.arrival;
    record.dispatch_min = call.dispatched;
    record.on_scene_min = call.on_scene;
    record.closed_min = now;
    record.scene_end_min = call.scene_end;
    record.unit_type = call.field_type;
    record.unit = call.first_unit;
    record.deciding_unit_type = call.deciding_type;
    record.disposition = call.disposition;
    record.use_of_force = call.use_of_force;
    record.injury = call.injury;
    record.backup = call.backup_requested;
    record.resolved_by_phone = call.resolved_by_phone;
    record.abandoned = call.abandoned;
    records_.push_back(record);
  }
  close_slot(slot);
}

double Replication::resident_multiplier(ResidentState state) const {
  switch (state) {
    case ResidentState::community: return 1.0;
    case ResidentState::engaged: return scenario_.residents.engaged_rate_multiplier;
    default: return 0.0;  // in crisis, in hospital, in jail or in the crisis centre: no new crisis call
  }
}

void Replication::set_resident_state(double now, std::uint32_t resident_index, ResidentState state, double stay_min) {
  Resident& resident = residents_[resident_index];
  if (resident.state == ResidentState::in_crisis_centre && state != ResidentState::in_crisis_centre) --crisis_centre_occupancy_;
  ++resident.generation;
  resident.state = state;
  if (state == ResidentState::in_crisis) return;  // ends when the response does
  if (state == ResidentState::community) {
    if (resident.engage_on_return) on_resident_return(now, resident_index);
    return;
  }
  const double until = now + stay_min;
  if (until < world_.window_end_min) schedule(until, EventKind::resident_return, resident_index, resident.generation);
}

void Replication::on_resident_return(double now, std::uint32_t resident_index) {
  Resident& resident = residents_[resident_index];
  if (resident.state == ResidentState::in_crisis_centre) --crisis_centre_occupancy_;
  if (resident.state != ResidentState::engaged && resident.engage_on_return) {
    resident.engage_on_return = false;
    ++resident.generation;
    resident.state = ResidentState::engaged;
    // One stream per (resident, engagement): keyed by the resident's crisis count.
    RandomStream rng(key(kResidentEntity + resident_index, kResidentStay + 256ULL * resident.crises));
    const double until = now + scenario_.residents.engagement_duration.sample(rng);
    if (until < world_.window_end_min) schedule(until, EventKind::resident_return, resident_index, resident.generation);
    return;
  }
  ++resident.generation;
  resident.state = ResidentState::community;
}

// ---- results ---------------------------------------------------------------------------------

double per_thousand(double count, double calls) { return calls > 0 ? 1000.0 * count / calls : kNaN; }
double share(double count, double calls) { return calls > 0 ? count / calls : kNaN; }
double mean_of(const std::vector<double>& values) {
  if (values.empty()) return kNaN;
  double total = 0.0;
  for (double v : values) total += v;
  return total / static_cast<double>(values.size());
}
double quantile_of(std::vector<double>& values, double p) { return engine::quantile(values, p); }

void Replication::finish_measures(ReplicationResult& result) {
  const auto& ix = ix_;
  std::vector<double>& m = result.measures;
  m.assign(world_.measure_names().size(), kNaN);
  const double calls = crisis_calls_;
  const double days = scenario_.run.horizon_days;
  m[ix.crisis_calls] = calls;
  m[ix.crisis_calls_per_day] = calls / days;
  m[ix.background_calls] = background_calls_;
  m[ix.response_mean] = mean_of(crisis_response_);
  m[ix.response_p50] = quantile_of(crisis_response_, 0.5);
  m[ix.response_p90] = quantile_of(crisis_response_, 0.9);
  m[ix.share_past_target] = share(crisis_past_target_, static_cast<double>(crisis_response_.size()));
  m[ix.share_queued] = share(crisis_queued_, calls);
  for (std::size_t p = 0; p < kPriorityCount; ++p) {
    m[ix.response_mean_by_priority[p]] = mean_of(response_by_priority_[p]);
    m[ix.response_p90_by_priority[p]] = quantile_of(response_by_priority_[p], 0.9);
    m[ix.background_response_mean_by_priority[p]] = mean_of(background_response_by_priority_[p]);
    m[ix.background_response_p90_by_priority[p]] = quantile_of(background_response_by_priority_[p], 0.9);
  }
  for (std::size_t t = 0; t < kCrisisTypeCount; ++t) {
    m[ix.calls_by_type[t]] = calls_by_type_[t];
    m[ix.response_mean_by_type[t]] = mean_of(response_by_type_[t]);
    m[ix.response_p90_by_type[t]] = quantile_of(response_by_type_[t], 0.9);
  }
  for (std::size_t d = 0; d < kDispositionCount; ++d) m[ix.per_1000_disposition[d]] = per_thousand(dispositions_[d], calls);
  const auto ed = static_cast<std::size_t>(Disposition::ed_voluntary);
  const auto detention = static_cast<std::size_t>(Disposition::ed_detention);
  m[ix.per_1000_ed_transports] = per_thousand(dispositions_[ed] + dispositions_[detention], calls);
  m[ix.per_1000_use_of_force] = per_thousand(use_of_force_, calls);
  m[ix.per_1000_injuries] = per_thousand(injuries_, calls);
  m[ix.per_1000_repeat_crises] = per_thousand(repeat_crises_, calls);
  m[ix.per_1000_backup] = per_thousand(backup_requests_, calls);
  m[ix.per_1000_phone_resolved] = per_thousand(resolved_by_phone_, calls);
  m[ix.per_1000_abandoned] = per_thousand(abandoned_, calls);
  m[ix.share_clinician_involved] = share(clinician_involved_, calls);
  m[ix.officer_hours_crisis] = officer_minutes_crisis_ / 60.0;
  m[ix.officer_hours_crisis_per_call] = calls > 0 ? officer_minutes_crisis_ / 60.0 / calls : kNaN;
  m[ix.officer_hours_ed_wait] = officer_minutes_ed_wait_ / 60.0;
  m[ix.clinician_hours_crisis] = clinician_minutes_crisis_ / 60.0;
  m[ix.line_wait_mean] = line_wait_.mean();
  m[ix.line_answered] = line_answered_;
  m[ix.background_response_mean] = mean_of(background_response_);
  m[ix.background_response_p90] = quantile_of(background_response_, 0.9);
  m[ix.background_share_past_target] = share(background_past_target_, background_calls_);
  m[ix.background_share_queued] = share(background_queued_, background_calls_);
  m[ix.background_wait_mean] = background_wait_.mean();
  double staff_cost = 0.0;
  for (std::size_t t = 0; t < plan_.unit_types.size(); ++t) {
    const double on_duty = world_.on_duty_minutes_in_window[t];
    m[ix.utilisation[t]] = on_duty > 0 ? busy_minutes_[t] / on_duty : kNaN;
    m[ix.overtime_hours[t]] = overtime_minutes_[t] / 60.0;
    m[ix.calls_answered[t]] = answered_by_type_[t];
    m[ix.unit_response_mean[t]] = unit_response_[t].mean();
    if (ix.unit_within_target[t] != kNoIndex) {
      m[ix.unit_within_target[t]] = share(unit_within_target_[t], static_cast<double>(unit_response_[t].count()));
    }
    const double per_minute = plan_.unit_types[t].cost_per_hour / 60.0;
    staff_cost += on_duty * per_minute + overtime_minutes_[t] * per_minute * scenario_.costs.overtime_multiplier;
  }
  double fixed = 0.0;
  for (const FixedCost& cost : plan_.fixed_costs) fixed += cost.annual * days / 365.0;
  m[ix.cost_staff] = staff_cost;
  m[ix.cost_outcomes] = outcome_cost_;
  m[ix.cost_fixed] = fixed;
  m[ix.cost_total] = staff_cost + outcome_cost_ + fixed;
  m[ix.cost_annual] = (staff_cost + outcome_cost_ + fixed) * 365.0 / days;
  m[ix.cost_per_crisis_call] = calls > 0 ? (staff_cost_crisis_ + outcome_cost_) / calls : kNaN;
  for (std::size_t z = 0; z < scenario_.zones.size(); ++z) {
    const double population = scenario_.zones[z].population;
    m[ix.zone_calls_per_1000_residents[z]] = population > 0 ? 1000.0 * zone_calls_[z] / population * 365.0 / days : kNaN;
    m[ix.zone_response_mean[z]] = zone_response_[z].mean();
    m[ix.zone_arrests_per_1000[z]] = per_thousand(zone_arrests_[z], zone_calls_[z]);
    m[ix.zone_ed_per_1000[z]] = per_thousand(zone_ed_[z], zone_calls_[z]);
  }
  for (std::size_t g = 0; g < group_calls_.size(); ++g) {
    m[ix.group_calls[g]] = group_calls_[g];
    m[ix.group_response_mean[g]] = group_response_[g].mean();
    m[ix.group_arrests_per_1000[g]] = per_thousand(group_arrests_[g], group_calls_[g]);
    m[ix.group_force_per_1000[g]] = per_thousand(group_force_[g], group_calls_[g]);
    m[ix.group_ed_per_1000[g]] = per_thousand(group_ed_[g], group_calls_[g]);
    m[ix.group_clinician_share[g]] = share(group_clinician_[g], group_calls_[g]);
  }
  double engaged = 0.0;
  for (const Resident& resident : residents_) engaged += resident.state == ResidentState::engaged ? 1.0 : 0.0;
  m[ix.engaged_share_end] = residents_.empty() ? kNaN : engaged / static_cast<double>(residents_.size());
}

void Replication::check_invariants(double end_time) const {
  std::string problem;
  if (calls_opened_ != calls_closed_) {
    problem = std::to_string(calls_opened_) + " calls opened but " + std::to_string(calls_closed_) + " closed";
  } else if (!waiting_.empty()) {
    problem = std::to_string(waiting_.size()) + " calls still waiting";
  } else if (std::any_of(units_.begin(), units_.end(), [](const Unit& u) { return u.busy; })) {
    problem = "a unit is still busy";
  } else if (crisis_centre_occupancy_ < 0) {
    problem = "crisis centre occupancy went negative";
  } else {
    for (std::size_t t = 0; t < busy_minutes_.size(); ++t) {
      if (busy_minutes_[t] > world_.on_duty_minutes_in_window[t] + overtime_minutes_[t] + 1e-6) {
        problem = "unit type " + plan_.unit_types[t].name + " was busy longer than on duty plus overtime";
      }
    }
  }
  if (!problem.empty()) {
    throw InvariantError("invariant broken at t=" + std::to_string(end_time) + " min in replication " +
                         std::to_string(replication_) + " (seed " + std::to_string(seed_) + "): " + problem +
                         "; reproduce with --seed " + std::to_string(seed_) + " --replications " +
                         std::to_string(replication_ + 1));
  }
}

}  // namespace

ReplicationResult World::run_replication(std::uint64_t seed, std::uint32_t replication, bool record_calls) const {
  Replication run(*this, seed, replication, record_calls);
  return run.run();
}

}  // namespace crisis::world
