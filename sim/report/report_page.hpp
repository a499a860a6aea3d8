#pragma once
/// \file
/// The report's page: an HTML skeleton of sections, paragraphs, tables and plotly chart
/// placeholders, with the escaping and number formats every kind of results shares.
/// Internal to sim/report.

#include <cstddef>
#include <limits>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "results/results_reader.hpp"

namespace crisis::io::report_detail {

using Json = nlohmann::ordered_json;
using Stat = MeasureStat;

inline constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
inline constexpr const char* kDayNames[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};

/// `text` safe inside HTML text and attribute values.
std::string html_escape(std::string_view text);
/// A number for a table: enough digits to read, the same text for the same value; a dash when not finite.
std::string number_text(double value);
/// "mean [low, high]"; the mean alone without an interval; a dash without a mean.
std::string stat_text(const Stat& s);
/// A number of days as the results write it.
std::string days_text(double days);

/// Sections, charts and tables, rendered to one HTML document.
class Page {
 public:
  explicit Page(std::string title) : title_(std::move(title)) {}
  void set_title(std::string title) { title_ = std::move(title); }

  /// An h2 heading, listed in the page's contents under `anchor`.
  void section(const std::string& heading, const std::string& anchor);
  void subsection(const std::string& heading);
  void paragraph(const std::string& text);
  void note(const std::string& text);
  /// A plotly figure; `layout` gets the page's defaults for what it leaves out.
  void chart(Json data, Json layout);
  /// A table; `collapsed` puts it behind a "numbers" disclosure.
  void table(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows,
             const std::string& caption = "", bool collapsed = false);

  [[nodiscard]] std::size_t charts() const { return figures_.size(); }
  [[nodiscard]] std::size_t tables() const { return tables_; }

  /// The whole document with `plotly_js` inlined.
  [[nodiscard]] std::string render(const std::string& plotly_js) const;

 private:
  std::string title_;
  std::string body_;
  std::vector<std::pair<std::string, std::string>> contents_;
  std::vector<Json> figures_;
  std::size_t tables_ = 0;
};

/// Provenance shared by every kind of results.
struct Provenance {
  std::vector<std::pair<std::string, std::string>> rows;  // label, value
};

/// The "Provenance" section: the rows, the report's own version and how to read intervals.
void provenance_section(Page& page, const Provenance& provenance);

/// The header of the table under a week heat map: "day", then the hours "00" to "23".
std::vector<std::string> week_table_header();

}  // namespace crisis::io::report_detail
