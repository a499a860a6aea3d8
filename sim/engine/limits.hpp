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

/// Days a replication runs on after its window to finish the calls already open. A working
/// system drains in hours; calls still open after this are an overloaded system's result,
/// counted in the measures calls_open_at_end and crisis_calls_unserved, and the run stops.
inline constexpr double kDrainDays = 60.0;

/// The smallest magnitude a number in an input may have other than 0. No key means anything at
/// this scale (a probability of 1e-13, a weight of 5e-324), and such values underflow or
/// overflow when normalised or inverted (a profile of subnormal weights never ends a run).
inline constexpr double kMinNonzeroMagnitude = 1e-12;

/// The longest duration (minutes) any duration key may give or have as its mean: the longest
/// run (kMaxHorizonDays). A scene or hand-off longer than every run cannot finish in any.
inline constexpr double kMaxDurationMin = kMaxHorizonDays * 1440.0;

/// Weibull shapes accepted in durations: [0.1, 100]. Outside it the mean is scale x Gamma(1 +
/// 1/shape), above 3.6 million x scale (shape 0.001 overflows), or the spread vanishes; fitted
/// service times have shapes between 0.5 and 5.
inline constexpr double kMinWeibullShape = 0.1;
inline constexpr double kMaxWeibullShape = 100.0;

/// Zone coordinates (x_km, y_km) lie within this many km of the origin: a city or a region,
/// not a continent; with the slowest speed it keeps every mean trip below a month.
inline constexpr double kMaxCoordinateKm = 500.0;

/// Travel speeds (city.travel.speed_kmh): from walking pace to a helicopter.
inline constexpr double kMinSpeedKmh = 5.0;
inline constexpr double kMaxSpeedKmh = 300.0;

/// Residents of the whole city: a city, not a country.
inline constexpr double kMaxPopulation = 50'000'000.0;

/// Resident agents (people with needs) one replication holds: about 0.5 GB of agent state.
inline constexpr double kMaxAgents = 20'000'000.0;

/// The work budget: what a scenario may ask of the machine before it is refused at validation
/// (exit 2, naming the key that drives it), so that a valid scenario ends in minutes and fits
/// in memory instead of running for hours or being killed. `run.work_budget` multiplies both
/// (docs/guarantees.md#work-budget). Estimated from the scenario (scenario/work_budget.cpp):
/// events = replications x days x calls a day x kEventsPerCall; memory = the travel matrix
/// (zones² doubles) for the base and each variant, plus one replication's agents and calls
/// (all of them, as an overloaded system can hold them open at once).
/// 10^10 estimated events (a call makes about 5 in practice, so some 5 x 10^9 real ones): an hour
/// or two on one core at the engine's 1-3 million events a second, minutes on a many-core machine.
inline constexpr double kWorkBudgetEvents = 1e10;
/// 4 GiB: what a laptop can give one run.
inline constexpr double kWorkBudgetBytes = 4.0 * 1024 * 1024 * 1024;
/// The largest run.work_budget: 1000 times the default.
inline constexpr double kMaxWorkBudget = 1000.0;
/// Events one call makes, at most a few more: ready, dispatch, arrival, scene, transport, free.
inline constexpr double kEventsPerCall = 10.0;
/// Bytes a call holds while open (its slot, its queue entry, its events) and an agent holds.
inline constexpr double kBytesPerOpenCall = 256.0;
inline constexpr double kBytesPerAgent = 32.0;

/// Bytes of one input file (scenario, sweep, sizing or CAD export) read into memory: 64 MiB.
/// A scenario is a few kilobytes; anything this large is the wrong file.
inline constexpr std::uintmax_t kMaxInputFileBytes = std::uintmax_t{64} << 20;

}  // namespace crisis::engine
