#pragma once
/// \file
/// The data-quality pass run before a fit and a backtest (issue #15; docs/cad-fit.md, "Data
/// quality"): days without rows, a change point in daily volume, a shift of the hours of the
/// day between the period's halves, codes unmapped or new late in the period, and columns
/// left empty. Each finding is a sentence that names dates; a volume break recommends a window.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cad/cad.hpp"
#include "fit/cad_coverage.hpp"

namespace crisis::io::cad {

/// The most likely single change in the daily rate of rows (a Poisson likelihood-ratio scan
/// over the covered days, scaled by the counts' overdispersion).
struct VolumeChange {
  bool tested = false;          ///< needs at least 28 covered days
  Timestamp date = 0;           ///< first day of the new rate (midnight)
  double rate_before = 0;       ///< rows a covered day before `date`
  double rate_after = 0;
  double statistic = 0;         ///< 2·log likelihood ratio, divided by the dispersion
  double dispersion = 1;        ///< Pearson χ²/df of the daily counts around the two rates (≥ 1)
  double p_value = 1;           ///< Bonferroni over the candidate days: conservative
  bool is_break = false;        ///< p < 0.001 and the rate changed by at least 25%
};

/// The hours of the day of the first half of the calls against the second (by creation time).
struct HourShift {
  bool tested = false;
  Timestamp halves_split = 0;   ///< the median creation time
  double total_variation = 0;   ///< ½ Σ |share first − share second| over the 24 hours
  double chi_square = 0;        ///< 2 × 24 contingency table
  int degrees_of_freedom = 0;
  double p_value = 1;
  bool is_shift = false;        ///< p < 0.001 and total variation at least 0.1
};

/// A raw code (call type or disposition) and its shares in the two halves.
struct CodeFinding {
  std::string column;  ///< "call type" or "disposition"
  std::string code;
  std::int64_t count = 0;
  double share = 0;          ///< of all calls
  double share_first = 0;    ///< in the first half
  double share_second = 0;
  Timestamp first_seen = 0;
  bool mapped = true;
  bool new_late = false;     ///< absent from the first half, at least 0.5% of the second
  bool grew = false;         ///< its share at least doubled and rose 2 points, beyond chance
};

/// A column and the share of calls that leave it empty.
struct EmptyColumn {
  std::string column;
  double share = 0;
  double share_first = 0;
  double share_second = 0;
};

struct DataQuality {
  Timestamp start = 0;
  Timestamp end = 0;
  std::int64_t calls = 0;
  DayCoverage coverage;
  VolumeChange volume;
  HourShift hours;
  std::vector<CodeFinding> codes;      ///< unmapped codes, and codes new or grown late (largest first)
  std::vector<EmptyColumn> empty_columns;
  std::vector<std::string> warnings;   ///< plain sentences that name dates
  std::optional<Timestamp> recommended_from;  ///< fit from here when the volume broke

  [[nodiscard]] bool has_unmapped_codes() const;
};

/// The pass over `calls` created in [start, end) (`summary` gives the unmapped call types).
[[nodiscard]] DataQuality assess_data_quality(std::span<const CallRecord> calls, const ImportSummary& summary, Timestamp start,
                                              Timestamp end);

/// The warnings as terminal lines ("data quality: ..."), or one line saying none were found.
[[nodiscard]] std::string data_quality_text(const DataQuality& quality);
/// The "## Data quality" section of fit_report.md.
[[nodiscard]] std::string data_quality_markdown(const DataQuality& quality);
[[nodiscard]] nlohmann::ordered_json data_quality_json(const DataQuality& quality);
/// The gap days of `coverage` as a JSON array of "YYYY-MM-DD".
[[nodiscard]] nlohmann::ordered_json gap_days_json(const DayCoverage& coverage);

}  // namespace crisis::io::cad
