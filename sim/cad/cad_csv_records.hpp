#pragma once
/// \file
/// The one CSV reader of sim/cad (libcsv, strict RFC 4180): CAD exports and call-type
/// mappings are both read through it. Internal to sim/cad; libcsv's header is on this
/// library's private include path only.

#include <cstdint>
#include <deque>
#include <istream>
#include <string>
#include <vector>

#include <csv.h>

namespace crisis::io::cad::detail {

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
/// marked and the parser restarts on the next line. NUL bytes and UTF-16 text are fatal
/// (InputError naming `label`); `comments` skips lines starting with '#' between records.
class CsvRecords {
 public:
  CsvRecords(std::istream& in, std::string label, char delimiter, bool comments);
  CsvRecords(const CsvRecords&) = delete;
  CsvRecords& operator=(const CsvRecords&) = delete;
  ~CsvRecords();

  /// The next record; false at the end of the input.
  bool next(RawRow& row);

 private:
  static constexpr int kRowNotBegun = 0;  // libcsv's parser state between records

  void start_parser();
  static void on_field(void* data, std::size_t size, void* self);
  static void on_record(int terminator, void* self);
  void malformed();
  void feed_line();

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
[[nodiscard]] int column_of(const RawRow& row, std::size_t index, char delimiter);

}  // namespace crisis::io::cad::detail
