#include "yaml/yaml_reader.hpp"

// Problem formatting for every YAML read: "did you mean" suggestions, key patterns, short
// descriptions of bad values, and where each problem is located (file line:column, or the
// --set flag that supplied the value).

#include <algorithm>
#include <limits>

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

std::string did_you_mean(const std::string& word, const std::vector<std::string>& choices) {
  const std::string suggestion = closest_match(word, choices);
  return suggestion.empty() ? std::string() : " (did you mean '" + suggestion + "'?)";
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
  if (!node.IsDefined() || node.Mark().line < 0) return;
  const bool first_time = marks_.emplace(path, node.Mark()).second;
  // A tag (!weird, !!binary, !!str) would be silently ignored: the schema gives every type.
  const std::string& tag = node.Tag();
  if (first_time && !tag.empty() && tag != "?" && tag != "!") {
    problem(node, path, "unknown YAML tag '" + tag + "': tags are not used in scenarios; remove it");
  }
}

void YamlReader::problem(const YAML::Node& at, const std::string& path, std::string message) {
  YAML::Mark mark = YAML::Mark::null_mark();
  if (at.IsDefined()) mark = at.Mark();
  problem_at(mark, path, std::move(message));
}

void YamlReader::problem_at(const YAML::Mark& mark, const std::string& path, std::string message) {
  if (const std::string* overridden = overriding(path)) {
    problems_.push_back({"--set " + *overridden, 0, 0, path, std::move(message)});
    return;
  }
  if (mark.line >= 0) {
    problems_.push_back({file_, mark.line + 1, mark.column + 1, path, std::move(message)});
  } else if (const std::string* below = overriding_below(path)) {
    // No place in the file: a key that --set created on its way (--set foo.bar=1 makes foo).
    problems_.push_back({"--set " + *below, 0, 0, path, std::move(message)});
  } else {
    InputProblem located = locate(path, std::move(message));
    problems_.push_back(std::move(located));
  }
}

InputProblem YamlReader::locate(const std::string& path, std::string message) const {
  // A value that came from --set (or a variant's set:) has no place in the file: name the override.
  if (const std::string* overridden = overriding(path)) return {"--set " + *overridden, 0, 0, path, std::move(message)};
  std::string probe = path;
  while (!probe.empty()) {
    const auto found = marks_.find(probe);
    if (found != marks_.end()) return {file_, found->second.line + 1, found->second.column + 1, path, std::move(message)};
    const auto cut = probe.find_last_of(".[");
    if (cut == std::string::npos) break;
    probe.resize(cut);
  }
  // A missing top-level section: point at the top-level mapping.
  if (const auto root = marks_.find(""); root != marks_.end()) {
    return {file_, root->second.line + 1, root->second.column + 1, path, std::move(message)};
  }
  return {file_, 0, 0, path, std::move(message)};
}

const std::string* YamlReader::overriding(const std::string& path) const {
  for (const std::string& overridden : overridden_) {
    if (path == overridden || path.rfind(overridden + ".", 0) == 0 || path.rfind(overridden + "[", 0) == 0) return &overridden;
  }
  return nullptr;
}

const std::string* YamlReader::overriding_below(const std::string& path) const {
  for (const std::string& overridden : overridden_) {
    if (!path.empty() && (overridden.rfind(path + ".", 0) == 0 || overridden.rfind(path + "[", 0) == 0)) return &overridden;
  }
  return nullptr;
}

void YamlReader::throw_if_problems() const {
  if (!problems_.empty()) throw InputError(problems_);
}

}  // namespace crisis::io
