#pragma once
/// \file
/// Calls for service from a city's computer-aided-dispatch (CAD) export, as crisis-sim reads
/// them: the contract between the importer (cad_import.cpp and its parts: cad_schema,
/// cad_mapping, cad_timestamp, cad_csv_records; rejects) and what is built on it (fitting a
/// scenario, replaying history, backtests).
///
/// Privacy: a CallRecord holds no address, name, coordinate or free text. Columns a schema
/// marks as private are read only to be skipped; nothing from them reaches a record, the
/// rejects file or any output.

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "world/scenario.hpp"

namespace crisis::io::cad {

/// What kind of demand a raw call type is, after the call-type mapping.
enum class Category : std::uint8_t {
  behavioural_health,  ///< mental-health crisis, suicide, psychosis, overdose, ...
  welfare_check,       ///< check on the well-being of a person
  other_police,        ///< everything else the police answer
};
inline constexpr std::size_t kCategoryCount = 3;
inline constexpr std::array<std::string_view, kCategoryCount> kCategoryNames = {
    "behavioural_health", "welfare_check", "other_police"};

/// A time stamp: minutes since 1970-01-01 00:00 in the export's own local time (no time
/// zone arithmetic: hour of week is read off the clock the city recorded).
using Timestamp = double;

/// Hour of the week (0 = Monday 00:00-01:00 ... 167 = Sunday 23:00-24:00) of a timestamp.
[[nodiscard]] int hour_of_week(Timestamp t) noexcept;

/// One usable call. Stages the export lacks, or that failed a check (date-only, out of
/// order), are empty; `notes` says which checks emptied them.
struct CallRecord {
  std::int64_t line = 0;  ///< 1-based line of the call's row in the input file
  Timestamp created = 0;  ///< call received / created (always present in a used call)
  std::optional<Timestamp> dispatched;
  std::optional<Timestamp> arrived;
  std::optional<Timestamp> closed;  ///< unit clear / departure / call closed
  std::string call_type;            ///< the raw call type code, as exported (not free text)
  Category category = Category::other_police;
  /// For behavioural-health and welfare calls, the crisis-sim call type the mapping gives.
  std::optional<world::CrisisType> crisis_type;
  std::optional<int> priority;  ///< 1 (emergency) .. 3 (routine), after the schema's priority map
  std::string area;             ///< district / beat / city: the schema's area column
  std::string unit;             ///< responding unit id, when the export has one
  std::string disposition_raw;  ///< the export's disposition code
  std::optional<world::Disposition> disposition;  ///< after the schema's disposition map
  std::vector<std::string> notes;  ///< e.g. "arrived: date only", "closed: before created"
};

/// What the importer read, and what it did with it. Nothing is dropped silently: every row
/// read is either used or rejected with a reason.
struct ImportSummary {
  std::string input_path;
  std::string schema_name;
  std::string mapping_name;
  std::string area_column;  ///< the schema's area column (e.g. "district"); empty when it has none
  std::int64_t rows_read = 0;
  std::int64_t rows_used = 0;
  std::int64_t rows_rejected = 0;
  /// Rows with a usable created time outside [from, to): neither used nor rejected, so that
  /// rows_read == rows_used + rows_rejected + rows_outside_period.
  std::int64_t rows_outside_period = 0;
  std::map<std::string, std::int64_t> rejected_by_reason;
  std::map<std::string, std::int64_t> stages_emptied;  ///< notes of used rows, counted
  std::array<std::int64_t, kCategoryCount> calls_by_category{};
  std::map<std::string, std::int64_t> unmapped_call_types;  ///< raw types counted as other_police by default
  std::optional<Timestamp> first_created;
  std::optional<Timestamp> last_created;
};

struct ImportResult {
  std::vector<CallRecord> calls;  ///< in input order
  ImportSummary summary;
};

struct ImportOptions {
  std::string schema;   ///< a built-in schema name (milwaukee, seattle, dallas, mcslc, nopd) or a YAML file
  std::string mapping;  ///< empty = the schema's default mapping; else a built-in name or a CSV file
  std::string rejects_path;  ///< empty = no rejects file; else written atomically
  std::optional<Timestamp> from;  ///< keep calls created at or after this time
  std::optional<Timestamp> to;    ///< keep calls created before this time
};

/// Read a CAD export. InputError (exit 2, file:line:column and field) when the file, schema
/// or mapping cannot be used at all (missing file, missing required column, bad schema);
/// bad rows are rejected, counted and written to the rejects file, never fatal.
ImportResult import_calls(const std::string& csv_path, const ImportOptions& options);

/// Parse a date-time as the importer does ("2025-03-29 22:29:00", ISO 8601 with T and
/// fraction, or the schema's strptime-like format); empty when it cannot.
[[nodiscard]] std::optional<Timestamp> parse_timestamp(const std::string& text, const std::string& format);

/// Read a CAD export given as text (`label` names it in messages and the summary): what
/// import_calls does after reading the file. For tests and the fuzz target.
ImportResult import_calls_text(const std::string& text, const std::string& label, const ImportOptions& options);

/// A timestamp as "YYYY-MM-DD HH:MM:SS" (seconds rounded to the nearest whole second).
[[nodiscard]] std::string format_timestamp(Timestamp t);

/// The summary as a short human-readable report (what `crisis-sim fit` prints).
[[nodiscard]] std::string summary_text(const ImportSummary& summary);
/// The summary as a JSON document (2-space indented, keys in a fixed order, ends with a
/// newline). Holds only counts, names of schema/mapping/reasons and raw call types.
[[nodiscard]] std::string summary_json_text(const ImportSummary& summary);

/// The zone name `crisis-sim fit` gives an area (docs/cad-fit.md): the trimmed area text
/// when it starts with a letter and holds only letters, digits, _ and -; else every run of
/// other characters becomes _, and a name that does not start with a letter is prefixed with
/// the area column's name (Milwaukee's district "4" -> "district_4"). Empty for an empty area.
/// A replay matches a call's area to a zone of this name too (sim/cad/replay_loader.cpp).
[[nodiscard]] std::string zone_name_for_area(const std::string& area, const std::string& area_column);

/// True for an area that names no place: empty, or a placeholder such as "Unknown", "N/A",
/// "none", "null", "-", "?" (any case). `fit` spreads such calls like those of rare areas.
[[nodiscard]] bool is_placeholder_area(const std::string& area);

/// Names of the built-in schemas and mappings.
[[nodiscard]] std::vector<std::string> builtin_schemas();
[[nodiscard]] std::vector<std::string> builtin_mappings();

}  // namespace crisis::io::cad
