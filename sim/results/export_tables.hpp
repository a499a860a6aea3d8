#pragma once
/// \file
/// Tables people open in a spreadsheet: a run's (or a comparison's) measures, per-zone and
/// per-group results and the run's inputs, each with labelled columns, written as CSV or as
/// the sheets of one .xlsx workbook (Debian's libxlsxwriter); and gzip for calls.csv.gz.

#include <string>
#include <variant>
#include <vector>

#include "results/results_writer.hpp"

namespace crisis::io {

/// A column: its machine name (CSV header) and the label a person reads (workbook header).
struct ExportColumn {
  std::string name;
  std::string label;
};

/// A cell: text, or a number (NaN = empty).
using ExportCell = std::variant<std::string, double>;

/// One table: a CSV file or a workbook sheet.
struct ExportTable {
  std::string sheet;  ///< sheet name, at most 31 characters
  std::vector<ExportColumn> columns;
  std::vector<std::vector<ExportCell>> rows;
};

/// What a measure is, for labels: its unit and one line on it (World::measure_layout), and the
/// label of the terminal tables where it has one.
struct MeasureLabel {
  std::string unit;
  std::string label;
};

/// The label of `measure` from the layouts of `worlds` (the first that has it) and the tables'
/// headline labels; the measure's name when nothing describes it. "currency" in the unit
/// becomes `currency` ("USD / year") when that is given.
MeasureLabel measure_label(const std::string& measure, const std::vector<const world::World*>& worlds,
                           const std::string& currency = "");

/// The table as CSV: a header of the columns' names, numbers as format_number writes them.
std::string table_csv(const ExportTable& table);

/// Write `tables` to the workbook `path`, one sheet each: a bold header row of labels, frozen,
/// columns sized to their labels. Written to a temporary file and renamed into place; the
/// workbook's creation time is fixed, so the same tables give the same sheets.
void write_xlsx(const std::string& path, const std::vector<ExportTable>& tables);

/// A run's tables: "measures" (mean, sd, 95% interval, n per measure, labelled), "zones" and
/// "groups" (one row per zone or group, its measures as columns) and "inputs" (provenance and
/// the scenario file's lines).
std::vector<ExportTable> run_export_tables(const RunResults& results, const world::World& world);

/// The zone or group table (`prefix` "zone." or "group.") of each (variant name, results,
/// world), one row per variant and zone.
ExportTable area_table(const std::string& sheet, const std::string& prefix,
                       const std::vector<std::string>& variant_names, const std::vector<const RunResults*>& results,
                       const std::vector<const world::World*>& worlds);

/// The "inputs" sheet: key, value rows of provenance, then the scenario file's text by line.
ExportTable inputs_table(const RunResults& results, const std::vector<std::pair<std::string, std::string>>& extra);

/// `text` as a gzip stream (zlib, no time stamp in the header: the same text gives the same bytes).
std::string gzip_text(const std::string& text);

}  // namespace crisis::io
