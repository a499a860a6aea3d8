#include "scenario/scenario_parts.hpp"

// --set overrides: "path=value" parsed, and applied to the YAML before the schema reads it, so
// an overridden value is checked exactly as one in the file would be.

#include <algorithm>
#include <charconv>

namespace crisis::io {

Override parse_override(const std::string& text) {
  const auto equals = text.find('=');
  if (equals == std::string::npos || equals == 0) {
    throw InputError(InputProblem{"", 0, 0, "--set", "expected path=value (e.g. run.horizon_days=30), got \"" + text + "\""});
  }
  return {text.substr(0, equals), text.substr(equals + 1)};
}

namespace detail {

void apply_override(YAML::Node& root, const Override& override_spec) {
  auto fail = [&](const std::string& message) { throw InputError(InputProblem{"", 0, 0, "--set " + override_spec.path, message}); };
  // Tokenise "a.b[2].c" into a, b, [2], c.
  std::vector<std::string> tokens;
  std::string current;
  for (std::size_t i = 0; i < override_spec.path.size(); ++i) {
    const char c = override_spec.path[i];
    if (c == '.') {
      // "run..horizon_days", ".run", "run." name no key: refused, not read as "run.horizon_days".
      const bool after_index = i > 0 && override_spec.path[i - 1] == ']';
      if (current.empty() && !after_index) fail("empty key in the path (two dots, or a dot at the start)");
      if (i + 1 == override_spec.path.size()) fail("empty key in the path (a dot at the end)");
      if (!current.empty()) tokens.push_back(current);
      current.clear();
    } else if (c == '[') {
      if (!current.empty()) tokens.push_back(current);
      const auto close = override_spec.path.find(']', i);
      if (close == std::string::npos) fail("unclosed '[' in the path");
      tokens.push_back(override_spec.path.substr(i, close - i + 1));
      current.clear();
      i = close;
    } else {
      current += c;
    }
  }
  if (!current.empty()) tokens.push_back(current);
  if (tokens.empty()) fail("empty path");
  YAML::Node value;
  try {
    // The same checks as a file: NUL bytes, UTF-8, nesting depth, syntax.
    value = load_yaml_text(override_spec.value.empty() ? std::string("''") : override_spec.value, "--set " + override_spec.path);
  } catch (const InputError& error) {
    fail("the value is not valid YAML: " + error.problems().front().message);
  }
  // `--set run=null` (or ~, or nothing after a mapping key) would silently mean "defaults".
  if (value.IsNull() && !override_spec.value.empty()) fail("the value is null; give a value (leave --set out to keep the file's)");
  if (!root.IsDefined() || root.IsNull()) root = YAML::Node(YAML::NodeType::Map);
  YAML::Node node;
  node.reset(root);
  for (std::size_t k = 0; k < tokens.size(); ++k) {
    const bool last = k + 1 == tokens.size();
    std::string token = tokens[k];
    const bool bracket = token.front() == '[';
    if (bracket) token = token.substr(1, token.size() - 2);
    const bool numeric = !token.empty() && std::all_of(token.begin(), token.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (node.IsSequence()) {
      if (!numeric) fail("'" + token + "' indexes a list; expected a number such as [0]");
      std::size_t index = 0;
      const auto [end, error] = std::from_chars(token.data(), token.data() + token.size(), index);
      if (error != std::errc() || end != token.data() + token.size() || index >= node.size()) fail("index " + token + " is past the end of a list of " + std::to_string(node.size()));
      if (last) {
        node[index] = value;
        return;
      }
      YAML::Node next = node[index];
      node.reset(next);
    } else if (node.IsMap() || node.IsNull()) {
      if (bracket) fail("[" + token + "] indexes a mapping; use .key");
      if (last) {
        node[token] = value;
        return;
      }
      if (!node[token].IsDefined() || node[token].IsNull()) node[token] = YAML::Node(YAML::NodeType::Map);
      YAML::Node next = node[token];
      node.reset(next);
    } else {
      fail("cannot descend into a plain value at '" + token + "'");
    }
  }
}

}  // namespace detail
bool problem_from_override(const InputProblem& problem, const std::string& path) {
  const std::string flag = "--set " + path;
  return problem.file == flag || problem.field == flag;
}

}  // namespace crisis::io
