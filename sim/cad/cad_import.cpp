// The import driver: a CAD export's rows through the schema and the mapping into calls, with
// every row either used or rejected with a reason (docs/cad-import.md).
#include "cad/cad.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <istream>
#include <set>
#include <sstream>
#include <utility>

#include <fmt/format.h>

#include "cad/cad_csv_records.hpp"
#include "cad/cad_mapping.hpp"
#include "cad/cad_schema.hpp"
#include "cad/cad_sources.hpp"
#include "cad/cad_text.hpp"
#include "cad/cad_timestamp.hpp"
#include "engine/errors.hpp"
#include "results/results_writer.hpp"
#include "yaml/yaml_reader.hpp"

namespace crisis::io::cad {
namespace {

using namespace detail;  // the importer's parts (schema, mapping, rows, time stamps)

/// Column positions of the schema's fields in this file's header; npos when unmapped.
struct Columns {
  static constexpr std::size_t kNone = std::string::npos;
  std::array<std::size_t, 4> stage{kNone, kNone, kNone, kNone};
  std::vector<std::size_t> call_type;
  std::size_t priority = kNone, area = kNone, unit = kNone, disposition = kNone, call_id = kNone;
};

Columns locate_columns(const Schema& schema, const RawRow& header, const std::string& label) {
  std::vector<std::string> names;
  for (const auto& field : header.fields) names.push_back(trim(field));
  std::vector<InputProblem> problems;
  const auto find = [&](const std::string& column, const std::string& field) {
    const auto at = std::find(names.begin(), names.end(), column);
    if (at != names.end()) return static_cast<std::size_t>(at - names.begin());
    problems.push_back({label, static_cast<int>(header.line), 1, field,
                        "missing column '" + column + "' (schema " + schema.name + ")" + did_you_mean(column, names) +
                            "; the header has: " + join(names, ", ")});
    return Columns::kNone;
  };
  Columns columns;
  for (std::size_t s = 0; s < kStageNames.size(); ++s) {
    if (!schema.stage_columns[s].empty()) columns.stage[s] = find(schema.stage_columns[s], std::string(kStageNames[s]));
  }
  for (const auto& column : schema.call_type_columns) columns.call_type.push_back(find(column, "call_type"));
  if (!schema.priority_column.empty()) columns.priority = find(schema.priority_column, "priority");
  if (!schema.area_column.empty()) columns.area = find(schema.area_column, "area");
  if (!schema.unit_column.empty()) columns.unit = find(schema.unit_column, "unit");
  if (!schema.disposition_column.empty()) columns.disposition = find(schema.disposition_column, "disposition");
  if (!schema.call_id_column.empty()) columns.call_id = find(schema.call_id_column, "call_id");
  if (!problems.empty()) throw InputError(problems);
  return columns;
}

/// The rejects file: one row per rejected input row, with only non-private mapped values.
class Rejects {
 public:
  Rejects() {
    text_ = "line,reason,field,created,dispatched,arrived,closed,call_type,priority,area,unit,disposition\n";
  }
  void add(std::int64_t line, const std::string& reason, const std::string& field,
           const std::vector<std::string>& values) {
    text_ += std::to_string(line);
    text_.push_back(',');
    text_ += csv_field(reason);
    text_.push_back(',');
    text_ += csv_field(field);
    for (std::size_t i = 0; i < kValueCount; ++i) {
      text_.push_back(',');
      if (i < values.size()) text_ += csv_field(values[i]);
    }
    text_.push_back('\n');
  }
  [[nodiscard]] const std::string& text() const noexcept { return text_; }
  static constexpr std::size_t kValueCount = 9;

