#pragma once
/// \file
/// Simulated time. The unit throughout crisis-sim is the minute.

namespace crisis::engine {

/// Simulated time or a duration, in minutes since the start of the replication.
using Minutes = double;

inline constexpr Minutes kMinutesPerHour = 60.0;
inline constexpr Minutes kMinutesPerDay = 1440.0;
inline constexpr Minutes kMinutesPerWeek = 10080.0;
inline constexpr int kHoursPerWeek = 168;

/// Hour of the week (0 = Monday 00:00-01:00) at time `t`; the run starts on a Monday at midnight.
[[nodiscard]] inline int hour_of_week(Minutes t) noexcept {
  const auto hours = static_cast<long long>(t / kMinutesPerHour);
  return static_cast<int>(hours % kHoursPerWeek);
}

}  // namespace crisis::engine
