// Zone names for a CAD export's areas (district, beat, ...), shared by fit and replay.
#include "cad/cad.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <string_view>

#include "cad/cad_text.hpp"

namespace crisis::io::cad {
namespace {

bool is_name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '-'; }

std::string name_part(const std::string& text) {
  std::string out;
  bool gap = false;
  for (const char c : text) {
    if (is_name_char(c)) {
      if (gap && !out.empty()) out.push_back('_');
      gap = false;
      out.push_back(c);
    } else {
      gap = true;
    }
  }
  return out;
}

}  // namespace

std::string zone_name_for_area(const std::string& area, const std::string& area_column) {
  const std::string text = detail::trim(area);
  if (text.empty()) return {};
  std::string name = name_part(text);
  if (name.empty()) return {};
  if (std::isalpha(static_cast<unsigned char>(name.front())) == 0) {
    std::string prefix = name_part(area_column);
    for (char& c : prefix) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (prefix.empty() || std::isalpha(static_cast<unsigned char>(prefix.front())) == 0) prefix = "area";
    name = prefix.append("_").append(name);
  }
  return name;
}

bool is_placeholder_area(const std::string& area) {
  std::string text = detail::trim(area);
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  static const std::array<std::string_view, 10> kPlaceholders = {"", "unknown", "unk", "n/a", "na", "none", "null", "-", "?", "(none)"};
  return std::find(kPlaceholders.begin(), kPlaceholders.end(), text) != kPlaceholders.end();
}

}  // namespace crisis::io::cad
