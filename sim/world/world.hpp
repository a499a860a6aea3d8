#pragma once
/// \file
/// The prepared world: a scenario with its models applied, ready to run replications.

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include <Eigen/Dense>

#include "engine/distributions.hpp"
#include "world/response_model.hpp"
#include "world/scenario.hpp"

namespace crisis::world {

/// One call, as written to calls.csv. Times in minutes from the start of the replication.
struct CallRecord {
  std::uint32_t replication = 0;
  std::uint64_t call_id = 0;
  bool crisis = false;
  bool in_window = false;  ///< arrived after warm-up and before the horizon: counted in measures
  std::uint8_t call_type = 0;  ///< CrisisType for crisis calls
  std::uint8_t priority = 0;
  std::uint8_t true_risk = 0;
  std::uint8_t perceived_risk = 0;
  std::uint16_t zone = 0;
  std::uint32_t resident = 0;
  double arrival_min = 0.0;
  double dispatch_min = 0.0;
  double on_scene_min = 0.0;
  double closed_min = 0.0;
  /// End of the first unit's scene (before any transport); NaN when no unit arrived.
  /// Used by backtests to compare time on scene (issue #5).
  double scene_end_min = std::numeric_limits<double>::quiet_NaN();
  std::int32_t unit_type = -1;
  std::int32_t unit = -1;
  std::int32_t deciding_unit_type = -1;  ///< the unit type whose outcome table decided the disposition
  std::int8_t disposition = -1;  ///< Disposition, -1 for background calls
  bool use_of_force = false;
  bool injury = false;
  bool backup = false;
  bool resolved_by_phone = false;
  bool abandoned = false;
};

/// What one replication produces.
struct ReplicationResult {
  std::vector<double> measures;   ///< in World::measure_names() order
  std::vector<CallRecord> calls;  ///< only when asked for
  /// Busy minutes inside the measurement window by unit type and hour of the week,
  /// [type * 168 + hour] (hour 0 = Monday 00:00-01:00); sums to each type's busy minutes.
  std::vector<double> busy_minutes_by_hour_of_week;
  std::uint64_t events = 0;
};

/// The measure columns, fixed when the world is built from the measure families
/// (sim/world/measures/registry.cpp) in their table order.
struct MeasureLayout {
  std::vector<std::string> names;  ///< the output columns, in order
  std::vector<std::string> units;  ///< the unit of each column
  std::vector<std::string> docs;   ///< one line on each column
  std::vector<std::size_t> family_first;  ///< first column of each family, then the column count
};

/// The scenario with its models applied, and everything that does not change between
/// replications precomputed. Immutable: replications share it across threads.
class World {
 public:
  World(Scenario scenario, ResponsePlan plan);

  [[nodiscard]] const Scenario& scenario() const noexcept { return scenario_; }
  [[nodiscard]] const ResponsePlan& plan() const noexcept { return plan_; }
  [[nodiscard]] const std::vector<std::string>& measure_names() const noexcept { return layout_.names; }
  [[nodiscard]] const MeasureLayout& measure_layout() const noexcept { return layout_; }

  /// Simulate replication `replication` of the scenario under `seed`. Thread-safe.
  /// Throws InvariantError (naming seed and replication) if an end-of-run check fails.
  [[nodiscard]] ReplicationResult run_replication(std::uint64_t seed, std::uint32_t replication, bool record_calls) const;

  // Precomputed facts, public for the replication and for tests.
  Eigen::MatrixXd travel_mean_min;               ///< zones x zones
  std::vector<std::vector<std::uint16_t>> unit_base_zone;  ///< [type][unit]
  std::vector<int> unit_count;                   ///< per type: the most ever on duty
  std::vector<double> on_duty_minutes_in_window; ///< per type
  std::vector<double> on_duty_minutes_by_hour_of_week;  ///< [type * 168 + hour], in the window
  std::vector<double> resident_share_by_zone;    ///< apportions agents to zones
  std::vector<double> zone_population;           ///< background calls fall in zones by this
  std::vector<int> facility_zone;                ///< ED, jail, crisis centre (-1 when absent)
  double window_start_min = 0.0;
  double window_end_min = 0.0;

 private:
  Scenario scenario_;
  ResponsePlan plan_;
  MeasureLayout layout_;
};

class ModelRegistry;

/// Apply the scenario's models, in order, and prepare the world.
/// Throws InputError naming the model's key path when a model rejects the scenario.
World build_world(const Scenario& scenario, const ModelRegistry& registry);

/// Deterministic apportionment of `count` items to weights such that every prefix of the
/// sequence is close to proportional (Sainte-Laguë divisors). Used for unit bases.
std::vector<std::uint16_t> apportion_sequence(const std::vector<double>& weights, std::size_t count);

}  // namespace crisis::world
