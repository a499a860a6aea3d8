#pragma once
/// \file
/// Time stamps as the CAD importer reads them: strptime-like formats, ISO 8601 by default, a
/// date without a time of day told apart. Internal to sim/cad (the public face is
/// parse_timestamp and format_timestamp in cad.hpp).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cad/cad.hpp"

namespace crisis::io::cad::detail {

/// A parsed stamp, and whether its text held a time of day at all.
struct ParsedTime {
  Timestamp minutes = 0;
  bool has_time = false;
  bool midnight = false;  ///< the time of day is exactly 00:00:00
};

/// strptime-like parsing of the whole of `text` (surrounding blanks ignored) by `format`:
/// %Y 4-digit year, %y 2-digit year (69-99 -> 19xx), %m month, %d day, %b month name
/// (3 letters or the full name), %H hour 0-23, %I hour 1-12 with %p AM/PM, %M minute,
/// %S second, %f fraction of a second (digits after a literal '.'), %T = %H:%M:%S, %% a '%'.
/// A space in the format matches one or more blanks.
[[nodiscard]] std::optional<ParsedTime> parse_with(std::string_view raw, std::string_view format);

/// What an empty format means: ISO 8601 dates with a space or T, optional seconds and
/// fraction, or a date alone.
[[nodiscard]] const std::vector<std::string>& iso_formats();

/// A stamp by the first format that reads all of it (ISO 8601 when `formats` is empty);
/// failing that, by the date part of one of them, which makes it a date without a time
/// (has_time false).
[[nodiscard]] std::optional<ParsedTime> parse_any(std::string_view text, const std::vector<std::string>& formats);

/// Problem with a format string, or "" when it is usable.
[[nodiscard]] std::string format_problem(const std::string& format);

}  // namespace crisis::io::cad::detail
