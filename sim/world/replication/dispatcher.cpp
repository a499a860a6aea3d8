#include "world/replication/dispatcher.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "engine/distributions.hpp"
#include "engine/errors.hpp"

namespace crisis::world::detail {
namespace {

using engine::RandomStream;

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

// Where the last tier of `options` starts (0 for a list of one tier).
std::size_t last_tier_start(const std::vector<DispatchOption>& options) {
  std::size_t start = 0;
  while (start < options.size()) {
    const std::size_t end = tier_end(options, start);
    if (end >= options.size()) break;
    start = end;
  }
  return start;
}

std::vector<DispatchOption> last_tier(const std::vector<DispatchOption>& options) {
  return {options.begin() + static_cast<std::ptrdiff_t>(last_tier_start(options)), options.end()};
}

}  // namespace

Dispatcher::Dispatcher(Context& context, CallBook& calls, Tally& tally) : context_(context), calls_(calls), tally_(tally) {
  if (context_.plan.routing.crisis_line_unit_type >= 0) line_options_.push_back(DispatchOption{context_.plan.routing.crisis_line_unit_type});
  const std::size_t types = context_.plan.unit_types.size();
  units_of_type_.assign(types, {});
  available_.assign(types, {});
  for (std::size_t t = 0; t < types; ++t) {
    for (int i = 0; i < context_.world.unit_count[t]; ++i) {
      Unit unit;
      unit.type = static_cast<std::uint16_t>(t);
      unit.base_zone = context_.world.unit_base_zone[t][static_cast<std::size_t>(i)];
      units_of_type_[t].push_back(static_cast<int>(units_.size()));
      units_.push_back(unit);
    }
  }
  on_duty_count_.assign(types, 0);
  for (std::size_t t = 0; t < kCrisisTypeCount; ++t) {
    for (std::size_t r = 0; r < kRiskLevelCount; ++r) {
      last_tier_crisis_[t][r] = last_tier(context_.plan.dispatch.crisis[t][r]);
      last_tier_after_phone_[t][r] = last_tier(context_.plan.routing.after_phone[t][r]);
    }
  }
}

void Dispatcher::on_hour_tick(double now) {
  const auto hour = static_cast<std::size_t>(engine::hour_of_week(now + 1e-9));
  for (std::size_t t = 0; t < context_.plan.unit_types.size(); ++t) {
    const int wanted = context_.plan.unit_types[t].roster[hour];
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
  rewiden_waiting(now);
  if (now + engine::kMinutesPerHour < context_.world.window_end_min || calls_.open_count() > 0) {
    context_.schedule(now + engine::kMinutesPerHour, EventKind::hour_tick, 0);
  }
}

// The crisis list of a field call: after the phone when the line sent it and has a list,
// else the 911 table.
const std::vector<DispatchOption>& Dispatcher::field_list(const Call& call) const {
  if (call.from_line && !context_.plan.routing.after_phone[call.type][call.perceived_risk].empty()) {
    return context_.plan.routing.after_phone[call.type][call.perceived_risk];
  }
  return context_.plan.dispatch.crisis[call.type][call.perceived_risk];
}

const std::vector<DispatchOption>& Dispatcher::options_for(const Call& call) const {
  switch (call.kind) {
    case CallKind::backup: return context_.plan.backup_options[call.backup_of_type];
    case CallKind::background:
      // An ordinary call coded as a crisis goes by the crisis rules for its coded type.
      if (call.miscoded) return context_.plan.dispatch.crisis[call.type][0];
      return context_.plan.dispatch.background[call.priority - 1u];
    case CallKind::crisis: break;
  }
  if (call.stage == Stage::line) return line_options_;
  // A crisis coded as an ordinary call is sent as one (Koziarski, evidence.md section 4).
  if (call.miscoded) return context_.plan.dispatch.background[call.priority - 1u];
  if (call.not_offered) {
    const bool after_phone = call.from_line && !context_.plan.routing.after_phone[call.type][call.perceived_risk].empty();
    return after_phone ? last_tier_after_phone_[call.type][call.perceived_risk] : last_tier_crisis_[call.type][call.perceived_risk];
  }
  return field_list(call);
}

// Dispatchers do not hold a priority-1 or perceived high-risk call for a specialist (issue
// #14): every option on its list is acceptable at once, and the nearest free unit of any of
// them is sent, unless the scenario says they may wait.
bool Dispatcher::urgent(const Call& call) const {
  if (context_.scenario.dispatch.hold_urgent_for_specialist) return false;
  if (call.kind == CallKind::backup || call.stage == Stage::line) return false;
  return call.priority == 1 || (call.kind == CallKind::crisis && call.perceived_risk == 2);
}

// Routing compliance (B-HEARD, evidence.md section 3): an eligible call is offered to the
// alternative with the scenario's probability for its type; the draw is made only when that
// is below 1, so scenarios without compliance keep their streams.
void Dispatcher::decide_offer(Call& call) {
  if (call.kind != CallKind::crisis || call.stage != Stage::field || call.miscoded) return;
  const auto& list = field_list(call);
  call.eligible = tier_end(list, 0) < list.size();
  if (!call.eligible) return;
  const double compliance = context_.scenario.dispatch.compliance[call.type];
  if (compliance >= 1.0) return;
  RandomStream rng = context_.stream(call.entity, kCompliance);
  call.not_offered = rng.uniform() >= compliance;
}

bool Dispatcher::is_specialist(const Call& root, std::size_t unit_type) const {
  const UnitTypeSpec& type = context_.plan.unit_types[unit_type];
  if (type.phone) return false;
  if (type.clinicians > 0) return true;
  if (root.kind != CallKind::crisis || !root.eligible) return false;
  const auto& list = field_list(root);
  const std::size_t start = last_tier_start(list);
  for (std::size_t i = 0; i < start; ++i) {
    if (static_cast<std::size_t>(list[i].unit_type) == unit_type) return true;
  }
  return false;
}

// After the rosters changed: a waiting call whose acceptable tiers now have nobody on duty
// is widened at once (the dispatcher knows who is on duty this hour, issue #14).
void Dispatcher::rewiden_waiting(double now) {
  for (std::size_t w = 0; w < waiting_.size();) {
    const std::uint32_t slot = waiting_[w];
    Call& call = calls_[slot];
    const auto& options = options_for(call);
    const std::size_t widened = call.stage == Stage::line ? call.allowed_options : open_tiers(options, call.allowed_options);
    if (widened != call.allowed_options) {
      call.allowed_options = static_cast<std::uint8_t>(widened);
      if (try_dispatch(now, slot)) {
        waiting_.erase(waiting_.begin() + static_cast<std::ptrdiff_t>(w));
        continue;
      }
    }
    ++w;
  }
}

// One past the tiers that are acceptable now: the first tier, widened past every tier none of
// whose unit types has anyone on duty (waiting for a team that is off shift helps nobody).
std::size_t Dispatcher::open_tiers(const std::vector<DispatchOption>& options, std::size_t allowed) const {
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

void Dispatcher::on_call_ready(double now, std::uint32_t slot) {
  decide_offer(calls_[slot]);
  const auto& options = options_for(calls_[slot]);
  if (options.empty()) {
    throw InvariantError("a call has no unit type to send (replication " + std::to_string(context_.replication) + ", seed " +
                         std::to_string(context_.seed) + "): a model left a dispatch list empty");
  }
  calls_[slot].allowed_options =
      static_cast<std::uint8_t>(urgent(calls_[slot]) ? options.size() : open_tiers(options, tier_end(options, 0)));
  if (try_dispatch(now, slot)) return;
  Call& call = calls_[slot];
  waiting_.push_back(slot);
  if (call.stage == Stage::line) {
    RandomStream rng = context_.stream(call.entity, kPatience);
    context_.schedule(now + context_.plan.routing.patience.sample(rng), EventKind::abandon, slot, call.generation);
  } else {
    call.queued = true;
  }
  if (call.kind == CallKind::backup) {
    const double give_up = context_.plan.backup_give_up_min[call.backup_of_type];
    if (std::isfinite(give_up)) context_.schedule(now + give_up, EventKind::backup_give_up, slot, call.generation);
  }
  const double limit = options[call.allowed_options - 1u].wait_limit;
  if (call.allowed_options < options.size() && std::isfinite(limit)) {
    context_.schedule(now + limit, EventKind::fallback, slot, call.generation);
  }
}

void Dispatcher::on_fallback(double now, std::uint32_t slot) {
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
    context_.schedule(now + limit, EventKind::fallback, slot, call.generation);
  }
}

void Dispatcher::remove_waiting(std::uint32_t slot) {
  const auto found = std::find(waiting_.begin(), waiting_.end(), slot);
  if (found != waiting_.end()) waiting_.erase(found);
}

void Dispatcher::on_backup_give_up(double now, std::uint32_t slot) {
  // Nobody came in time: the unit on scene carries on alone.
  remove_waiting(slot);
  const std::uint32_t root_slot = calls_[slot].parent;
  calls_.close(slot);
  Call& root = calls_[root_slot];
  root.backup_slot = -1;
  context_.schedule(std::max(now, root.primary_scene_end), EventKind::scene_done, static_cast<std::uint32_t>(root.unit));
}

int Dispatcher::nearest_available(int unit_type, std::uint16_t zone) const {
  int best = -1;
  const bool phone = context_.plan.unit_types[static_cast<std::size_t>(unit_type)].phone;
  double best_time = std::numeric_limits<double>::infinity();
  for (int u : available_[static_cast<std::size_t>(unit_type)]) {
    const double t = phone ? 0.0 : context_.world.travel_mean_min(units_[static_cast<std::size_t>(u)].base_zone, zone);
    if (t < best_time || (t == best_time && u < best)) {
      best_time = t;
      best = u;
    }
  }
  return best;
}

bool Dispatcher::try_dispatch(double now, std::uint32_t slot) {
  const Call& call = calls_[slot];
  const auto& options = options_for(call);
  const std::size_t allowed = std::min<std::size_t>(call.allowed_options, options.size());
  // An urgent call takes the nearest free unit of any type on its list (one tier).
  const bool one_tier = urgent(call);
  for (std::size_t begin = 0; begin < allowed;) {
    const std::size_t end = one_tier ? allowed : std::min(tier_end(options, begin), allowed);
    int best = -1;
    double best_time = std::numeric_limits<double>::infinity();
    for (std::size_t i = begin; i < end; ++i) {
      const int unit = nearest_available(options[i].unit_type, call.zone);
      if (unit < 0) continue;
      const Unit& candidate = units_[static_cast<std::size_t>(unit)];
      const double t = context_.plan.unit_types[candidate.type].phone ? 0.0 : context_.world.travel_mean_min(candidate.base_zone, call.zone);
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

void Dispatcher::make_available(int unit_index) {
  Unit& unit = units_[static_cast<std::size_t>(unit_index)];
  if (unit.available_slot >= 0) return;
  auto& list = available_[unit.type];
  unit.available_slot = static_cast<std::int32_t>(list.size());
  list.push_back(unit_index);
}

void Dispatcher::make_unavailable(int unit_index) {
  Unit& unit = units_[static_cast<std::size_t>(unit_index)];
  if (unit.available_slot < 0) return;
  auto& list = available_[unit.type];
  const int moved = list.back();
  list[static_cast<std::size_t>(unit.available_slot)] = moved;
  units_[static_cast<std::size_t>(moved)].available_slot = unit.available_slot;
  list.pop_back();
  unit.available_slot = -1;
}

void Dispatcher::assign(double now, std::uint32_t slot, int unit_index) {
  Call& call = calls_[slot];
  Unit& unit = units_[static_cast<std::size_t>(unit_index)];
  const UnitTypeSpec& type = context_.plan.unit_types[unit.type];
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
      if (root.eligible && &root == &call) {
        const auto& list = field_list(root);
        const std::size_t start = last_tier_start(list);
        for (std::size_t i = 0; i < start; ++i) root.served_by_alternative = root.served_by_alternative || list[i].unit_type == unit.type;
      }
    }
  }
  double travel = 0.0;
  if (!type.phone) {
    RandomStream rng = context_.stream(call.entity, call.kind == CallKind::backup ? kBackupTravel : kTravel);
    const double mean = context_.world.travel_mean_min(unit.base_zone, call.zone);
    travel = mean > 0.0 ? engine::sample_lognormal(rng, mean, mean * context_.scenario.travel.noise_cv) : 0.0;
  }
  context_.schedule(now + travel, EventKind::unit_arrives, static_cast<std::uint32_t>(unit_index));
}

void Dispatcher::serve_queue(double now, int unit_index) {
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

void Dispatcher::clock_off(double now, std::uint32_t unit_index) {
  const Unit& unit = units_[unit_index];
  tally_.on_unit_busy(unit.type, unit.busy_since, now);
}

void Dispatcher::release(double now, std::uint32_t unit_index) {
  Unit& unit = units_[unit_index];
  unit.busy = false;
  if (!unit.on_duty) {
    tally_.on_overtime(unit.type, unit.off_duty_since, now);
    unit.off_duty_since = kNaN;
    return;
  }
  make_available(static_cast<int>(unit_index));
  serve_queue(now, static_cast<int>(unit_index));
}

bool Dispatcher::any_on_duty(const std::vector<DispatchOption>& options) const {
  return std::any_of(options.begin(), options.end(), [&](const DispatchOption& option) {
    return on_duty_count_[static_cast<std::size_t>(option.unit_type)] > 0;
  });
}

std::string Dispatcher::invariant_problem() const {
  if (!waiting_.empty()) return std::to_string(waiting_.size()) + " calls still waiting";
  if (std::any_of(units_.begin(), units_.end(), [](const Unit& u) { return u.busy; })) return "a unit is still busy";
  return {};
}

}  // namespace crisis::world::detail
