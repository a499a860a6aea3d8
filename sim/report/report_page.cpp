#include "report/report_page.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "crisis/build_info.hpp"
#include "results/results_writer.hpp"

namespace crisis::io::report_detail {
namespace {

/// JSON inside a <script>: '<' only occurs in strings, where \u003c reads back the same, so
/// no "</script>" in a scenario or zone name can end the script early.
std::string script_safe(const std::string& json) {
  std::string out;
  out.reserve(json.size());
  for (char c : json) {
    if (c == '<') {
      out += "\\u003c";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

constexpr std::string_view kStyle =
    "body { font-family: system-ui, -apple-system, 'Segoe UI', sans-serif; color: #1d2733; margin: 0; background: "
    "#fafbfc; }\n"
    "main { max-width: 1100px; margin: 0 auto; padding: 1em 2em 4em; background: #fff; }\n"
    "h1 { font-size: 1.6em; } h2 { margin-top: 2em; border-bottom: 1px solid #d0d7de; padding-bottom: .2em; }\n"
    "nav ul { columns: 2; font-size: .95em; } .note { color: #57606a; font-size: .92em; }\n"
    ".chart { width: 100%; min-height: 440px; }\n"
    "div.table { overflow-x: auto; max-width: 100%; }\n"
    "table { border-collapse: collapse; margin: .8em 0 1.2em; font-size: .88em; font-variant-numeric: tabular-nums; "
    "}\n"
    "th, td { border: 1px solid #d0d7de; padding: .25em .6em; text-align: right; }\n"
    "tbody th { text-align: left; font-weight: normal; } thead th { background: #f1f3f5; }\n"
    "caption { text-align: left; font-weight: bold; padding: .3em 0; }\n"
    "details { margin: .5em 0 1em; } summary { cursor: pointer; color: #0a58ca; }\n";

}  // namespace

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

/// A number for a table: enough digits to read, the same text for the same value.
std::string number_text(double value) {
  if (!std::isfinite(value)) return "–";
  const double magnitude = std::fabs(value);
  const int decimals = magnitude >= 1000 ? 0 : magnitude >= 100 ? 1 : magnitude >= 1 ? 2 : 3;
  std::string text = fmt::format("{:.{}f}", value, decimals);
  if (magnitude >= 10000) {  // thousands separators for money and hours (no decimals at this size)
    std::string grouped;
    const std::size_t start = text[0] == '-' ? 1 : 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
      if (i > start && (text.size() - i) % 3 == 0) grouped.push_back(',');
      grouped.push_back(text[i]);
    }
    text = std::move(grouped);
  }
  return text == "-0" || text == "-0.0" || text == "-0.00" || text == "-0.000" ? text.substr(1) : text;
}

std::string stat_text(const Stat& s) {
  if (!std::isfinite(s.mean)) return "–";
  if (!std::isfinite(s.low)) return number_text(s.mean);
  return number_text(s.mean) + " [" + number_text(s.low) + ", " + number_text(s.high) + "]";
}

void Page::section(const std::string& heading, const std::string& anchor) {
  body_ += "<h2 id=\"" + anchor + "\">" + html_escape(heading) + "</h2>\n";
  contents_.emplace_back(anchor, heading);
}

void Page::subsection(const std::string& heading) { body_ += "<h3>" + html_escape(heading) + "</h3>\n"; }

void Page::paragraph(const std::string& text) { body_ += "<p>" + html_escape(text) + "</p>\n"; }

void Page::note(const std::string& text) { body_ += "<p class=\"note\">" + html_escape(text) + "</p>\n"; }

void Page::chart(Json data, Json layout) {
  const std::string id = fmt::format("chart-{}", figures_.size() + 1);
  body_ += "<div class=\"chart\" id=\"" + id + "\"></div>\n";
  figures_.push_back(Json{{"id", id}, {"data", std::move(data)}, {"layout", std::move(layout)}});
}

void Page::table(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows,
                 const std::string& caption, bool collapsed) {
  ++tables_;
  std::string html;
  if (collapsed) html += "<details><summary>" + html_escape(caption.empty() ? "The numbers" : caption) + "</summary>\n";
  html += "<div class=\"table\"><table>\n";
  if (!collapsed && !caption.empty()) html += "<caption>" + html_escape(caption) + "</caption>\n";
  if (std::any_of(header.begin(), header.end(), [](const std::string& cell) { return !cell.empty(); })) {
    html += "<thead><tr>";
    for (const auto& cell : header) html += "<th>" + html_escape(cell) + "</th>";
    html += "</tr></thead>\n";
  }
  html += "<tbody>\n";
  for (const auto& row : rows) {
    html += "<tr>";
    for (std::size_t i = 0; i < row.size(); ++i)
      html += (i == 0 ? "<th>" : "<td>") + html_escape(row[i]) + (i == 0 ? "</th>" : "</td>");
    html += "</tr>\n";
  }
  html += "</tbody></table></div>\n";
  if (collapsed) html += "</details>\n";
  body_ += html;
}

std::string Page::render(const std::string& plotly_js) const {
  std::string html;
  html += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  html += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  html += "<meta name=\"generator\" content=\"crisis-sim " + html_escape(build::kVersion) + "\">\n";
  html += "<title>" + html_escape(title_) + "</title>\n<style>\n" + std::string(kStyle) + "</style>\n";
  html += "<script>\n" + plotly_js + "\n</script>\n</head>\n<body>\n<main>\n";
  html += "<h1>" + html_escape(title_) + "</h1>\n<nav><ul>";
  for (const auto& [anchor, heading] : contents_)
    html += "<li><a href=\"#" + anchor + "\">" + html_escape(heading) + "</a></li>";
  html += "</ul></nav>\n" + body_;
  html += "</main>\n<script>\n\"use strict\";\nconst crisisFigures = " + script_safe(Json(figures_).dump()) + ";\n";
  html +=
      "for (const figure of crisisFigures) {\n"
      "  Plotly.newPlot(figure.id, figure.data, figure.layout, {displaylogo: false, responsive: true});\n"
      "}\n</script>\n</body>\n</html>\n";
  return html;
}

std::string days_text(double days) { return format_number(days); }

void provenance_section(Page& page, const Provenance& provenance) {
  page.section("Provenance", "provenance");
  std::vector<std::vector<std::string>> rows;
  for (const auto& [label, value] : provenance.rows) rows.push_back({label, value});
  rows.push_back({"Report made by", std::string("crisis-sim ") + build::kVersion + " report"});
  page.table({"", ""}, rows);
  page.note(
      "Intervals in this report are Student-t 95% confidence intervals across replications, written as "
      "mean [low, high]; a dash marks a measure that is undefined (for example no calls of that kind).");
}

std::vector<std::string> week_table_header() {
  std::vector<std::string> header = {"day"};
  for (int hour = 0; hour < 24; ++hour) header.push_back(fmt::format("{:02d}", hour));
  return header;
}

}  // namespace crisis::io::report_detail
