#pragma once
/// \file
/// The limits crisis-sim puts on its inputs, written once. The scenario loader, the sweep and
/// sizing files and the command-line flags all check against these, so a value one of them
/// accepts is never refused by another. Each is a guard against a typo or a runaway input
/// (a run that would take days or exhaust memory), not a modelling assumption; error messages
/// quote them, so changing one changes what users read.

#include <cstdint>

namespace crisis::engine {

/// Replications per run: 1 to this. Beyond it a confidence interval no longer narrows in any
/// way a reader can see, and a typo (an extra zero or two) would run for days.
inline constexpr int kMaxReplications = 100000;

/// Units of one type on duty in one hour (rosters, sizing ranges). Far above any real fleet;
/// it keeps roster sums within int.
inline constexpr int kMaxUnitsOnDuty = 100000;

/// Days of simulated time, warm-up plus horizon: ten years. Longer runs outlive the
/// stationarity the arrival profiles assume, and a typo (days given in minutes) stops here.
inline constexpr double kMaxHorizonDays = 3650.0;

/// Residents of the whole city: a city, not a country.
inline constexpr double kMaxPopulation = 50'000'000.0;

/// Resident agents (people with needs) one replication holds: about 0.5 GB of agent state.
inline constexpr double kMaxAgents = 20'000'000.0;

/// Bytes of one input file (scenario, sweep, sizing or CAD export) read into memory: 64 MiB.
/// A scenario is a few kilobytes; anything this large is the wrong file.
inline constexpr std::uintmax_t kMaxInputFileBytes = std::uintmax_t{64} << 20;

}  // namespace crisis::engine