 private:
  std::string text_;
};

/// The first reject, kept for the message when no row at all can be used.
struct FirstReject {
  std::int64_t line = 0;
  std::string reason;
  std::string detail;
};

std::string value_at(const std::vector<std::string>& fields, std::size_t index) {
  return index == Columns::kNone || index >= fields.size() ? std::string() : trim(fields[index]);
}

/// The schema and the mapping an import uses, checked before the file is opened.
struct Rules {
  Schema schema;
  Mapping mapping;
};

/// The mapping a schema names as its default_mapping: a built-in name, or a file found next to
/// the schema file (a built-in schema's names are built-in). A problem with it is reported at
/// the schema's default_mapping key, with the mapping's own message.
Mapping schema_default_mapping(const Schema& schema, const std::string& schema_spec) {
  const std::vector<std::string> schemas = builtin_schemas();
  const bool schema_is_file = std::find(schemas.begin(), schemas.end(), schema_spec) == schemas.end();
  std::string spec = schema.default_mapping;
  const std::vector<std::string> mappings = builtin_mappings();
  const bool builtin = std::find(mappings.begin(), mappings.end(), spec) != mappings.end();
  if (schema_is_file && !builtin && !std::filesystem::path(spec).is_absolute()) {
    spec = (std::filesystem::path(schema_spec).parent_path() / spec).lexically_normal().string();
  }
  try {
    return parse_mapping(resolve("mappings", spec, "default_mapping", "call-type mapping"));
  } catch (const InputError& error) {
    const InputProblem& inner = error.problems().front();
    std::string where = inner.file;
    if (inner.line > 0) where += fmt::format(":{}:{}", inner.line, inner.column);
    if (!inner.field.empty()) where += (where.empty() ? "" : ": ") + inner.field;
    throw InputError(InputProblem{schema_is_file ? schema_spec : "built-in schema " + schema_spec, schema.default_mapping_line,
                                  schema.default_mapping_column, "default_mapping",
                                  "cannot use the mapping '" + schema.default_mapping + "'" +
                                      (schema_is_file && spec != schema.default_mapping ? " (read next to the schema: " + spec + ")" : "") +
                                      ": " + (where.empty() ? "" : where + ": ") + inner.message});
  }
}

Rules read_rules(const ImportOptions& options) {
  if (options.schema.empty())
    throw InputError(InputProblem{
        "", 0, 0, "--schema",
        "missing: expected a built-in schema (" + join(builtin_schemas(), ", ") + ") or a schema YAML file"});
  Schema schema = parse_schema(resolve("schemas", options.schema, "--schema", "schema"));
  const std::string mapping_spec = options.mapping.empty() ? schema.default_mapping : options.mapping;
  if (mapping_spec.empty()) {
    throw InputError(InputProblem{"", 0, 0, "--mapping",
                                  "the schema '" + schema.name +
                                      "' names no default_mapping: give a call-type mapping (built-in: " +
                                      join(builtin_mappings(), ", ") + ", or a CSV file)"});
  }
  Mapping mapping;
  if (!options.mapping.empty()) {
    mapping = parse_mapping(resolve("mappings", mapping_spec, "--mapping", "call-type mapping"));
  } else {
    mapping = schema_default_mapping(schema, options.schema);
  }
  if (options.from && options.to && !(*options.from < *options.to)) {
    throw InputError(InputProblem{"", 0, 0, "--from", "the period is empty: --from must be before --to"});
  }

  return {std::move(schema), std::move(mapping)};
}

/// The header row: present, well quoted, UTF-8 (after the schema's encoding).
RawRow read_header(CsvRecords& records, const Schema& schema, const std::string& label) {
  RawRow header;
  if (!records.next(header)) {
    throw InputError(InputProblem{
        label, 1, 1, "", "the file is empty: expected a CSV header row naming the columns, then one row per call"});
  }
  if (header.malformed) {
    throw InputError(InputProblem{label, static_cast<int>(header.line), 1, "",
                                  "malformed CSV quoting in the header row (a stray or unclosed \")"});
  }
  if (schema.latin1) {
    for (auto& field : header.fields) field = latin1_to_utf8(field);
  }
  for (std::size_t i = 0; i < header.fields.size(); ++i) {
    if (invalid_utf8_offset(header.fields[i]) != std::string::npos) {
      throw InputError(InputProblem{label, static_cast<int>(header.line), column_of(header, i, schema.delimiter), "",
                                    "the header row is not valid UTF-8 text: expected a CSV export (set csv.encoding: "
                                    "latin-1 in the schema for Latin-1 files)"});
    }
  }
  return header;
}

/// One export's rows into calls. Each step either passes a row on or rejects it (counted by
/// reason, written to the rejects file), so nothing is dropped silently.
class RowImporter {
 public:
  RowImporter(const Rules& rules, const Columns& columns, const RawRow& header, const ImportOptions& options,
              ImportResult& result)
      : schema_(rules.schema), mapping_(rules.mapping), columns_(columns), header_(header), options_(options),
        result_(result), summary_(result.summary) {}

