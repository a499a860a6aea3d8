#pragma once
/// \file
/// The measures of one replication, accumulated from the events the other parts report:
/// the tally observes the simulation and never changes it.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "engine/statistics.hpp"
#include "world/replication/calls.hpp"
#include "world/replication/context.hpp"

namespace crisis::world::detail {

/// Observes a replication's events and turns them into World::measure_names() values (and
/// calls.csv records when asked). Only calls that arrived in the window count in measures;
/// time is clipped to the window.
class Tally {
 public:
  Tally(const Context& context, bool record_calls);

  /// A crisis-line worker picked up `call` at `now`.
  void on_line_answered(const Call& call, double now);
  /// A unit of `type` was busy over [start, end).
  void on_unit_busy(std::size_t type, double start, double end);
  /// A unit of `type` worked past its shift over [start, end).
  void on_overtime(std::size_t type, double start, double end);
  /// An outcome of `call` cost `amount` (ED visit, booking, bed, injury).
  void on_outcome_cost(const Call& call, double amount);
  /// `call` closed at `now`; `group` is its resident's group (crisis calls).
  void on_call_closed(const Call& call, double now, std::size_t group);

  /// Fill `result` (measures, call records, busy minutes by hour); `engaged_share` is the
  /// residents' state at the end.
  void finish(ReplicationResult& result, double engaged_share);
  /// Empty when the accumulated time is consistent with the rosters, else what is wrong.
  [[nodiscard]] std::string invariant_problem() const;

 private:
  const Context& context_;
  bool record_calls_;
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

}  // namespace crisis::world::detail
