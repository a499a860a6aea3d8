#include "io/yaml_reader.hpp"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>

namespace crisis::io {

std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::string closest_match(const std::string& word, const std::vector<std::string>& choices) {
  std::string best;
  std::size_t best_distance = std::numeric_limits<std::size_t>::max();
  for (const std::string& choice : choices) {
    const std::size_t d = edit_distance(word, choice);
    if (d < best_distance) {
      best_distance = d;
      best = choice;
    }
  }
  const std::size_t allowed = std::max<std::size_t>(2, word.size() / 3);
  return best_distance <= allowed ? best : std::string();
}

std::string key_pattern(const std::string& path) {
  std::string pattern;
  bool in_index = false;
  for (char c : path) {
    if (c == '[') {
      in_index = true;
      pattern += "[]";
    } else if (c == ']') {
      in_index = false;
    } else if (!in_index) {
      pattern += c;
    }
  }
  return pattern;
}

std::string describe(const YAML::Node& node) {
  if (!node.IsDefined() || node.IsNull()) return "nothing";
  if (node.IsScalar()) {
    std::string value = node.Scalar();
    if (value.size() > 60) value = value.substr(0, 57) + "...";
    return "\"" + value + "\"";
  }
  if (node.IsSequence()) return "a list of " + std::to_string(node.size());
  return "a mapping";
}

// ---- YamlReader ---------------------------------------------------------------------------

void YamlReader::record(const YAML::Node& node, const std::string& path) {
  if (node.IsDefined() && node.Mark().line >= 0) marks_.emplace(path, node.Mark());
}

void YamlReader::problem(const YAML::Node& at, const std::string& path, std::string message) {
  YAML::Mark mark = YAML::Mark::null_mark();
  if (at.IsDefined()) mark = at.Mark();
  problem_at(mark, path, std::move(message));
}

void YamlReader::problem_at(const YAML::Mark& mark, const std::string& path, std::string message) {
  for (const std::string& overridden : overridden_) {
    if (path == overridden || path.rfind(overridden + ".", 0) == 0 || path.rfind(overridden + "[", 0) == 0) {
      problems_.push_back({"--set " + overridden, 0, 0, path, std::move(message)});
      return;
    }
  }
  if (mark.line >= 0) {
    problems_.push_back({file_, mark.line + 1, mark.column + 1, path, std::move(message)});
  } else {
    InputProblem located = locate(path, std::move(message));
    problems_.push_back(std::move(located));
  }
}

InputProblem YamlReader::locate(const std::string& path, std::string message) const {
  std::string probe = path;
  while (!probe.empty()) {
    const auto found = marks_.find(probe);
    if (found != marks_.end()) return {file_, found->second.line + 1, found->second.column + 1, path, std::move(message)};
    const auto cut = probe.find_last_of(".[");
    if (cut == std::string::npos) break;
    probe.resize(cut);
  }
  return {file_, 0, 0, path, std::move(message)};
}

void YamlReader::throw_if_problems() const {
  if (!problems_.empty()) throw InputError(problems_);
}

// ---- scalar readers --------------------------------------------------------------------------

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
    reader_.problem(node, path_.empty() ? "(top level)" : path_, "expected a mapping of keys to values, got " + describe(node));
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
      if (entry.second.IsNull()) return YAML::Node(YAML::NodeType::Undefined);
      return entry.second;
    }
  }
  return YAML::Node(YAML::NodeType::Undefined);
}

bool MapReader::has(const std::string& key) { return child(key).IsDefined(); }

double MapReader::number(const std::string& key, std::optional<double> fallback, double minimum, double maximum) {
  const YAML::Node value = child(key);
  if (!value.IsDefined()) {
    if (!fallback) reader_.problem(node_, child_path(key), "missing: expected a number" + range_text(minimum, maximum));
    return fallback.value_or(0.0);
  }
  return read_number(reader_, value, child_path(key), minimum, maximum).value_or(fallback.value_or(0.0));
}

long long MapReader::integer(const std::string& key, std::optional<long long> fallback, long long minimum, long long maximum) {
  const YAML::Node value = child(key);
  if (!value.IsDefined()) {
    if (!fallback) reader_.problem(node_, child_path(key), "missing: expected a whole number");
    return fallback.value_or(0);
  }
  return read_integer(reader_, value, child_path(key), minimum, maximum).value_or(fallback.value_or(0));
}

bool MapReader::flag(const std::string& key, std::optional<bool> fallback) {
  const YAML::Node value = child(key);
  if (!value.IsDefined()) {
    if (!fallback) reader_.problem(node_, child_path(key), "missing: expected true or false");
    return fallback.value_or(false);
  }
  return read_flag(reader_, value, child_path(key)).value_or(fallback.value_or(false));
}

std::string MapReader::text(const std::string& key, std::optional<std::string> fallback) {
  const YAML::Node value = child(key);
  if (!value.IsDefined()) {
    if (!fallback) reader_.problem(node_, child_path(key), "missing: expected text");
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
    if (!fallback) reader_.problem(node_, child_path(key), "missing: expected one of " + valid);
    return fallback.value_or("");
  }
  const auto word = read_text(reader_, value, child_path(key));
  if (!word) return fallback.value_or("");
  if (std::find(choices.begin(), choices.end(), *word) == choices.end()) {
    const std::string suggestion = closest_match(*word, choices);
    reader_.problem(value, child_path(key),
                    "expected one of " + valid + ", got " + describe(value) +
                        (suggestion.empty() ? "" : " (did you mean '" + suggestion + "'?)"));
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
    const std::string suggestion = closest_match(key, asked_);
    std::string valid;
    for (const auto& k : asked_) valid += (valid.empty() ? "" : ", ") + k;
    reader_.problem(entry.first, child_path(key),
                    "unknown key" + (suggestion.empty() ? "" : " (did you mean '" + suggestion + "'?)") +
                        "; valid keys here: " + valid);
  }
}