  /// Reads one data row: used, rejected or outside the period.
  void take(RawRow& row);

  /// The checks once every row is read: some rows, some usable, and every row accounted for.
  void finish(const std::string& label) const;

  [[nodiscard]] const Rejects& rejects() const noexcept { return rejects_; }

 private:
  void reject(std::int64_t line, const std::string& reason, const std::string& field,
              const std::vector<std::string>& values, const std::string& detail) {
    ++summary_.rows_rejected;
    ++summary_.rejected_by_reason[reason];
    rejects_.add(line, reason, field, values);
    if (first_reject_.line == 0) first_reject_ = {line, reason, detail};
  }
  bool well_formed(RawRow& row);
  std::optional<ParsedTime> created_time(const RawRow& row, const std::vector<std::string>& values);
  void read_stages(CallRecord& call, const std::vector<std::string>& values) const;
  void map_call_type(CallRecord& call, const std::vector<std::string>& fields);
  void map_codes(CallRecord& call, const std::vector<std::string>& values) const;
  void count_used(CallRecord call);

  const Schema& schema_;
  const Mapping& mapping_;
  const Columns& columns_;
  const RawRow& header_;
  const ImportOptions& options_;
  ImportResult& result_;
  ImportSummary& summary_;
  Rejects rejects_;
  FirstReject first_reject_;
  std::set<std::string> call_ids_;  // of the calls used so far, when the schema has a call_id
};

/// Quoting, encoding and the number of columns; false (rejected) when the row is unusable.
bool RowImporter::well_formed(RawRow& row) {
  if (row.malformed) {
    reject(row.line, "csv: malformed quoting", "csv", {}, "a stray or unclosed quote");
    return false;
  }
  if (schema_.latin1) {
    for (auto& field : row.fields) field = latin1_to_utf8(field);
  }
  if (std::any_of(row.fields.begin(), row.fields.end(),
                  [](const std::string& f) { return invalid_utf8_offset(f) != std::string::npos; })) {
    reject(row.line, "encoding: invalid UTF-8", "encoding", {}, "bytes that are not UTF-8");
    return false;
  }
  if (row.fields.size() != header_.fields.size()) {
    const std::string reason =
        "columns: expected " + std::to_string(header_.fields.size()) + ", found " + std::to_string(row.fields.size());
    reject(row.line, reason, "columns", {}, reason);
    return false;
  }
  return true;
}

/// The created time, or empty when the row is rejected (missing, unparseable, date only,
/// another unit's row of a call) or outside the period (counted, not rejected).
std::optional<ParsedTime> RowImporter::created_time(const RawRow& row, const std::vector<std::string>& values) {
  const std::string& created_text = values[0];
  if (created_text.empty()) {
    reject(row.line, "created: missing", "created", values, "no created time");
    return std::nullopt;
  }
  const auto created = parse_any(created_text, schema_.time_formats[kCreated]);
  if (!created) {
    const auto& formats = schema_.time_formats[kCreated].empty() ? iso_formats() : schema_.time_formats[kCreated];
    reject(row.line, "created: unparseable", "created", values,
           "'" + created_text + "' does not match " + join(formats, " or "));
    return std::nullopt;
  }
  if (!created->has_time || (schema_.date_only_midnight && created->midnight)) {
    reject(row.line, "created: date only", "created", values, "'" + created_text + "' has no time of day");
    return std::nullopt;
  }
  if ((options_.from && created->minutes < *options_.from) || (options_.to && !(created->minutes < *options_.to))) {
    ++summary_.rows_outside_period;
    return std::nullopt;
  }
  // One row per responding unit (Dallas' active-calls feed): the first row is the call.
  if (const std::string id = value_at(row.fields, columns_.call_id); !id.empty() && !call_ids_.insert(id).second) {
    reject(row.line, "call_id: repeated", "call_id", values, "another unit's row of a call already read");
    return std::nullopt;
  }
  return created;
}

/// Dispatched, arrived and closed: each kept only when it parses, has a time of day, follows
/// the stage before it and lies within max_stage_hours of created; else a note says why.
void RowImporter::read_stages(CallRecord& call, const std::vector<std::string>& values) const {
  Timestamp previous = call.created;
  std::string previous_name = "created";
  for (std::size_t s = kDispatched; s <= kClosed; ++s) {
    if (columns_.stage[s] == Columns::kNone) continue;
    const std::string name(kStageNames[s]);
    const std::string& text = values[s];
    std::string note;
    std::optional<ParsedTime> parsed;
    if (text.empty()) {
      note = name + ": missing";
    } else if (!(parsed = parse_any(text, schema_.time_formats[s]))) {
      note = name + ": unparseable";
    } else if (!parsed->has_time || (schema_.date_only_midnight && parsed->midnight)) {
      note = name + ": date only";
    } else if (parsed->minutes < previous) {
      note = name + ": before " + previous_name;
    } else if (parsed->minutes - call.created > schema_.max_stage_hours * 60.0) {
      note = name + ": over " + format_number(schema_.max_stage_hours) + " h after created";
    }
    if (!note.empty()) {
      call.notes.push_back(note);
      continue;
    }
    std::optional<Timestamp>& stage = s == kDispatched ? call.dispatched : s == kArrived ? call.arrived : call.closed;
    stage = parsed->minutes;
    previous = parsed->minutes;
    previous_name = name;
  }
}

/// The call's category and crisis type from the mapping, over every call-type column; the
/// schema's default category (and counted as unmapped) when no column's value is mapped.
void RowImporter::map_call_type(CallRecord& call, const std::vector<std::string>& fields) {
  const MappingEntry* best = nullptr;
  for (const auto index : columns_.call_type) {
    const auto found = mapping_.entries.find(lookup_key(value_at(fields, index)));
    if (found == mapping_.entries.end()) continue;
    const MappingEntry& entry = found->second;
    // Most specific wins: behavioural_health, then welfare_check, then other_police (the
    // enum's order); among equals, the first column with a crisis type.
    if (!best || entry.category < best->category ||
        (entry.category == best->category && !best->crisis_type && entry.crisis_type)) {
      best = &entry;
    }
  }
  if (best) {
    call.category = best->category;
    call.crisis_type = best->crisis_type;
  } else {
    call.category = schema_.default_category;
    ++summary_.unmapped_call_types[call.call_type.empty() ? std::string("(empty)") : call.call_type];
  }
}

/// Priority (through the schema's priority_map), area, unit and disposition.
void RowImporter::map_codes(CallRecord& call, const std::vector<std::string>& values) const {
  const std::string& priority = values[5];
  if (!priority.empty()) {
    if (const auto found = schema_.priority_map.find(lookup_key(priority)); found != schema_.priority_map.end()) {
      call.priority = found->second;
    } else if (schema_.priority_map.empty() && (priority == "1" || priority == "2" || priority == "3")) {
      call.priority = priority[0] - '0';
    } else {
      call.notes.push_back("priority: not in priority_map");
    }
  }
  call.area = values[6];
  call.unit = values[7];
  call.disposition_raw = values[8];
  if (!call.disposition_raw.empty()) {
    if (const auto found = schema_.disposition_map.find(lookup_key(call.disposition_raw));
        found != schema_.disposition_map.end()) {
      call.disposition = found->second;
    }
  }
}

void RowImporter::count_used(CallRecord call) {
  ++summary_.rows_used;
  ++summary_.calls_by_category[static_cast<std::size_t>(call.category)];
  for (const auto& note : call.notes) ++summary_.stages_emptied[note];
  if (!summary_.first_created || call.created < *summary_.first_created) summary_.first_created = call.created;
  if (!summary_.last_created || call.created > *summary_.last_created) summary_.last_created = call.created;
  result_.calls.push_back(std::move(call));
}

void RowImporter::take(RawRow& row) {
  ++summary_.rows_read;
  if (!well_formed(row)) return;
  const auto& fields = row.fields;
  std::string call_type_raw;
  for (const auto index : columns_.call_type) {
    call_type_raw = value_at(fields, index);
    if (!call_type_raw.empty()) break;
  }
  // The non-private mapped values, in the rejects file's column order.
  const std::vector<std::string> values = {value_at(fields, columns_.stage[kCreated]),
                                           value_at(fields, columns_.stage[kDispatched]),
                                           value_at(fields, columns_.stage[kArrived]),
                                           value_at(fields, columns_.stage[kClosed]),
                                           call_type_raw,
                                           value_at(fields, columns_.priority),
                                           value_at(fields, columns_.area),
                                           value_at(fields, columns_.unit),
                                           value_at(fields, columns_.disposition)};
  const auto created = created_time(row, values);
  if (!created) return;
  CallRecord call;
  call.line = row.line;
  call.created = created->minutes;
  read_stages(call, values);
  call.call_type = call_type_raw;
  map_call_type(call, fields);
  map_codes(call, values);
  count_used(std::move(call));
}

void RowImporter::finish(const std::string& label) const {
  if (summary_.rows_read == 0) {
    throw InputError(InputProblem{label, static_cast<int>(header_.line) + 1, 1, "",
                                  "no data rows below the header: expected one row per call"});
  }
  if (summary_.rows_used == 0 && summary_.rows_rejected > 0 && summary_.rows_outside_period == 0) {
    throw InputError(InputProblem{
        label, static_cast<int>(first_reject_.line), 1, first_reject_.reason.substr(0, first_reject_.reason.find(':')),
        "none of the " + std::to_string(summary_.rows_read) + " rows can be used (is this a " + schema_.name +
            " export?); the first: " + first_reject_.reason + ", " + first_reject_.detail});
  }
  if (summary_.rows_read != summary_.rows_used + summary_.rows_rejected + summary_.rows_outside_period) {
    throw InvariantError("CAD import: rows read != used + rejected + outside period for " + label);
  }
}

ImportResult import_stream(std::istream& in, const std::string& label, const ImportOptions& options) {
  const Rules rules = read_rules(options);
  ImportResult result;
  ImportSummary& summary = result.summary;
  summary.input_path = label;
  summary.schema_name = rules.schema.name;
  summary.mapping_name = rules.mapping.name;
  summary.area_column = rules.schema.area_column;

  CsvRecords records(in, label, rules.schema.delimiter, false);
  const RawRow header = read_header(records, rules.schema, label);
  const Columns columns = locate_columns(rules.schema, header, label);
  RowImporter importer(rules, columns, header, options, result);
  RawRow row;
  while (records.next(row)) importer.take(row);
  importer.finish(label);
  if (!options.rejects_path.empty()) write_file_atomically(options.rejects_path, importer.rejects().text());
  return result;
}

}  // namespace

ImportResult import_calls(const std::string& csv_path, const ImportOptions& options) {
  check_input_file(csv_path, "a CAD export (CSV)");
  std::ifstream in(csv_path, std::ios::binary);
  if (!in) throw InputError(InputProblem{csv_path, 0, 0, "", "cannot be read (permission?)"});
  return import_stream(in, csv_path, options);
}

ImportResult import_calls_text(const std::string& text, const std::string& label, const ImportOptions& options) {
  std::istringstream in(text);
  return import_stream(in, label, options);
}

}  // namespace crisis::io::cad
