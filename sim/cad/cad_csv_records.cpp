#include "cad/cad_csv_records.hpp"

#include <new>
#include <utility>

#include "engine/errors.hpp"

namespace crisis::io::cad::detail {

CsvRecords::CsvRecords(std::istream& in, std::string label, char delimiter, bool comments)
    : in_(in), label_(std::move(label)), delimiter_(delimiter), comments_(comments) {
  start_parser();
}

CsvRecords::~CsvRecords() { csv_free(&parser_); }

bool CsvRecords::next(RawRow& row) {
  while (ready_.empty() && !finished_) feed_line();
  if (ready_.empty()) return false;
  row = std::move(ready_.front());
  ready_.pop_front();
  return true;
}

void CsvRecords::start_parser() {
  if (csv_init(&parser_, CSV_STRICT | CSV_STRICT_FINI) != 0) throw std::bad_alloc();
  csv_set_delim(&parser_, static_cast<unsigned char>(delimiter_));
}

void CsvRecords::on_field(void* data, std::size_t size, void* self) {
  auto& me = *static_cast<CsvRecords*>(self);
  me.fields_.emplace_back(data ? std::string(static_cast<const char*>(data), size) : std::string());
}

void CsvRecords::on_record(int /*terminator*/, void* self) {
  auto& me = *static_cast<CsvRecords*>(self);
  me.ready_.push_back(RawRow{me.start_line_, std::move(me.fields_), me.start_text_, false});
  me.fields_.clear();
}

void CsvRecords::malformed() {
  ready_.push_back(RawRow{start_line_, {}, start_text_, true});
  fields_.clear();
  csv_free(&parser_);
  start_parser();
}

void CsvRecords::feed_line() {
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

}  // namespace crisis::io::cad::detail
