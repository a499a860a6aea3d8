#include "cad/cad_mapping.hpp"

#include <algorithm>
#include <sstream>
#include <vector>

#include "cad/cad_csv_records.hpp"
#include "cad/cad_text.hpp"
#include "engine/errors.hpp"
#include "results/results_writer.hpp"
#include "yaml/yaml_reader.hpp"

namespace crisis::io::cad::detail {

Mapping parse_mapping(const Source& source) {
  std::istringstream in(source.text);
  CsvRecords records(in, source.label, ',', true);
  RawRow header;
  if (!records.next(header)) {
    throw InputError(InputProblem{source.label, 1, 1, "",
                                  "the mapping is empty: expected a header raw_call_type,category,crisis_type,source"});
  }
  if (header.malformed)
    throw InputError(
        InputProblem{source.label, static_cast<int>(header.line), 1, "", "malformed CSV quoting in the header"});
  const std::vector<std::string> known = {"raw_call_type", "category", "crisis_type", "source", "comment"};
  std::map<std::string, std::size_t> index;
  std::vector<InputProblem> problems;
  for (std::size_t i = 0; i < header.fields.size(); ++i) {
    const std::string name = trim(header.fields[i]);
    if (std::find(known.begin(), known.end(), name) == known.end()) {
      problems.push_back({source.label, static_cast<int>(header.line), column_of(header, i, ','), name,
                          "unknown column" + did_you_mean(name, known) + "; expected " + join(known, ", ")});
    } else {
      index.emplace(name, i);
    }
  }
  for (const std::string required : {"raw_call_type", "category"}) {
    if (!index.count(required) && problems.empty()) {  // a misspelt column already says it
      problems.push_back({source.label, static_cast<int>(header.line), 1, required,
                          "missing column: the header needs raw_call_type and category"});
    }
  }
  if (!problems.empty()) throw InputError(problems);
  Mapping mapping;
  mapping.name = source.name;
  std::map<std::string, std::int64_t> first_line;
  const auto categories = names_of(kCategoryNames);
  const auto crisis_types = names_of(world::kCrisisTypeNames);
  RawRow row;
  while (records.next(row)) {
    const int line = static_cast<int>(row.line);
    if (row.malformed) {
      problems.push_back({source.label, line, 1, "", "malformed CSV quoting (a stray or unclosed \")"});
      continue;
    }
    if (invalid_utf8_offset(join(row.fields, ",")) != std::string::npos) {
      problems.push_back({source.label, line, 1, "", "not valid UTF-8 text (save the file as UTF-8)"});
      continue;
    }
    if (row.fields.size() != header.fields.size()) {
      problems.push_back({source.label, line, 1, "",
                          "expected " + std::to_string(header.fields.size()) + " columns, found " +
                              std::to_string(row.fields.size())});
      continue;
    }
    const auto field = [&](const std::string& name) {
      return index.count(name) ? trim(row.fields[index[name]]) : std::string();
    };
    const auto column = [&](const std::string& name) {
      return index.count(name) ? column_of(row, index[name], ',') : 1;
    };
    const std::string raw = field("raw_call_type");
    if (raw.empty()) {
      problems.push_back({source.label, line, column("raw_call_type"), "raw_call_type",
                          "empty: expected the call type as the export writes it"});
      continue;
    }
    MappingEntry entry;
    const std::string category = field("category");
    const auto c = std::find(categories.begin(), categories.end(), category);
    if (c == categories.end()) {
      problems.push_back({source.label, line, column("category"), "category",
                          "expected one of " + join(categories, ", ") + ", got '" + category + "'" +
                              did_you_mean(category, categories)});
      continue;
    }
    entry.category = static_cast<Category>(c - categories.begin());
    const std::string crisis = field("crisis_type");
    if (!crisis.empty()) {
      const auto t = std::find(crisis_types.begin(), crisis_types.end(), crisis);
      if (t == crisis_types.end()) {
        problems.push_back({source.label, line, column("crisis_type"), "crisis_type",
                            "expected empty or one of " + join(crisis_types, ", ") + ", got '" + crisis + "'" +
                                did_you_mean(crisis, crisis_types)});
        continue;
      }
      if (entry.category == Category::other_police) {
        problems.push_back({source.label, line, column("crisis_type"), "crisis_type",
                            "an other_police call type has no crisis type: leave it empty or change the category"});
        continue;
      }
      entry.crisis_type = static_cast<world::CrisisType>(t - crisis_types.begin());
    }
    const std::string key = lookup_key(raw);
    if (const auto earlier = first_line.find(key); earlier != first_line.end()) {
      problems.push_back({source.label, line, column("raw_call_type"), "raw_call_type",
                          "'" + raw + "' is already mapped on line " + std::to_string(earlier->second) +
                              " (call types match ignoring case and spacing)"});
      continue;
    }
    first_line.emplace(key, row.line);
    mapping.entries.emplace(key, entry);
  }
  if (!problems.empty()) throw InputError(problems);
  if (mapping.entries.empty())
    throw InputError(InputProblem{source.label, 1, 1, "", "the mapping has a header but no rows"});
  return mapping;
}

}  // namespace crisis::io::cad::detail
