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
  crisis_candidate = 6,
  background_arrival = 7,
  resident_return = 8,
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
};

// Entity ids: crisis candidates, background calls and residents occupy separate ranges.
constexpr std::uint64_t kBackgroundEntity = 1ULL << 40;
constexpr std::uint64_t kResidentEntity = 1ULL << 41;
constexpr std::uint64_t kGlobalEntity = 1ULL << 42;

enum class ResidentState : std::uint8_t { community, in_crisis, at_ed, detained, in_jail, in_crisis_centre, engaged };

struct Resident {
  ResidentState state = ResidentState::community;
  bool engage_on_return = false;
  std::uint16_t generation = 0;
  std::uint16_t zone = 0;
  std::uint16_t crises = 0;
};

struct Call {
  std::uint64_t entity = 0;
  std::uint32_t generation = 0;
  bool active = false;
  bool crisis = false;
  bool in_window = false;
  bool queued = false;
  bool use_of_force = false;
  bool injury = false;
  bool repeat = false;
  std::uint8_t type = 0;
  std::uint8_t priority = 1;
  std::uint8_t true_risk = 0;
  std::uint8_t perceived_risk = 0;
  std::uint8_t allowed_options = 1;
  std::int8_t disposition = -1;
  std::uint16_t zone = 0;
  std::uint32_t resident = 0;
  std::int32_t unit = -1;
  double arrival = 0.0;
  double ready = 0.0;
  double dispatched = kNaN;
  double on_scene = kNaN;
  double handoff_minutes = 0.0;
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
        background_arrivals_(key(kGlobalEntity, kBackgroundArrivals)) {}

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
  void on_call_ready(double now, std::uint32_t slot);
  void on_fallback(double now, std::uint32_t slot);
  void on_unit_arrives(double now, std::uint32_t unit_index);
  void on_scene_done(double now, std::uint32_t unit_index);
  void on_unit_free(double now, std::uint32_t unit_index);
  void on_resident_return(double now, std::uint32_t resident_index);

  std::uint32_t new_call(double now);
  const std::vector<DispatchOption>& options_for(const Call& call) const;
  bool try_dispatch(double now, std::uint32_t slot);
  int nearest_available(int unit_type, std::uint16_t zone) const;
  void assign(double now, std::uint32_t slot, int unit_index);
  void serve_queue(double now, int unit_index);
  void make_available(int unit_index);
  void make_unavailable(int unit_index);
  void close_call(double now, std::uint32_t slot, const Unit& unit);
  void set_resident_state(double now, std::uint32_t resident_index, ResidentState state, double stay_min);
  double resident_multiplier(ResidentState state) const;
  void schedule(double time, EventKind kind, std::uint32_t a, std::uint32_t b = 0) {
    calendar_.schedule(time, static_cast<std::int32_t>(kind), Event{kind, a, b});
  }
  void finish_measures(ReplicationResult& result, double end_time);
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

  std::vector<Resident> residents_;
  engine::AliasTable resident_picker_;
  double candidate_rate_per_minute_ = 0.0;  // at profile weight 1
  double max_multiplier_ = 1.0;
  int crisis_centre_occupancy_ = 0;

