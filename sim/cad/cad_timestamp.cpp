#include "cad/cad_timestamp.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <cstdio>

#include "cad/cad_text.hpp"

namespace crisis::io::cad {
namespace detail {
namespace {

/// Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar (H. Hinnant's
/// days_from_civil, http://howardhinnant.github.io/date_algorithms.html).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

/// Inverse of days_from_civil.
void civil_from_days(std::int64_t z, std::int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = static_cast<std::int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2 ? 1 : 0;
}

bool leap_year(std::int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

unsigned days_in_month(std::int64_t y, unsigned m) {
  static constexpr std::array<unsigned, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && leap_year(y) ? 29 : kDays[m - 1];
}

constexpr std::array<std::string_view, 12> kMonthAbbreviations = {"jan", "feb", "mar", "apr", "may", "jun",
                                                                  "jul", "aug", "sep", "oct", "nov", "dec"};

/// Reads 1..max_digits decimal digits at `at`; false when there is none.
bool read_digits(std::string_view text, std::size_t& at, std::size_t min_digits, std::size_t max_digits, int& value) {
  std::size_t count = 0;
  value = 0;
  while (at < text.size() && count < max_digits && std::isdigit(static_cast<unsigned char>(text[at]))) {
    value = value * 10 + (text[at] - '0');
    ++at;
    ++count;
  }
  return count >= min_digits;
}

/// The directives a format may use (strptime's, a subset).
constexpr std::string_view kDirectives = "YymdbHIMSfpT%";

}  // namespace

std::optional<ParsedTime> parse_with(std::string_view raw, std::string_view format) {
  const std::string text = trim(raw);
  std::size_t at = 0;
  int year = -1, month = -1, day = -1, hour = 0, hour12 = -1, minute = 0, second = 0;
  double fraction = 0;
  int pm = -1;
  bool has_time = false;
  for (std::size_t f = 0; f < format.size(); ++f) {
    const char c = format[f];
    if (c == ' ') {
      if (at >= text.size() || (text[at] != ' ' && text[at] != '\t')) return std::nullopt;
      while (at < text.size() && (text[at] == ' ' || text[at] == '\t')) ++at;
      continue;
    }
    if (c != '%' || f + 1 == format.size()) {
      if (at >= text.size() || text[at] != c) return std::nullopt;
      ++at;
      continue;
    }
    const char directive = format[++f];
    int value = 0;
    switch (directive) {
      case 'Y':
        if (!read_digits(text, at, 4, 4, year)) return std::nullopt;
        break;
      case 'y':
        if (!read_digits(text, at, 2, 2, value)) return std::nullopt;
        year = value < 69 ? 2000 + value : 1900 + value;
        break;
      case 'm':
        if (!read_digits(text, at, 1, 2, month)) return std::nullopt;
        break;
      case 'd':
        if (!read_digits(text, at, 1, 2, day)) return std::nullopt;
        break;
      case 'b': {
        std::string word;
        while (at < text.size() && std::isalpha(static_cast<unsigned char>(text[at]))) {
          word.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(text[at]))));
          ++at;
        }
        if (word.size() < 3) return std::nullopt;
        const auto found = std::find(kMonthAbbreviations.begin(), kMonthAbbreviations.end(), word.substr(0, 3));
        if (found == kMonthAbbreviations.end()) return std::nullopt;
        month = static_cast<int>(found - kMonthAbbreviations.begin()) + 1;
        break;
      }
      case 'H':
        if (!read_digits(text, at, 1, 2, hour)) return std::nullopt;
        has_time = true;
        break;
      case 'I':
        if (!read_digits(text, at, 1, 2, hour12)) return std::nullopt;
        has_time = true;
        break;
      case 'M':
        if (!read_digits(text, at, 1, 2, minute)) return std::nullopt;
        has_time = true;
        break;
      case 'S':
        if (!read_digits(text, at, 1, 2, second)) return std::nullopt;
        break;
      case 'T':
        if (!read_digits(text, at, 1, 2, hour) || at >= text.size() || text[at++] != ':' ||
            !read_digits(text, at, 1, 2, minute) || at >= text.size() || text[at++] != ':' ||
            !read_digits(text, at, 1, 2, second)) {
          return std::nullopt;
        }
        has_time = true;
        break;
      case 'f': {
        double scale = 0.1;
        std::size_t digits = 0;
        while (at < text.size() && std::isdigit(static_cast<unsigned char>(text[at]))) {
          if (digits < 9) fraction += (text[at] - '0') * scale;
          scale /= 10;
          ++digits;
          ++at;
        }
        if (digits == 0) return std::nullopt;
        break;
      }
      case 'p': {
        if (at + 2 > text.size()) return std::nullopt;
        const char a = static_cast<char>(std::toupper(static_cast<unsigned char>(text[at])));
        const char b = static_cast<char>(std::toupper(static_cast<unsigned char>(text[at + 1])));
        if (b != 'M' || (a != 'A' && a != 'P')) return std::nullopt;
        pm = a == 'P' ? 1 : 0;
        at += 2;
        break;
      }
      case '%':
        if (at >= text.size() || text[at] != '%') return std::nullopt;
        ++at;
        break;
      default:
        return std::nullopt;  // formats are checked when a schema is read
    }
  }
  if (at != text.size() || year < 1 || month < 1 || month > 12 || day < 1) return std::nullopt;
  if (static_cast<unsigned>(day) > days_in_month(year, static_cast<unsigned>(month))) return std::nullopt;
  if (hour12 >= 0) {
    if (hour12 < 1 || hour12 > 12 || pm < 0) return std::nullopt;
    hour = hour12 % 12 + (pm == 1 ? 12 : 0);
  } else if (pm >= 0) {
    return std::nullopt;  // AM/PM without a 12-hour clock
  }
  if (hour > 23 || minute > 59 || second > 60) return std::nullopt;
  ParsedTime parsed;
  const auto days = days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  parsed.minutes = static_cast<double>(days) * 1440.0 + hour * 60.0 + minute + (second + fraction) / 60.0;
  parsed.has_time = has_time;
  parsed.midnight = hour == 0 && minute == 0 && second == 0 && fraction == 0;
  return parsed;
}

