#pragma once
/// \file
/// The measures of one replication, accumulated from the events the other parts report:
/// the tally observes the simulation and never changes it. It hands each observation to the
/// accumulator of every measure family (sim/world/measures/), and keeps the two outputs that
/// are not measures: calls.csv records and busy minutes by hour of the week.

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "world/measures/measure.hpp"
#include "world/replication/calls.hpp"
#include "world/replication/context.hpp"

namespace crisis::world::detail {

/// Observes a replication's events for the measure families, in event order.
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

  /// Fill `result` (measures, call records, busy minutes by hour).
  void finish(ReplicationResult& result, const EndOfRun& end);
  /// Empty when what the families accumulated is consistent, else what is wrong.
  [[nodiscard]] std::string invariant_problem() const;

 private:
  const Context& context_;
  bool record_calls_;
  std::vector<std::unique_ptr<MeasureAccumulator>> accumulators_;  // one per family, in table order
  std::vector<double> busy_by_hour_;  // [type * 168 + hour of week], in the window
  std::vector<CallRecord> records_;
};

}  // namespace crisis::world::detail
