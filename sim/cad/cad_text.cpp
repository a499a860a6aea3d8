#include "cad/cad_text.hpp"

#include <cctype>

#include "yaml/yaml_reader.hpp"

namespace crisis::io::cad::detail {

std::string trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t\r\n");
  return std::string(text.substr(first, last - first + 1));
}

/// The key a raw value is looked up by in a mapping or map: trimmed, runs of white space as
/// one space, ASCII letters upper-cased ("46A - CIT w/Ambulance" == "46A - CIT W/AMBULANCE").
std::string lookup_key(std::string_view text) {
  std::string key;
  bool space = false;
  for (const char c : trim(text)) {
    if (c == ' ' || c == '\t') {
      space = true;
      continue;
    }
    if (space) key.push_back(' ');
    space = false;
    key.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  }
  return key;
}

std::string latin1_to_utf8(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x80) {
      out.push_back(c);
    } else {
      out.push_back(static_cast<char>(0xC0 | (byte >> 6)));
      out.push_back(static_cast<char>(0x80 | (byte & 0x3F)));
    }
  }
  return out;
}

std::string did_you_mean(const std::string& word, const std::vector<std::string>& choices) {
  const std::string suggestion = closest_match(word, choices);
  return suggestion.empty() ? std::string() : " (did you mean '" + suggestion + "'?)";
}

}  // namespace crisis::io::cad::detail
