#pragma once
/// \file
/// A comparison as tables people open: comparison.csv (one row per measure, each variant's
/// mean and interval and each paired change, labelled) and the sheets of `compare --xlsx`.

#include <string>
#include <vector>

#include "experiments/compare.hpp"
#include "results/export_tables.hpp"

namespace crisis::io {

/// One row per measure: measure, label, unit, then per variant VARIANT.mean, .ci95_low,
/// .ci95_high, and per variant after the reference VARIANT.change, .change_ci95_low,
/// .change_ci95_high, .relative_change and .significant (1 when the interval excludes 0).
ExportTable comparison_table_export(const Comparison& comparison, const std::vector<world::World>& worlds);

/// comparison.csv's text.
std::string comparison_csv(const Comparison& comparison, const std::vector<world::World>& worlds);

/// The workbook's sheets: comparison, zones and groups (one row per variant and area, where
/// the scenario has them) and inputs (provenance, the variants and the scenario's text).
std::vector<ExportTable> comparison_export_tables(const Comparison& comparison, const std::vector<world::World>& worlds);

}  // namespace crisis::io
