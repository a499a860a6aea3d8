#include "world/replication/scene.hpp"

#include <algorithm>
#include <cmath>

#include "engine/distributions.hpp"

namespace crisis::world::detail {

using engine::RandomStream;

void Scene::on_unit_arrives(double now, std::uint32_t unit_index) {
  const Unit& unit = dispatcher_.unit(unit_index);
  const std::uint32_t slot = unit.call;
  const UnitTypeSpec& type = context_.plan.unit_types[unit.type];
  Call& call = calls_[slot];
  if (call.kind == CallKind::backup) {
    Call& root = calls_[call.parent];
    note_attendance(root, unit.type, now);
    call.on_scene = now;
    RandomStream rng = context_.stream(call.entity, kBackupScene);
    context_.schedule(now + type.on_scene[root.type].sample(rng), EventKind::scene_done, unit_index);
    return;
  }
  if (call.stage == Stage::line) {
    tally_.on_line_answered(call, now);
    RandomStream rng = context_.stream(call.entity, kPhone);
    context_.schedule(now + type.on_scene[call.type].sample(rng), EventKind::scene_done, unit_index);
    return;
  }
  if (std::isnan(call.on_scene)) {
    call.on_scene = now;
    call.field_type = static_cast<std::int16_t>(unit.type);
  }
  if (call.kind == CallKind::crisis) note_attendance(call, unit.type, now);
  RandomStream rng = context_.stream(call.entity, kScene);
  const double scene = call.kind == CallKind::crisis ? type.on_scene[call.type].sample(rng)
                                                     : context_.scenario.background.service[call.priority - 1u].sample(rng);
  if (std::isnan(call.scene_end)) call.scene_end = now + scene;
  const auto& backup_options = context_.plan.backup_options[unit.type];
  const bool backup_on_duty = dispatcher_.any_on_duty(backup_options);
  if (call.kind == CallKind::crisis && backup_on_duty) {
    // Mid-incident the unit may ask for a second unit: by its outcome table's rate, and
    // more often when the true risk turns out high (triage error sent the wrong unit).
    double p = type.outcomes[call.type].backup;
    if (call.true_risk == 2) p = 1.0 - (1.0 - p) * (1.0 - type.backup_if_high_risk);
    RandomStream backup_rng = context_.stream(call.entity, kBackup);
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
      dispatcher_.on_call_ready(now, backup);
      return;  // the scene now ends when the backup has dealt with it
    }
  }
  context_.schedule(now + scene, EventKind::scene_done, unit_index);
}

// Who reached a crisis call: police (for the counterfactual of responses avoided) and the
// first specialist (the caller waited for the first unit; the specialist came at this time).
void Scene::note_attendance(Call& root, std::size_t unit_type, double now) {
  if (context_.plan.unit_types[unit_type].officers > 0) root.police_attended = true;
  if (std::isnan(root.specialist_on_scene) && dispatcher_.is_specialist(root, unit_type)) root.specialist_on_scene = now;
}

void Scene::on_scene_done(double now, std::uint32_t unit_index) {
  const Unit& unit = dispatcher_.unit(unit_index);
  const std::uint32_t slot = unit.call;
  Call& call = calls_[slot];
  switch (call.kind) {
    case CallKind::background:
      context_.schedule(now, EventKind::unit_free, unit_index);
      return;
    case CallKind::backup: {
      // The backup takes over: the outcome is its unit's, and the first unit is released.
      const std::uint32_t root_slot = call.parent;
      const double busy_until = resolve_outcome(now, root_slot, unit);
      context_.schedule(now, EventKind::unit_free, static_cast<std::uint32_t>(calls_[root_slot].unit));
      context_.schedule(busy_until, EventKind::unit_free, unit_index);
      return;
    }
    case CallKind::crisis: break;
  }
  if (call.stage == Stage::line) {
    RandomStream rng = context_.stream(call.entity, kPhoneResolution);
    if (rng.uniform() < context_.plan.routing.phone_resolution[call.type]) {
      call.resolved_by_phone = true;
      (void)resolve_outcome(now, slot, unit);
    } else {
      call.stage = Stage::field;  // the line sends a team (or 911)
      call.from_line = true;
      call.field_pending = true;
      context_.schedule(now, EventKind::call_ready, slot, call.generation);
    }
    context_.schedule(now, EventKind::unit_free, unit_index);
    return;
  }
  context_.schedule(resolve_outcome(now, slot, unit), EventKind::unit_free, unit_index);
}

