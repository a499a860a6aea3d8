#include "experiments/sizing/sizing_calendar.hpp"

#include <algorithm>
#include <vector>

#include <fmt/format.h>

namespace crisis::io::detail {

using world::Roster;

std::string form_key(SizingForm form) {
  switch (form) {
    case SizingForm::constant:
      return "constant";
    case SizingForm::shifts:
      return "shifts";
    case SizingForm::blocks:
      return "blocks";
  }
  return "constant";
}

std::string hour_of_week_label(int hour) {
  const int h = ((hour % kWeekHours) + kWeekHours) % kWeekHours;
  return fmt::format("{} {:02}:00", kDayLabels[static_cast<std::size_t>(h / 24)], h % 24);
}

Roster block_coverage(int start_hour, int hours, const std::array<bool, 7>& days) {
  Roster coverage{};
  for (int day = 0; day < 7; ++day) {
    if (!days[static_cast<std::size_t>(day)]) continue;
    for (int i = 0; i < hours; ++i) coverage[static_cast<std::size_t>((day * 24 + start_hour + i) % kWeekHours)] += 1;
  }
  return coverage;
}

std::string coverage_label(const Roster& coverage) {
  if (std::all_of(coverage.begin(), coverage.end(), [&](int c) { return c > 0 && c == coverage[0]; }))
    return "all week";
  struct Run {
    int start;
    int hours;
  };
  std::vector<Run> runs;
  for (int h = 0; h < kWeekHours; ++h) {
    const bool on = coverage[static_cast<std::size_t>(h)] > 0;
    const bool before = coverage[static_cast<std::size_t>((h + kWeekHours - 1) % kWeekHours)] > 0;
    if (!on || before) continue;
    int length = 0;
    while (length < kWeekHours && coverage[static_cast<std::size_t>((h + length) % kWeekHours)] > 0) ++length;
    runs.push_back({h, length});
  }
  if (runs.empty()) return "never";
  const bool alike = std::all_of(runs.begin(), runs.end(), [&](const Run& r) {
    return r.start % 24 == runs[0].start % 24 && r.hours == runs[0].hours && r.hours <= 24;
  });
  if (alike) {
    const int start = runs[0].start % 24;
    const int end = (start + runs[0].hours) % 24;
    std::string text = fmt::format("{:02}:00-{:02}:00", start, end == 0 ? 24 : end);
    if (runs.size() == 7) return text + " daily";
    std::vector<std::string> days;
    for (const Run& r : runs) days.emplace_back(kDayLabels[static_cast<std::size_t>(r.start / 24)]);
    return text + " " + fmt::format("{}", fmt::join(days, ","));
  }
  std::vector<std::string> parts;
  for (const Run& r : runs) parts.push_back(fmt::format("{} +{} h", hour_of_week_label(r.start), r.hours));
  return fmt::format("{}", fmt::join(parts, ", "));
}

}  // namespace crisis::io::detail
