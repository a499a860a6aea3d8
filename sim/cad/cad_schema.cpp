#include "cad/cad_schema.hpp"

#include <algorithm>
#include <utility>

#include <yaml-cpp/yaml.h>

#include "cad/cad_text.hpp"
#include "cad/cad_timestamp.hpp"
#include "results/results_writer.hpp"
#include "yaml/yaml_reader.hpp"

namespace crisis::io::cad::detail {
namespace {

/// One text or a list of texts.
std::vector<std::string> read_text_list(YamlReader& reader, const YAML::Node& node, const std::string& path,
                                        bool allow_empty_list) {
  std::vector<std::string> texts;
  if (!node.IsDefined() || node.IsNull()) return texts;
  if (node.IsScalar()) {
    if (auto text = read_text(reader, node, path)) texts.push_back(*text);
    return texts;
  }
  reader.record(node, path);
  if (!node.IsSequence() || (node.size() == 0 && !allow_empty_list)) {
    reader.problem(node, path, "expected a text or a list of texts, got " + describe(node));
    return texts;
  }
  for (std::size_t i = 0; i < node.size(); ++i) {
    if (auto text = read_text(reader, node[i], path + "[" + std::to_string(i) + "]")) texts.push_back(*text);
  }
  return texts;
}

std::vector<std::string> read_formats(YamlReader& reader, const YAML::Node& node, const std::string& path) {
  auto formats = read_text_list(reader, node, path, false);
  for (std::size_t i = 0; i < formats.size(); ++i) {
    if (const auto problem = format_problem(formats[i]); !problem.empty()) {
      const YAML::Node at = node.IsSequence() ? node[i] : node;
      reader.problem(at, node.IsSequence() ? path + "[" + std::to_string(i) + "]" : path,
                     "time format '" + formats[i] + "' " + problem);
    }
  }
  return formats;
}

/// csv: the delimiter and the encoding.
void read_csv_section(YamlReader& reader, MapReader& top, Schema& schema) {
  if (const YAML::Node csv = top.child("csv"); csv.IsDefined()) {
    MapReader map(reader, csv, "csv");
    const std::string delimiter = map.text("delimiter", std::string(","));
    if (delimiter.size() != 1 || delimiter == "\"" || delimiter == "\n" || delimiter == "\r") {
      reader.problem(map.child("delimiter"), "csv.delimiter",
                     "expected one character (not a quote or line end), got '" + delimiter + "'");
    } else {
      schema.delimiter = delimiter[0];
    }
    schema.latin1 = map.choice("encoding", std::string("utf-8"), {"utf-8", "latin-1"}) == "latin-1";
    map.finish();
  }
}

/// fields: the columns of the stages, call type and the optional fields. Returns every
/// (field path, column) read, for the privacy check.
std::vector<std::pair<std::string, std::string>> read_fields(YamlReader& reader, const YAML::Node& root, MapReader& top,
                                                             Schema& schema) {
  const YAML::Node fields = top.child("fields");
  if (!fields.IsDefined())
    reader.problem(root, "fields", "missing: expected a map from crisis-sim fields to the export's columns");
  MapReader map(reader, fields.IsDefined() ? fields : YAML::Node(YAML::NodeType::Map), "fields");
  std::vector<std::pair<std::string, std::string>> mapped;  // (field path, column)
  for (std::size_t s = 0; s < kStageNames.size(); ++s) {
    const std::string key(kStageNames[s]);
    const bool required = s == kCreated;
    if (!required && !map.has(key)) continue;
    schema.stage_columns[s] = map.text(key, required ? std::nullopt : std::optional<std::string>(std::string()));
    if (!schema.stage_columns[s].empty()) mapped.emplace_back("fields." + key, schema.stage_columns[s]);
  }
  const YAML::Node call_type = map.child("call_type");
  if (!call_type.IsDefined() && fields.IsDefined()) {
    reader.problem(fields, "fields.call_type",
                   "missing: expected the column (or list of columns) holding the call type");
  }
  schema.call_type_columns = read_text_list(reader, call_type, "fields.call_type", false);
  for (const auto& column : schema.call_type_columns) mapped.emplace_back("fields.call_type", column);
  const auto optional_column = [&](const std::string& key, std::string& column) {
    if (!map.has(key)) return;
    column = map.text(key, std::string());
    if (!column.empty()) mapped.emplace_back("fields." + key, column);
  };
  optional_column("priority", schema.priority_column);
  optional_column("area", schema.area_column);
  optional_column("unit", schema.unit_column);
  optional_column("disposition", schema.disposition_column);
  optional_column("call_id", schema.call_id_column);
  map.finish();
  return mapped;
}

/// time_formats: one list for every stage, or a map by stage with a default.
void read_time_formats(YamlReader& reader, MapReader& top, Schema& schema) {
  const YAML::Node formats = top.child("time_formats");
  if (formats.IsDefined() && formats.IsMap()) {
    MapReader per_stage(reader, formats, "time_formats");
    std::vector<std::string> fallback;
    if (per_stage.has("default")) fallback = read_formats(reader, per_stage.child("default"), "time_formats.default");
    for (std::size_t s = 0; s < kStageNames.size(); ++s) {
      const std::string key(kStageNames[s]);
      schema.time_formats[s] =
          per_stage.has(key) ? read_formats(reader, per_stage.child(key), "time_formats." + key) : fallback;
    }
    per_stage.finish();
  } else if (formats.IsDefined()) {
    const auto list = read_formats(reader, formats, "time_formats");
    schema.time_formats.fill(list);
  }
}

/// A private column is never read: no field may name one.
void check_private_columns(YamlReader& reader, MapReader& top, const Schema& schema,
                           const std::vector<std::pair<std::string, std::string>>& mapped) {
  for (const auto& [path, column] : mapped) {
    if (std::find(schema.private_columns.begin(), schema.private_columns.end(), column) !=
        schema.private_columns.end()) {
      reader.problem(top.child("private_columns"), "private_columns",
                     "column '" + column + "' is private but " + path + " reads it: a private column is never read");
    }
  }
}

/// priority_map: the export's priority codes to 1, 2 or 3.
void read_priority_map(YamlReader& reader, MapReader& top, Schema& schema) {
  if (const YAML::Node priorities = top.child("priority_map"); priorities.IsDefined()) {
    reader.record(priorities, "priority_map");
    if (!priorities.IsMap()) {
      reader.problem(priorities, "priority_map",
                     "expected a map from the export's priority codes to 1, 2 or 3, got " + describe(priorities));
    } else {
      for (const auto& entry : priorities) {
        const std::string code = entry.first.Scalar();
        const std::string path = "priority_map." + code;
        if (auto value = read_integer(reader, entry.second, path, 1, 3))
          schema.priority_map[lookup_key(code)] = static_cast<int>(*value);
      }
    }
  }
}

/// disposition_map: the export's dispositions to crisis-sim's ("" = unknown).
void read_disposition_map(YamlReader& reader, MapReader& top, Schema& schema) {
  if (const YAML::Node dispositions = top.child("disposition_map"); dispositions.IsDefined()) {
    reader.record(dispositions, "disposition_map");
    if (!dispositions.IsMap()) {
      reader.problem(dispositions, "disposition_map",
                     "expected a map from the export's dispositions to crisis-sim's, got " + describe(dispositions));
    } else {
      const auto names = names_of(world::kDispositionNames);
      for (const auto& entry : dispositions) {
        const std::string code = entry.first.Scalar();
        const std::string path = "disposition_map." + code;
        reader.record(entry.second, path);
        const std::string value = entry.second.IsScalar() ? entry.second.Scalar() : std::string("?");
        if (entry.second.IsNull() || (entry.second.IsScalar() && value.empty())) {
          schema.disposition_map[lookup_key(code)] = std::nullopt;
          continue;
        }
        const auto found = std::find(names.begin(), names.end(), value);
        if (!entry.second.IsScalar() || found == names.end()) {
          reader.problem(entry.second, path,
                         "expected one of " + join(names, ", ") + " or \"\" (unknown), got " + describe(entry.second) +
                             did_you_mean(value, names));
          continue;
        }
        schema.disposition_map[lookup_key(code)] = static_cast<world::Disposition>(found - names.begin());
      }
    }
  }
}

}  // namespace

Schema parse_schema(const Source& source) {
  const YAML::Node root = load_yaml_text(source.text, source.label);
  require_document(root, source.label);
  YamlReader reader(source.label);
  Schema schema;
  MapReader top(reader, root, "");
  if (!top.valid()) reader.throw_if_problems();
  schema.name = top.text("name", source.name);
  (void)top.text("description", std::string());
  read_csv_section(reader, top, schema);
  const auto mapped = read_fields(reader, root, top, schema);

  read_time_formats(reader, top, schema);
  schema.date_only_midnight = top.flag("date_only_midnight", false);
  schema.max_stage_hours = top.number("max_stage_hours", 48.0, 0.1, 24.0 * 366);
  schema.private_columns = read_text_list(reader, top.child("private_columns"), "private_columns", true);
  check_private_columns(reader, top, schema, mapped);

  read_priority_map(reader, top, schema);
  read_disposition_map(reader, top, schema);
  if (const YAML::Node node = top.child("default_mapping"); node.IsDefined() && !node.IsNull()) {
    schema.default_mapping_line = node.Mark().line + 1;  // yaml-cpp marks are 0-based
    schema.default_mapping_column = node.Mark().column + 1;
  }
  schema.default_mapping = top.text("default_mapping", std::string());
  const auto category = top.choice("default_category", std::string("other_police"), names_of(kCategoryNames));
  const auto category_names = names_of(kCategoryNames);
  schema.default_category =
      static_cast<Category>(std::find(category_names.begin(), category_names.end(), category) - category_names.begin());
  top.finish();
  reader.throw_if_problems();
  return schema;
}

}  // namespace crisis::io::cad::detail