// Draw the outcome of crisis call `root_slot` as handled by `unit`, update the resident and
// costs, and return when the unit is free again (after any transport and hand-off).
double Scene::resolve_outcome(double now, std::uint32_t root_slot, const Unit& unit) {
  Call& call = calls_[root_slot];
  const UnitTypeSpec& type = context_.plan.unit_types[unit.type];
  const OutcomeRow& row = type.outcomes[call.type];
  call.deciding_type = static_cast<std::int16_t>(unit.type);
  RandomStream rng = context_.stream(call.entity, kOutcome);
  auto disposition = static_cast<Disposition>(engine::sample_discrete(rng, row.disposition));
  const double force_u = rng.uniform();
  const double injury_u = rng.uniform();
  const double risk_factor = call.true_risk == 2 ? type.high_risk_force_multiplier : 1.0;
  call.use_of_force = call.use_of_force || force_u < std::min(1.0, row.use_of_force * risk_factor);
  call.injury = call.injury || injury_u < std::min(1.0, row.injury * risk_factor);

  const FacilitiesConfig& facilities = context_.scenario.facilities;
  if (disposition == Disposition::crisis_centre) {
    const bool exists = facilities.crisis_centre.has_value();
    const bool full = exists && population_.crisis_centre_full();
    if (!exists || full) disposition = Disposition::ed_voluntary;  // no bed: the ED is the fallback
  }
  call.disposition = static_cast<std::int8_t>(disposition);

  RandomStream transport = context_.stream(call.entity, kTransport);
  RandomStream stay = context_.stream(call.entity, kResidentStay);
  const ResidentConfig& residents = context_.scenario.residents;
  const CostConfig& costs = context_.scenario.costs;
  int facility = -1;
  const FacilitySpec* spec = nullptr;
  ResidentState next_state = ResidentState::community;
  double stay_min = 0.0;
  double engage_probability = 0.0;
  switch (disposition) {
    case Disposition::resolved: break;
    case Disposition::referral: engage_probability = residents.engagement_after_referral; break;
    case Disposition::crisis_centre:
      facility = context_.world.facility_zone[2];
      spec = &*facilities.crisis_centre;
      next_state = ResidentState::in_crisis_centre;
      stay_min = residents.crisis_centre_stay.sample(stay);
      engage_probability = residents.engagement_after_crisis_centre;
      population_.admit_to_crisis_centre();
      tally_.on_outcome_cost(call, costs.crisis_centre_admission);
      break;
    case Disposition::ed_voluntary:
    case Disposition::ed_detention: {
      const bool detained = disposition == Disposition::ed_detention;
      facility = context_.world.facility_zone[0];
      spec = &facilities.emergency_department;
      next_state = detained ? ResidentState::detained : ResidentState::at_ed;
      stay_min = (detained ? residents.detention_stay : residents.ed_stay).sample(stay);
      engage_probability = residents.engagement_after_ed;
      tally_.on_outcome_cost(call, detained ? costs.ed_visit + costs.ed_detention : costs.ed_visit);
      break;
    }
    case Disposition::arrest:
      facility = context_.world.facility_zone[1];
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
    const double mean = context_.world.travel_mean_min(call.zone, facility);
    const double travel = mean > 0.0 ? engine::sample_lognormal(transport, mean, mean * context_.scenario.travel.noise_cv) : 0.0;
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

void Scene::on_abandon(double now, std::uint32_t slot) {
  dispatcher_.remove_waiting(slot);
  Call& call = calls_[slot];
  call.abandoned = true;
  RandomStream rng = context_.stream(call.entity, kAbandonChoice);
  if (rng.uniform() < context_.plan.routing.abandoned_call_911) {
    call.stage = Stage::field;  // hangs up on the line and calls 911
    RandomStream processing = context_.stream(call.entity, kCallProcessing);
    call.ready = now + context_.scenario.crises.call_processing.sample(processing);
    context_.schedule(call.ready, EventKind::call_ready, slot, call.generation);
    return;
  }
  population_.set_state(now, call.resident, ResidentState::community, 0.0);
  finalize_call(now, slot);
}

void Scene::on_unit_free(double now, std::uint32_t unit_index) {
  const Unit& unit = dispatcher_.unit(unit_index);
  const std::uint32_t slot = unit.call;
  const UnitTypeSpec& type = context_.plan.unit_types[unit.type];
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
}

// The call is over: count it in the measures (when it arrived in the window) and free its slot.
void Scene::finalize_call(double now, std::uint32_t slot) {
  const Call& call = calls_[slot];
  tally_.on_call_closed(call, now, call.kind == CallKind::crisis ? population_.group(call.resident) : 0);
  calls_.close(slot);
}

}  // namespace crisis::world::detail
