#pragma once
/// \file
/// Schema-checked reading of YAML into typed values. Every problem is collected (not thrown
/// at the first), each with file, line:column (1-based), key path, the bad value and what
/// was expected. Unknown keys are problems with a "did you mean" suggestion.

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "engine/errors.hpp"

namespace crisis::io {

/// Levenshtein edit distance, for "did you mean" suggestions.
std::size_t edit_distance(const std::string& a, const std::string& b);
/// The closest of `choices` to `word`, or "" when none is close.
std::string closest_match(const std::string& word, const std::vector<std::string>& choices);
/// " (did you mean 'x'?)" naming the closest of `choices` to `word`, or "" when none is close:
/// the suffix every unknown-name message ends with.
std::string did_you_mean(const std::string& word, const std::vector<std::string>& choices);

/// Shared state of one read: the file, the problems found, the keys the schema knows, and
/// where each key path was found (for errors raised later, e.g. by models).
class YamlReader {
 public:
  explicit YamlReader(std::string file) : file_(std::move(file)) {}

  void problem(const YAML::Node& at, const std::string& path, std::string message);
  void problem_at(const YAML::Mark& mark, const std::string& path, std::string message);
  void record(const YAML::Node& node, const std::string& path);
  [[nodiscard]] bool ok() const noexcept { return problems_.empty(); }
  [[nodiscard]] const std::vector<InputProblem>& problems() const noexcept { return problems_; }
  /// Throw InputError with everything found so far, when anything was.
  void throw_if_problems() const;

  /// Paths given with --set: problems under them name the flag instead of a line.
  void mark_overridden(const std::string& path) { overridden_.insert(path); }

  /// Key patterns the schema accepts, with list indices written as [] ("city.zones[].name").
  [[nodiscard]] const std::set<std::string>& known_keys() const noexcept { return known_keys_; }
  void know(const std::string& pattern) { known_keys_.insert(pattern); }

  /// Best location for an error about `path`: its own mark or its nearest recorded parent's.
  [[nodiscard]] InputProblem locate(const std::string& path, std::string message) const;
  [[nodiscard]] const std::string& file() const noexcept { return file_; }

 private:
  /// The --set path that supplied `path` (the path itself or a parent of it), or nullptr.
  [[nodiscard]] const std::string* overriding(const std::string& path) const;
  /// A --set path below `path` (the override that created `path` on its way), or nullptr.
  [[nodiscard]] const std::string* overriding_below(const std::string& path) const;

  std::string file_;
  std::vector<InputProblem> problems_;
  std::set<std::string> known_keys_;
  std::set<std::string> overridden_;
  std::map<std::string, YAML::Mark> marks_;
};

/// "a.b[3].c" -> "a.b[].c"
std::string key_pattern(const std::string& path);

/// Short printable form of a scalar or node for messages ("abc", a list, a map).
std::string describe(const YAML::Node& node);

/// Reads one YAML mapping against a schema: ask for each known key; finish() reports the
/// keys nobody asked for.
class MapReader {
 public:
  /// `node` must be a map (reported otherwise); `path` is its key path ("" for the root).
  MapReader(YamlReader& reader, const YAML::Node& node, std::string path);

  [[nodiscard]] bool valid() const noexcept { return valid_; }
  [[nodiscard]] const std::string& path() const noexcept { return path_; }
  [[nodiscard]] std::string child_path(const std::string& key) const { return path_.empty() ? key : path_ + "." + key; }

  /// The child node for `key` (undefined when absent); declares the key as known.
  YAML::Node child(const std::string& key);
  [[nodiscard]] bool has(const std::string& key);

  /// A number in [minimum, maximum]; `fallback` when absent (required when no fallback).
  double number(const std::string& key, std::optional<double> fallback, double minimum, double maximum);
  /// A whole number in [minimum, maximum].
  long long integer(const std::string& key, std::optional<long long> fallback, long long minimum, long long maximum);
  bool flag(const std::string& key, std::optional<bool> fallback);
  std::string text(const std::string& key, std::optional<std::string> fallback);
  /// One of `choices`.
  std::string choice(const std::string& key, std::optional<std::string> fallback, const std::vector<std::string>& choices);

  /// Report keys that the schema did not ask for. Call once, after every get.
  void finish();

  YamlReader& reader() noexcept { return reader_; }

 private:
  YamlReader& reader_;
  YAML::Node node_;
  std::string path_;
  bool valid_ = false;
  std::vector<std::string> asked_;
};

/// Parse a scalar as a finite number; reports and returns nullopt otherwise.
std::optional<double> read_number(YamlReader& reader, const YAML::Node& node, const std::string& path, double minimum,
                                  double maximum);
std::optional<long long> read_integer(YamlReader& reader, const YAML::Node& node, const std::string& path,
                                      long long minimum, long long maximum);
std::optional<bool> read_flag(YamlReader& reader, const YAML::Node& node, const std::string& path);
std::optional<std::string> read_text(YamlReader& reader, const YAML::Node& node, const std::string& path);

/// A list of exactly `count` numbers in [minimum, maximum] (count 0 = any length >= 1).
std::vector<double> read_number_list(YamlReader& reader, const YAML::Node& node, const std::string& path,
                                     std::size_t count, double minimum, double maximum);

/// Offset of the first byte of `text` that is not valid UTF-8, or std::string::npos.
std::size_t invalid_utf8_offset(const std::string& text);

/// Load YAML text from a file with the checks users need: the path exists and is a regular
/// file, no NUL bytes, valid UTF-8 (a BOM is accepted and dropped; CRLF line ends are fine),
/// nesting no deeper than a sane limit. Syntax errors become InputError with line:column.
YAML::Node load_yaml_file(const std::string& path, std::string* text_out = nullptr);
/// The file checks of load_yaml_file (exists, regular, size, not blank) and its text, unparsed.
std::string read_yaml_file(const std::string& path);
/// InputError at 1:1 when a parsed file holds no document (only comments, or empty).
void require_document(const YAML::Node& node, const std::string& file_label);
YAML::Node load_yaml_text(const std::string& text, const std::string& file_label);

}  // namespace crisis::io
