#include "world/replication/arrivals.hpp"

#include <array>
#include <cmath>
#include <limits>

#include "engine/distributions.hpp"

namespace crisis::world::detail {
namespace {

using engine::RandomStream;

// Next event of a non-homogeneous Poisson process with rate rate_per_minute x profile(hour),
// by inversion of the integrated rate over the piecewise-constant hourly profile.
double next_arrival(RandomStream& rng, double from, double rate_per_minute, const WeekProfile& profile) {
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

}  // namespace

Arrivals::Arrivals(Context& context, CallBook& calls, Population& population)
    : context_(context),
      calls_(calls),
      population_(population),
      crisis_arrivals_(context.key(kGlobalEntity, kCrisisArrivals)),
      background_arrivals_(context.key(kGlobalEntity, kBackgroundArrivals)) {}

void Arrivals::start() {
  const double end = context_.world.window_end_min;
  const ReplayConfig& replay = context_.scenario.replay;
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
    if (!replay_crisis_.empty()) context_.schedule(replay.calls[replay_crisis_.front()].at, EventKind::crisis_candidate, 0);
    if (!replay_background_.empty()) context_.schedule(replay.calls[replay_background_.front()].at, EventKind::background_arrival, 0);
  } else {
    const double first_crisis = next_arrival(crisis_arrivals_, 0.0, crisis_rate_per_minute(), context_.scenario.crises.profile);
    if (first_crisis < end) context_.schedule(first_crisis, EventKind::crisis_candidate, 0);
  }
  if (!replay_background_on_) {
    const double background_rate = context_.scenario.background.calls_per_day / engine::kMinutesPerDay;
    const double first_background = next_arrival(background_arrivals_, 0.0, background_rate, context_.scenario.background.profile);
    if (first_background < end) context_.schedule(first_background, EventKind::background_arrival, 0);
  }
}

void Arrivals::on_crisis_arrival(double now, std::uint32_t position) {
  if (context_.scenario.replay.enabled) {
    on_replay_crisis(now, position);
  } else {
    on_candidate(now);
  }
}

void Arrivals::on_background_arrival(double now, std::uint32_t position) {
  if (replay_background_on_) {
    on_replay_background(now, position);
  } else {
    on_background(now);
  }
}

void Arrivals::on_candidate(double now) {
  const std::uint64_t candidate = crisis_candidates_++;
  const double next = next_arrival(crisis_arrivals_, now, crisis_rate_per_minute(), context_.scenario.crises.profile);
  if (next < context_.world.window_end_min) context_.schedule(next, EventKind::crisis_candidate, 0);
  if (context_.scenario.crises.calls_per_day > 0.0) {
    // Flat Poisson arrivals (crises.calls_per_day): every arrival is a call, in a zone drawn by
    // its share of residents, from a resident of that zone who can have a crisis now.
    RandomStream placement = context_.stream(candidate, kFlatPlacement);
    const auto zone = static_cast<std::uint16_t>(engine::sample_discrete(placement, context_.world.resident_share_by_zone));
    open_crisis_call(now, candidate, population_.pick_resident(zone, placement), -1, 0, -1);
    return;
  }

  const std::int64_t who = population_.draw_candidate(crisis_arrivals_);
  if (who < 0) return;  // thinned
  open_crisis_call(now, candidate, static_cast<std::uint32_t>(who), -1, 0, -1);
}

// A crisis call from resident `who`. Replayed calls force the type, priority and zone the
// record gives (-1 / 0: as for a simulated call); the draws keep their order either way.
void Arrivals::open_crisis_call(double now, std::uint64_t entity, std::uint32_t who, int forced_type, int forced_priority,
                                   int forced_zone) {
  const std::uint32_t slot = calls_.open(now, context_.in_window(now));
  Call& call = calls_[slot];
  call.entity = entity;
  call.kind = CallKind::crisis;
  call.resident = who;
  call.zone = forced_zone >= 0 ? static_cast<std::uint16_t>(forced_zone) : population_.zone(who);
  call.repeat = population_.begin_crisis(now, who);

  RandomStream rng = context_.stream(call.entity, kCallAttributes);
  std::array<double, kCrisisTypeCount> shares{};
  for (std::size_t t = 0; t < kCrisisTypeCount; ++t) shares[t] = context_.scenario.crises.types[t].share;
  call.type = static_cast<std::uint8_t>(forced_type >= 0 ? static_cast<std::size_t>(forced_type) : engine::sample_discrete(rng, shares));
  const CrisisTypeSpec& type = context_.scenario.crises.types[call.type];
  call.true_risk = static_cast<std::uint8_t>(engine::sample_discrete(rng, type.risk));
  // Triage: right with probability `triage_accuracy`, otherwise one level off (up or down
  // with equal chance, reflected at the ends).
  const double triage_u = rng.uniform();
  const double direction_u = rng.uniform();
  int perceived = call.true_risk;
  if (triage_u >= context_.scenario.crises.triage_accuracy) {
    perceived += direction_u < 0.5 ? -1 : 1;
    if (perceived < 0) perceived = 1;
    if (perceived > 2) perceived = 1;
  }
  call.perceived_risk = static_cast<std::uint8_t>(perceived);
  call.priority = static_cast<std::uint8_t>(forced_priority > 0 ? forced_priority : perceived == 2 ? 1 : type.priority);

  // First contact: the crisis line (when one exists) or 911.
  RandomStream routing = context_.stream(call.entity, kRouting);
  if (context_.plan.routing.crisis_line_unit_type >= 0 && routing.uniform() < context_.plan.routing.share_to_crisis_line) {
    call.stage = Stage::line;
    call.ready = now;
  } else {
    RandomStream processing = context_.stream(call.entity, kCallProcessing);
    call.ready = now + context_.scenario.crises.call_processing.sample(processing);
    // A 911 call-taker may code the crisis as an ordinary police call (Koziarski, evidence.md
    // section 4); drawn only when the rate is above 0, so other scenarios keep their streams.
    const double miscoding = context_.scenario.dispatch.crisis_coded_as_other;
    if (miscoding > 0.0) {
      RandomStream taking = context_.stream(call.entity, kCallTaking);
      call.miscoded = taking.uniform() < miscoding;
    }
  }
  context_.schedule(call.ready, EventKind::call_ready, slot, call.generation);
}

void Arrivals::on_background(double now) {
  const std::uint64_t index = background_count_++;
  const double rate = context_.scenario.background.calls_per_day / engine::kMinutesPerDay;
  const double next = next_arrival(background_arrivals_, now, rate, context_.scenario.background.profile);
  if (next < context_.world.window_end_min) context_.schedule(next, EventKind::background_arrival, 0);
  open_background_call(now, kBackgroundEntity + index, 0, -1);
}

void Arrivals::open_background_call(double now, std::uint64_t entity, int forced_priority, int forced_zone) {
  const std::uint32_t slot = calls_.open(now, context_.in_window(now));
  Call& call = calls_[slot];
  call.entity = entity;
  call.kind = CallKind::background;
  RandomStream rng = context_.stream(call.entity, kCallAttributes);
  call.priority = static_cast<std::uint8_t>(
      forced_priority > 0 ? static_cast<std::size_t>(forced_priority) : 1 + engine::sample_discrete(rng, context_.scenario.background.priority_share));
  // Background calls fall in zones by population.
  call.zone = static_cast<std::uint16_t>(forced_zone >= 0 ? static_cast<std::size_t>(forced_zone) : engine::sample_discrete(rng, context_.world.zone_population));
  RandomStream processing = context_.stream(call.entity, kCallProcessing);
  call.ready = now + context_.scenario.background.call_processing.sample(processing);
  // The other error: an ordinary call coded as a crisis, of a type drawn by the crisis shares,
  // and sent by the crisis rules at low perceived risk.
  const double miscoding = context_.scenario.dispatch.other_coded_as_crisis;
  if (miscoding > 0.0) {
    RandomStream taking = context_.stream(call.entity, kCallTaking);
    if (taking.uniform() < miscoding) {
      std::array<double, kCrisisTypeCount> shares{};
      for (std::size_t t = 0; t < kCrisisTypeCount; ++t) shares[t] = context_.scenario.crises.types[t].share;
      call.miscoded = true;
      call.type = static_cast<std::uint8_t>(engine::sample_discrete(taking, shares));
    }
  }
  context_.schedule(call.ready, EventKind::call_ready, slot, call.generation);
}

double Arrivals::crisis_rate_per_minute() const {
  const double per_day = context_.scenario.crises.calls_per_day;
  return per_day > 0.0 ? per_day / engine::kMinutesPerDay : population_.candidate_rate_per_minute();
}

void Arrivals::on_replay_crisis(double now, std::uint32_t position) {
  const auto& calls = context_.scenario.replay.calls;
  if (position + 1 < replay_crisis_.size()) context_.schedule(calls[replay_crisis_[position + 1]].at, EventKind::crisis_candidate, position + 1);
  const std::uint32_t index = replay_crisis_[position];
  const ReplayCall& replayed = calls[index];
  // The placement stream is keyed by the call, not by what the response did before it, so
  // variants replaying the same period see the same zones (and the same draws for residents).
  const std::uint64_t entity = kReplayEntity + index;
  RandomStream placement = context_.stream(entity, kReplayPlacement);
  const auto zone = static_cast<std::uint16_t>(replayed.zone >= 0 ? static_cast<std::size_t>(replayed.zone)
                                                                  : engine::sample_discrete(placement, context_.world.zone_population));
  // The call happened in that zone even when the resident drawn for it lives elsewhere.
  open_crisis_call(now, entity, population_.pick_resident(zone, placement), replayed.type, replayed.priority, zone);
}

void Arrivals::on_replay_background(double now, std::uint32_t position) {
  const auto& calls = context_.scenario.replay.calls;
  if (position + 1 < replay_background_.size()) context_.schedule(calls[replay_background_[position + 1]].at, EventKind::background_arrival, position + 1);
  const ReplayCall& replayed = calls[replay_background_[position]];
  int zone = replayed.zone;
  if (zone < 0) {
    RandomStream placement = context_.stream(kReplayEntity + replay_background_[position], kReplayPlacement);
    zone = static_cast<int>(engine::sample_discrete(placement, context_.world.zone_population));
  }
  open_background_call(now, kBackgroundEntity + position, replayed.priority, zone);
}

}  // namespace crisis::world::detail
