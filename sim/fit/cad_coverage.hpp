#pragma once
/// \file
/// Which days an export covers (issue #15): a day without a single row inside the period is a
/// gap in the export, not a day of zero demand, when so long a run of empty days would be
/// improbable at the export's own daily rate. Fits count exposure, and backtests count
/// observed and simulated volumes, only over covered days. docs/cad-fit.md, "Data quality".

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "cad/cad.hpp"

namespace crisis::io::cad {

/// The days of [start, end) (whole days of local time from `start`, which is a midnight) and
/// whether the export covers each.
struct DayCoverage {
  Timestamp start = 0;          ///< a midnight, minutes since 1970 (local)
  std::vector<bool> covered;    ///< one per day from `start`
  std::vector<std::int64_t> rows_by_day;  ///< rows created on each day
  double rows_per_covered_day = 0;  ///< the rate the gap rule uses

  [[nodiscard]] std::size_t days() const noexcept { return covered.size(); }
  /// Days covered (the exposure), in days.
  [[nodiscard]] double covered_days() const noexcept;
  /// Whether `t` (minutes since 1970) falls on a covered day of the period.
  [[nodiscard]] bool covers(Timestamp t) const noexcept;
  /// Midnights of the days that are gaps, in order.
  [[nodiscard]] std::vector<Timestamp> gap_days() const;
  /// "2024-10-01 to 2024-12-27 (88 days), 2025-01-05 (1 day)": the gaps as runs of dates.
  [[nodiscard]] std::string gap_text() const;
};

/// The coverage of [start, end) by rows created at `created` (any order; those outside are
/// ignored). A run of empty days is a gap when the rows expected on them, Σ λ(weekday), is at
/// least ln(20·N), λ(w) the rows a day on weekday w over the days w with rows and N the days
/// of the period: the chance of so long a run anywhere in the period under Poisson rates is
/// then at most 5%. Shorter runs are days of zero demand; weekdays without any row (a service
/// closed then) expect none.
/// `start` is floored to its midnight; `end` is rounded up to the next one.
[[nodiscard]] DayCoverage day_coverage(std::span<const Timestamp> created, Timestamp start, Timestamp end);

/// The created times of `calls`.
[[nodiscard]] std::vector<Timestamp> created_times(std::span<const CallRecord> calls);

}  // namespace crisis::io::cad
