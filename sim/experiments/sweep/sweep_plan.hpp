#pragma once
/// \file
/// What every rank works out before a sweep runs, the same way on every rank so that bad
/// input gives the same errors everywhere: the seed and replications, the result columns
/// (from the points that show every parameter value), the precision rule, and each point's
/// world with its input problems placed on the sweep file's lines.

#include <cstddef>
#include <string>
#include <unordered_map>
#include <vector>

#include "engine/errors.hpp"
#include "experiments/sweep/sweep.hpp"
#include "experiments/sweep/sweep_store.hpp"

namespace crisis::io::detail {

/// Loads the world of one sweep point; its input problems name the sweep point and, when an
/// overridden value is at fault, the line of the sweep file that set it.
class PointLoader {
 public:
  PointLoader(const SweepDefinition& definition, const SweepPoints& points, const world::ModelRegistry& registry)
      : definition_(definition), points_(points), registry_(registry) {}
  [[nodiscard]] world::World load(std::size_t point) const;
  /// `error` restated for sweep point `point`.
  [[nodiscard]] InputError located(std::size_t point, const InputError& error) const;

 private:
  const SweepDefinition& definition_;
  const SweepPoints& points_;
  const world::ModelRegistry& registry_;
};

/// The checked plan of a sweep: identical on every rank.
struct SweepPlan {
  SweepIdentity identity;  ///< seed, replications, result columns, definition text
  bool has_precision = false;
  PrecisionRule precision;                            ///< batch filled in (the sweep's replications when 0)
  std::unordered_map<std::string, int> column_index;  ///< result column name -> index
  std::vector<int> precision_columns;                 ///< result column of each precision target
  [[nodiscard]] int max_replications() const {
    return has_precision ? precision.max_replications : identity.replications;
  }
};

/// Load the base scenario and the check points (SweepPoints::check_points) and work out the
/// plan. Throws InputError with every problem found.
SweepPlan plan_sweep(const SweepDefinition& definition, const SweepPoints& points, const PointLoader& loader,
                     const world::ModelRegistry& registry);

/// For each of `world`'s measures, its result column or -1. Throws InputError when the sweep
/// takes its columns from the check points and this point has a measure they did not.
std::vector<int> column_map(const SweepDefinition& definition, const SweepPlan& plan, const PointLoader& loader,
                            const world::World& world, std::size_t point);

}  // namespace crisis::io::detail
