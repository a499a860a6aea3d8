#pragma once
/// \file
/// Reading results back: the JSON files (summary.json, comparison.json, sizing.json), the CSV
/// files (calls.csv, utilisation_by_hour.csv) and the sweep database that results_writer and
/// the experiments write. Every problem is an InputError naming the file, and the field, line
/// or column where there is one, so a damaged or foreign results folder reads as the user's
/// input (exit code 2), never as a crash.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace crisis::io {

/// Mean and 95% interval of a measure; NaN where the results have none.
struct MeasureStat {
  double mean = std::numeric_limits<double>::quiet_NaN();
  double low = std::numeric_limits<double>::quiet_NaN();
  double high = std::numeric_limits<double>::quiet_NaN();
};

/// The whole of the file at `path`; InputError when it cannot be read.
std::string read_text_file(const std::filesystem::path& path);

/// Checked access to the fields of a results JSON file: a missing or mistyped field is an
/// InputError naming the file and the field's path ("where.key"). A syntax error names the
/// line and column.
class JsonFile {
 public:
  using Json = nlohmann::ordered_json;

  explicit JsonFile(std::filesystem::path path);
  [[nodiscard]] const Json& root() const { return root_; }
  [[nodiscard]] const std::filesystem::path& path() const { return path_; }

  const Json& field(const Json& object, const std::string& key, const std::string& where) const;
  std::string text(const Json& object, const std::string& key, const std::string& where = "") const;
  /// null (how the writers store NaN) reads back as NaN.
  double number(const Json& object, const std::string& key, const std::string& where = "") const;
  const Json& object(const Json& parent, const std::string& key, const std::string& where = "") const;
  const Json& array(const Json& parent, const std::string& key, const std::string& where = "") const;
  /// A list of texts (e.g. "models").
  std::vector<std::string> text_list(const Json& parent, const std::string& key) const;
  /// A whole number, as the file writes it.
  std::string whole_number_text(const Json& parent, const std::string& key) const;
  /// An object with mean, ci95_low and ci95_high.
  MeasureStat stat(const Json& entry, const std::string& where) const;
  [[noreturn]] void fail(const std::string& field_path, const std::string& message) const;

 private:
  std::filesystem::path path_;
  Json root_;
};

/// A CSV reader for the files crisis-sim writes (RFC 4180: quoted fields may hold commas,
/// quotes and line breaks). Streams, so calls.csv of any size fits.
///
/// Why not the CAD importer's libcsv reader (sim/cad/cad_import.cpp): that one is private to
/// the importer, lives in a layer above results, and is made for foreign exports (BOM and
/// UTF-16 detection, blank and comment lines skipped, malformed records kept to be reported
/// row by row). Results files are our own, where any flaw is one error for the whole file.
class CsvReader {
 public:
  explicit CsvReader(std::filesystem::path path);
  [[nodiscard]] const std::vector<std::string>& header() const { return header_; }
  [[nodiscard]] int line() const { return row_line_; }

  /// The column named `name`; InputError when the header lacks it.
  std::size_t column(const std::string& name) const;
  /// Read the next row into `fields`; false at the end. A row with the wrong number of
  /// fields is an InputError.
  bool next_row(std::vector<std::string>& fields);
  /// A number field: empty is NaN (how the writers store it); anything else unreadable is an error.
  double number(const std::string& text) const;
  [[noreturn]] void fail(const std::string& message) const;

 private:
  bool next(std::vector<std::string>& fields);

  std::filesystem::path path_;
  std::ifstream in_;
  std::vector<std::string> header_;
  int line_ = 1;
  int row_line_ = 1;
};

/// Crisis response times (minutes) of every answered crisis call in the window, pooled over
/// replications, sorted.
struct ResponseTimes {
  std::vector<double> sorted_min;
};

/// The response times in calls.csv; nullopt when the run did not write it.
std::optional<ResponseTimes> read_response_times(const std::filesystem::path& path);

/// Utilisation of one unit type in each hour of the week (168 cells).
struct UnitUtilisation {
  std::string unit_type;
  std::vector<MeasureStat> by_hour = std::vector<MeasureStat>(168);
  std::vector<double> on_duty_unit_hours = std::vector<double>(168, std::numeric_limits<double>::quiet_NaN());
};

/// utilisation_by_hour.csv, unit types in the file's order; empty when the run did not write it.
std::vector<UnitUtilisation> read_utilisation(const std::filesystem::path& path);

/// One point of a sweep with every replication's measures.
struct SweepPoint {
  std::vector<std::string> labels;              ///< per parameter, as text
  std::vector<double> values;                   ///< per parameter; NaN when not a number
  std::vector<std::vector<double>> by_measure;  ///< per measure, the replications' values
};

/// A complete sweep database (sweep.sqlite), as written by crisis-sim sweep.
struct SweepResults {
  std::string name;
  std::string crisis_sim_version;
  std::string scenario;  ///< the base scenario's path
  std::string scenario_hash;
  std::string seed;  ///< the stored text of each of these
  std::string replications;
  std::string design;
  std::string points_text;
  std::vector<std::string> parameters;  ///< the points table's parameter columns, in order
  std::vector<std::string> measures;    ///< the results table's measure columns, in order
  std::map<std::int64_t, SweepPoint> points;
};

/// Read the sweep database at `path` (read-only). InputError when it is not a crisis-sim sweep
/// database or the sweep is not complete.
SweepResults read_sweep_database(const std::filesystem::path& path);

}  // namespace crisis::io
