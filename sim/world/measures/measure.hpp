#pragma once
/// \file
/// Measures as observers of a replication (STYLE.md: OpenMC's tallies). A measure family
/// declares its columns (name, unit, one line of documentation) and makes, for each
/// replication, an accumulator that observes the events the parts report and writes the
/// family's values at the end. A new measure: one file defining a family, one line in the
/// table of measures/registry.cpp, and its row in docs/scenario-format.md (tests/docs_keys_test).

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "engine/statistics.hpp"
#include "world/replication/calls.hpp"
#include "world/world.hpp"

namespace crisis::world::detail {

/// One output column: its name in World::measure_names(), its unit and what it means.
struct MeasureColumn {
  std::string name;
  std::string unit;  ///< e.g. "calls", "min", "share", "per 1000 crisis calls", "currency"
  std::string doc;   ///< one line
};

/// Facts only known when the replication has ended.
struct EndOfRun {
  double engaged_share = kNaN;  ///< residents engaged with care at the end; NaN without residents
  /// Calls that arrived in the window and were still open when the replication stopped (an
  /// overloaded system: the drain after the window ran out); 0 when every call closed.
  double calls_open_at_end = 0.0;
  /// Of those, crisis calls no unit had been sent to.
  double crisis_calls_unserved = 0.0;
};

/// One replication's accumulator of one family. Observations arrive in event order; only calls
/// that arrived in the window (Call::in_window) should count, and times are not yet clipped.
class MeasureAccumulator {
 public:
  virtual ~MeasureAccumulator() = default;
  /// A crisis-line worker picked up `call` at `now`.
  virtual void on_line_answered(const Call& /*call*/, double /*now*/) {}
  /// A unit of `type` was busy over [start, end) minutes.
  virtual void on_unit_busy(std::size_t /*type*/, double /*start*/, double /*end*/) {}
  /// A unit of `type` worked past its shift over [start, end) minutes.
  virtual void on_overtime(std::size_t /*type*/, double /*start*/, double /*end*/) {}
  /// An outcome of `call` cost `amount`.
  virtual void on_outcome_cost(const Call& /*call*/, double /*amount*/) {}
  /// `call` closed at `now`; `group` is its resident's group (crisis calls; 0 otherwise).
  virtual void on_call_closed(const Call& /*call*/, double /*now*/, std::size_t /*group*/) {}
  /// Write the family's values to out[0..n), n and order as declared.
  virtual void finish(const EndOfRun& end, double* out) = 0;
  /// Empty when what it accumulated is consistent, else what is wrong (end-of-run invariant).
  [[nodiscard]] virtual std::string invariant_problem() const { return {}; }
};

/// A family of measures: its columns for a world, and its accumulator for a replication.
class MeasureFamily {
 public:
  virtual ~MeasureFamily() = default;
  /// Append the family's columns for `world`, in output order (the order is part of the
  /// output contract: goldens check it).
  virtual void declare(const World& world, std::vector<MeasureColumn>& columns) const = 0;
  [[nodiscard]] virtual std::unique_ptr<MeasureAccumulator> accumulator(const World& world) const = 0;
};

/// A family from an accumulator type with `static void declare(const World&, std::vector<MeasureColumn>&)`
/// and a constructor from `const World&`.
template <class Accumulator>
class FamilyOf final : public MeasureFamily {
 public:
  void declare(const World& world, std::vector<MeasureColumn>& columns) const override { Accumulator::declare(world, columns); }
  [[nodiscard]] std::unique_ptr<MeasureAccumulator> accumulator(const World& world) const override {
    return std::make_unique<Accumulator>(world);
  }
};

/// Every family, in output column order (measures/registry.cpp). Built once, immutable.
const std::vector<std::unique_ptr<const MeasureFamily>>& measure_families();
/// The columns of every family for `world`, in table order.
MeasureLayout lay_out_measures(const World& world);

// Helpers shared by the families. Rates and shares of nothing are NaN, never 0.
inline double per_thousand(double count, double calls) { return calls > 0 ? 1000.0 * count / calls : kNaN; }
inline double share(double count, double calls) { return calls > 0 ? count / calls : kNaN; }
inline double mean_of(const std::vector<double>& values) {
  if (values.empty()) return kNaN;
  double total = 0.0;
  for (double v : values) total += v;
  return total / static_cast<double>(values.size());
}
inline double quantile_of(std::vector<double>& values, double p) { return engine::quantile(values, p); }
/// The part of [start, end) inside [window_start, window_end), in minutes.
inline double window_overlap(double start, double end, double window_start, double window_end) {
  return std::max(0.0, std::min(end, window_end) - std::max(start, window_start));
}
/// True for a crisis call counted in the measures.
inline bool counted_crisis(const Call& call) { return call.in_window && call.kind == CallKind::crisis; }

}  // namespace crisis::world::detail
