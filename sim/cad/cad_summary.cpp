// The import summary, as text (what `crisis-sim fit` prints) and as JSON.
#include "cad/cad.hpp"

#include <algorithm>
#include <utility>

#include <nlohmann/json.hpp>

namespace crisis::io::cad {
namespace {

nlohmann::ordered_json counts_json(const std::map<std::string, std::int64_t>& counts) {
  nlohmann::ordered_json json = nlohmann::ordered_json::object();
  for (const auto& [key, count] : counts) json[key] = count;
  return json;
}

/// "a 3, b 2" from a map of counts, most frequent first (ties by name), at most `limit`.
std::string counts_text(const std::map<std::string, std::int64_t>& counts, std::size_t limit) {
  std::vector<std::pair<std::string, std::int64_t>> sorted(counts.begin(), counts.end());
  std::stable_sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  std::string text;
  for (std::size_t i = 0; i < sorted.size() && i < limit; ++i) {
    if (!text.empty()) text += "; ";
    text += sorted[i].first + " " + std::to_string(sorted[i].second);
  }
  if (sorted.size() > limit) text += "; ... (" + std::to_string(sorted.size() - limit) + " more)";
  return text;
}

}  // namespace

std::string summary_text(const ImportSummary& s) {
  std::string text =
      "CAD import of " + s.input_path + " (schema " + s.schema_name + ", mapping " + s.mapping_name + ")\n";
  text += "  rows read           " + std::to_string(s.rows_read) + "\n";
  text += "  used                " + std::to_string(s.rows_used) + "\n";
  text += "  rejected            " + std::to_string(s.rows_rejected);
  if (!s.rejected_by_reason.empty()) text += "  (" + counts_text(s.rejected_by_reason, 8) + ")";
  text += "\n";
  text += "  outside the period  " + std::to_string(s.rows_outside_period) + "\n";
  text += "  calls by category   ";
  for (std::size_t c = 0; c < kCategoryCount; ++c) {
    if (c) text += ", ";
    text += std::string(kCategoryNames[c]) + " " + std::to_string(s.calls_by_category[c]);
  }
  text += "\n";
  if (s.first_created && s.last_created) {
    text += "  created from        " + format_timestamp(*s.first_created) + " to " + format_timestamp(*s.last_created) +
            "\n";
  }
  if (!s.stages_emptied.empty()) text += "  stages emptied      " + counts_text(s.stages_emptied, 12) + "\n";
  if (!s.unmapped_call_types.empty()) {
    std::int64_t calls = 0;
    for (const auto& entry : s.unmapped_call_types) calls += entry.second;
    text += "  unmapped call types " + std::to_string(s.unmapped_call_types.size()) + " types, " +
            std::to_string(calls) +
            " calls (counted by the schema's default category): " + counts_text(s.unmapped_call_types, 10) + "\n";
  }
  return text;
}

std::string summary_json_text(const ImportSummary& s) {
  nlohmann::ordered_json json;
  json["input"] = s.input_path;
  json["schema"] = s.schema_name;
  json["mapping"] = s.mapping_name;
  json["rows_read"] = s.rows_read;
  json["rows_used"] = s.rows_used;
  json["rows_rejected"] = s.rows_rejected;
  json["rows_outside_period"] = s.rows_outside_period;
  json["rejected_by_reason"] = counts_json(s.rejected_by_reason);
  json["stages_emptied"] = counts_json(s.stages_emptied);
  nlohmann::ordered_json categories = nlohmann::ordered_json::object();
  for (std::size_t c = 0; c < kCategoryCount; ++c) categories[std::string(kCategoryNames[c])] = s.calls_by_category[c];
  json["calls_by_category"] = categories;
  json["unmapped_call_types"] = counts_json(s.unmapped_call_types);
  json["first_created"] =
      s.first_created ? nlohmann::ordered_json(format_timestamp(*s.first_created)) : nlohmann::ordered_json();
  json["last_created"] =
      s.last_created ? nlohmann::ordered_json(format_timestamp(*s.last_created)) : nlohmann::ordered_json();
  return json.dump(2) + "\n";
}

}  // namespace crisis::io::cad
