#include "cad/cad.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <fstream>
#include <istream>
#include <set>
#include <sstream>
#include <string_view>
#include <utility>

#include <csv.h>
#include <nlohmann/json.hpp>

#include "engine/errors.hpp"
#include "cad/cad_builtin_files.hpp"
#include "results/results_writer.hpp"
#include "yaml/yaml_reader.hpp"

namespace crisis::io::cad {

namespace {

namespace fs = std::filesystem;

// ---- text helpers ---------------------------------------------------------------------------

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

std::string csv_escape(const std::string& text) {
  if (text.find_first_of(",\"\n\r") == std::string::npos) return text;
  std::string quoted = "\"";
  for (const char c : text) {
    if (c == '"') quoted.push_back('"');
    quoted.push_back(c);
  }
  quoted.push_back('"');
  return quoted;
}

/// ISO-8859-1 bytes as UTF-8 (every byte is a character; nothing can fail).
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

template <std::size_t N>
std::vector<std::string> names_of(const std::array<std::string_view, N>& names) {
  return {names.begin(), names.end()};
}

std::string did_you_mean(const std::string& word, const std::vector<std::string>& choices) {
  const std::string suggestion = closest_match(word, choices);
  return suggestion.empty() ? std::string() : " (did you mean '" + suggestion + "'?)";
}

// ---- time stamps ----------------------------------------------------------------------------

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

/// A parsed stamp, and whether its text held a time of day at all.
struct ParsedTime {
  Timestamp minutes = 0;
  bool has_time = false;
  bool midnight = false;  ///< the time of day is exactly 00:00:00
};

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

/// strptime-like parsing of the whole of `text` (surrounding blanks ignored) by `format`:
/// %Y 4-digit year, %y 2-digit year (69-99 -> 19xx), %m month, %d day, %b month name
/// (3 letters or the full name), %H hour 0-23, %I hour 1-12 with %p AM/PM, %M minute,
/// %S second, %f fraction of a second (digits after a literal '.'), %T = %H:%M:%S, %% a '%'.
/// A space in the format matches one or more blanks.
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

/// What an empty format means: ISO 8601 dates with a space or T, optional seconds and
/// fraction, or a date alone.
const std::vector<std::string>& iso_formats() {
  static const std::vector<std::string> formats = {
      "%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S.%f",
      "%Y-%m-%dT%H:%M:%S",    "%Y-%m-%dT%H:%M",    "%Y-%m-%d"};
  return formats;
}

/// The date part of a format: everything before its first time-of-day directive, without
/// trailing separators ("%m/%d/%Y %I:%M:%S %p" -> "%m/%d/%Y"); "" when it starts with a time.
std::string date_part(const std::string& format) {
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

/// A stamp by the first format that reads all of it; failing that, by the date part of one of
/// them, which makes it a date without a time (has_time false).
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

// ---- CSV records (libcsv) -------------------------------------------------------------------

/// One CSV record: its fields and the line it starts on.
struct RawRow {
  std::int64_t line = 0;  ///< 1-based line of the record's first byte
  std::vector<std::string> fields;
  std::string first_line;  ///< the text of that line, for column positions in messages
  bool malformed = false;  ///< libcsv (strict mode) found a stray or unclosed quote
};

/// Reads records from a stream one physical line at a time, so every record knows the line
/// it starts on even when a quoted field spans lines. RFC 4180 quoting, LF or CRLF line ends,
/// a UTF-8 byte-order mark, blank lines skipped. A record with malformed quoting comes back
/// marked and the parser restarts on the next line. NUL bytes are fatal (binary data).
class CsvRecords {
 public:
  CsvRecords(std::istream& in, std::string label, char delimiter, bool comments)
      : in_(in), label_(std::move(label)), delimiter_(delimiter), comments_(comments) {
    start_parser();
  }
  CsvRecords(const CsvRecords&) = delete;
  CsvRecords& operator=(const CsvRecords&) = delete;
  ~CsvRecords() { csv_free(&parser_); }

  /// The next record; false at the end of the input.
  bool next(RawRow& row) {
    while (ready_.empty() && !finished_) feed_line();
    if (ready_.empty()) return false;
    row = std::move(ready_.front());
    ready_.pop_front();
    return true;
  }

 private:
  static constexpr int kRowNotBegun = 0;  // libcsv's parser state between records

  void start_parser() {
    if (csv_init(&parser_, CSV_STRICT | CSV_STRICT_FINI) != 0) throw std::bad_alloc();
    csv_set_delim(&parser_, static_cast<unsigned char>(delimiter_));
  }

  static void on_field(void* data, std::size_t size, void* self) {
    auto& me = *static_cast<CsvRecords*>(self);
    me.fields_.emplace_back(data ? std::string(static_cast<const char*>(data), size) : std::string());
  }
  static void on_record(int /*terminator*/, void* self) {
    auto& me = *static_cast<CsvRecords*>(self);
    me.ready_.push_back(RawRow{me.start_line_, std::move(me.fields_), me.start_text_, false});
    me.fields_.clear();
  }

  void malformed() {
    ready_.push_back(RawRow{start_line_, {}, start_text_, true});
    fields_.clear();
    csv_free(&parser_);
    start_parser();
  }

  void feed_line() {
    std::string line;
    if (!std::getline(in_, line)) {
      finished_ = true;
      if (csv_fini(&parser_, on_field, on_record, this) != 0) malformed();
      return;
    }
    ++line_;
    if (!in_.eof()) line.push_back('\n');
    if (line_ == 1 && line.rfind("\xEF\xBB\xBF", 0) == 0) line.erase(0, 3);
    if (line_ == 1 && (line.rfind("\xFF\xFE", 0) == 0 || line.rfind("\xFE\xFF", 0) == 0)) {
      throw InputError(
          InputProblem{label_, 1, 1, "", "the file is UTF-16 text: expected UTF-8 (save or export it as UTF-8 CSV)"});
    }
    if (const auto nul = line.find('\0'); nul != std::string::npos) {
      throw InputError(InputProblem{label_, static_cast<int>(line_), static_cast<int>(nul + 1), "",
                                    "a NUL byte: a CAD export is CSV text, this looks like binary data"});
    }
    if (parser_.pstate == kRowNotBegun) {
      if (comments_ && !line.empty() && line[0] == '#') return;
      start_line_ = line_;
      start_text_ = line;
      while (!start_text_.empty() && (start_text_.back() == '\n' || start_text_.back() == '\r')) start_text_.pop_back();
    }
    const std::size_t parsed = csv_parse(&parser_, line.data(), line.size(), on_field, on_record, this);
    if (parsed != line.size()) {
      if (csv_error(&parser_) != CSV_EPARSE) throw std::bad_alloc();
      malformed();
    }
  }

  std::istream& in_;
  std::string label_;
  char delimiter_;
  bool comments_;
  csv_parser parser_{};
  std::int64_t line_ = 0;
  std::int64_t start_line_ = 1;
  std::string start_text_;
  std::vector<std::string> fields_;
  std::deque<RawRow> ready_;
  bool finished_ = false;
};

/// 1-based character column where field `index` starts in a record's first line (1 when the
/// record is not on one line).
int column_of(const RawRow& row, std::size_t index, char delimiter) {
  std::size_t field = 0;
  bool quoted = false;
  for (std::size_t i = 0; i < row.first_line.size(); ++i) {
    if (field == index) return static_cast<int>(i + 1);
    const char c = row.first_line[i];
    if (c == '"') quoted = !quoted;
    if (c == delimiter && !quoted) ++field;
  }
  return field == index ? static_cast<int>(row.first_line.size() + 1) : 1;
}

/// The checks every input file gets before it is read: exists, regular, readable.
void check_input_file(const std::string& path, const std::string& what) {
  if (path.empty()) throw InputError(InputProblem{"", 0, 0, "", "the path of the " + what + " is empty"});
  std::error_code error;
  const auto status = fs::status(path, error);
  if (error || !fs::exists(status)) throw InputError(InputProblem{path, 0, 0, "", "no such file; expected " + what});
  if (fs::is_directory(status)) throw InputError(InputProblem{path, 0, 0, "", "is a directory; expected " + what});
  if (!fs::is_regular_file(status))
    throw InputError(InputProblem{path, 0, 0, "", "is not a regular file; expected " + what});
}

std::string read_small_file(const std::string& path, const std::string& what) {
  check_input_file(path, what);
  constexpr std::uintmax_t kMaxBytes = 64u << 20;
  std::error_code error;
  const auto size = fs::file_size(path, error);
  if (!error && size > kMaxBytes)
    throw InputError(InputProblem{path, 0, 0, "", "is larger than 64 MiB; expected " + what});
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(InputProblem{path, 0, 0, "", "cannot be read (permission?)"});
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

const detail::BuiltinFile* find_builtin(std::string_view kind, const std::string& name) {
  for (const auto& file : detail::builtin_files()) {
    if (file.kind == kind && file.name == name) return &file;
  }
  return nullptr;
}

std::vector<std::string> builtin_names(std::string_view kind) {
  std::vector<std::string> names;
  for (const auto& file : detail::builtin_files()) {
    if (file.kind == kind) names.emplace_back(file.name);
  }
  return names;
}

/// A built-in name or a file: the text, the label messages use, and the name.
struct Source {
  std::string text;
  std::string label;
  std::string name;
};

Source resolve(std::string_view kind, const std::string& spec, const std::string& flag, const std::string& what) {
  if (const auto* builtin = find_builtin(kind, spec)) {
    return {std::string(builtin->text), "built-in " + std::string(builtin->path), spec};
  }
  const bool looks_like_path = spec.find('/') != std::string::npos || spec.find('.') != std::string::npos;
  if (!looks_like_path) {
    const auto names = builtin_names(kind);
    throw InputError(InputProblem{"", 0, 0, flag,
                                  "unknown " + what + " '" + spec + "'" + did_you_mean(spec, names) + "; built-in " +
                                      std::string(kind) + ": " + join(names, ", ") + ", or the path of a " + what +
                                      " file"});
  }
  Source source{read_small_file(spec, "a " + what + " file"), spec, fs::path(spec).stem().string()};
  return source;
}

// ---- schemas --------------------------------------------------------------------------------

constexpr std::array<std::string_view, 4> kStageNames = {"created", "dispatched", "arrived", "closed"};
enum Stage : std::size_t { kCreated, kDispatched, kArrived, kClosed };

struct Schema {
  std::string name;
  char delimiter = ',';
  bool latin1 = false;
  std::array<std::string, 4> stage_columns;    ///< "" when the export lacks the stage
  std::vector<std::string> call_type_columns;  ///< first non-empty value is the call type
  std::string priority_column, area_column, unit_column, disposition_column;
  std::string call_id_column;  ///< "" = every row is a call; else rows repeating an id are one call's other units
  std::array<std::vector<std::string>, 4> time_formats;  ///< per stage; empty = ISO
  bool date_only_midnight = false;
  double max_stage_hours = 48;
  std::vector<std::string> private_columns;
  std::map<std::string, int> priority_map;                                   ///< by lookup_key
  std::map<std::string, std::optional<world::Disposition>> disposition_map;  ///< by lookup_key
  std::string default_mapping;
  Category default_category = Category::other_police;
};

/// One text or a list of texts.
std::vector<std::string> read_text_list(YamlReader& reader, const YAML::Node& node, const std::string& path,
                                        bool allow_empty_list) {
  std::vector<std::string> texts;
  if (!node.IsDefined() || node.IsNull()) return texts;
  if (node.IsScalar()) {
    if (auto text = read_text(reader, node, path)) texts.push_back(*text);
    return texts;
  }
  reader.record(node, path);
  if (!node.IsSequence() || (node.size() == 0 && !allow_empty_list)) {
    reader.problem(node, path, "expected a text or a list of texts, got " + describe(node));
    return texts;
  }
  for (std::size_t i = 0; i < node.size(); ++i) {
    if (auto text = read_text(reader, node[i], path + "[" + std::to_string(i) + "]")) texts.push_back(*text);
  }
  return texts;
}

std::vector<std::string> read_formats(YamlReader& reader, const YAML::Node& node, const std::string& path) {
  auto formats = read_text_list(reader, node, path, false);
  for (std::size_t i = 0; i < formats.size(); ++i) {
    if (const auto problem = format_problem(formats[i]); !problem.empty()) {
      const YAML::Node at = node.IsSequence() ? node[i] : node;
      reader.problem(at, node.IsSequence() ? path + "[" + std::to_string(i) + "]" : path,
                     "time format '" + formats[i] + "' " + problem);
    }
  }
  return formats;
}

Schema parse_schema(const Source& source) {
  const YAML::Node root = load_yaml_text(source.text, source.label);
  require_document(root, source.label);
  YamlReader reader(source.label);
  Schema schema;
  MapReader top(reader, root, "");
  if (!top.valid()) reader.throw_if_problems();
  schema.name = top.text("name", source.name);
  (void)top.text("description", std::string());
  if (const YAML::Node csv = top.child("csv"); csv.IsDefined()) {
    MapReader map(reader, csv, "csv");
    const std::string delimiter = map.text("delimiter", std::string(","));
    if (delimiter.size() != 1 || delimiter == "\"" || delimiter == "\n" || delimiter == "\r") {
      reader.problem(map.child("delimiter"), "csv.delimiter",
                     "expected one character (not a quote or line end), got '" + delimiter + "'");
    } else {
      schema.delimiter = delimiter[0];
    }
    schema.latin1 = map.choice("encoding", std::string("utf-8"), {"utf-8", "latin-1"}) == "latin-1";
    map.finish();
  }
  const YAML::Node fields = top.child("fields");
  if (!fields.IsDefined())
    reader.problem(root, "fields", "missing: expected a map from crisis-sim fields to the export's columns");
  MapReader map(reader, fields.IsDefined() ? fields : YAML::Node(YAML::NodeType::Map), "fields");
  std::vector<std::pair<std::string, std::string>> mapped;  // (field path, column)
  for (std::size_t s = 0; s < kStageNames.size(); ++s) {
    const std::string key(kStageNames[s]);
    const bool required = s == kCreated;
    if (!required && !map.has(key)) continue;
    schema.stage_columns[s] = map.text(key, required ? std::nullopt : std::optional<std::string>(std::string()));
    if (!schema.stage_columns[s].empty()) mapped.emplace_back("fields." + key, schema.stage_columns[s]);
  }
  const YAML::Node call_type = map.child("call_type");
  if (!call_type.IsDefined() && fields.IsDefined()) {
    reader.problem(fields, "fields.call_type",
                   "missing: expected the column (or list of columns) holding the call type");
  }
  schema.call_type_columns = read_text_list(reader, call_type, "fields.call_type", false);
  for (const auto& column : schema.call_type_columns) mapped.emplace_back("fields.call_type", column);
  const auto optional_column = [&](const std::string& key, std::string& column) {
    if (!map.has(key)) return;
    column = map.text(key, std::string());
    if (!column.empty()) mapped.emplace_back("fields." + key, column);
  };
  optional_column("priority", schema.priority_column);
  optional_column("area", schema.area_column);
  optional_column("unit", schema.unit_column);
  optional_column("disposition", schema.disposition_column);
  optional_column("call_id", schema.call_id_column);
  map.finish();

  const YAML::Node formats = top.child("time_formats");
  if (formats.IsDefined() && formats.IsMap()) {
    MapReader per_stage(reader, formats, "time_formats");
    std::vector<std::string> fallback;
    if (per_stage.has("default")) fallback = read_formats(reader, per_stage.child("default"), "time_formats.default");
    for (std::size_t s = 0; s < kStageNames.size(); ++s) {
      const std::string key(kStageNames[s]);
      schema.time_formats[s] =
          per_stage.has(key) ? read_formats(reader, per_stage.child(key), "time_formats." + key) : fallback;
    }
    per_stage.finish();
  } else if (formats.IsDefined()) {
    const auto list = read_formats(reader, formats, "time_formats");
    schema.time_formats.fill(list);
  }
  schema.date_only_midnight = top.flag("date_only_midnight", false);
  schema.max_stage_hours = top.number("max_stage_hours", 48.0, 0.1, 24.0 * 366);
  schema.private_columns = read_text_list(reader, top.child("private_columns"), "private_columns", true);
  for (const auto& [path, column] : mapped) {
    if (std::find(schema.private_columns.begin(), schema.private_columns.end(), column) !=
        schema.private_columns.end()) {
      reader.problem(top.child("private_columns"), "private_columns",
                     "column '" + column + "' is private but " + path + " reads it: a private column is never read");
    }
  }

  if (const YAML::Node priorities = top.child("priority_map"); priorities.IsDefined()) {
    reader.record(priorities, "priority_map");
    if (!priorities.IsMap()) {
      reader.problem(priorities, "priority_map",
                     "expected a map from the export's priority codes to 1, 2 or 3, got " + describe(priorities));
    } else {
      for (const auto& entry : priorities) {
        const std::string code = entry.first.Scalar();
        const std::string path = "priority_map." + code;
        if (auto value = read_integer(reader, entry.second, path, 1, 3))
          schema.priority_map[lookup_key(code)] = static_cast<int>(*value);
      }
    }
  }
  if (const YAML::Node dispositions = top.child("disposition_map"); dispositions.IsDefined()) {
    reader.record(dispositions, "disposition_map");
    if (!dispositions.IsMap()) {
      reader.problem(dispositions, "disposition_map",
                     "expected a map from the export's dispositions to crisis-sim's, got " + describe(dispositions));
    } else {
      const auto names = names_of(world::kDispositionNames);
      for (const auto& entry : dispositions) {
        const std::string code = entry.first.Scalar();
        const std::string path = "disposition_map." + code;
        reader.record(entry.second, path);
        const std::string value = entry.second.IsScalar() ? entry.second.Scalar() : std::string("?");
        if (entry.second.IsNull() || (entry.second.IsScalar() && value.empty())) {
          schema.disposition_map[lookup_key(code)] = std::nullopt;
          continue;
        }
        const auto found = std::find(names.begin(), names.end(), value);
        if (!entry.second.IsScalar() || found == names.end()) {
          reader.problem(entry.second, path,
                         "expected one of " + join(names, ", ") + " or \"\" (unknown), got " + describe(entry.second) +
                             did_you_mean(value, names));
          continue;
        }
        schema.disposition_map[lookup_key(code)] = static_cast<world::Disposition>(found - names.begin());
      }
    }
  }
  schema.default_mapping = top.text("default_mapping", std::string());
  const auto category = top.choice("default_category", std::string("other_police"), names_of(kCategoryNames));
  const auto category_names = names_of(kCategoryNames);
  schema.default_category =
      static_cast<Category>(std::find(category_names.begin(), category_names.end(), category) - category_names.begin());
  top.finish();
  reader.throw_if_problems();
  return schema;
}

// ---- call-type mappings ---------------------------------------------------------------------

struct MappingEntry {
  Category category = Category::other_police;
  std::optional<world::CrisisType> crisis_type;
};

struct Mapping {
  std::string name;
  std::map<std::string, MappingEntry> entries;  ///< by lookup_key of raw_call_type
};

Mapping parse_mapping(const Source& source) {
  std::istringstream in(source.text);
  CsvRecords records(in, source.label, ',', true);
  RawRow header;
  if (!records.next(header)) {
    throw InputError(InputProblem{source.label, 1, 1, "",
                                  "the mapping is empty: expected a header raw_call_type,category,crisis_type,source"});
  }
  if (header.malformed)
    throw InputError(
        InputProblem{source.label, static_cast<int>(header.line), 1, "", "malformed CSV quoting in the header"});
  const std::vector<std::string> known = {"raw_call_type", "category", "crisis_type", "source", "comment"};
  std::map<std::string, std::size_t> index;
  std::vector<InputProblem> problems;
  for (std::size_t i = 0; i < header.fields.size(); ++i) {
    const std::string name = trim(header.fields[i]);
    if (std::find(known.begin(), known.end(), name) == known.end()) {
      problems.push_back({source.label, static_cast<int>(header.line), column_of(header, i, ','), name,
                          "unknown column" + did_you_mean(name, known) + "; expected " + join(known, ", ")});
    } else {
      index.emplace(name, i);
    }
  }
  for (const std::string required : {"raw_call_type", "category"}) {
    if (!index.count(required) && problems.empty()) {  // a misspelt column already says it
      problems.push_back({source.label, static_cast<int>(header.line), 1, required,
                          "missing column: the header needs raw_call_type and category"});
    }
  }
  if (!problems.empty()) throw InputError(problems);
  Mapping mapping;
  mapping.name = source.name;
  std::map<std::string, std::int64_t> first_line;
  const auto categories = names_of(kCategoryNames);
  const auto crisis_types = names_of(world::kCrisisTypeNames);
  RawRow row;
  while (records.next(row)) {
    const int line = static_cast<int>(row.line);
    if (row.malformed) {
      problems.push_back({source.label, line, 1, "", "malformed CSV quoting (a stray or unclosed \")"});
      continue;
    }
    if (invalid_utf8_offset(join(row.fields, ",")) != std::string::npos) {
      problems.push_back({source.label, line, 1, "", "not valid UTF-8 text (save the file as UTF-8)"});
      continue;
    }
    if (row.fields.size() != header.fields.size()) {
      problems.push_back({source.label, line, 1, "",
                          "expected " + std::to_string(header.fields.size()) + " columns, found " +
                              std::to_string(row.fields.size())});
      continue;
    }
    const auto field = [&](const std::string& name) {
      return index.count(name) ? trim(row.fields[index[name]]) : std::string();
    };
    const auto column = [&](const std::string& name) {
      return index.count(name) ? column_of(row, index[name], ',') : 1;
    };
    const std::string raw = field("raw_call_type");
    if (raw.empty()) {
      problems.push_back({source.label, line, column("raw_call_type"), "raw_call_type",
                          "empty: expected the call type as the export writes it"});
      continue;
    }
    MappingEntry entry;
    const std::string category = field("category");
    const auto c = std::find(categories.begin(), categories.end(), category);
    if (c == categories.end()) {
      problems.push_back({source.label, line, column("category"), "category",
                          "expected one of " + join(categories, ", ") + ", got '" + category + "'" +
                              did_you_mean(category, categories)});
      continue;
    }
    entry.category = static_cast<Category>(c - categories.begin());
    const std::string crisis = field("crisis_type");
    if (!crisis.empty()) {
      const auto t = std::find(crisis_types.begin(), crisis_types.end(), crisis);
      if (t == crisis_types.end()) {
        problems.push_back({source.label, line, column("crisis_type"), "crisis_type",
                            "expected empty or one of " + join(crisis_types, ", ") + ", got '" + crisis + "'" +
                                did_you_mean(crisis, crisis_types)});
        continue;
      }
      if (entry.category == Category::other_police) {
        problems.push_back({source.label, line, column("crisis_type"), "crisis_type",
                            "an other_police call type has no crisis type: leave it empty or change the category"});
        continue;
      }
      entry.crisis_type = static_cast<world::CrisisType>(t - crisis_types.begin());
    }
    const std::string key = lookup_key(raw);
    if (const auto earlier = first_line.find(key); earlier != first_line.end()) {
      problems.push_back({source.label, line, column("raw_call_type"), "raw_call_type",
                          "'" + raw + "' is already mapped on line " + std::to_string(earlier->second) +
                              " (call types match ignoring case and spacing)"});
      continue;
    }
    first_line.emplace(key, row.line);
    mapping.entries.emplace(key, entry);
  }
  if (!problems.empty()) throw InputError(problems);
  if (mapping.entries.empty())
    throw InputError(InputProblem{source.label, 1, 1, "", "the mapping has a header but no rows"});
  return mapping;
}

// ---- importing ------------------------------------------------------------------------------

/// Column positions of the schema's fields in this file's header; npos when unmapped.
struct Columns {
  static constexpr std::size_t kNone = std::string::npos;
  std::array<std::size_t, 4> stage{kNone, kNone, kNone, kNone};
  std::vector<std::size_t> call_type;
  std::size_t priority = kNone, area = kNone, unit = kNone, disposition = kNone, call_id = kNone;
};

Columns locate_columns(const Schema& schema, const RawRow& header, const std::string& label) {
  std::vector<std::string> names;
  for (const auto& field : header.fields) names.push_back(trim(field));
  std::vector<InputProblem> problems;
  const auto find = [&](const std::string& column, const std::string& field) {
    const auto at = std::find(names.begin(), names.end(), column);
    if (at != names.end()) return static_cast<std::size_t>(at - names.begin());
    problems.push_back({label, static_cast<int>(header.line), 1, field,
                        "missing column '" + column + "' (schema " + schema.name + ")" + did_you_mean(column, names) +
                            "; the header has: " + join(names, ", ")});
    return Columns::kNone;
  };
  Columns columns;
  for (std::size_t s = 0; s < kStageNames.size(); ++s) {
    if (!schema.stage_columns[s].empty()) columns.stage[s] = find(schema.stage_columns[s], std::string(kStageNames[s]));
  }
  for (const auto& column : schema.call_type_columns) columns.call_type.push_back(find(column, "call_type"));
  if (!schema.priority_column.empty()) columns.priority = find(schema.priority_column, "priority");
  if (!schema.area_column.empty()) columns.area = find(schema.area_column, "area");
  if (!schema.unit_column.empty()) columns.unit = find(schema.unit_column, "unit");
  if (!schema.disposition_column.empty()) columns.disposition = find(schema.disposition_column, "disposition");
  if (!schema.call_id_column.empty()) columns.call_id = find(schema.call_id_column, "call_id");
  if (!problems.empty()) throw InputError(problems);
  return columns;
}

/// The rejects file: one row per rejected input row, with only non-private mapped values.
class Rejects {
 public:
  Rejects() {
    text_ = "line,reason,field,created,dispatched,arrived,closed,call_type,priority,area,unit,disposition\n";
  }
  void add(std::int64_t line, const std::string& reason, const std::string& field,
           const std::vector<std::string>& values) {
    text_ += std::to_string(line);
    text_.push_back(',');
    text_ += csv_escape(reason);
    text_.push_back(',');
    text_ += csv_escape(field);
    for (std::size_t i = 0; i < kValueCount; ++i) {
      text_.push_back(',');
      if (i < values.size()) text_ += csv_escape(values[i]);
    }
    text_.push_back('\n');
  }
  [[nodiscard]] const std::string& text() const noexcept { return text_; }
  static constexpr std::size_t kValueCount = 9;

 private:
  std::string text_;
};

/// The first reject, kept for the message when no row at all can be used.
struct FirstReject {
  std::int64_t line = 0;
  std::string reason;
  std::string detail;
};

std::string value_at(const std::vector<std::string>& fields, std::size_t index) {
  return index == Columns::kNone || index >= fields.size() ? std::string() : trim(fields[index]);
}

ImportResult import_stream(std::istream& in, const std::string& label, const ImportOptions& options) {
  if (options.schema.empty())
    throw InputError(InputProblem{
        "", 0, 0, "--schema",
        "missing: expected a built-in schema (" + join(builtin_schemas(), ", ") + ") or a schema YAML file"});
  const Schema schema = parse_schema(resolve("schemas", options.schema, "--schema", "schema"));
  const std::string mapping_spec = options.mapping.empty() ? schema.default_mapping : options.mapping;
  if (mapping_spec.empty()) {
    throw InputError(InputProblem{"", 0, 0, "--mapping",
                                  "the schema '" + schema.name +
                                      "' names no default_mapping: give a call-type mapping (built-in: " +
                                      join(builtin_mappings(), ", ") + ", or a CSV file)"});
  }
  const Mapping mapping = parse_mapping(resolve("mappings", mapping_spec, "--mapping", "call-type mapping"));
  if (options.from && options.to && !(*options.from < *options.to)) {
    throw InputError(InputProblem{"", 0, 0, "--from", "the period is empty: --from must be before --to"});
  }

  ImportResult result;
  ImportSummary& summary = result.summary;
  summary.input_path = label;
  summary.schema_name = schema.name;
  summary.mapping_name = mapping.name;
  summary.area_column = schema.area_column;

  CsvRecords records(in, label, schema.delimiter, false);
  RawRow header;
  if (!records.next(header)) {
    throw InputError(InputProblem{
        label, 1, 1, "", "the file is empty: expected a CSV header row naming the columns, then one row per call"});
  }
  if (header.malformed) {
    throw InputError(InputProblem{label, static_cast<int>(header.line), 1, "",
                                  "malformed CSV quoting in the header row (a stray or unclosed \")"});
  }
  if (schema.latin1) {
    for (auto& field : header.fields) field = latin1_to_utf8(field);
  }
  for (std::size_t i = 0; i < header.fields.size(); ++i) {
    if (invalid_utf8_offset(header.fields[i]) != std::string::npos) {
      throw InputError(InputProblem{label, static_cast<int>(header.line), column_of(header, i, schema.delimiter), "",
                                    "the header row is not valid UTF-8 text: expected a CSV export (set csv.encoding: "
                                    "latin-1 in the schema for Latin-1 files)"});
    }
  }
  const Columns columns = locate_columns(schema, header, label);

  Rejects rejects;
  FirstReject first_reject;
  const auto reject = [&](std::int64_t line, const std::string& reason, const std::string& field,
                          const std::vector<std::string>& values, const std::string& detail) {
    ++summary.rows_rejected;
    ++summary.rejected_by_reason[reason];
    rejects.add(line, reason, field, values);
    if (first_reject.line == 0) first_reject = {line, reason, detail};
  };

  std::set<std::string> call_ids;  // of the calls used so far, when the schema has a call_id
  RawRow row;
  while (records.next(row)) {
    ++summary.rows_read;
    if (row.malformed) {
      reject(row.line, "csv: malformed quoting", "csv", {}, "a stray or unclosed quote");
      continue;
    }
    if (schema.latin1) {
      for (auto& field : row.fields) field = latin1_to_utf8(field);
    }
    if (std::any_of(row.fields.begin(), row.fields.end(),
                    [](const std::string& f) { return invalid_utf8_offset(f) != std::string::npos; })) {
      reject(row.line, "encoding: invalid UTF-8", "encoding", {}, "bytes that are not UTF-8");
      continue;
    }
    if (row.fields.size() != header.fields.size()) {
      const std::string reason =
          "columns: expected " + std::to_string(header.fields.size()) + ", found " + std::to_string(row.fields.size());
      reject(row.line, reason, "columns", {}, reason);
      continue;
    }
    const auto& fields = row.fields;
    std::string call_type_raw;
    for (const auto index : columns.call_type) {
      call_type_raw = value_at(fields, index);
      if (!call_type_raw.empty()) break;
    }
    // The non-private mapped values, in the rejects file's column order.
    const std::vector<std::string> values = {value_at(fields, columns.stage[kCreated]),
                                             value_at(fields, columns.stage[kDispatched]),
                                             value_at(fields, columns.stage[kArrived]),
                                             value_at(fields, columns.stage[kClosed]),
                                             call_type_raw,
                                             value_at(fields, columns.priority),
                                             value_at(fields, columns.area),
                                             value_at(fields, columns.unit),
                                             value_at(fields, columns.disposition)};

    const std::string& created_text = values[0];
    if (created_text.empty()) {
      reject(row.line, "created: missing", "created", values, "no created time");
      continue;
    }
    const auto created = parse_any(created_text, schema.time_formats[kCreated]);
    if (!created) {
      const auto& formats = schema.time_formats[kCreated].empty() ? iso_formats() : schema.time_formats[kCreated];
      reject(row.line, "created: unparseable", "created", values,
             "'" + created_text + "' does not match " + join(formats, " or "));
      continue;
    }
    if (!created->has_time || (schema.date_only_midnight && created->midnight)) {
      reject(row.line, "created: date only", "created", values, "'" + created_text + "' has no time of day");
      continue;
    }
    if ((options.from && created->minutes < *options.from) || (options.to && !(created->minutes < *options.to))) {
      ++summary.rows_outside_period;
      continue;
    }
    // One row per responding unit (Dallas' active-calls feed): the first row is the call.
    if (const std::string id = value_at(fields, columns.call_id); !id.empty() && !call_ids.insert(id).second) {
      reject(row.line, "call_id: repeated", "call_id", values, "another unit's row of a call already read");
      continue;
    }

    CallRecord call;
    call.line = row.line;
    call.created = created->minutes;
    Timestamp previous = call.created;
    std::string previous_name = "created";
    for (std::size_t s = kDispatched; s <= kClosed; ++s) {
      if (columns.stage[s] == Columns::kNone) continue;
      const std::string name(kStageNames[s]);
      const std::string& text = values[s];
      std::string note;
      std::optional<ParsedTime> parsed;
      if (text.empty()) {
        note = name + ": missing";
      } else if (!(parsed = parse_any(text, schema.time_formats[s]))) {
        note = name + ": unparseable";
      } else if (!parsed->has_time || (schema.date_only_midnight && parsed->midnight)) {
        note = name + ": date only";
      } else if (parsed->minutes < previous) {
        note = name + ": before " + previous_name;
      } else if (parsed->minutes - call.created > schema.max_stage_hours * 60.0) {
        note = name + ": over " + format_number(schema.max_stage_hours) + " h after created";
      }
      if (!note.empty()) {
        call.notes.push_back(note);
        continue;
      }
      std::optional<Timestamp>& stage = s == kDispatched ? call.dispatched : s == kArrived ? call.arrived : call.closed;
      stage = parsed->minutes;
      previous = parsed->minutes;
      previous_name = name;
    }

    call.call_type = call_type_raw;
    const MappingEntry* best = nullptr;
    for (const auto index : columns.call_type) {
      const auto found = mapping.entries.find(lookup_key(value_at(fields, index)));
      if (found == mapping.entries.end()) continue;
      const MappingEntry& entry = found->second;
      // Most specific wins: behavioural_health, then welfare_check, then other_police (the
      // enum's order); among equals, the first column with a crisis type.
      if (!best || entry.category < best->category ||
          (entry.category == best->category && !best->crisis_type && entry.crisis_type)) {
        best = &entry;
      }
    }
    if (best) {
      call.category = best->category;
      call.crisis_type = best->crisis_type;
    } else {
      call.category = schema.default_category;
      ++summary.unmapped_call_types[call_type_raw.empty() ? std::string("(empty)") : call_type_raw];
    }

    const std::string& priority = values[5];
    if (!priority.empty()) {
      if (const auto found = schema.priority_map.find(lookup_key(priority)); found != schema.priority_map.end()) {
        call.priority = found->second;
      } else if (schema.priority_map.empty() && (priority == "1" || priority == "2" || priority == "3")) {
        call.priority = priority[0] - '0';
      } else {
        call.notes.push_back("priority: not in priority_map");
      }
    }
    call.area = values[6];
    call.unit = values[7];
    call.disposition_raw = values[8];
    if (!call.disposition_raw.empty()) {
      if (const auto found = schema.disposition_map.find(lookup_key(call.disposition_raw));
          found != schema.disposition_map.end()) {
        call.disposition = found->second;
      }
    }

    ++summary.rows_used;
    ++summary.calls_by_category[static_cast<std::size_t>(call.category)];
    for (const auto& note : call.notes) ++summary.stages_emptied[note];
    if (!summary.first_created || call.created < *summary.first_created) summary.first_created = call.created;
    if (!summary.last_created || call.created > *summary.last_created) summary.last_created = call.created;
    result.calls.push_back(std::move(call));
  }

  if (summary.rows_read == 0) {
    throw InputError(InputProblem{label, static_cast<int>(header.line) + 1, 1, "",
                                  "no data rows below the header: expected one row per call"});
  }
  if (summary.rows_used == 0 && summary.rows_rejected > 0 && summary.rows_outside_period == 0) {
    throw InputError(InputProblem{
        label, static_cast<int>(first_reject.line), 1, first_reject.reason.substr(0, first_reject.reason.find(':')),
        "none of the " + std::to_string(summary.rows_read) + " rows can be used (is this a " + schema.name +
            " export?); the first: " + first_reject.reason + ", " + first_reject.detail});
  }
  if (summary.rows_read != summary.rows_used + summary.rows_rejected + summary.rows_outside_period) {
    throw InvariantError("CAD import: rows read != used + rejected + outside period for " + label);
  }
  if (!options.rejects_path.empty()) write_file_atomically(options.rejects_path, rejects.text());
  return result;
}

nlohmann::ordered_json counts_json(const std::map<std::string, std::int64_t>& counts) {
  nlohmann::ordered_json json = nlohmann::ordered_json::object();
  for (const auto& [key, count] : counts) json[key] = count;
  return json;
}

/// "a 3, b 2" from a map of counts, most frequent first (ties by name), at most `limit`.
std::string counts_text(const std::map<std::string, std::int64_t>& counts, std::size_t limit) {
  std::vector<std::pair<std::string, std::int64_t>> sorted(counts.begin(), counts.end());
  std::stable_sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  std::string text;
  for (std::size_t i = 0; i < sorted.size() && i < limit; ++i) {
    if (!text.empty()) text += "; ";
    text += sorted[i].first + " " + std::to_string(sorted[i].second);
  }
  if (sorted.size() > limit) text += "; ... (" + std::to_string(sorted.size() - limit) + " more)";
  return text;
}

}  // namespace

// ---- public ---------------------------------------------------------------------------------

int hour_of_week(Timestamp t) noexcept {
  const auto hours = static_cast<std::int64_t>(std::floor(t / 60.0));
  const std::int64_t days = hours >= 0 ? hours / 24 : -((-hours + 23) / 24);
  const std::int64_t hour = hours - days * 24;
  const std::int64_t weekday = ((days % 7) + 7 + 3) % 7;  // 1970-01-01 was a Thursday (Monday = 0)
  return static_cast<int>(weekday * 24 + hour);
}

std::optional<Timestamp> parse_timestamp(const std::string& text, const std::string& format) {
  const auto parsed = format.empty() ? parse_any(text, {}) : parse_with(text, format);
  if (!parsed) return std::nullopt;
  return parsed->minutes;
}

std::string format_timestamp(Timestamp t) {
  const auto seconds = static_cast<std::int64_t>(std::llround(t * 60.0));
  const std::int64_t days = seconds >= 0 ? seconds / 86400 : -((-seconds + 86399) / 86400);
  const std::int64_t rest = seconds - days * 86400;
  std::int64_t year = 0;
  unsigned month = 0, day = 0;
  civil_from_days(days, year, month, day);
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%04lld-%02u-%02u %02lld:%02lld:%02lld", static_cast<long long>(year), month,
                day, static_cast<long long>(rest / 3600), static_cast<long long>(rest / 60 % 60),
                static_cast<long long>(rest % 60));
  return buffer;
}

ImportResult import_calls(const std::string& csv_path, const ImportOptions& options) {
  check_input_file(csv_path, "a CAD export (CSV)");
  std::ifstream in(csv_path, std::ios::binary);
  if (!in) throw InputError(InputProblem{csv_path, 0, 0, "", "cannot be read (permission?)"});
  return import_stream(in, csv_path, options);
}

ImportResult import_calls_text(const std::string& text, const std::string& label, const ImportOptions& options) {
  std::istringstream in(text);
  return import_stream(in, label, options);
}

std::vector<std::string> builtin_schemas() { return builtin_names("schemas"); }
std::vector<std::string> builtin_mappings() { return builtin_names("mappings"); }

std::string summary_text(const ImportSummary& s) {
  std::string text =
      "CAD import of " + s.input_path + " (schema " + s.schema_name + ", mapping " + s.mapping_name + ")\n";
  text += "  rows read           " + std::to_string(s.rows_read) + "\n";
  text += "  used                " + std::to_string(s.rows_used) + "\n";
  text += "  rejected            " + std::to_string(s.rows_rejected);
  if (!s.rejected_by_reason.empty()) text += "  (" + counts_text(s.rejected_by_reason, 8) + ")";
  text += "\n";
  text += "  outside the period  " + std::to_string(s.rows_outside_period) + "\n";
  text += "  calls by category   ";
  for (std::size_t c = 0; c < kCategoryCount; ++c) {
    if (c) text += ", ";
    text += std::string(kCategoryNames[c]) + " " + std::to_string(s.calls_by_category[c]);
  }
  text += "\n";
  if (s.first_created && s.last_created) {
    text += "  created from        " + format_timestamp(*s.first_created) + " to " + format_timestamp(*s.last_created) +
            "\n";
  }
  if (!s.stages_emptied.empty()) text += "  stages emptied      " + counts_text(s.stages_emptied, 12) + "\n";
  if (!s.unmapped_call_types.empty()) {
    std::int64_t calls = 0;
    for (const auto& entry : s.unmapped_call_types) calls += entry.second;
    text += "  unmapped call types " + std::to_string(s.unmapped_call_types.size()) + " types, " +
            std::to_string(calls) +
            " calls (counted by the schema's default category): " + counts_text(s.unmapped_call_types, 10) + "\n";
  }
  return text;
}

std::string summary_json_text(const ImportSummary& s) {
  nlohmann::ordered_json json;
  json["input"] = s.input_path;
  json["schema"] = s.schema_name;
  json["mapping"] = s.mapping_name;
  json["rows_read"] = s.rows_read;
  json["rows_used"] = s.rows_used;
  json["rows_rejected"] = s.rows_rejected;
  json["rows_outside_period"] = s.rows_outside_period;
  json["rejected_by_reason"] = counts_json(s.rejected_by_reason);
  json["stages_emptied"] = counts_json(s.stages_emptied);
  nlohmann::ordered_json categories = nlohmann::ordered_json::object();
  for (std::size_t c = 0; c < kCategoryCount; ++c) categories[std::string(kCategoryNames[c])] = s.calls_by_category[c];
  json["calls_by_category"] = categories;
  json["unmapped_call_types"] = counts_json(s.unmapped_call_types);
  json["first_created"] =
      s.first_created ? nlohmann::ordered_json(format_timestamp(*s.first_created)) : nlohmann::ordered_json();
  json["last_created"] =
      s.last_created ? nlohmann::ordered_json(format_timestamp(*s.last_created)) : nlohmann::ordered_json();
  return json.dump(2) + "\n";
}

namespace {

std::string trimmed_area(const std::string& text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return {};
  const auto last = text.find_last_not_of(" \t\r\n");
  return text.substr(first, last - first + 1);
}

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
  const std::string text = trimmed_area(area);
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
  std::string text = trimmed_area(area);
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  static const std::array<std::string_view, 10> kPlaceholders = {"", "unknown", "unk", "n/a", "na", "none", "null", "-", "?", "(none)"};
  return std::find(kPlaceholders.begin(), kPlaceholders.end(), text) != kPlaceholders.end();
}

}  // namespace crisis::io::cad
