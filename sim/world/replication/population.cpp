#include "world/replication/population.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "engine/errors.hpp"

namespace crisis::world::detail {
namespace {

constexpr double kRepeatWindowMin = 90.0 * 1440.0;  // repeat crises: within 90 days of the last
constexpr int kReplayResidentTries = 64;             // draws for a resident who can be in crisis

}  // namespace

Population::Population(Context& context) : context_(context) {
  const Scenario& scenario = context_.scenario;
  const ResidentConfig& config = scenario.residents;
  double total_population = 0.0;
  for (const Zone& zone : scenario.zones) total_population += zone.population * zone.prevalence;
  const auto agents = static_cast<std::size_t>(std::llround(total_population * config.share_with_needs));
  residents_.assign(agents, Resident{});
  if (agents == 0) return;
  // Zones get contiguous blocks of agents in proportion to population x prevalence.
  std::size_t next = 0;
  double cumulative = 0.0;
  for (std::size_t z = 0; z < scenario.zones.size(); ++z) {
    cumulative += context_.world.resident_share_by_zone[z];
    const auto end = z + 1 == scenario.zones.size() ? agents : static_cast<std::size_t>(std::llround(cumulative * static_cast<double>(agents)));
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
    engine::RandomStream rng = context_.stream(kResidentEntity + i, kResidentFrailty);
    const double shape = config.frailty_shape;
    const double group_multiplier = config.groups.empty() ? 1.0 : config.groups[residents_[i].group].rate_multiplier;
    rates[i] = config.crises_per_year * group_multiplier * engine::sample_gamma(rng, shape, 1.0 / shape);
    total_rate += rates[i];
  }
  // Replayed calls and flat arrivals (crises.calls_per_day) both place a call on a resident
  // of a given zone, with no candidate process of their own.
  if (scenario.replay.enabled || scenario.crises.calls_per_day > 0.0) {
    build_replay_pickers(rates);
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

// Replayed crises fall on a resident of the call's zone, drawn by personal rate (uniformly
// when the zone's rates are all zero).
void Population::build_replay_pickers(const std::vector<double>& rates) {
  const std::size_t zones = context_.scenario.zones.size();
  const std::size_t agents = residents_.size();
  zone_first_resident_.assign(zones + 1, agents);
  for (std::size_t i = agents; i-- > 0;) zone_first_resident_[residents_[i].zone] = i;
  for (std::size_t z = zones; z-- > 0;) zone_first_resident_[z] = std::min(zone_first_resident_[z], zone_first_resident_[z + 1]);
  zone_resident_picker_.resize(zones);
  for (std::size_t z = 0; z < zones; ++z) {
    const std::size_t first = zone_first_resident_[z];
    const std::size_t last = zone_first_resident_[z + 1];
    if (first == last) continue;
    std::vector<double> weights(rates.begin() + static_cast<std::ptrdiff_t>(first), rates.begin() + static_cast<std::ptrdiff_t>(last));
    double zone_total = 0.0;
    for (double w : weights) zone_total += w;
    if (!(zone_total > 0.0)) std::fill(weights.begin(), weights.end(), 1.0);
    zone_resident_picker_[z] = engine::AliasTable(weights);
  }
}

std::int64_t Population::draw_candidate(engine::RandomStream& rng) const {
  const std::uint32_t who = resident_picker_.sample(rng);
  const double accept = rng.uniform();
  if (accept * max_multiplier_ >= multiplier(residents_[who].state)) return -1;  // thinned
  return who;
}

// A resident of `zone` who can have a crisis now, drawn by personal rate (Lewis-Shedler
// acceptance on the state multiplier, as for simulated crises). If every draw is of someone
// who cannot (in hospital, jail or already in crisis), the last one drawn takes the call: the
// call happened, and is never dropped. A zone without residents borrows one from anywhere.
std::uint32_t Population::pick_resident(std::uint16_t zone, engine::RandomStream& rng) const {
  if (residents_.empty()) {
    throw InvariantError("a replayed or flat-rate crisis call needs a resident, and the scenario has none");
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
    if (rng.uniform() * max_multiplier_ < multiplier(residents_[who].state)) break;
  }
  return who;
}

bool Population::begin_crisis(double now, std::uint32_t who) {
  Resident& resident = residents_[who];
  // A repeat crisis: the same resident called within the last 90 days (kRepeatWindowMin).
  const bool repeat = resident.last_crisis_min >= 0.0F && now - resident.last_crisis_min <= kRepeatWindowMin;
  resident.last_crisis_min = static_cast<float>(now);
  if (resident.crises < std::numeric_limits<std::uint16_t>::max()) ++resident.crises;
  set_state(now, who, ResidentState::in_crisis, kNaN);
  return repeat;
}

bool Population::crisis_centre_full() const {
  const auto& centre = context_.scenario.facilities.crisis_centre;
  return centre.has_value() && centre->beds > 0 && crisis_centre_occupancy_ >= centre->beds;
}

double Population::multiplier(ResidentState state) const {
  switch (state) {
    case ResidentState::community: return 1.0;
    case ResidentState::engaged: return context_.scenario.residents.engaged_rate_multiplier;
    default: return 0.0;  // in crisis, in hospital, in jail or in the crisis centre: no new crisis call
  }
}

void Population::set_state(double now, std::uint32_t who, ResidentState state, double stay_min) {
  Resident& resident = residents_[who];
  if (resident.state == ResidentState::in_crisis_centre && state != ResidentState::in_crisis_centre) --crisis_centre_occupancy_;
  ++resident.generation;
  resident.state = state;
  if (state == ResidentState::in_crisis) return;  // ends when the response does
  if (state == ResidentState::community) {
    if (resident.engage_on_return) on_return(now, who);
    return;
  }
  const double until = now + stay_min;
  if (until < context_.world.window_end_min) context_.schedule(until, EventKind::resident_return, who, resident.generation);
}

void Population::on_return(double now, std::uint32_t who) {
  Resident& resident = residents_[who];
  if (resident.state == ResidentState::in_crisis_centre) --crisis_centre_occupancy_;
  if (resident.state != ResidentState::engaged && resident.engage_on_return) {
    resident.engage_on_return = false;
    ++resident.generation;
    resident.state = ResidentState::engaged;
    // One stream per (resident, engagement): keyed by the resident's crisis count.
    engine::RandomStream rng(context_.key(kResidentEntity + who, kResidentStay + 256ULL * resident.crises));
    const double until = now + context_.scenario.residents.engagement_duration.sample(rng);
    if (until < context_.world.window_end_min) context_.schedule(until, EventKind::resident_return, who, resident.generation);
    return;
  }
  ++resident.generation;
  resident.state = ResidentState::community;
}

double Population::engaged_share() const {
  double engaged = 0.0;
  for (const Resident& resident : residents_) engaged += resident.state == ResidentState::engaged ? 1.0 : 0.0;
  return residents_.empty() ? kNaN : engaged / static_cast<double>(residents_.size());
}

std::string Population::invariant_problem() const {
  return crisis_centre_occupancy_ < 0 ? "crisis centre occupancy went negative" : "";
}

}  // namespace crisis::world::detail
