#include "world/replication/tally.hpp"

#include <algorithm>
#include <cmath>

#include "world/measures.hpp"

namespace crisis::world::detail {
namespace {

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

double per_thousand(double count, double calls) { return calls > 0 ? 1000.0 * count / calls : kNaN; }
double share(double count, double calls) { return calls > 0 ? count / calls : kNaN; }
double mean_of(const std::vector<double>& values) {
  if (values.empty()) return kNaN;
  double total = 0.0;
  for (double v : values) total += v;
  return total / static_cast<double>(values.size());
}
double quantile_of(std::vector<double>& values, double p) { return engine::quantile(values, p); }

}  // namespace

Tally::Tally(const Context& context, bool record_calls) : context_(context), record_calls_(record_calls) {
  const std::size_t types = context_.plan.unit_types.size();
  busy_minutes_.assign(types, 0.0);
  busy_by_hour_.assign(types * static_cast<std::size_t>(engine::kHoursPerWeek), 0.0);
  overtime_minutes_.assign(types, 0.0);
  answered_by_type_.assign(types, 0.0);
  unit_response_.assign(types, {});
  unit_within_target_.assign(types, 0.0);
  const std::size_t zones = context_.scenario.zones.size();
  const std::size_t groups = context_.scenario.residents.groups.size();
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
}

void Tally::on_line_answered(const Call& call, double now) {
  if (!call.in_window) return;
  line_wait_.add(now - call.ready);
  line_answered_ += 1;
}

void Tally::on_unit_busy(std::size_t type, double start, double end) {
  const World& world = context_.world;
  busy_minutes_[type] += window_overlap(start, end, world.window_start_min, world.window_end_min);
  add_by_hour_of_week(&busy_by_hour_[type * static_cast<std::size_t>(engine::kHoursPerWeek)], start, end, world.window_start_min,
                      world.window_end_min);
}

void Tally::on_overtime(std::size_t type, double start, double end) {
  overtime_minutes_[type] += window_overlap(start, end, context_.world.window_start_min, context_.world.window_end_min);
}

void Tally::on_outcome_cost(const Call& call, double amount) {
  if (call.in_window) outcome_cost_ += amount;
}

void Tally::on_call_closed(const Call& call, double now, std::size_t group) {
  const double response = call.on_scene - call.arrival;  // NaN when no unit went out
  const bool attended = std::isfinite(response);
  if (call.in_window && call.kind == CallKind::crisis) {
    const double target = context_.scenario.targets.response_min[call.priority - 1u];
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
      const double unit_target = context_.plan.unit_types[field_type].response_target_min;
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
    const double target = context_.scenario.targets.response_min[call.priority - 1u];
    background_calls_ += 1;
    background_response_.push_back(response);
    background_response_by_priority_[call.priority - 1u].push_back(response);
    background_wait_.add(call.dispatched - call.ready);
    if (response > target) background_past_target_ += 1;
    if (call.queued) background_queued_ += 1;
  }
  if (record_calls_) {
    CallRecord record;
    record.replication = context_.replication;
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
}

void Tally::finish(ReplicationResult& result, double engaged_share) {
  const auto& ix = context_.world.indices();
  std::vector<double>& m = result.measures;
  m.assign(context_.world.measure_names().size(), kNaN);
  const double calls = crisis_calls_;
  const double days = context_.scenario.run.horizon_days;
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
  for (std::size_t t = 0; t < context_.plan.unit_types.size(); ++t) {
    const double on_duty = context_.world.on_duty_minutes_in_window[t];
    m[ix.utilisation[t]] = on_duty > 0 ? busy_minutes_[t] / on_duty : kNaN;
    m[ix.overtime_hours[t]] = overtime_minutes_[t] / 60.0;
    m[ix.calls_answered[t]] = answered_by_type_[t];
    m[ix.unit_response_mean[t]] = unit_response_[t].mean();
    if (ix.unit_within_target[t] != kNoIndex) {
      m[ix.unit_within_target[t]] = share(unit_within_target_[t], static_cast<double>(unit_response_[t].count()));
    }
    const double per_minute = context_.plan.unit_types[t].cost_per_hour / 60.0;
    staff_cost += on_duty * per_minute + overtime_minutes_[t] * per_minute * context_.scenario.costs.overtime_multiplier;
  }
  double fixed = 0.0;
  for (const FixedCost& cost : context_.plan.fixed_costs) fixed += cost.annual * days / 365.0;
  m[ix.cost_staff] = staff_cost;
  m[ix.cost_outcomes] = outcome_cost_;
  m[ix.cost_fixed] = fixed;
  m[ix.cost_total] = staff_cost + outcome_cost_ + fixed;
  m[ix.cost_annual] = (staff_cost + outcome_cost_ + fixed) * 365.0 / days;
  m[ix.cost_per_crisis_call] = calls > 0 ? (staff_cost_crisis_ + outcome_cost_) / calls : kNaN;
  for (std::size_t z = 0; z < context_.scenario.zones.size(); ++z) {
    const double population = context_.scenario.zones[z].population;
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
  m[ix.engaged_share_end] = engaged_share;
  if (record_calls_) result.calls = std::move(records_);
  result.busy_minutes_by_hour_of_week = std::move(busy_by_hour_);
}

std::string Tally::invariant_problem() const {
  std::string problem;  // the last type found, as before the split
  for (std::size_t t = 0; t < busy_minutes_.size(); ++t) {
    if (busy_minutes_[t] > context_.world.on_duty_minutes_in_window[t] + overtime_minutes_[t] + 1e-6) {
      problem = "unit type " + context_.plan.unit_types[t].name + " was busy longer than on duty plus overtime";
    }
  }
  return problem;
}

}  // namespace crisis::world::detail
