#pragma once
/// \file
/// Comparing response models: the scenario's variants run under common random numbers
/// (same seed, same residents, same crisis candidates, same call attributes), so the
/// differences between variants are paired replication by replication.

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/statistics.hpp"
#include "results/results_writer.hpp"
#include "scenario/scenario_loader.hpp"

namespace crisis::io {

struct VariantResult {
  VariantSpec spec;
  RunResults results;
};

/// The first variant is the reference that every other one is compared with.
struct Comparison {
  std::vector<VariantResult> variants;
  std::vector<std::string> measure_names;  ///< union over variants, reference's order first

  /// Paired difference (variant - reference) of `measure` across replications; NaN summary
  /// when either side lacks the measure.
  [[nodiscard]] engine::ReplicationSummary difference(std::size_t variant, const std::string& measure) const;
  /// Summary of one variant's measure across replications.
  [[nodiscard]] engine::ReplicationSummary summary(std::size_t variant, const std::string& measure) const;
};

/// Variants from "--models a,b+c": each comma-separated item is a variant whose models are
/// police_only plus the items joined by '+' (police_only alone for "police_only"). With
/// `scenario`, a model the scenario lists keeps the scenario's parameters (issue #14); a model
/// it does not list runs on its defaults, and the variant's description says so.
std::vector<VariantSpec> variants_from_models(const std::string& models_flag, const world::ModelRegistry& registry,
                                              const world::Scenario* scenario = nullptr);

/// Load every variant of `path` (the file's `variants:`, or `variants` when not empty), check
/// they agree on seed, replications and horizon, and run them all with the same seed.
/// `progress`, when given, gets variants x replications added to its total once the
/// variants are loaded, and advances as each replication ends.
Comparison run_comparison(const std::string& path, const std::vector<Override>& overrides,
                          std::vector<VariantSpec> variants, const world::ModelRegistry& registry, int threads,
                          bool record_calls, std::vector<world::World>* worlds_out = nullptr,
                          engine::ProgressCounter* progress = nullptr);

nlohmann::ordered_json comparison_json(const Comparison& comparison);
std::string comparison_table(const Comparison& comparison);

/// A significant change `ratio` (difference over the reference's mean) as the tables print it:
/// "+12%", "-3%"; under half a percent with one decimal ("-0.3%") or "-<0.1%", never "-0%".
std::string relative_change_text(double ratio);

/// Per-variant folders (summary.json, replications.csv, calls.csv), comparison.csv and
/// comparison.json (last: when it is there, the rest is complete).
void write_comparison_outputs(const std::string& directory, const Comparison& comparison,
                              const std::vector<world::World>& worlds, bool with_calls);
/// As above, with each variant's calls.csv written as `calls` says.
void write_comparison_outputs(const std::string& directory, const Comparison& comparison,
                              const std::vector<world::World>& worlds, const CallsOptions& calls);

}  // namespace crisis::io