// ---- loading ---------------------------------------------------------------------------------

namespace {

// Position (1-based line and column) of byte `offset` in `text`.
std::pair<int, int> position_of(const std::string& text, std::size_t offset) {
  int line = 1;
  int column = 1;
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return {line, column};
}

// Offset of the first byte that is not valid UTF-8, or npos.
std::size_t invalid_utf8_offset(const std::string& text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    std::size_t length = 0;
    if (c < 0x80) length = 1;
    else if ((c >> 5) == 0x6) length = 2;
    else if ((c >> 4) == 0xE) length = 3;
    else if ((c >> 3) == 0x1E) length = 4;
    else return i;
    if (i + length > text.size()) return i;
    for (std::size_t k = 1; k < length; ++k) {
      if ((static_cast<unsigned char>(text[i + k]) >> 6) != 0x2) return i;
    }
    i += length;
  }
  return std::string::npos;
}

constexpr int kMaxNesting = 64;

// yaml-cpp's parser recurses once per nesting level; refuse absurd depth before it does.
// Counts flow brackets and indentation levels, which bound the parser's recursion.
std::optional<std::size_t> too_deep_offset(const std::string& text) {
  int flow_depth = 0;
  int deepest_indent_levels = 0;
  std::vector<std::size_t> indents;
  bool line_start = true;
  std::size_t indent = 0;
  bool in_comment = false;
  char quote = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\n') {
      line_start = true;
      indent = 0;
      in_comment = false;
      quote = 0;
      continue;
    }
    if (in_comment) continue;
    if (line_start) {
      if (c == ' ' || c == '-') {
        ++indent;
        continue;
      }
      line_start = false;
      if (c != '#') {
        while (!indents.empty() && indents.back() >= indent) indents.pop_back();
        indents.push_back(indent);
        deepest_indent_levels = std::max(deepest_indent_levels, static_cast<int>(indents.size()));
        if (deepest_indent_levels > kMaxNesting) return i;
      }
    }
    if (quote) {
      if (c == quote) quote = 0;
      continue;
    }
    if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '#') {
      in_comment = true;
    } else if (c == '[' || c == '{') {
      if (++flow_depth > kMaxNesting) return i;
    } else if (c == ']' || c == '}') {
      flow_depth = std::max(0, flow_depth - 1);
    }
  }
  return std::nullopt;
}

}  // namespace

YAML::Node load_yaml_text(const std::string& raw, const std::string& file_label) {
  std::string text = raw;
  if (text.rfind("\xEF\xBB\xBF", 0) == 0) text.erase(0, 3);  // UTF-8 byte-order mark
  if (const auto nul = text.find('\0'); nul != std::string::npos) {
    const auto [line, column] = position_of(text, nul);
    throw InputError(InputProblem{file_label, line, column, "", "the file contains a NUL byte: expected YAML text, not binary data"});
  }
  if (const auto bad = invalid_utf8_offset(text); bad != std::string::npos) {
    const auto [line, column] = position_of(text, bad);
    throw InputError(InputProblem{file_label, line, column, "", "the file is not valid UTF-8 text (save it as UTF-8)"});
  }
  if (const auto deep = too_deep_offset(text)) {
    const auto [line, column] = position_of(text, *deep);
    throw InputError(InputProblem{file_label, line, column, "",
                                  "nesting deeper than " + std::to_string(kMaxNesting) + " levels: not a scenario"});
  }
  try {
    YAML::Node node = YAML::Load(text);
    return node;
  } catch (const YAML::Exception& error) {
    const int line = error.mark.line >= 0 ? error.mark.line + 1 : 0;
    const int column = error.mark.column >= 0 ? error.mark.column + 1 : 0;
    std::string message = error.msg;
    if (message == "illegal map value" || message.find("end of map") != std::string::npos) message += " (is a tab or a missing space after ':' to blame?)";
    throw InputError(InputProblem{file_label, line, column, "", "YAML syntax error: " + message});
  }
}

YAML::Node load_yaml_file(const std::string& path, std::string* text_out) {
  namespace fs = std::filesystem;
  std::error_code error;
  const auto status = fs::status(path, error);
  if (error || !fs::exists(status)) throw InputError(InputProblem{path, 0, 0, "", "no such file"});
  if (fs::is_directory(status)) throw InputError(InputProblem{path, 0, 0, "", "is a directory; expected a scenario YAML file"});
  if (!fs::is_regular_file(status)) throw InputError(InputProblem{path, 0, 0, "", "is not a regular file"});
  const auto size = fs::file_size(path, error);
  constexpr std::uintmax_t kMaxBytes = 64u << 20;
  if (!error && size > kMaxBytes) throw InputError(InputProblem{path, 0, 0, "", "is larger than 64 MiB; expected a scenario YAML file"});
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(InputProblem{path, 0, 0, "", "cannot be read (permission?)"});
  std::ostringstream buffer;
  buffer << in.rdbuf();
  std::string text = buffer.str();
  if (text.find_first_not_of(" \t\r\n") == std::string::npos) {
    throw InputError(InputProblem{path, 1, 1, "", "the file is empty; expected a scenario (see docs/scenario-format.md)"});
  }
  YAML::Node node = load_yaml_text(text, path);
  if (text_out) *text_out = std::move(text);
  return node;
}

}  // namespace crisis::io