  std::vector<Unit> units_;
  std::vector<std::vector<int>> units_of_type_;
  std::vector<std::vector<int>> available_;

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
  std::vector<engine::RunningStats> zone_response_;
  std::vector<double> zone_calls_;
  std::array<double, kCrisisTypeCount> calls_by_type_{};
  std::array<double, kDispositionCount> dispositions_{};
  double crisis_calls_ = 0, background_calls_ = 0;
  double crisis_past_target_ = 0, crisis_queued_ = 0, background_past_target_ = 0, background_queued_ = 0;
  double use_of_force_ = 0, injuries_ = 0, repeat_crises_ = 0, clinician_involved_ = 0;
  double officer_minutes_crisis_ = 0, officer_minutes_ed_wait_ = 0, clinician_minutes_crisis_ = 0;
  double staff_minutes_crisis_cost_ = 0;  // unit-minutes on crisis calls, times cost per minute
  double outcome_cost_ = 0;
  std::vector<double> busy_minutes_, overtime_minutes_, answered_by_type_;
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
  // Gamma frailty with mean 1: a few residents have many crises (heterogeneous rates).
  std::vector<double> rates(agents);
  double total_rate = 0.0;
  for (std::size_t i = 0; i < agents; ++i) {
    RandomStream rng = stream(kResidentEntity + i, kResidentFrailty);
    const double shape = config.frailty_shape;
    rates[i] = config.crises_per_year * engine::sample_gamma(rng, shape, 1.0 / shape);
    total_rate += rates[i];
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
  busy_minutes_.assign(types, 0.0);
  overtime_minutes_.assign(types, 0.0);
  answered_by_type_.assign(types, 0.0);
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
  zone_response_.assign(scenario_.zones.size(), {});
  zone_calls_.assign(scenario_.zones.size(), 0.0);
  const double end = world_.window_end_min;
  // A replication may run past the horizon only to finish the calls already open.
  const double hard_stop = end + 60.0 * engine::kMinutesPerDay;

  schedule(0.0, EventKind::hour_tick, 0);
  const double first_crisis = next_arrival(crisis_arrivals_, 0.0, candidate_rate_per_minute_, scenario_.crises.profile);
  if (first_crisis < end) schedule(first_crisis, EventKind::crisis_candidate, 0);
  const double background_rate = scenario_.background.calls_per_day / engine::kMinutesPerDay;
  const double first_background = next_arrival(background_arrivals_, 0.0, background_rate, scenario_.background.profile);
  if (first_background < end) schedule(first_background, EventKind::background_arrival, 0);

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
    switch (event.kind) {
      case EventKind::hour_tick: on_hour_tick(now); break;
      case EventKind::crisis_candidate: on_crisis_candidate(now); break;
      case EventKind::background_arrival: on_background_arrival(now); break;
      case EventKind::call_ready:
        if (calls_[event.a].generation == event.b) on_call_ready(now, event.a);
        break;
      case EventKind::fallback:
        if (calls_[event.a].generation == event.b && calls_[event.a].active && calls_[event.a].unit < 0) on_fallback(now, event.a);
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
  finish_measures(result, now);
  if (record_calls_) result.calls = std::move(records_);
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
    calls_.emplace_back();
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
  Resident& resident = residents_[who];
  if (accept * max_multiplier_ >= resident_multiplier(resident.state)) return;  // thinned

  const std::uint32_t slot = new_call(now);
  Call& call = calls_[slot];
  call.entity = candidate;
  call.crisis = true;
  call.resident = who;
  call.zone = resident.zone;
  call.repeat = resident.crises > 0;
  if (resident.crises < std::numeric_limits<std::uint16_t>::max()) ++resident.crises;
  set_resident_state(now, who, ResidentState::in_crisis, kNaN);

  RandomStream rng = stream(call.entity, kCallAttributes);
  std::array<double, kCrisisTypeCount> shares{};
  for (std::size_t t = 0; t < kCrisisTypeCount; ++t) shares[t] = scenario_.crises.types[t].share;
  call.type = static_cast<std::uint8_t>(engine::sample_discrete(rng, shares));
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
  call.priority = static_cast<std::uint8_t>(perceived == 2 ? 1 : type.priority);

  RandomStream processing = stream(call.entity, kCallProcessing);
  call.ready = now + scenario_.crises.call_processing.sample(processing);
  schedule(call.ready, EventKind::call_ready, slot, call.generation);
}

void Replication::on_background_arrival(double now) {
  const std::uint64_t index = background_count_++;
  const double rate = scenario_.background.calls_per_day / engine::kMinutesPerDay;
  const double next = next_arrival(background_arrivals_, now, rate, scenario_.background.profile);
  if (next < world_.window_end_min) schedule(next, EventKind::background_arrival, 0);

  const std::uint32_t slot = new_call(now);
  Call& call = calls_[slot];
  call.entity = kBackgroundEntity + index;
  call.crisis = false;
  RandomStream rng = stream(call.entity, kCallAttributes);
  call.priority = static_cast<std::uint8_t>(1 + engine::sample_discrete(rng, scenario_.background.priority_share));
  // Background calls fall in zones by population.
  std::vector<double> weights;
  weights.reserve(scenario_.zones.size());
  for (const Zone& zone : scenario_.zones) weights.push_back(zone.population);
  call.zone = static_cast<std::uint16_t>(engine::sample_discrete(rng, weights));
  RandomStream processing = stream(call.entity, kCallProcessing);
  call.ready = now + scenario_.background.call_processing.sample(processing);
  schedule(call.ready, EventKind::call_ready, slot, call.generation);
}

const std::vector<DispatchOption>& Replication::options_for(const Call& call) const {
  if (call.crisis) return plan_.dispatch.crisis[call.type][call.perceived_risk];
  return plan_.dispatch.background[call.priority - 1u];
}

void Replication::on_call_ready(double now, std::uint32_t slot) {
  Call& call = calls_[slot];
  call.allowed_options = 1;
  if (try_dispatch(now, slot)) return;
  call.queued = true;
  waiting_.push_back(slot);
  const auto& options = options_for(call);
  if (options.size() > 1 && std::isfinite(options[0].wait_limit)) {
    schedule(now + options[0].wait_limit, EventKind::fallback, slot, call.generation);
  }
}

void Replication::on_fallback(double now, std::uint32_t slot) {
  Call& call = calls_[slot];
  const auto& options = options_for(call);
  if (call.allowed_options < options.size()) ++call.allowed_options;
  if (try_dispatch(now, slot)) {
    waiting_.erase(std::find(waiting_.begin(), waiting_.end(), slot));
    return;
  }
  const std::size_t current = call.allowed_options - 1u;
  if (current + 1 < options.size() && std::isfinite(options[current].wait_limit)) {
    schedule(now + options[current].wait_limit, EventKind::fallback, slot, call.generation);
  }
}

int Replication::nearest_available(int unit_type, std::uint16_t zone) const {
  int best = -1;
  double best_time = std::numeric_limits<double>::infinity();
  for (int u : available_[static_cast<std::size_t>(unit_type)]) {
    const double t = world_.travel_mean_min(units_[static_cast<std::size_t>(u)].base_zone, zone);
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
  for (std::size_t i = 0; i < call.allowed_options && i < options.size(); ++i) {
    const int unit = nearest_available(options[i].unit_type, call.zone);
    if (unit >= 0) {
      assign(now, slot, unit);
      return true;
    }
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
  make_unavailable(unit_index);
  unit.busy = true;
  unit.call = slot;
  unit.busy_since = now;
  call.unit = unit_index;
  call.dispatched = now;
  RandomStream rng = stream(call.entity, kTravel);
  const double mean = world_.travel_mean_min(unit.base_zone, call.zone);
  const double cv = scenario_.travel.noise_cv;
  const double travel = mean > 0.0 ? engine::sample_lognormal(rng, mean, mean * cv) : 0.0;
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
  Unit& unit = units_[unit_index];
  Call& call = calls_[unit.call];
  call.on_scene = now;
  RandomStream rng = stream(call.entity, kScene);
  double scene = 0.0;
  if (call.crisis) {
    scene = plan_.unit_types[unit.type].on_scene[call.type].sample(rng);
  } else {
    scene = scenario_.background.service[call.priority - 1u].sample(rng);
  }
  schedule(now + scene, EventKind::scene_done, unit_index);
}

void Replication::on_scene_done(double now, std::uint32_t unit_index) {
  Unit& unit = units_[unit_index];
  Call& call = calls_[unit.call];
  if (!call.crisis) {
    schedule(now, EventKind::unit_free, unit_index);
    return;
  }
  const UnitTypeSpec& type = plan_.unit_types[unit.type];
  const OutcomeRow& row = type.outcomes[call.type];
  RandomStream rng = stream(call.entity, kOutcome);
  auto disposition = static_cast<Disposition>(engine::sample_discrete(rng, row.disposition));
  const double force_u = rng.uniform();
  const double injury_u = rng.uniform();
  const double risk_factor = call.true_risk == 2 ? type.high_risk_force_multiplier : 1.0;
  call.use_of_force = force_u < std::min(1.0, row.use_of_force * risk_factor);
  call.injury = injury_u < std::min(1.0, row.injury * risk_factor);

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
      if (call.in_window) outcome_cost_ += scenario_.costs.crisis_centre_admission;
      break;
    case Disposition::ed_voluntary:
      facility = world_.facility_zone[0];
      spec = &facilities.emergency_department;
      next_state = ResidentState::at_ed;
      stay_min = residents.ed_stay.sample(stay);
      engage_probability = residents.engagement_after_ed;
      if (call.in_window) outcome_cost_ += scenario_.costs.ed_visit;
      break;
    case Disposition::ed_detention:
      facility = world_.facility_zone[0];
      spec = &facilities.emergency_department;
      next_state = ResidentState::detained;
      stay_min = residents.detention_stay.sample(stay);
      engage_probability = residents.engagement_after_ed;
      if (call.in_window) outcome_cost_ += scenario_.costs.ed_visit + scenario_.costs.ed_detention;
      break;
    case Disposition::arrest:
      facility = world_.facility_zone[1];
      spec = &facilities.jail;
      next_state = ResidentState::in_jail;
      stay_min = residents.jail_stay.sample(stay);
      if (call.in_window) outcome_cost_ += scenario_.costs.arrest_booking + scenario_.costs.jail_day * stay_min / engine::kMinutesPerDay;
      break;
  }
  if (call.injury && call.in_window) outcome_cost_ += scenario_.costs.injury;
  const double engage_u = stay.uniform();
  Resident& resident = residents_[call.resident];
  resident.engage_on_return = engage_u < engage_probability;
  set_resident_state(now, call.resident, next_state, stay_min);

  double busy_until = now;
  if (spec != nullptr && type.can_transport) {
    const double mean = world_.travel_mean_min(call.zone, facility);
    const double travel = mean > 0.0 ? engine::sample_lognormal(transport, mean, mean * scenario_.travel.noise_cv) : 0.0;
    const double handoff = spec->handoff.sample(transport);
    busy_until = now + travel + handoff;
    if (disposition == Disposition::ed_voluntary || disposition == Disposition::ed_detention) call.handoff_minutes = handoff;
  }
  schedule(busy_until, EventKind::unit_free, unit_index);
}

void Replication::on_unit_free(double now, std::uint32_t unit_index) {
  Unit& unit = units_[unit_index];
  const std::uint32_t slot = unit.call;
  busy_minutes_[unit.type] += window_overlap(unit.busy_since, now, world_.window_start_min, world_.window_end_min);
  close_call(now, slot, unit);
  unit.busy = false;
  if (!unit.on_duty) {
    overtime_minutes_[unit.type] += window_overlap(unit.off_duty_since, now, world_.window_start_min, world_.window_end_min);
    unit.off_duty_since = kNaN;
    return;
  }
  make_available(static_cast<int>(unit_index));
  serve_queue(now, static_cast<int>(unit_index));
}

void Replication::close_call(double now, std::uint32_t slot, const Unit& unit) {
  Call& call = calls_[slot];
  const UnitTypeSpec& type = plan_.unit_types[unit.type];
  const double response = call.on_scene - call.arrival;
  if (call.in_window) {
    const double target = scenario_.targets.response_min[call.priority - 1u];
    if (call.crisis) {
      crisis_calls_ += 1;
      calls_by_type_[call.type] += 1;
      crisis_response_.push_back(response);
      response_by_type_[call.type].push_back(response);
      response_by_priority_[call.priority - 1u].push_back(response);
      zone_response_[call.zone].add(response);
      zone_calls_[call.zone] += 1;
      if (response > target) crisis_past_target_ += 1;
      if (call.queued) crisis_queued_ += 1;
      dispositions_[static_cast<std::size_t>(call.disposition)] += 1;
      if (call.use_of_force) use_of_force_ += 1;
      if (call.injury) injuries_ += 1;
      if (call.repeat) repeat_crises_ += 1;
      if (type.clinicians > 0) clinician_involved_ += 1;
      answered_by_type_[unit.type] += 1;
      const double busy = now - call.dispatched;
      officer_minutes_crisis_ += busy * type.officers;
      clinician_minutes_crisis_ += busy * type.clinicians;
      officer_minutes_ed_wait_ += call.handoff_minutes * type.officers;
      staff_minutes_crisis_cost_ += busy * type.cost_per_hour / engine::kMinutesPerHour;
    } else {
      background_calls_ += 1;
      background_response_.push_back(response);
      background_response_by_priority_[call.priority - 1u].push_back(response);
      background_wait_.add(call.dispatched - call.ready);
      if (response > target) background_past_target_ += 1;
      if (call.queued) background_queued_ += 1;
    }
  }
  if (record_calls_) {
    CallRecord record;
    record.replication = replication_;
    record.call_id = call.entity;
    record.crisis = call.crisis;
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
    record.unit_type = unit.type;
    record.unit = call.unit;
    record.disposition = call.disposition;
    record.use_of_force = call.use_of_force;
    record.injury = call.injury;
    records_.push_back(record);
  }
  call.active = false;
  ++call.generation;
  ++calls_closed_;
  --open_calls_;
  free_slots_.push_back(slot);
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

void Replication::finish_measures(ReplicationResult& result, double /*end_time*/) {
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
  m[ix.share_past_target] = share(crisis_past_target_, calls);
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
  m[ix.per_1000_backup] = per_thousand(0.0, calls);
  m[ix.per_1000_phone_resolved] = per_thousand(0.0, calls);
  m[ix.per_1000_abandoned] = per_thousand(0.0, calls);
  m[ix.share_clinician_involved] = share(clinician_involved_, calls);
  m[ix.officer_hours_crisis] = officer_minutes_crisis_ / 60.0;
  m[ix.officer_hours_crisis_per_call] = calls > 0 ? officer_minutes_crisis_ / 60.0 / calls : kNaN;
  m[ix.officer_hours_ed_wait] = officer_minutes_ed_wait_ / 60.0;
  m[ix.clinician_hours_crisis] = clinician_minutes_crisis_ / 60.0;
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
    const double per_minute = plan_.unit_types[t].cost_per_hour / 60.0;
    staff_cost += on_duty * per_minute + overtime_minutes_[t] * per_minute * scenario_.costs.overtime_multiplier;
  }
  m[ix.cost_staff] = staff_cost;
  m[ix.cost_outcomes] = outcome_cost_;
  m[ix.cost_total] = staff_cost + outcome_cost_;
  m[ix.cost_annual] = (staff_cost + outcome_cost_) * 365.0 / days;
  m[ix.cost_per_crisis_call] = calls > 0 ? (staff_minutes_crisis_cost_ + outcome_cost_) / calls : kNaN;
  for (std::size_t z = 0; z < scenario_.zones.size(); ++z) {
    const double population = scenario_.zones[z].population;
    m[ix.zone_calls_per_1000_residents[z]] = population > 0 ? 1000.0 * zone_calls_[z] / population * 365.0 / days : kNaN;
    m[ix.zone_response_mean[z]] = zone_response_[z].mean();
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
