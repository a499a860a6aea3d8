#pragma once
/// \file
/// How the sizing file's variables map onto the scenario: the unit types they size, the hours
/// each variable's units cover, the overrides that set a mix, and the measures named by the
/// objective and targets. Internal to crisis_sizing.

#include <cstddef>
#include <string>
#include <vector>

#include "engine/errors.hpp"
#include "experiments/sizing/sizing.hpp"
#include "world/world.hpp"

namespace crisis::io::detail {

/// What a sizing runs against: the file, the command's overrides and the models.
struct SizingInputs {
  const SizingSpec& spec;
  const SizingOptions& options;
  const world::ModelRegistry& registry;
};

/// Where the objective and each target are among the scenario's measures.
struct MeasureIndices {
  std::vector<std::string> names;  ///< the scenario's measures, in summary order
  std::size_t objective = 0;
  std::vector<std::size_t> targets;  ///< per target
};

/// The file's `set:` entries, then the command's overrides.
std::vector<Override> base_overrides(const SizingInputs& inputs);
/// base_overrides plus the rosters of the sized types at `units` (one number per variable).
std::vector<Override> mix_overrides(const SizingInputs& inputs, const SizingResult& result,
                                    const std::vector<int>& units);
/// Rethrows `error` with problems in the file's `set:` entries located in the sizing file.
[[noreturn]] void rethrow_located(const SizingInputs& inputs, const InputError& error);

/// Fills the scenario's identity, the sized types and each variable's coverage into `result`,
/// through the scenario loader itself so that shift semantics are the scenario's own.
void map_variables(const SizingInputs& inputs, SizingResult& result);
/// The measures' indices, the applied models and which types overflow; InputError, located in
/// the sizing file, for unknown measures and for types that no model sends.
MeasureIndices check_names(const SizingInputs& inputs, const world::World& world, SizingResult& result);

/// One unit of `variable` for a year, at its type's cost per hour.
double variable_cost(const SizingResult& result, std::size_t variable);
/// The sized types' on-duty hours at `units` for a year, at their costs per hour.
double staff_cost(const SizingResult& result, const std::vector<int>& units);

}  // namespace crisis::io::detail
