#include "results/results_reader.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include <fmt/format.h>

#include "engine/errors.hpp"
#include "results/results_writer.hpp"
#include "results/sqlite_database.hpp"

namespace crisis::io {
namespace {

namespace fs = std::filesystem;
using Json = JsonFile::Json;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// Parse `path` as JSON; a syntax error names the line and column.
Json parse_json_file(const fs::path& path) {
  const std::string text = read_text_file(path);
  try {
    return Json::parse(text);
  } catch (const Json::parse_error& error) {
    int line = 1;
    int column = 1;
    const std::size_t end = std::min<std::size_t>(error.byte > 0 ? error.byte - 1 : 0, text.size());
    for (std::size_t i = 0; i < end; ++i) {
      if (text[i] == '\n') {
        ++line;
        column = 1;
      } else {
        ++column;
      }
    }
    std::string what = error.what();
    if (const std::size_t colon = what.rfind(": "); colon != std::string::npos) what = what.substr(colon + 2);
    throw InputError(
        InputProblem{path.string(), line, column, "", "not valid JSON (" + what + "); was the file cut short?"});
  }
}

std::string joined(const std::string& where, const std::string& key) { return where.empty() ? key : where + "." + key; }

}  // namespace

std::string read_text_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(InputProblem{path.string(), 0, 0, "", "cannot be read"});
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// ---- JSON ---------------------------------------------------------------------------------

JsonFile::JsonFile(fs::path path) : path_(std::move(path)), root_(parse_json_file(path_)) {
  if (!root_.is_object()) fail("", "expected a JSON object at the top");
}

const Json& JsonFile::field(const Json& object, const std::string& key, const std::string& where) const {
  if (!object.is_object() || !object.contains(key)) fail(joined(where, key), "missing; is this file from crisis-sim?");
  return object.at(key);
}

std::string JsonFile::text(const Json& object, const std::string& key, const std::string& where) const {
  const Json& value = field(object, key, where);
  if (!value.is_string()) fail(joined(where, key), "expected text");
  return value.get<std::string>();
}

double JsonFile::number(const Json& object, const std::string& key, const std::string& where) const {
  const Json& value = field(object, key, where);
  if (value.is_null()) return kNaN;  // how the writers store NaN
  if (!value.is_number()) fail(joined(where, key), "expected a number or null");
  return value.get<double>();
}

const Json& JsonFile::object(const Json& parent, const std::string& key, const std::string& where) const {
  const Json& value = field(parent, key, where);
  if (!value.is_object()) fail(joined(where, key), "expected an object");
  return value;
}

const Json& JsonFile::array(const Json& parent, const std::string& key, const std::string& where) const {
  const Json& value = field(parent, key, where);
  if (!value.is_array()) fail(joined(where, key), "expected a list");
  return value;
}

std::vector<std::string> JsonFile::text_list(const Json& parent, const std::string& key) const {
  std::vector<std::string> items;
  for (const Json& item : array(parent, key)) {
    if (!item.is_string()) fail(key, "expected a list of names");
    items.push_back(item.get<std::string>());
  }
  return items;
}

std::string JsonFile::whole_number_text(const Json& parent, const std::string& key) const {
  const Json& value = field(parent, key, "");
  if (!value.is_number_integer()) fail(key, "expected a whole number");
  return value.dump();
}

MeasureStat JsonFile::stat(const Json& entry, const std::string& where) const {
  if (!entry.is_object()) fail(where, "expected an object with mean, ci95_low and ci95_high");
  return MeasureStat{number(entry, "mean", where), number(entry, "ci95_low", where), number(entry, "ci95_high", where)};
}

void JsonFile::fail(const std::string& field_path, const std::string& message) const {
  throw InputError(InputProblem{path_.string(), 0, 0, field_path, message});
}

// ---- CSV ----------------------------------------------------------------------------------

CsvReader::CsvReader(fs::path path) : path_(std::move(path)), in_(path_, std::ios::binary) {
  if (!in_) throw InputError(InputProblem{path_.string(), 0, 0, "", "cannot be read"});
  if (!next(header_)) fail("the file is empty; expected a header line");
}

std::size_t CsvReader::column(const std::string& name) const {
  const auto it = std::find(header_.begin(), header_.end(), name);
  if (it == header_.end()) {
    throw InputError(
        InputProblem{path_.string(), 1, 1, name, "the header has no such column; is this file from crisis-sim?"});
  }
  return static_cast<std::size_t>(it - header_.begin());
}

bool CsvReader::next_row(std::vector<std::string>& fields) {
  if (!next(fields)) return false;
  if (fields.size() != header_.size()) {
    fail(fmt::format("expected {} fields as in the header, found {}; was the file cut short?", header_.size(),
                     fields.size()));
  }
  return true;
}

double CsvReader::number(const std::string& text) const {
  if (text.empty()) return kNaN;
  std::size_t used = 0;
  double value = kNaN;
  try {
    value = std::stod(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != text.size()) fail("expected a number, found \"" + text + "\"");
  return value;
}

void CsvReader::fail(const std::string& message) const {
  throw InputError(InputProblem{path_.string(), row_line_, 1, "", message});
}

bool CsvReader::next(std::vector<std::string>& fields) {
  fields.clear();
  row_line_ = line_;
  std::string field;
  bool quoted = false;
  bool any = false;
  char c = 0;
  while (in_.get(c)) {
    any = true;
    if (quoted) {
      if (c == '"') {
        if (in_.peek() == '"') {
          in_.get(c);
          field.push_back('"');
        } else {
          quoted = false;
        }
      } else {
        if (c == '\n') ++line_;
        field.push_back(c);
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      fields.push_back(std::move(field));
      field.clear();
    } else if (c == '\n') {
      ++line_;
      if (!field.empty() && field.back() == '\r') field.pop_back();
      fields.push_back(std::move(field));
      return true;
    } else {
      field.push_back(c);
    }
  }
  if (quoted) fail("a quoted field is not closed; was the file cut short?");
  if (!any) return false;
  fields.push_back(std::move(field));
  return true;
}

std::optional<ResponseTimes> read_response_times(const fs::path& path) {
  std::error_code error;
  if (!fs::is_regular_file(path, error)) return std::nullopt;
  CsvReader csv(path);
  const std::size_t kind = csv.column("kind");
  const std::size_t in_window = csv.column("in_window");
  const std::size_t response = csv.column("response_min");
  ResponseTimes times;
  std::vector<std::string> fields;
  while (csv.next_row(fields)) {
    if (fields[kind] != "crisis" || fields[in_window] != "1") continue;
    const double minutes = csv.number(fields[response]);
    if (std::isfinite(minutes)) times.sorted_min.push_back(minutes);
  }
  std::sort(times.sorted_min.begin(), times.sorted_min.end());
  return times;
}

std::vector<UnitUtilisation> read_utilisation(const fs::path& path) {
  std::vector<UnitUtilisation> types;
  std::error_code error;
  if (!fs::is_regular_file(path, error)) return types;
  CsvReader csv(path);
  const std::size_t type = csv.column("unit_type");
  const std::size_t hour = csv.column("hour_of_week");
  const std::size_t on_duty = csv.column("on_duty_unit_hours");
  const std::size_t mean = csv.column("utilisation.mean");
  const std::size_t low = csv.column("utilisation.ci95_low");
  const std::size_t high = csv.column("utilisation.ci95_high");
  std::vector<std::string> fields;
  while (csv.next_row(fields)) {
    if (types.empty() || types.back().unit_type != fields[type]) types.push_back(UnitUtilisation{fields[type]});
    const double h = csv.number(fields[hour]);
    if (!(h >= 0 && h < 168) || h != std::floor(h)) csv.fail("hour_of_week: expected a whole number from 0 to 167");
    const auto cell = static_cast<std::size_t>(h);
    types.back().by_hour[cell] =
        MeasureStat{csv.number(fields[mean]), csv.number(fields[low]), csv.number(fields[high])};
    types.back().on_duty_unit_hours[cell] = csv.number(fields[on_duty]);
  }
  return types;
}

// ---- the sweep database -------------------------------------------------------------------

namespace {

constexpr const char* kUnreadableSweep = "not a readable crisis-sim sweep database";

/// A flaw SQLite does not see (an empty or inconsistent table), worded as SQLite's own failures are.
[[noreturn]] void unreadable_sweep(const fs::path& path, const std::string& message) {
  throw InputError(InputProblem{path.string(), 0, 0, "", std::string(kUnreadableSweep) + " (" + message + ")"});
}

/// The columns of `table` other than `skipped`, in order.
std::vector<std::string> columns_except(sqlite::Database& db, const std::string& table,
                                        const std::vector<std::string>& skipped) {
  std::vector<std::string> columns;
  sqlite::Statement query(db, "PRAGMA table_info(" + table + ")");
  while (query.step()) {
    const std::string column = query.text(1);
    if (std::find(skipped.begin(), skipped.end(), column) == skipped.end()) columns.push_back(column);
  }
  return columns;
}

std::string select_columns(const std::vector<std::string>& columns) {
  std::string select = "SELECT point";
  for (const auto& column : columns) select += ", " + sqlite::quote_identifier(column);
  return select;
}

}  // namespace

SweepResults read_sweep_database(const fs::path& path) {
  sqlite::FailureWording wording;
  wording.every_failure_as_input = kUnreadableSweep;
  sqlite::Database db(path.string(), sqlite::Access::read_only, wording);
  SweepResults sweep;
  bool complete = false;
  bool found = false;
  {
    sqlite::Statement query(db,
                            "SELECT name, crisis_sim_version, scenario, scenario_hash, seed, replications, design, "
                            "points, complete FROM sweep");
    while (query.step()) {
      found = true;
      sweep.name = query.text(0);
      sweep.crisis_sim_version = query.text(1);
      sweep.scenario = query.text(2);
      sweep.scenario_hash = query.text(3);
      sweep.seed = query.text(4);
      sweep.replications = query.text(5);
      sweep.design = query.text(6);
      sweep.points_text = query.text(7);
      complete = query.integer(8) == 1;
    }
  }
  if (!found) unreadable_sweep(path, "the sweep table is empty");
  if (!complete) {
    throw InputError(
        InputProblem{path.string(), 0, 0, "",
                     "the sweep is not complete; run the same crisis-sim sweep command again to finish it"});
  }
  sweep.parameters = columns_except(db, "points", {"point", "replications", "precision_met"});
  sweep.measures = columns_except(db, "results", {"point", "replication", "seed"});
  if (sweep.parameters.empty() || sweep.measures.empty()) unreadable_sweep(path, "no parameter or measure columns");
  const int parameters = static_cast<int>(sweep.parameters.size());
  sqlite::Statement points(db, select_columns(sweep.parameters) + " FROM points ORDER BY point");
  while (points.step()) {
    SweepPoint point;
    for (int i = 0; i < parameters; ++i) {
      const sqlite::ColumnType type = points.type(i + 1);
      if (type == sqlite::ColumnType::integer || type == sqlite::ColumnType::real) {
        const double value = points.real(i + 1);
        point.values.push_back(value);
        point.labels.push_back(type == sqlite::ColumnType::integer ? std::to_string(points.integer(i + 1))
                                                                   : format_number(value));
      } else {
        point.values.push_back(kNaN);
        point.labels.push_back(points.text(i + 1));
      }
    }
    point.by_measure.resize(sweep.measures.size());
    sweep.points[points.integer(0)] = std::move(point);
  }
  const int measures = static_cast<int>(sweep.measures.size());
  sqlite::Statement results(db, select_columns(sweep.measures) + " FROM results ORDER BY point, replication");
  while (results.step()) {
    const auto it = sweep.points.find(results.integer(0));
    if (it == sweep.points.end()) unreadable_sweep(path, "a result row names a point that the points table lacks");
    for (int i = 0; i < measures; ++i)
      it->second.by_measure[static_cast<std::size_t>(i)].push_back(results.real(i + 1));
  }
  return sweep;
}

}  // namespace crisis::io
