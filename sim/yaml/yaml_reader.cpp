#include "yaml/yaml_reader.hpp"

// Typed reading of YAML values against a schema: scalars, number lists, and MapReader, which
// asks for each known key and reports the keys nobody asked for.

#include <algorithm>
#include <charconv>
#include <cmath>
#include <optional>
#include <sstream>

#include "engine/limits.hpp"

namespace crisis::io {

namespace {
std::string range_text(double minimum, double maximum) {
  std::ostringstream text;
  text.precision(10);
  if (std::isinf(minimum) && std::isinf(maximum)) return "";
  if (std::isinf(maximum)) {
    text << " >= " << minimum;
  } else if (std::isinf(minimum)) {
    text << " <= " << maximum;
  } else {
    text << " from " << minimum << " to " << maximum;
  }
  return text.str();
}
}  // namespace

std::optional<double> read_number(YamlReader& reader, const YAML::Node& node, const std::string& path, double minimum,
                                  double maximum) {
  reader.record(node, path);
  const std::string expected = "expected a number" + range_text(minimum, maximum);
  if (!node.IsScalar()) {
    reader.problem(node, path, expected + ", got " + describe(node));
    return std::nullopt;
  }
  const std::string& text = node.Scalar();
  double value = 0.0;
  const char* first = text.data();
  const char* last = text.data() + text.size();
  if (!text.empty() && *first == '+') ++first;
  const auto [end, error] = std::from_chars(first, last, value);
  if (error != std::errc() || end != last || text.empty()) {
    reader.problem(node, path, expected + ", got " + describe(node));
    return std::nullopt;
  }
  if (!std::isfinite(value)) {
    reader.problem(node, path, expected + ", got " + describe(node) + " (not finite)");
    return std::nullopt;
  }
  if (value < minimum || value > maximum) {
    reader.problem(node, path, expected + ", got " + describe(node));
    return std::nullopt;
  }
  if (value != 0.0 && std::fabs(value) < engine::kMinNonzeroMagnitude) {
    reader.problem(node, path,
                   expected + ", got " + describe(node) + " (too close to 0 to mean anything: give 0 or a magnitude of at least 1e-12)");
    return std::nullopt;
  }
  return value;
}

std::optional<long long> read_integer(YamlReader& reader, const YAML::Node& node, const std::string& path,
                                      long long minimum, long long maximum) {
  reader.record(node, path);
  const std::string expected = "expected a whole number" +
                               range_text(static_cast<double>(minimum), static_cast<double>(maximum));
  if (!node.IsScalar()) {
    reader.problem(node, path, expected + ", got " + describe(node));
    return std::nullopt;
  }
  const std::string& text = node.Scalar();
  long long value = 0;
  const char* first = text.data();
  const char* last = text.data() + text.size();
  if (!text.empty() && *first == '+') ++first;
  const auto [end, error] = std::from_chars(first, last, value);
  if (error != std::errc() || end != last || text.empty() || value < minimum || value > maximum) {
    reader.problem(node, path, expected + ", got " + describe(node));
    return std::nullopt;
  }
  return value;
}

std::optional<bool> read_flag(YamlReader& reader, const YAML::Node& node, const std::string& path) {
  reader.record(node, path);
  if (node.IsScalar()) {
    const std::string& text = node.Scalar();
    if (text == "true" || text == "yes" || text == "on") return true;
    if (text == "false" || text == "no" || text == "off") return false;
  }
  reader.problem(node, path, "expected true or false, got " + describe(node));
  return std::nullopt;
}

std::optional<std::string> read_text(YamlReader& reader, const YAML::Node& node, const std::string& path) {
  reader.record(node, path);
  if (!node.IsScalar() || node.Scalar().empty()) {
    reader.problem(node, path, "expected a word or text, got " + describe(node));
    return std::nullopt;
  }
  // Control characters (other than tab and line ends in prose) would reach names, CSV and JSON.
  for (const char c : node.Scalar()) {
    const auto byte = static_cast<unsigned char>(c);
    if ((byte < 0x20 && c != '\t' && c != '\n' && c != '\r') || byte == 0x7F) {
      reader.problem(node, path, "expected text without control characters, got one (code " + std::to_string(byte) + ")");
      return std::nullopt;
    }
  }
  return node.Scalar();
}

std::vector<double> read_number_list(YamlReader& reader, const YAML::Node& node, const std::string& path,
                                     std::size_t count, double minimum, double maximum) {
  reader.record(node, path);
  const std::string expected = count ? "a list of " + std::to_string(count) + " numbers" : "a list of numbers";
  if (!node.IsSequence() || (count && node.size() != count) || node.size() == 0) {
    reader.problem(node, path, "expected " + expected + ", got " + describe(node));
    return {};
  }
  std::vector<double> values;
  bool good = true;
  for (std::size_t i = 0; i < node.size(); ++i) {
    const auto value = read_number(reader, node[i], path + "[" + std::to_string(i) + "]", minimum, maximum);
    good = good && value.has_value();
    values.push_back(value.value_or(0.0));
  }
  return good ? values : std::vector<double>{};
}

// ---- MapReader -------------------------------------------------------------------------------

MapReader::MapReader(YamlReader& reader, const YAML::Node& node, std::string path)
    : reader_(reader), node_(node), path_(std::move(path)) {
  reader_.record(node, path_);
  if (!node.IsDefined() || !node.IsMap()) {
    reader_.problem(node, path_.empty() ? "(top level)" : path_,
                    std::string(node.IsDefined() && !node.IsNull() ? "" : "missing: ") +
                        "expected a mapping of keys to values, got " + describe(node));
    return;
  }
  valid_ = true;
  // yaml-cpp keeps duplicate keys silently; a hand-edited file deserves to hear about them.
  std::set<std::string> seen;
  for (const auto& entry : node) {
    const std::string key = entry.first.IsScalar() ? entry.first.Scalar() : describe(entry.first);
    if (!seen.insert(key).second) reader_.problem(entry.first, child_path(key), "duplicate key");
  }
}

YAML::Node MapReader::child(const std::string& key) {
  asked_.push_back(key);
  reader_.know(key_pattern(child_path(key)));
  if (!valid_) return YAML::Node(YAML::NodeType::Undefined);
  const YAML::Node& map = node_;
  for (const auto& entry : map) {
    if (entry.first.IsScalar() && entry.first.Scalar() == key) {
      reader_.record(entry.second, child_path(key));
      if (entry.second.IsNull()) {
        // `key: ~`, `key: null` or `key:` with nothing: never a silent "use the default".
        reader_.problem(entry.second, child_path(key), "expected a value, got nothing (null); leave the key out to use its default");
        return YAML::Node(YAML::NodeType::Undefined);
      }
      return entry.second;
    }
  }
  return YAML::Node(YAML::NodeType::Undefined);
}

bool MapReader::has(const std::string& key) { return child(key).IsDefined(); }

double MapReader::number(const std::string& key, std::optional<double> fallback, double minimum, double maximum) {
  const YAML::Node value = child(key);
  if (!value.IsDefined()) {
    if (!fallback && valid_) reader_.problem(node_, child_path(key), "missing: expected a number" + range_text(minimum, maximum));
    return fallback.value_or(0.0);
  }
  return read_number(reader_, value, child_path(key), minimum, maximum).value_or(fallback.value_or(0.0));
}

long long MapReader::integer(const std::string& key, std::optional<long long> fallback, long long minimum, long long maximum) {
  const YAML::Node value = child(key);
  if (!value.IsDefined()) {
    if (!fallback && valid_) reader_.problem(node_, child_path(key), "missing: expected a whole number" +
                                                               range_text(static_cast<double>(minimum), static_cast<double>(maximum)));
    return fallback.value_or(0);
  }
  return read_integer(reader_, value, child_path(key), minimum, maximum).value_or(fallback.value_or(0));
}

bool MapReader::flag(const std::string& key, std::optional<bool> fallback) {
  const YAML::Node value = child(key);
  if (!value.IsDefined()) {
    if (!fallback && valid_) reader_.problem(node_, child_path(key), "missing: expected true or false");
    return fallback.value_or(false);
  }
  return read_flag(reader_, value, child_path(key)).value_or(fallback.value_or(false));
}

std::string MapReader::text(const std::string& key, std::optional<std::string> fallback) {
  const YAML::Node value = child(key);
  if (!value.IsDefined()) {
    if (!fallback && valid_) reader_.problem(node_, child_path(key), "missing: expected text");
    return fallback.value_or("");
  }
  return read_text(reader_, value, child_path(key)).value_or(fallback.value_or(""));
}

std::string MapReader::choice(const std::string& key, std::optional<std::string> fallback,
                              const std::vector<std::string>& choices) {
  const YAML::Node value = child(key);
  std::string valid;
  for (const auto& c : choices) valid += (valid.empty() ? "" : ", ") + c;
  if (!value.IsDefined()) {
    if (!fallback && valid_) reader_.problem(node_, child_path(key), "missing: expected one of " + valid);
    return fallback.value_or("");
  }
  const auto word = read_text(reader_, value, child_path(key));
  if (!word) return fallback.value_or("");
  if (std::find(choices.begin(), choices.end(), *word) == choices.end()) {
    reader_.problem(value, child_path(key), "expected one of " + valid + ", got " + describe(value) + did_you_mean(*word, choices));
    return fallback.value_or("");
  }
  return *word;
}

void MapReader::finish() {
  if (!valid_) return;
  for (const auto& entry : node_) {
    if (!entry.first.IsScalar()) {
      reader_.problem(entry.first, path_, "keys must be plain words, got " + describe(entry.first));
      continue;
    }
    const std::string& key = entry.first.Scalar();
    if (std::find(asked_.begin(), asked_.end(), key) != asked_.end()) continue;
    std::string valid;
    for (const auto& k : asked_) valid += (valid.empty() ? "" : ", ") + k;
    reader_.problem(entry.first, child_path(key), "unknown key" + did_you_mean(key, asked_) + "; valid keys here: " + valid);
  }
}

}  // namespace crisis::io
