#include "scenario/scenario_parts.hpp"

// The evidence: section (issue #14): published figures the scenario should reproduce, each a
// measure of one variant, or a paired difference or ratio between two, against a value or a
// range with a tolerance. Variant names are checked when the entries are run
// (experiments/evidence.cpp), because variants are read after the sections.

namespace crisis::io::detail {


namespace {

// `published:` is a number or a list [low, high] with low <= high.
void read_published(YamlReader& reader, const YAML::Node& node, const std::string& path, EvidenceEntry& entry) {
  if (!node.IsDefined()) {
    reader.problem(node, path, "missing: expected the published figure, a number or a range [low, high]");
    return;
  }
  if (node.IsSequence()) {
    const std::vector<double> range = read_number_list(reader, node, path, 2, -1e12, 1e12);
    if (range.size() != 2) return;
    if (range[0] > range[1]) {
      reader.problem(node, path, "expected a range [low, high] with low <= high");
      return;
    }
    entry.low = range[0];
    entry.high = range[1];
    return;
  }
  if (const auto value = read_number(reader, node, path, -1e12, 1e12)) entry.low = entry.high = *value;
}

}  // namespace

void read_evidence(YamlReader& reader, const YAML::Node& node, std::vector<EvidenceEntry>& evidence) {
  if (!node.IsDefined()) return;
  if (!node.IsSequence()) {
    reader.problem(node, "evidence", "expected a list of evidence entries (name, measure, published, source), got " + describe(node));
    return;
  }
  for (std::size_t i = 0; i < node.size(); ++i) {
    const std::string path = "evidence[" + std::to_string(i) + "]";
    MapReader map(reader, node[i], path);
    if (!map.valid()) continue;
    EvidenceEntry entry;
    entry.line = node[i].Mark().line + 1;
    entry.column = node[i].Mark().column + 1;
    entry.name = map.text("name", std::nullopt);
    entry.measure = map.text("measure", std::nullopt);
    entry.divide_by = map.text("divide_by", std::string());
    entry.variant = map.text("variant", std::string());
    entry.reference = map.text("compare_with", std::string());
    const std::string statistic =
        map.choice("statistic", entry.reference.empty() ? "value" : "difference", {"value", "difference", "ratio"});
    entry.statistic = statistic == "ratio"        ? EvidenceEntry::Statistic::ratio
                      : statistic == "difference" ? EvidenceEntry::Statistic::difference
                                                  : EvidenceEntry::Statistic::value;
    if (entry.statistic != EvidenceEntry::Statistic::value && entry.reference.empty()) {
      reader.problem(map.child("statistic"), path + ".statistic", "a " + statistic + " needs compare_with: the variant it is paired with");
    }
    if (entry.statistic == EvidenceEntry::Statistic::value && !entry.reference.empty()) {
      reader.problem(map.child("compare_with"), path + ".compare_with",
                     "statistic 'value' compares with nothing: use statistic difference or ratio, or leave compare_with out");
    }
    read_published(reader, map.child("published"), path + ".published", entry);
    entry.tolerance = map.number("tolerance", 0.0, 0.0, 10.0);
    entry.tolerance_abs = map.number("tolerance_abs", 0.0, 0.0, 1e12);
    entry.source = map.text("source", std::nullopt);
    entry.note = map.text("note", std::string());
    map.finish();
    evidence.push_back(std::move(entry));
  }
}

}  // namespace crisis::io::detail
