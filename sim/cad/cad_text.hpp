#pragma once
/// \file
/// Text helpers the CAD importer's parts share (schemas, mappings, rows). Internal to sim/cad.

#include <array>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace crisis::io::cad::detail {

/// `text` without leading and trailing blanks (space, tab, CR, LF).
[[nodiscard]] std::string trim(std::string_view text);

/// The key a raw value is looked up by in a mapping or map: trimmed, runs of white space as
/// one space, ASCII letters upper-cased ("46A - CIT w/Ambulance" == "46A - CIT W/AMBULANCE").
[[nodiscard]] std::string lookup_key(std::string_view text);

/// ISO-8859-1 bytes as UTF-8 (every byte is a character; nothing can fail).
[[nodiscard]] std::string latin1_to_utf8(const std::string& text);

/// " (did you mean 'x'?)" for the closest of `choices`, or "" when none is close.
[[nodiscard]] std::string did_you_mean(const std::string& word, const std::vector<std::string>& choices);

/// A table of names (kCategoryNames, world::kDispositionNames, ...) as strings.
template <std::size_t N>
[[nodiscard]] std::vector<std::string> names_of(const std::array<std::string_view, N>& names) {
  return {names.begin(), names.end()};
}

}  // namespace crisis::io::cad::detail
