#include "experiments/sizing/offered_load.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <numeric>

#include "engine/replication_runner.hpp"
#include "experiments/sizing/sizing_calendar.hpp"

namespace crisis::io::detail {

using world::kHoursPerWeek;
using world::Roster;

namespace {

using HourBins = std::array<double, kHoursPerWeek>;

/// Per-hour pilot tallies for one replication, per sized type: calls whose first unit was of
/// the type and their busy minutes, by the hour of the week the call arrived (offered load);
/// and the same busy time as it fell in the measurement window (carried, for calibration).
struct PilotTally {
  std::vector<double> measures;
  std::vector<std::array<double, kHoursPerWeek>> calls;
  std::vector<std::array<double, kHoursPerWeek>> busy_min;
  std::vector<double> busy_in_window_min;
};

/// Adds the part of [from, to) (minutes) that falls inside the window to the hour-of-week bins.
void spread_over_hours(double from, double to, double window_start, double window_end,
                       std::array<double, kHoursPerWeek>& bins) {
  double t = std::max(from, window_start);
  const double end = std::min(to, window_end);
  while (t < end) {
    const double hour_index = std::floor(t / 60.0);
    const double next = std::min(end, (hour_index + 1.0) * 60.0);
    const auto bin = static_cast<std::size_t>(static_cast<long long>(hour_index) % kWeekHours);
    bins[bin] += next - t;
    t = next;
  }
}

/// Each replication of the pilot, reduced at once to hourly tallies so that memory does not
/// grow with the horizon; the tallies come back in replication order.
std::vector<PilotTally> tally_replications(const world::World& world, const std::vector<int>& plan_index, int threads) {
  const auto replications = static_cast<std::size_t>(world.scenario().run.replications);
  const std::uint64_t seed = world.scenario().run.seed;
  const std::size_t types = plan_index.size();
  return engine::run_replications<PilotTally>(replications, threads, [&](std::size_t r) {
    world::ReplicationResult replication = world.run_replication(seed, static_cast<std::uint32_t>(r), true);
    PilotTally tally;
    tally.measures = std::move(replication.measures);
    tally.calls.assign(types, {});
    tally.busy_min.assign(types, {});
    tally.busy_in_window_min.assign(types, 0.0);
    for (const world::CallRecord& call : replication.calls) {
      if (!call.in_window || call.unit_type < 0 || !std::isfinite(call.dispatch_min) || !std::isfinite(call.closed_min))
        continue;
      const auto it = std::find(plan_index.begin(), plan_index.end(), call.unit_type);
      if (it == plan_index.end()) continue;
      const auto t = static_cast<std::size_t>(it - plan_index.begin());
      const auto hour =
          static_cast<std::size_t>(static_cast<long long>(std::floor(call.arrival_min / 60.0)) % kWeekHours);
      tally.calls[t][hour] += 1.0;
      tally.busy_min[t][hour] += call.closed_min - call.dispatch_min;
      tally.busy_in_window_min[t] += std::max(
          0.0, std::min(call.closed_min, world.window_end_min) - std::max(call.dispatch_min, world.window_start_min));
    }
    return tally;
  });
}

/// One sized type's calls and busy minutes by hour of the week of arrival, summed over the
/// replications.
struct HourlyLoad {
  HourBins calls{};
  HourBins busy{};
};

HourlyLoad hourly_load(const world::World& world, const std::vector<PilotTally>& tallies,
                       const std::vector<std::string>& measure_names, const std::vector<int>& plan_index,
                       const std::vector<int>& maxima, const SizingResult& result, std::size_t t) {
  const SizedUnitType& type = result.types[t];
  const world::ResponsePlan& plan = world.plan();
  HourlyLoad load;
  HourBins& calls = load.calls;
  HourBins& busy = load.busy;
  double recorded_in_window = 0.0;  // first units' busy minutes inside the window
  double utilisation_busy = 0.0;    // every unit's, by the utilisation measure
  const std::size_t utilisation = static_cast<std::size_t>(
      std::find(measure_names.begin(), measure_names.end(), "utilisation." + type.name) - measure_names.begin());
  for (const PilotTally& tally : tallies) {
    for (std::size_t h = 0; h < kHoursPerWeek; ++h) {
      calls[h] += tally.calls[t][h];
      busy[h] += tally.busy_min[t][h];
    }
    recorded_in_window += tally.busy_in_window_min[t];
    if (utilisation < measure_names.size() && std::isfinite(tally.measures[utilisation])) {
      utilisation_busy +=
          tally.measures[utilisation] * world.on_duty_minutes_in_window[static_cast<std::size_t>(plan_index[t])];
    }
  }
  // The offered load is the calls that arrive in an hour times their busy time, whenever
  // they are served (so an overloaded pilot does not hide load). The call records hold each
  // call's first unit; the utilisation measure also counts backups and phone work, so the
  // busy time is scaled by the ratio of the two inside the window. A type with no field
  // calls (a crisis line) gets its measured busy time spread over its hours on duty.
  const Roster pilot_roster = result.roster(t, maxima);
  if (recorded_in_window > 0.0) {
    const double scale = utilisation_busy > 0.0 ? utilisation_busy / recorded_in_window : 1.0;
    for (double& b : busy) b *= scale;
  } else if (utilisation_busy > 0.0) {
    const double on_duty = std::accumulate(pilot_roster.begin(), pilot_roster.end(), 0.0);
    double mean_service = 0.0;
    for (const auto& duration : plan.unit_types[static_cast<std::size_t>(plan_index[t])].on_scene)
      mean_service += duration.expected();
    mean_service = std::max(1.0, mean_service / static_cast<double>(world::kCrisisTypeCount));
    for (std::size_t h = 0; h < kHoursPerWeek; ++h) {
      busy[h] = on_duty > 0 ? utilisation_busy * pilot_roster[h] / on_duty : 0.0;
      calls[h] = busy[h] / mean_service;
    }
  }
  return load;
}

/// Blocks: maximal runs of hours in which every variable of the type, and the fixed part, are
/// the same; within one, the number on duty cannot change.
void split_into_blocks(const HourlyLoad& load, const HourBins& exposure_min, double reps,
                       const std::vector<Roster>& coverage, SizedUnitType& type) {
  const HourBins& calls = load.calls;
  const HourBins& busy = load.busy;
  auto signature = [&](int h) {
    std::vector<int> s{type.fixed[static_cast<std::size_t>(h)]};
    for (std::size_t v : type.variables) s.push_back(coverage[v][static_cast<std::size_t>(h)]);
    return s;
  };
  int first = 0;
  while (first < kWeekHours && signature(first) == signature((first + kWeekHours - 1) % kWeekHours)) ++first;
  if (first == kWeekHours) first = 0;  // the same all week: one block from Monday 00:00
  for (int offset = 0; offset < kWeekHours;) {
    const int start = (first + offset) % kWeekHours;
    int length = 1;
    while (offset + length < kWeekHours && signature((start + length) % kWeekHours) == signature(start)) ++length;
    OfferedLoadBlock block;
    block.start_hour_of_week = start;
    block.hours = length;
    double exposure = 0.0, block_calls = 0.0, busy_min = 0.0;
    for (int i = 0; i < length; ++i) {
      const auto h = static_cast<std::size_t>((start + i) % kWeekHours);
      exposure += exposure_min[h] * reps;
      block_calls += calls[h];
      busy_min += busy[h];
      if (std::any_of(type.variables.begin(), type.variables.end(), [&](std::size_t v) { return coverage[v][h] > 0; }))
        block.sized = true;
    }
    if (exposure > 0.0) {
      block.calls_per_hour = block_calls / exposure * 60.0;
      block.offered_erlangs = busy_min / exposure;
      block.mean_busy_min = block_calls > 0.0 ? busy_min / block_calls : 0.0;
    }
    block.lower_bound_units = !type.overflow && block.sized && block.offered_erlangs > 0.0
                                  ? static_cast<int>(std::floor(block.offered_erlangs)) + 1
                                  : 0;
    type.blocks.push_back(block);
    offset += length;
  }
}

}  // namespace

std::vector<std::vector<double>> run_pilot(const world::World& world, const std::vector<std::string>& measure_names,
                                           const std::vector<int>& maxima, int threads, SizingResult& result) {
  const world::ResponsePlan& plan = world.plan();
  std::vector<int> plan_index;  // sized type -> plan type
  for (const SizedUnitType& type : result.types) plan_index.push_back(plan.unit_type_index(type.name));
  const std::vector<PilotTally> tallies = tally_replications(world, plan_index, threads);
  // Minutes of the measurement window in each hour of the week (the same in every replication).
  HourBins exposure_min{};
  spread_over_hours(world.window_start_min, world.window_end_min, world.window_start_min, world.window_end_min,
                    exposure_min);
  const auto reps = static_cast<double>(tallies.size());
  for (std::size_t t = 0; t < result.types.size(); ++t) {
    const HourlyLoad load = hourly_load(world, tallies, measure_names, plan_index, maxima, result, t);
    split_into_blocks(load, exposure_min, reps, result.coverage, result.types[t]);
  }
  std::vector<std::vector<double>> measures;
  for (const PilotTally& tally : tallies) measures.push_back(tally.measures);
  return measures;
}

}  // namespace crisis::io::detail
