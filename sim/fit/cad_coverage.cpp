#include "fit/cad_coverage.hpp"

#include <array>
#include <cmath>

#include <fmt/format.h>

#include "fit/cad_fit.hpp"

namespace crisis::io::cad {
namespace {
constexpr double kMinutesPerDay = 1440.0;
}  // namespace

double DayCoverage::covered_days() const noexcept {
  double n = 0;
  for (const bool c : covered) n += c ? 1.0 : 0.0;
  return n;
}

bool DayCoverage::covers(Timestamp t) const noexcept {
  const double day = std::floor((t - start) / kMinutesPerDay);
  if (day < 0 || day >= static_cast<double>(covered.size())) return false;
  return covered[static_cast<std::size_t>(day)];
}

std::vector<Timestamp> DayCoverage::gap_days() const {
  std::vector<Timestamp> out;
  for (std::size_t d = 0; d < covered.size(); ++d) {
    if (!covered[d]) out.push_back(start + kMinutesPerDay * static_cast<double>(d));
  }
  return out;
}

std::string DayCoverage::gap_text() const {
  std::string out;
  std::size_t d = 0;
  while (d < covered.size()) {
    if (covered[d]) {
      ++d;
      continue;
    }
    std::size_t e = d;
    while (e + 1 < covered.size() && !covered[e + 1]) ++e;
    const Timestamp first = start + kMinutesPerDay * static_cast<double>(d);
    const Timestamp last = start + kMinutesPerDay * static_cast<double>(e);
    if (!out.empty()) out += ", ";
    out += e == d ? fmt::format("{} (1 day)", fit_date_text(first))
                  : fmt::format("{} to {} ({} days)", fit_date_text(first), fit_date_text(last), e - d + 1);
    d = e + 1;
  }
  return out;
}

DayCoverage day_coverage(std::span<const Timestamp> created, Timestamp start, Timestamp end) {
  DayCoverage coverage;
  coverage.start = std::floor(start / kMinutesPerDay) * kMinutesPerDay;
  const double days = std::max(0.0, std::ceil((end - coverage.start) / kMinutesPerDay - 1e-9));
  const auto n = static_cast<std::size_t>(days);
  coverage.rows_by_day.assign(n, 0);
  coverage.covered.assign(n, true);
  for (const Timestamp t : created) {
    const double day = std::floor((t - coverage.start) / kMinutesPerDay);
    if (day >= 0 && day < days && t < end) coverage.rows_by_day[static_cast<std::size_t>(day)] += 1;
  }
  // Rows a day by weekday, over the days of that weekday with rows: a service closed on some
  // weekdays has no expected rows there, so its closed days are not gaps.
  std::array<double, 7> rows_on{};
  std::array<double, 7> days_with_rows{};
  const auto weekday = [&](std::size_t d) {  // 0 = Monday
    return static_cast<std::size_t>(hour_of_week(coverage.start + kMinutesPerDay * static_cast<double>(d)) / 24);
  };
  std::int64_t rows = 0;
  std::size_t with_rows = 0;
  for (std::size_t d = 0; d < n; ++d) {
    const std::int64_t r = coverage.rows_by_day[d];
    rows += r;
    with_rows += r > 0 ? 1 : 0;
    rows_on[weekday(d)] += static_cast<double>(r);
    days_with_rows[weekday(d)] += r > 0 ? 1.0 : 0.0;
  }
  if (with_rows == 0) return coverage;
  coverage.rows_per_covered_day = static_cast<double>(rows) / static_cast<double>(with_rows);
  const double threshold = std::log(20.0 * static_cast<double>(n));
  std::size_t d = 0;
  while (d < n) {
    if (coverage.rows_by_day[d] > 0) {
      ++d;
      continue;
    }
    std::size_t e = d;
    double expected = 0.0;
    for (; e < n && coverage.rows_by_day[e] == 0; ++e) {
      const std::size_t w = weekday(e);
      if (days_with_rows[w] > 0) expected += rows_on[w] / days_with_rows[w];
    }
    if (expected >= threshold) {
      for (std::size_t g = d; g < e; ++g) coverage.covered[g] = false;
    }
    d = e;
  }
  return coverage;
}

std::vector<Timestamp> created_times(std::span<const CallRecord> calls) {
  std::vector<Timestamp> out;
  out.reserve(calls.size());
  for (const auto& call : calls) out.push_back(call.created);
  return out;
}

}  // namespace crisis::io::cad
