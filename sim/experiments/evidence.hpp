#pragma once
/// \file
/// Running a scenario's `evidence:` entries (issue #14): each is a measure of one variant, or
/// a paired difference or ratio between two variants under common random numbers, held
/// against a published value or range widened by a tolerance. `crisis-sim check` prints them.

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/progress.hpp"
#include "engine/statistics.hpp"
#include "scenario/scenario_loader.hpp"

namespace crisis::io {

/// Measures that exist only for evidence entries, derived per replication from the run's own
/// measures: `per_100k_residents_year.X` = per_1000.X / 1000 x crisis_calls_per_day x 365 /
/// (the zones' population) x 100,000, for every X with a `per_1000.X` measure, and
/// `per_100k_residents_year.crisis_calls`. Published rates are per resident, not per call.
inline constexpr const char* kPerResidentYearPrefix = "per_100k_residents_year.";
/// `count_per_year.X` = per_1000.X / 1000 x crisis_calls_per_day x 365: events a year.
inline constexpr const char* kCountPerYearPrefix = "count_per_year.";
/// `per_year.X` = measure X (a count in the window) x 365 / run.horizon_days, for counts such
/// as `crisis_calls_answered.<unit_type>`, so that an entry holds whatever the horizon.
inline constexpr const char* kPerYearPrefix = "per_year.";

/// One entry, run.
struct EvidenceResult {
  EvidenceEntry entry;
  std::string variant;    ///< resolved: the variant measured
  std::string reference;  ///< resolved: the variant compared with ("" for a value)
  engine::ReplicationSummary simulated;  ///< the value, difference or ratio across replications
  double band_low = 0.0;   ///< the published range widened by the tolerance
  double band_high = 0.0;
  bool pass = false;       ///< the 95% interval of `simulated` meets the band
};

/// Every entry of one scenario, with what was run.
struct EvidenceCheck {
  std::string scenario_path;
  std::string scenario_name;
  std::uint64_t seed = 0;
  std::size_t replications = 0;
  double horizon_days = 0.0;
  double warmup_days = 0.0;
  std::vector<EvidenceResult> results;

  [[nodiscard]] std::size_t failed() const;
};

/// The verdict rule, on its own so that tests can state it: an entry passes when the 95%
/// interval [low, high] of the simulated statistic meets the band (a single replication has
/// no interval: its value must lie in the band); a missing or non-finite value fails.
bool evidence_passes(const engine::ReplicationSummary& simulated, double band_low, double band_high);

/// The published range [low, high] widened by tolerance x |bound| + tolerance_abs on each side.
void evidence_band(const EvidenceEntry& entry, double& band_low, double& band_high);

/// Load `path` with `overrides`, run the variants its evidence entries name (under common
/// random numbers: the same seed for all) and judge each entry. A variant or measure name that
/// does not exist is an InputError at the entry. `progress`, when given, gets its total raised.
EvidenceCheck run_evidence(const std::string& path, const std::vector<Override>& overrides, const world::ModelRegistry& registry,
                           int threads, engine::ProgressCounter* progress = nullptr);

nlohmann::ordered_json evidence_json(const std::vector<EvidenceCheck>& checks);
/// The plain-text table `crisis-sim check` prints for one scenario.
std::string evidence_table(const EvidenceCheck& check);
/// The same as a Markdown section (docs/validation.md is made of these).
std::string evidence_markdown(const EvidenceCheck& check);

}  // namespace crisis::io
