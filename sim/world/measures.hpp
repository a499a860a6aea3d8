#pragma once
/// \file
/// Indices of the per-replication measures in World::measure_names() order.

#include <array>
#include <cstddef>
#include <vector>

#include "world/scenario.hpp"
#include "world/world.hpp"

namespace crisis::world {

inline constexpr std::size_t kNoIndex = static_cast<std::size_t>(-1);

struct World::Indices {
  std::size_t crisis_calls, crisis_calls_per_day, background_calls;
  std::size_t response_mean, response_p50, response_p90;
  std::array<std::size_t, kCrisisTypeCount> response_mean_by_type, response_p90_by_type, calls_by_type;
  std::array<std::size_t, kPriorityCount> response_mean_by_priority, response_p90_by_priority;
  std::size_t share_past_target, share_queued;
  std::size_t background_response_mean, background_response_p90, background_share_past_target,
      background_share_queued, background_wait_mean;
  std::array<std::size_t, kPriorityCount> background_response_mean_by_priority, background_response_p90_by_priority;
  std::array<std::size_t, kDispositionCount> per_1000_disposition;
  std::size_t per_1000_ed_transports, per_1000_use_of_force, per_1000_injuries, per_1000_repeat_crises,
      per_1000_backup, per_1000_phone_resolved, per_1000_abandoned;
  std::size_t share_clinician_involved;
  std::size_t officer_hours_crisis, officer_hours_crisis_per_call, officer_hours_ed_wait, clinician_hours_crisis;
  std::vector<std::size_t> utilisation, overtime_hours, calls_answered;  // per unit type
  std::size_t cost_staff, cost_outcomes, cost_total, cost_annual, cost_per_crisis_call;
  std::vector<std::size_t> zone_calls_per_1000_residents, zone_response_mean;  // per zone
  std::vector<std::size_t> unit_response_mean, unit_within_target;  // per unit type
  std::size_t line_wait_mean, line_answered, cost_fixed;
  std::vector<std::size_t> zone_arrests_per_1000, zone_ed_per_1000;
  std::vector<std::size_t> group_calls, group_response_mean, group_arrests_per_1000, group_force_per_1000,
      group_ed_per_1000, group_clinician_share;
  std::size_t engaged_share_end;
};

}  // namespace crisis::world
