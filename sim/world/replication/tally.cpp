#include "world/replication/tally.hpp"

#include <algorithm>
#include <cmath>

namespace crisis::world::detail {
namespace {

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

}  // namespace

Tally::Tally(const Context& context, bool record_calls) : context_(context), record_calls_(record_calls) {
  for (const auto& family : measure_families()) accumulators_.push_back(family->accumulator(context_.world));
  busy_by_hour_.assign(context_.plan.unit_types.size() * static_cast<std::size_t>(engine::kHoursPerWeek), 0.0);
}

void Tally::on_line_answered(const Call& call, double now) {
  for (auto& accumulator : accumulators_) accumulator->on_line_answered(call, now);
}

void Tally::on_unit_busy(std::size_t type, double start, double end) {
  for (auto& accumulator : accumulators_) accumulator->on_unit_busy(type, start, end);
  const World& world = context_.world;
  add_by_hour_of_week(&busy_by_hour_[type * static_cast<std::size_t>(engine::kHoursPerWeek)], start, end, world.window_start_min,
                      world.window_end_min);
}

void Tally::on_overtime(std::size_t type, double start, double end) {
  for (auto& accumulator : accumulators_) accumulator->on_overtime(type, start, end);
}

void Tally::on_outcome_cost(const Call& call, double amount) {
  for (auto& accumulator : accumulators_) accumulator->on_outcome_cost(call, amount);
}

void Tally::on_call_closed(const Call& call, double now, std::size_t group) {
  for (auto& accumulator : accumulators_) accumulator->on_call_closed(call, now, group);
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

void Tally::finish(ReplicationResult& result, const EndOfRun& end) {
  const MeasureLayout& layout = context_.world.measure_layout();
  result.measures.assign(layout.names.size(), kNaN);
  for (std::size_t f = 0; f < accumulators_.size(); ++f) accumulators_[f]->finish(end, result.measures.data() + layout.family_first[f]);
  if (record_calls_) result.calls = std::move(records_);
  result.busy_minutes_by_hour_of_week = std::move(busy_by_hour_);
}

std::string Tally::invariant_problem() const {
  for (const auto& accumulator : accumulators_) {
    std::string problem = accumulator->invariant_problem();
    if (!problem.empty()) return problem;
  }
  return {};
}

}  // namespace crisis::world::detail
