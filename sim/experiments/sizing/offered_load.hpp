#pragma once
/// \file
/// The pilot simulation at the ranges' maxima and the offered load it measures for each sized
/// unit type, by block of hours in which the number on duty is constant (docs/sizing.md,
/// "Method"). Internal to crisis_sizing.

#include <string>
#include <vector>

#include "experiments/sizing/sizing.hpp"
#include "world/world.hpp"

namespace crisis::io::detail {

/// Runs the pilot of `world` (built at `maxima`) with its calls recorded, one replication at a
/// time, and fills each sized type's offered-load blocks in `result`. Returns each
/// replication's measures, in replication order. Results do not depend on `threads`.
std::vector<std::vector<double>> run_pilot(const world::World& world, const std::vector<std::string>& measure_names,
                                           const std::vector<int>& maxima, int threads, SizingResult& result);

}  // namespace crisis::io::detail