const std::vector<std::string>& iso_formats() {
  static const std::vector<std::string> formats = {
      "%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S.%f",
      "%Y-%m-%dT%H:%M:%S",    "%Y-%m-%dT%H:%M",    "%Y-%m-%d"};
  return formats;
}

/// The date part of a format: everything before its first time-of-day directive, without
/// trailing separators ("%m/%d/%Y %I:%M:%S %p" -> "%m/%d/%Y"); "" when it starts with a time.
static std::string date_part(const std::string& format) {
  std::size_t end = format.size();
  for (std::size_t i = 0; i + 1 < format.size(); ++i) {
    if (format[i] != '%') continue;
    if (std::string_view("HIMSTfp").find(format[i + 1]) != std::string_view::npos) {
      end = i;
      break;
    }
    ++i;
  }
  std::string part = format.substr(0, end);
  while (!part.empty() && (part.back() == ' ' || part.back() == 'T' || part.back() == ',')) part.pop_back();
  return part;
}

std::optional<ParsedTime> parse_any(std::string_view text, const std::vector<std::string>& formats) {
  const auto& list = formats.empty() ? iso_formats() : formats;
  for (const auto& format : list) {
    if (auto parsed = parse_with(text, format)) return parsed;
  }
  for (const auto& format : list) {
    const std::string date = date_part(format);
    if (date.empty() || date == format) continue;
    if (auto parsed = parse_with(text, date)) return parsed;
  }
  return std::nullopt;
}

/// Problem with a format string, or "" when it is usable.
std::string format_problem(const std::string& format) {
  bool year = false, month = false, day = false;
  for (std::size_t i = 0; i < format.size(); ++i) {
    if (format[i] != '%') continue;
    if (i + 1 == format.size()) return "ends with a lone '%'";
    const char d = format[++i];
    if (kDirectives.find(d) == std::string_view::npos) {
      return std::string("unknown directive %") + d + "; known: %Y %y %m %d %b %H %I %M %S %f %p %T %%";
    }
    year = year || d == 'Y' || d == 'y';
    month = month || d == 'm' || d == 'b';
    day = day || d == 'd';
  }
  if (!year || !month || !day) return "needs a year (%Y or %y), a month (%m or %b) and a day (%d)";
  return {};
}

}  // namespace detail

int hour_of_week(Timestamp t) noexcept {
  const auto hours = static_cast<std::int64_t>(std::floor(t / 60.0));
  const std::int64_t days = hours >= 0 ? hours / 24 : -((-hours + 23) / 24);
  const std::int64_t hour = hours - days * 24;
  const std::int64_t weekday = ((days % 7) + 7 + 3) % 7;  // 1970-01-01 was a Thursday (Monday = 0)
  return static_cast<int>(weekday * 24 + hour);
}

std::optional<Timestamp> parse_timestamp(const std::string& text, const std::string& format) {
  const auto parsed = format.empty() ? detail::parse_any(text, {}) : detail::parse_with(text, format);
  if (!parsed) return std::nullopt;
  return parsed->minutes;
}

std::string format_timestamp(Timestamp t) {
  const auto seconds = static_cast<std::int64_t>(std::llround(t * 60.0));
  const std::int64_t days = seconds >= 0 ? seconds / 86400 : -((-seconds + 86399) / 86400);
  const std::int64_t rest = seconds - days * 86400;
  std::int64_t year = 0;
  unsigned month = 0, day = 0;
  detail::civil_from_days(days, year, month, day);
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%04lld-%02u-%02u %02lld:%02lld:%02lld", static_cast<long long>(year), month,
                day, static_cast<long long>(rest / 3600), static_cast<long long>(rest / 60 % 60),
                static_cast<long long>(rest % 60));
  return buffer;
}

}  // namespace crisis::io::cad
