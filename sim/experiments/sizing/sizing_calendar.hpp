#pragma once
/// \file
/// Hours of the week as sizing sees them: the hours a block of the sizing file covers, labels
/// for hours and coverage, and the names of the roster forms. Internal to crisis_sizing.

#include <array>
#include <string>
#include <string_view>

#include "experiments/sizing/sizing.hpp"
#include "world/scenario.hpp"

namespace crisis::io::detail {

inline constexpr int kWeekHours = static_cast<int>(world::kHoursPerWeek);
inline constexpr double kWeeksPerYear = kHoursPerYear / static_cast<double>(world::kHoursPerWeek);
inline constexpr std::array<std::string_view, 7> kDayKeys = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
inline constexpr std::array<std::string_view, 7> kDayLabels = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};

/// The sizing file's key for a form: "constant", "shifts" or "blocks".
std::string form_key(SizingForm form);

/// "Mon 06:00" for hour 6 of the week (0 = Monday 00:00; taken modulo the week).
std::string hour_of_week_label(int hour);

/// Hours covered by a block that starts at `start_hour` on each of `days` and lasts `hours`.
world::Roster block_coverage(int start_hour, int hours, const std::array<bool, 7>& days);

/// When each hour is covered: "06:00-16:00 daily", "all week", or a list of runs.
std::string coverage_label(const world::Roster& coverage);

}  // namespace crisis::io::detail
