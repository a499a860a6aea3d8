#include "report/report.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string_view>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "crisis/build_info.hpp"
#include "engine/errors.hpp"
#include "engine/statistics.hpp"
#include "results/results_reader.hpp"
#include "results/results_writer.hpp"

namespace crisis::io {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr const char* kDayNames[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};

// ---------------------------------------------------------------------------------------
// Reading the results (readers in results/results_reader)

using Stat = MeasureStat;

/// One set of run results: a `run` folder, or one variant of a `compare`.
struct Variant {
  std::string name;
  std::string description;
  std::vector<std::string> models;
  std::string scenario_hash;
  std::vector<std::string> measure_names;
  std::map<std::string, Stat> measures;
  std::optional<ResponseTimes> response_times;  // from calls.csv, when written
  std::vector<UnitUtilisation> utilisation;     // from utilisation_by_hour.csv, when written

  [[nodiscard]] Stat get(const std::string& measure) const {
    const auto it = measures.find(measure);
    return it == measures.end() ? Stat{} : it->second;
  }
  [[nodiscard]] bool has(const std::string& measure) const { return measures.count(measure) > 0; }
};

/// Provenance shared by every kind of results.
struct Provenance {
  std::vector<std::pair<std::string, std::string>> rows;  // label, value
};

void read_measures(const JsonFile& file, const Json& measures, Variant& variant) {
  for (const auto& [name, entry] : measures.items()) {
    variant.measure_names.push_back(name);
    variant.measures[name] = file.stat(entry, "measures." + name);
  }
}
void read_run_extras(const fs::path& folder, Variant& variant) {
  variant.response_times = read_response_times(folder / "calls.csv");
  variant.utilisation = read_utilisation(folder / "utilisation_by_hour.csv");
}


std::string days_text(double days) { return format_number(days); }

// ---------------------------------------------------------------------------------------
// Formatting

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

/// Plotly's asymmetric error bars from intervals.
Json error_bars(const std::vector<Stat>& stats) {
  Json plus = Json::array();
  Json minus = Json::array();
  for (const Stat& s : stats) {
    plus.push_back(json_number(s.high - s.mean));
    minus.push_back(json_number(s.mean - s.low));
  }
  return Json{{"type", "data"}, {"symmetric", false}, {"array", plus}, {"arrayminus", minus}, {"visible", true}};
}

Json means(const std::vector<Stat>& stats) {
  Json values = Json::array();
  for (const Stat& s : stats) values.push_back(json_number(s.mean));
  return values;
}

Json axis(const std::string& title) { return Json{{"title", {{"text", title}}}, {"automargin", true}}; }

Json base_layout(const std::string& title, const std::string& x_title, const std::string& y_title) {
  return Json{{"title", {{"text", title}}},
              {"xaxis", axis(x_title)},
              {"yaxis", axis(y_title)},
              {"margin", {{"t", 60}, {"r", 20}}},
              {"legend", {{"orientation", "h"}, {"y", -0.25}}},
              {"height", 440}};
}

// ---------------------------------------------------------------------------------------
// The page

/// Sections, charts and tables, rendered to one HTML document.
class Page {
 public:
  explicit Page(std::string title) : title_(std::move(title)) {}
  void set_title(std::string title) { title_ = std::move(title); }

  void section(const std::string& heading, const std::string& anchor) {
    body_ += "<h2 id=\"" + anchor + "\">" + html_escape(heading) + "</h2>\n";
    contents_.emplace_back(anchor, heading);
  }
  void subsection(const std::string& heading) { body_ += "<h3>" + html_escape(heading) + "</h3>\n"; }
  void paragraph(const std::string& text) { body_ += "<p>" + html_escape(text) + "</p>\n"; }
  void note(const std::string& text) { body_ += "<p class=\"note\">" + html_escape(text) + "</p>\n"; }

  /// A plotly figure; `layout` gets the page's defaults for what it leaves out.
  void chart(Json data, Json layout) {
    const std::string id = fmt::format("chart-{}", figures_.size() + 1);
    body_ += "<div class=\"chart\" id=\"" + id + "\"></div>\n";
    figures_.push_back(Json{{"id", id}, {"data", std::move(data)}, {"layout", std::move(layout)}});
  }

  /// A table; `collapsed` puts it behind a "numbers" disclosure.
  void table(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows,
             const std::string& caption = "", bool collapsed = false) {
    ++tables_;
    std::string html;
    if (collapsed)
      html += "<details><summary>" + html_escape(caption.empty() ? "The numbers" : caption) + "</summary>\n";
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

  [[nodiscard]] std::size_t charts() const { return figures_.size(); }
  [[nodiscard]] std::size_t tables() const { return tables_; }

  [[nodiscard]] std::string render(const std::string& plotly_js) const {
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

 private:
  /// JSON inside a <script>: '<' only occurs in strings, where \u003c reads back the same, so
  /// no "</script>" in a scenario or zone name can end the script early.
  static std::string script_safe(const std::string& json) {
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

  static constexpr std::string_view kStyle =
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

  std::string title_;
  std::string body_;
  std::vector<std::pair<std::string, std::string>> contents_;
  std::vector<Json> figures_;
  std::size_t tables_ = 0;
};

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

// ---------------------------------------------------------------------------------------
// run and compare

/// Paired differences of a compare (variant minus reference) by variant and measure.
struct Differences {
  std::map<std::string, std::map<std::string, Stat>> by_variant;
  std::map<std::string, std::map<std::string, bool>> significant;
};

struct RunSet {
  std::vector<Variant> variants;  // one for run; the reference first for compare
  std::optional<Differences> differences;
  std::string currency = "USD";
  double horizon_days = kNaN;
};

/// A grouped bar chart of `measures` (x: their labels) with one trace per variant and error
/// bars from the intervals, and the table behind it. Measures no variant has are left out.
void measure_bars(Page& page, const RunSet& set, const std::vector<std::pair<std::string, std::string>>& measures,
                  const std::string& title, const std::string& y_title) {
  std::vector<std::pair<std::string, std::string>> present;
  for (const auto& entry : measures) {
    if (std::any_of(set.variants.begin(), set.variants.end(), [&](const Variant& v) { return v.has(entry.first); })) {
      present.push_back(entry);
    }
  }
  if (present.empty()) return;
  Json data = Json::array();
  Json labels = Json::array();
  for (const auto& entry : present) labels.push_back(entry.second);
  for (const Variant& variant : set.variants) {
    std::vector<Stat> stats;
    for (const auto& entry : present) stats.push_back(variant.get(entry.first));
    data.push_back(Json{
        {"type", "bar"}, {"name", variant.name}, {"x", labels}, {"y", means(stats)}, {"error_y", error_bars(stats)}});
  }
  Json layout = base_layout(title, "", y_title);
  layout["barmode"] = "group";
  page.chart(std::move(data), std::move(layout));
  std::vector<std::string> header = {"measure"};
  for (const Variant& variant : set.variants) header.push_back(variant.name);
  std::vector<std::vector<std::string>> rows;
  for (const auto& [measure, label] : present) {
    std::vector<std::string> row = {label + " (" + measure + ")"};
    for (const Variant& variant : set.variants) row.push_back(stat_text(variant.get(measure)));
    rows.push_back(std::move(row));
  }
  page.table(header, rows, title + ": mean [95% interval]");
}

/// The paired differences of `measures` against the reference, as a table (compare only).
void difference_table(Page& page, const RunSet& set, const std::vector<std::pair<std::string, std::string>>& measures,
                      const std::string& caption, bool negate = false) {
  if (!set.differences || set.variants.size() < 2) return;
  std::vector<std::string> header = {"measure"};
  for (std::size_t v = 1; v < set.variants.size(); ++v) header.push_back(set.variants[v].name);
  std::vector<std::vector<std::string>> rows;
  for (const auto& [measure, label] : measures) {
    if (!set.variants.front().has(measure)) continue;
    std::vector<std::string> row = {label};
    for (std::size_t v = 1; v < set.variants.size(); ++v) {
      const auto& by_measure = set.differences->by_variant.at(set.variants[v].name);
      const auto it = by_measure.find(measure);
      Stat d = it == by_measure.end() ? Stat{} : it->second;
      if (negate) d = Stat{-d.mean, -d.high, -d.low};
      const bool significant = set.differences->significant.at(set.variants[v].name).count(measure) > 0 &&
                               set.differences->significant.at(set.variants[v].name).at(measure);
      const bool identical = d.mean == 0.0 && d.low == 0.0 && d.high == 0.0;
      row.push_back(identical ? "same" : stat_text(d) + (std::isfinite(d.mean) && !significant ? " n.s." : ""));
    }
    rows.push_back(std::move(row));
  }
  if (!rows.empty()) page.table(header, rows, caption);
}

double quantile_of_sorted(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) return kNaN;
  const double position = q * static_cast<double>(sorted.size() - 1);
  const auto below = static_cast<std::size_t>(std::floor(position));
  const std::size_t above = std::min(below + 1, sorted.size() - 1);
  return sorted[below] + (position - static_cast<double>(below)) * (sorted[above] - sorted[below]);
}

void response_section(Page& page, const RunSet& set) {
  page.section("Response times", "response");
  // The distribution, from calls.csv when the run wrote it.
  std::vector<const Variant*> with_calls;
  for (const Variant& variant : set.variants) {
    if (variant.response_times && !variant.response_times->sorted_min.empty()) with_calls.push_back(&variant);
  }
  if (with_calls.empty()) {
    page.note(
        "The full distribution of response times needs calls.csv: run with --calls to get it. The measures "
        "below come from summary.json.");
  } else {
    // Bins of whole minutes up to the largest 99th percentile, so every variant shares them.
    double top = 0.0;
    for (const Variant* variant : with_calls)
      top = std::max(top, quantile_of_sorted(variant->response_times->sorted_min, 0.99));
    const double width = top <= 60 ? 1.0 : top <= 150 ? 2.0 : top <= 300 ? 5.0 : std::ceil(top / 60.0);
    const auto bins = static_cast<std::size_t>(std::max(1.0, std::ceil(top / width)));
    Json data = Json::array();
    std::vector<std::vector<std::string>> rows;
    for (const Variant* variant : with_calls) {
      const auto& sorted = variant->response_times->sorted_min;
      std::vector<double> counts(bins, 0.0);
      for (double minutes : sorted) {
        const auto bin = static_cast<std::size_t>(std::max(0.0, std::floor(minutes / width)));
        if (bin < bins) counts[bin] += 1.0;
      }
      Json x = Json::array();
      Json y = Json::array();
      for (std::size_t b = 0; b < bins; ++b) {
        x.push_back((static_cast<double>(b) + 0.5) * width);
        y.push_back(100.0 * counts[b] / static_cast<double>(sorted.size()));
      }
      data.push_back(Json{{"type", "scatter"},
                          {"mode", "lines"},
                          {"line", {{"shape", "hvh"}}},
                          {"name", variant->name},
                          {"x", x},
                          {"y", y}});
      double sum = 0.0;
      for (double minutes : sorted) sum += minutes;
      const double beyond = static_cast<double>(
          sorted.end() - std::upper_bound(sorted.begin(), sorted.end(), static_cast<double>(bins) * width));
      rows.push_back({variant->name, fmt::format("{}", sorted.size()),
                      number_text(sum / static_cast<double>(sorted.size())),
                      number_text(quantile_of_sorted(sorted, 0.5)), number_text(quantile_of_sorted(sorted, 0.9)),
                      number_text(quantile_of_sorted(sorted, 0.99)), number_text(sorted.back()),
                      number_text(100.0 * beyond / static_cast<double>(sorted.size()))});
    }
    page.subsection("Distribution of crisis response times");
    page.chart(std::move(data),
               base_layout(fmt::format("Crisis response time: share of calls per {}-minute bin", format_number(width)),
                           "minutes from call to arrival on scene", "% of answered crisis calls"));
    page.table(
        {"variant", "crisis calls answered", "mean (min)", "median", "90th percentile", "99th percentile", "longest",
         fmt::format("% beyond {} min (not drawn)", format_number(static_cast<double>(bins) * width))},
        rows, "Pooled over every replication's crisis calls in the measurement window (calls.csv)");
  }
  page.subsection("Response-time measures");
  std::vector<std::pair<std::string, std::string>> measures = {
      {"response_min.mean", "mean"},
      {"response_min.p50", "median"},
      {"response_min.p90", "90th percentile"},
      {"response_min.mean.priority_1", "priority 1 mean"},
      {"response_min.mean.priority_2", "priority 2 mean"},
      {"response_min.mean.priority_3", "priority 3 mean"},
      {"background.response_min.mean", "other police calls, mean"}};
  measure_bars(page, set, measures, "Crisis response time (minutes)", "minutes");
  difference_table(page, set, measures,
                   "Change against " + set.variants.front().name + " (minutes), paired: mean [95% interval]");
  std::vector<std::pair<std::string, std::string>> by_type;
  for (const char* type :
       {"suicidal", "psychosis", "welfare_check", "intoxication", "conflict", "self_harm", "violent_weapon"}) {
    by_type.emplace_back(std::string("response_min.mean.") + type, type);
  }
  measure_bars(page, set, by_type, "Mean crisis response time by call type (minutes)", "minutes");
  measure_bars(page, set,
               {{"share_past_target", "past response target"},
                {"share_queued", "queued for a unit"},
                {"share_clinician_involved", "met by a clinician-involved unit"}},
               "Shares of crisis calls", "share of crisis calls");
}

const std::vector<std::pair<std::string, std::string>> kOutcomes = {
    {"per_1000.resolved", "resolved on scene"},
    {"per_1000.referral", "referral"},
    {"per_1000.crisis_centre", "crisis centre"},
    {"per_1000.ed_transports", "ED transports"},
    {"per_1000.ed_voluntary", "ED voluntary"},
    {"per_1000.ed_detention", "ED detention"},
    {"per_1000.arrest", "arrest"},
    {"per_1000.use_of_force", "use of force"},
    {"per_1000.injuries", "injuries"},
    {"per_1000.backup_requests", "backup requests"},
    {"per_1000.resolved_by_phone", "resolved by phone"},
    {"per_1000.abandoned_line_calls", "abandoned line calls"},
    {"per_1000.repeat_crises", "repeat crises"},
};

void outcomes_section(Page& page, const RunSet& set) {
  page.section("Outcomes per 1,000 crisis calls", "outcomes");
  measure_bars(page, set, kOutcomes, "Outcomes per 1,000 crisis calls", "per 1,000 crisis calls");
  difference_table(
      page, set, kOutcomes,
      "Change against " + set.variants.front().name + " per 1,000 crisis calls, paired: mean [95% interval]");
  if (set.differences) {
    page.note(
        "n.s.: the 95% interval of the paired difference includes zero; same: identical in every replication. Variants "
        "ran under common random numbers "
        "(the same residents, crises and call attributes), so differences are paired replication by replication.");
  }
}

void officer_hours_section(Page& page, const RunSet& set) {
  page.section("Officer hours", "officer-hours");
  const std::vector<std::pair<std::string, std::string>> hours = {
      {"officer_hours.crisis", "officer hours on crisis calls"},
      {"officer_hours.ed_wait", "of which waiting at the ED"},
      {"clinician_hours.crisis", "clinician hours on crisis calls"}};
  measure_bars(page, set, hours,
               fmt::format("Staff hours on crisis calls over the {}-day horizon", days_text(set.horizon_days)),
               "hours");
  measure_bars(page, set, {{"officer_hours.per_crisis_call", "officer hours per crisis call"}},
               "Officer hours per crisis call", "hours");
  if (set.differences && set.variants.size() > 1) {
    // Hours freed = reference minus variant: the paired difference, negated.
    Json data = Json::array();
    Json x = Json::array();
    std::vector<Stat> freed;
    for (std::size_t v = 1; v < set.variants.size(); ++v) {
      const auto& by_measure = set.differences->by_variant.at(set.variants[v].name);
      const auto it = by_measure.find("officer_hours.crisis");
      const Stat d = it == by_measure.end() ? Stat{} : it->second;
      freed.push_back(Stat{-d.mean, -d.high, -d.low});
      x.push_back(set.variants[v].name);
    }
    data.push_back(Json{{"type", "bar"},
                        {"name", "officer hours freed"},
                        {"x", x},
                        {"y", means(freed)},
                        {"error_y", error_bars(freed)}});
    page.chart(std::move(data), base_layout("Officer hours freed against " + set.variants.front().name + " (paired)",
                                            "variant", "hours over the horizon"));
    difference_table(
        page, set, hours,
        "Hours freed against " + set.variants.front().name + " (reference minus variant), paired: mean [95% interval]",
        true);
  }
}

void costs_section(Page& page, const RunSet& set) {
  page.section("Costs", "costs");
  // Components are totals over the horizon; scaled to a year as cost.annual is.
  const double per_year = std::isfinite(set.horizon_days) && set.horizon_days > 0 ? 365.0 / set.horizon_days : kNaN;
  const std::vector<std::pair<std::string, std::string>> components = {
      {"cost.staff", "staff (with overtime)"}, {"cost.outcomes", "outcomes"}, {"cost.fixed", "fixed"}};
  Json data = Json::array();
  Json x = Json::array();
  for (const Variant& variant : set.variants) x.push_back(variant.name);
  for (const auto& [measure, label] : components) {
    Json y = Json::array();
    for (const Variant& variant : set.variants) y.push_back(json_number(variant.get(measure).mean * per_year));
    data.push_back(Json{{"type", "bar"}, {"name", label}, {"x", x}, {"y", y}});
  }
  std::vector<Stat> annual;
  for (const Variant& variant : set.variants) annual.push_back(variant.get("cost.annual"));
  data.push_back(Json{{"type", "scatter"},
                      {"mode", "markers"},
                      {"name", "total, 95% interval"},
                      {"x", x},
                      {"y", means(annual)},
                      {"error_y", error_bars(annual)},
                      {"marker", {{"color", "#1d2733"}, {"symbol", "line-ew-open"}, {"size", 14}}}});
  Json layout = base_layout("Annual cost by component (" + set.currency + ")", "", set.currency + " per year");
  layout["barmode"] = "stack";
  page.chart(std::move(data), std::move(layout));
  std::vector<std::string> header = {"measure"};
  for (const Variant& variant : set.variants) header.push_back(variant.name);
  std::vector<std::vector<std::string>> rows;
  for (const auto& [measure, label] : components) {
    std::vector<std::string> row = {label + ", per year"};
    for (const Variant& variant : set.variants) {
      const Stat s = variant.get(measure);
      row.push_back(stat_text(Stat{s.mean * per_year, s.low * per_year, s.high * per_year}));
    }
    rows.push_back(std::move(row));
  }
  for (const auto& [measure, label] : std::vector<std::pair<std::string, std::string>>{
           {"cost.annual", "annual cost, total"}, {"cost.per_crisis_call", "cost per crisis call"}}) {
    std::vector<std::string> row = {label};
    for (const Variant& variant : set.variants) row.push_back(stat_text(variant.get(measure)));
    rows.push_back(std::move(row));
  }
  page.table(header, rows, "Costs (" + set.currency + "): mean [95% interval]");
  measure_bars(page, set, {{"cost.per_crisis_call", "cost per crisis call"}},
               "Cost per crisis call (" + set.currency + ")", set.currency);
  difference_table(
      page, set, {{"cost.annual", "annual cost"}, {"cost.per_crisis_call", "cost per crisis call"}},
      "Change against " + set.variants.front().name + " (" + set.currency + "), paired: mean [95% interval]");
}

/// A heat map of the 168 hours of the week: rows Monday to Sunday from the top, columns the
/// hours 00 to 23. `style` holds z and the trace's look; axes, orientation and size are those
/// of every such chart.
void week_heatmap(Page& page, const Json& style, const std::string& title) {
  Json hours = Json::array();
  for (int hour = 0; hour < 24; ++hour) hours.push_back(fmt::format("{:02d}", hour));
  Json days = Json::array();
  for (const char* day : kDayNames) days.push_back(day);
  Json trace{{"type", "heatmap"}, {"x", std::move(hours)}, {"y", std::move(days)}};
  for (const auto& [key, value] : style.items()) trace[key] = value;
  Json layout = base_layout(title, "hour of the day", "");
  layout["yaxis"]["autorange"] = "reversed";
  layout["height"] = 360;
  page.chart(Json::array({std::move(trace)}), std::move(layout));
}

/// The header of the table under a week heat map: "day", then the hours "00" to "23".
std::vector<std::string> week_table_header() {
  std::vector<std::string> header = {"day"};
  for (int hour = 0; hour < 24; ++hour) header.push_back(fmt::format("{:02d}", hour));
  return header;
}

void utilisation_section(Page& page, const RunSet& set) {
  page.section("Utilisation by hour of the week", "utilisation");
  bool any = false;
  std::vector<std::string> idle;  // unit types with no one on duty in the whole window
  for (const Variant& variant : set.variants) {
    for (const UnitUtilisation& type : variant.utilisation) {
      any = true;
      if (std::none_of(type.on_duty_unit_hours.begin(), type.on_duty_unit_hours.end(),
                       [](double h) { return h > 0.0; })) {
        idle.push_back(set.variants.size() > 1 ? type.unit_type + " in " + variant.name : type.unit_type);
        continue;
      }
      Json z = Json::array();
      Json text = Json::array();
      std::vector<std::vector<std::string>> rows;
      for (std::size_t day = 0; day < 7; ++day) {
        Json z_row = Json::array();
        Json text_row = Json::array();
        std::vector<std::string> row = {kDayNames[day]};
        for (std::size_t hour = 0; hour < 24; ++hour) {
          const Stat& s = type.by_hour[day * 24 + hour];
          z_row.push_back(json_number(s.mean));
          text_row.push_back(fmt::format("{} {:02d}:00: busy share {}; {} on-duty unit-hours in the window",
                                         kDayNames[day], hour, stat_text(s),
                                         number_text(type.on_duty_unit_hours[day * 24 + hour])));
          row.push_back(number_text(s.mean));
        }
        z.push_back(std::move(z_row));
        text.push_back(std::move(text_row));
        rows.push_back(std::move(row));
      }
      week_heatmap(page,
                   Json{{"z", z},
                        {"text", text},
                        {"hovertemplate", "%{text}<extra></extra>"},
                        {"zmin", 0},
                        {"zmax", 1},
                        {"colorscale", "YlOrRd"},
                        {"reversescale", true},
                        {"colorbar", {{"title", {{"text", "busy share"}}}}}},
                   fmt::format("{}{}: share of on-duty time busy",
                               set.variants.size() > 1 ? variant.name + ", " : "", type.unit_type));
      page.table(week_table_header(), rows,
                 fmt::format("The numbers: mean busy share by hour ({}{}); overall {}",
                             set.variants.size() > 1 ? variant.name + ", " : "", type.unit_type,
                             stat_text(variant.get("utilisation." + type.unit_type))),
                 true);
    }
  }
  if (!idle.empty()) page.note("No heat map where no unit is ever on duty: " + join(idle, ", ") + ".");
  if (!any) {
    page.note(
        "No utilisation_by_hour.csv in these results (written by crisis-sim run and compare with --out); the overall "
        "utilisation of each unit type is in the table below.");
  }
  std::vector<std::pair<std::string, std::string>> overall;
  std::set<std::string> seen;
  for (const Variant& variant : set.variants) {
    for (const std::string& name : variant.measure_names) {
      if (name.rfind("utilisation.", 0) == 0 && seen.insert(name).second) overall.emplace_back(name, name.substr(12));
    }
  }
  measure_bars(page, set, overall, "Utilisation over the whole horizon, by unit type", "busy share of on-duty time");
  page.note(
      "Utilisation is busy time over on-duty time in the measurement window. Hours where a unit type has no one "
      "on duty are blank; units held past the end of a shift (overtime) count as busy but not as on duty.");
}

/// Zone or group measures: "PREFIX.NAME.SUFFIX" for each suffix, the names in order.
void equity_part(Page& page, const RunSet& set, const std::string& prefix, const std::string& noun,
                 const std::vector<std::pair<std::string, std::string>>& suffixes) {
  std::vector<std::string> names;
  for (const std::string& measure : set.variants.front().measure_names) {
    if (measure.rfind(prefix + ".", 0) != 0) continue;
    for (const auto& [suffix, label] : suffixes) {
      const std::string tail = "." + suffix;
      if (measure.size() > prefix.size() + 1 + tail.size() &&
          measure.compare(measure.size() - tail.size(), tail.size(), tail) == 0) {
        const std::string name = measure.substr(prefix.size() + 1, measure.size() - prefix.size() - 1 - tail.size());
        if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
      }
    }
  }
  if (names.empty()) return;
  page.subsection("By " + noun);
  std::vector<std::string> header = {noun};
  for (const auto& [suffix, label] : suffixes) {
    for (const Variant& variant : set.variants)
      header.push_back(set.variants.size() > 1 ? label + ", " + variant.name : label);
  }
  for (const auto& [suffix, label] : suffixes) {
    Json data = Json::array();
    bool any = false;
    for (const Variant& variant : set.variants) {
      std::vector<Stat> stats;
      Json x = Json::array();
      for (const std::string& name : names) {
        stats.push_back(variant.get(prefix + "." + name + "." + suffix));
        any = any || variant.has(prefix + "." + name + "." + suffix);
        x.push_back(name);
      }
      data.push_back(
          Json{{"type", "bar"}, {"name", variant.name}, {"x", x}, {"y", means(stats)}, {"error_y", error_bars(stats)}});
    }
    if (!any) continue;
    Json layout = base_layout(label + " by " + noun, noun, label);
    layout["barmode"] = "group";
    page.chart(std::move(data), std::move(layout));
  }
  std::vector<std::vector<std::string>> rows;
  for (const std::string& name : names) {
    std::vector<std::string> row = {name};
    for (const auto& [suffix, label] : suffixes) {
      for (const Variant& variant : set.variants)
        row.push_back(stat_text(variant.get(prefix + "." + name + "." + suffix)));
    }
    rows.push_back(std::move(row));
  }
  page.table(header, rows, "By " + noun + ": mean [95% interval]");
}

void equity_section(Page& page, const RunSet& set) {
  page.section("Equity: measures by zone and group", "equity");
  equity_part(page, set, "zone", "zone",
              {{"crisis_calls_per_1000_residents", "crisis calls per 1,000 residents a year"},
               {"response_min.mean", "mean response (min)"},
               {"per_1000.arrest", "arrests per 1,000 crisis calls"},
               {"per_1000.ed_transports", "ED transports per 1,000 crisis calls"}});
  equity_part(page, set, "group", "group",
              {{"crisis_calls", "crisis calls"},
               {"response_min.mean", "mean response (min)"},
               {"per_1000.arrest", "arrests per 1,000 crisis calls"},
               {"per_1000.use_of_force", "use of force per 1,000 crisis calls"},
               {"per_1000.ed_transports", "ED transports per 1,000 crisis calls"},
               {"share_clinician_involved", "share met by a clinician-involved unit"}});
  page.note(
      "Zones are the scenario's city.zones; groups are its population groups (docs/scenario-format.md). A "
      "difference between zones or groups whose intervals overlap may be chance.");
}

void run_set_report(Page& page, const RunSet& set) {
  response_section(page, set);
  outcomes_section(page, set);
  officer_hours_section(page, set);
  costs_section(page, set);
  utilisation_section(page, set);
  equity_section(page, set);
}

std::string run_report(const fs::path& folder, Page& page) {
  const JsonFile summary(folder / "summary.json");
  const Json& root = summary.root();
  Variant variant;
  const Json& scenario = summary.object(root, "scenario");
  variant.name = summary.text(scenario, "name", "scenario");
  variant.models = summary.text_list(root, "models");
  variant.scenario_hash = summary.text(scenario, "hash", "scenario");
  read_measures(summary, summary.object(root, "measures"), variant);
  read_run_extras(folder, variant);
  RunSet set;
  set.currency = summary.text(root, "currency");
  set.horizon_days = summary.number(root, "horizon_days");
  Provenance provenance;
  provenance.rows = {{"Results", "crisis-sim run, " + folder.string()},
                     {"Scenario", variant.name},
                     {"Scenario file", summary.text(scenario, "path", "scenario")},
                     {"Scenario hash (FNV-1a of the file and overrides)", variant.scenario_hash},
                     {"Models", join(variant.models, ", ")},
                     {"Seed", summary.whole_number_text(root, "seed")},
                     {"Replications", summary.whole_number_text(root, "replications")},
                     {"Horizon (days)", days_text(set.horizon_days)},
                     {"Warm-up (days, left out of the measures)", days_text(summary.number(root, "warmup_days"))},
                     {"Produced by", "crisis-sim " + summary.text(root, "crisis_sim_version")}};
  provenance_section(page, provenance);
  set.variants.push_back(std::move(variant));
  run_set_report(page, set);
  return set.variants.front().name;
}

std::string compare_report(const fs::path& folder, Page& page) {
  const JsonFile comparison(folder / "comparison.json");
  const Json& root = comparison.root();
  RunSet set;
  set.currency = comparison.text(root, "currency");
  set.horizon_days = comparison.number(root, "horizon_days");
  Differences differences;
  const Json& variants = comparison.array(root, "variants");
  if (variants.size() < 2) comparison.fail("variants", "expected at least two variants");
  std::vector<std::pair<std::string, std::string>> variant_rows;
  for (std::size_t v = 0; v < variants.size(); ++v) {
    const std::string where = fmt::format("variants[{}]", v);
    const Json& entry = variants[v];
    Variant variant;
    variant.name = comparison.text(entry, "name", where);
    variant.description = comparison.text(entry, "description", where);
    variant.scenario_hash = comparison.text(entry, "scenario_hash", where);
    for (const Json& model : comparison.array(entry, "models", where)) {
      if (!model.is_string()) comparison.fail(where + ".models", "expected a list of names");
      variant.models.push_back(model.get<std::string>());
    }
    // The variant's folder holds its own summary.json, calls.csv and utilisation_by_hour.csv.
    const fs::path variant_folder = folder / variant.name;
    if (variant.name.empty() || variant.name.find('/') != std::string::npos || variant.name == "." ||
        variant.name == "..") {
      comparison.fail(where + ".name", "expected a variant name that is a folder name");
    }
    std::error_code error;
    if (!fs::is_regular_file(variant_folder / "summary.json", error)) {
      throw InputError(InputProblem{
          (variant_folder / "summary.json").string(), 0, 0, "",
          "missing: comparison.json names variant '" + variant.name + "' but its folder has no summary.json"});
    }
    const JsonFile variant_summary(variant_folder / "summary.json");
    read_measures(variant_summary, variant_summary.object(variant_summary.root(), "measures"), variant);
    read_run_extras(variant_folder, variant);
    variant_rows.emplace_back(
        "Variant " + variant.name,
        (variant.description.empty() ? "" : variant.description + "; ") + "scenario hash " + variant.scenario_hash);
    set.variants.push_back(std::move(variant));
  }
  const Json& listed = comparison.array(root, "differences");
  for (std::size_t d = 0; d < listed.size(); ++d) {
    const std::string where = fmt::format("differences[{}]", d);
    const std::string name = comparison.text(listed[d], "variant", where);
    const Json& measures = comparison.object(listed[d], "measures", where);
    for (const auto& [measure, entry] : measures.items()) {
      differences.by_variant[name][measure] = comparison.stat(entry, where + ".measures." + measure);
      const Json& significant = comparison.field(entry, "significant", where + ".measures." + measure);
      if (!significant.is_boolean())
        comparison.fail(where + ".measures." + measure + ".significant", "expected true or false");
      differences.significant[name][measure] = significant.get<bool>();
    }
  }
  for (std::size_t v = 1; v < set.variants.size(); ++v) {
    if (differences.by_variant.count(set.variants[v].name) == 0) {
      comparison.fail("differences", "has no entry for variant '" + set.variants[v].name + "'");
    }
  }
  set.differences = std::move(differences);
  const Json& scenario = comparison.object(root, "scenario");
  Provenance provenance;
  provenance.rows = {{"Results", "crisis-sim compare, " + folder.string()},
                     {"Scenario", comparison.text(scenario, "name", "scenario")},
                     {"Scenario file", comparison.text(scenario, "path", "scenario")},
                     {"Reference variant", comparison.text(root, "reference")}};
  provenance.rows.insert(provenance.rows.end(), variant_rows.begin(), variant_rows.end());
  provenance.rows.insert(
      provenance.rows.end(),
      {{"Seed (common random numbers: differences are paired)", comparison.whole_number_text(root, "seed")},
       {"Replications", comparison.whole_number_text(root, "replications")},
       {"Horizon (days)", days_text(set.horizon_days)},
       {"Warm-up (days, left out of the measures)", days_text(comparison.number(root, "warmup_days"))},
       {"Produced by", "crisis-sim " + comparison.text(root, "crisis_sim_version")}});
  provenance_section(page, provenance);
  run_set_report(page, set);
  return comparison.text(scenario, "name", "scenario");
}

// ---------------------------------------------------------------------------------------
// sweep

std::string sweep_report(const fs::path& folder, Page& page) {
  const SweepResults sweep = read_sweep_database(folder / "sweep.sqlite");
  const std::string& name = sweep.name;
  const std::vector<std::string>& parameters = sweep.parameters;
  const std::vector<std::string>& measures = sweep.measures;
  const std::map<std::int64_t, SweepPoint>& points = sweep.points;
  Provenance provenance;
  provenance.rows = {{"Results", "crisis-sim sweep " + name + ", " + folder.string()},
                     {"Base scenario", sweep.scenario},
                     {"Scenario hash (FNV-1a of the file and fixed overrides)", sweep.scenario_hash},
                     {"Seed (common random numbers at every point)", sweep.seed},
                     {"Replications per point (first batch)", sweep.replications},
                     {"Design", sweep.design},
                     {"Points", sweep.points_text},
                     {"Produced by", "crisis-sim " + sweep.crisis_sim_version}};
  provenance.rows.insert(provenance.rows.begin() + 2, {"Parameters", join(parameters, ", ")});
  provenance_section(page, provenance);

  // Per point and measure: the mean and interval across its replications.
  std::vector<const SweepPoint*> ordered;
  std::vector<std::vector<Stat>> stats;  // [point][measure]
  for (const auto& [id, point] : points) {
    ordered.push_back(&point);
    std::vector<Stat> row;
    for (const auto& values : point.by_measure) {
      const auto s = engine::summarize_replications(values);
      row.push_back(Stat{s.mean, s.low, s.high});
    }
    stats.push_back(std::move(row));
  }
  std::vector<bool> numeric(parameters.size(), true);
  for (std::size_t p = 0; p < parameters.size(); ++p) {
    for (const SweepPoint* point : ordered) numeric[p] = numeric[p] && std::isfinite(point->values[p]);
  }
  // Traces along the first parameter, one per combination of the others, when that gives a
  // few lines (a grid); otherwise one panel per parameter (a Latin hypercube).
  std::vector<std::string> groups;
  std::vector<std::size_t> group_of;
  for (const SweepPoint* point : ordered) {
    std::vector<std::string> others;
    for (std::size_t p = 1; p < parameters.size(); ++p) others.push_back(parameters[p] + " = " + point->labels[p]);
    const std::string label = others.empty() ? "all points" : join(others, ", ");
    auto it = std::find(groups.begin(), groups.end(), label);
    if (it == groups.end()) it = groups.insert(groups.end(), label);
    group_of.push_back(static_cast<std::size_t>(it - groups.begin()));
  }
  const bool lines = groups.size() <= 12 && groups.size() * 2 <= ordered.size();
  page.section("Measures against the swept parameters", "sweep");
  page.paragraph(lines ? "Each chart draws one measure along " + parameters.front() +
                             (parameters.size() > 1 ? ", one line per value of the other parameters" : "") +
                             "; error bars are 95% intervals across the point's replications."
                       : "Each chart draws one measure against each parameter in turn (one panel per parameter); "
                         "error bars are 95% intervals across the point's replications.");
  for (std::size_t m = 0; m < measures.size(); ++m) {
    Json data = Json::array();
    Json layout = base_layout(measures[m], parameters.front(), measures[m]);
    if (lines) {
      for (std::size_t g = 0; g < groups.size(); ++g) {
        Json x = Json::array();
        std::vector<Stat> ys;
        for (std::size_t i = 0; i < ordered.size(); ++i) {
          if (group_of[i] != g) continue;
          x.push_back(numeric[0] ? Json(ordered[i]->values[0]) : Json(ordered[i]->labels[0]));
          ys.push_back(stats[i][m]);
        }
        data.push_back(Json{{"type", "scatter"},
                            {"mode", "lines+markers"},
                            {"name", groups[g]},
                            {"x", x},
                            {"y", means(ys)},
                            {"error_y", error_bars(ys)}});
      }
    } else {
      const double share = 1.0 / static_cast<double>(parameters.size());
      for (std::size_t p = 0; p < parameters.size(); ++p) {
        Json x = Json::array();
        std::vector<Stat> ys;
        for (std::size_t i = 0; i < ordered.size(); ++i) {
          x.push_back(numeric[p] ? Json(ordered[i]->values[p]) : Json(ordered[i]->labels[p]));
          ys.push_back(stats[i][m]);
        }
        const std::string axis_name = p == 0 ? "x" : fmt::format("x{}", p + 1);
        data.push_back(Json{{"type", "scatter"},
                            {"mode", "markers"},
                            {"name", parameters[p]},
                            {"x", x},
                            {"y", means(ys)},
                            {"error_y", error_bars(ys)},
                            {"xaxis", axis_name},
                            {"yaxis", "y"}});
        Json x_axis = axis(parameters[p]);
        x_axis["domain"] = Json::array(
            {static_cast<double>(p) * share + (p > 0 ? 0.04 : 0.0), static_cast<double>(p + 1) * share - 0.02});
        x_axis["anchor"] = "y";
        layout[p == 0 ? "xaxis" : fmt::format("xaxis{}", p + 1)] = std::move(x_axis);
      }
    }
    page.chart(std::move(data), std::move(layout));
  }
  std::vector<std::string> header = {"point"};
  header.insert(header.end(), parameters.begin(), parameters.end());
  header.push_back("replications");
  header.insert(header.end(), measures.begin(), measures.end());
  std::vector<std::vector<std::string>> rows;
  std::size_t index = 0;
  for (const auto& [id, point] : points) {
    std::vector<std::string> row = {std::to_string(id)};
    row.insert(row.end(), point.labels.begin(), point.labels.end());
    row.push_back(std::to_string(point.by_measure.front().size()));
    for (const Stat& s : stats[index]) row.push_back(stat_text(s));
    rows.push_back(std::move(row));
    ++index;
  }
  page.table(header, rows, "Every point: mean [95% interval] across its replications");
  return name;
}

// ---------------------------------------------------------------------------------------
// size

std::string size_report(const fs::path& folder, Page& page) {
  const JsonFile sizing(folder / "sizing.json");
  const Json& root = sizing.root();
  const Json& scenario = sizing.object(root, "scenario");
  const Json& file = sizing.object(root, "sizing");
  const std::string objective = sizing.text(root, "objective");
  Provenance provenance;
  provenance.rows = {
      {"Results", "crisis-sim size, " + folder.string()},
      {"Sizing file", sizing.text(file, "path", "sizing") + " (hash " + sizing.text(file, "hash", "sizing") + ")"},
      {"Scenario", sizing.text(scenario, "name", "scenario")},
      {"Scenario file", sizing.text(scenario, "path", "scenario")},
      {"Scenario hash", sizing.text(scenario, "hash", "scenario")},
      {"Models", join(sizing.text_list(root, "models"), ", ")},
      {"Seed (the same for every mix)", sizing.whole_number_text(root, "seed")},
      {"Replications per mix", sizing.whole_number_text(root, "replications")},
      {"Horizon (days)", days_text(sizing.number(root, "horizon_days"))},
      {"Warm-up (days)", days_text(sizing.number(root, "warmup_days"))},
      {"Objective", objective},
      {"Produced by", "crisis-sim " + sizing.text(root, "crisis_sim_version")}};
  provenance_section(page, provenance);

  const Json& feasible_value = sizing.field(root, "feasible", "");
  if (!feasible_value.is_boolean()) sizing.fail("feasible", "expected true or false");
  page.section("The answer", "answer");
  page.paragraph(sizing.text(root, "message"));
  std::vector<std::pair<std::string, std::string>> targets;  // measure, "relation bound"
  std::vector<double> bounds;
  const Json& target_list = sizing.array(root, "targets");
  for (std::size_t t = 0; t < target_list.size(); ++t) {
    const std::string where = fmt::format("targets[{}]", t);
    const std::string measure = sizing.text(target_list[t], "measure", where);
    const double bound = sizing.number(target_list[t], "bound", where);
    targets.emplace_back(measure, sizing.text(target_list[t], "relation", where) + " " + format_number(bound));
    bounds.push_back(bound);
  }
  const Json& chosen = sizing.field(root, "chosen", "");
  if (!chosen.is_null()) {
    std::vector<std::vector<std::string>> rows;
    for (const Json& type : sizing.array(chosen, "unit_types", "chosen")) {
      rows.push_back({sizing.text(type, "unit_type", "chosen.unit_types"),
                      number_text(sizing.number(type, "posts", "chosen.unit_types")),
                      number_text(sizing.number(type, "fte", "chosen.unit_types")),
                      number_text(sizing.number(type, "on_duty_hours_per_year", "chosen.unit_types")),
                      number_text(sizing.number(type, "staff_cost_annual", "chosen.unit_types"))});
    }
    page.table({"unit type", "posts (average on duty)", "FTE", "on-duty unit-hours a year", "staff cost a year"}, rows,
               "The chosen mix");
    // Its roster: units on duty by hour of the week.
    for (const Json& type : sizing.array(chosen, "unit_types", "chosen")) {
      const std::string type_name = sizing.text(type, "unit_type", "chosen.unit_types");
      const Json& roster = sizing.array(type, "on_duty_by_hour_of_week", "chosen.unit_types");
      if (roster.size() != 168) sizing.fail("chosen.unit_types.on_duty_by_hour_of_week", "expected 168 numbers");
      Json z = Json::array();
      std::vector<std::vector<std::string>> roster_rows;
      for (std::size_t day = 0; day < 7; ++day) {
        Json z_row = Json::array();
        std::vector<std::string> row = {kDayNames[day]};
        for (std::size_t hour = 0; hour < 24; ++hour) {
          const Json& units = roster[day * 24 + hour];
          if (!units.is_number()) sizing.fail("chosen.unit_types.on_duty_by_hour_of_week", "expected 168 numbers");
          z_row.push_back(units);
          row.push_back(units.dump());
        }
        z.push_back(std::move(z_row));
        roster_rows.push_back(std::move(row));
      }
      week_heatmap(page,
                   Json{{"z", z},
                        {"colorscale", "Blues"},
                        {"reversescale", true},
                        {"hovertemplate", "%{y} %{x}:00: %{z} units on duty<extra></extra>"},
                        {"colorbar", {{"title", {{"text", "units"}}}}}},
                   "Chosen mix: " + type_name + " units on duty by hour of the week");
      page.table(week_table_header(), roster_rows, "The numbers: " + type_name + " units on duty by hour", true);
    }
  }

  // The frontier: every simulated mix by staff cost.
  struct Candidate {
    std::string label;
    double staff_cost = kNaN;
    double fte = kNaN;
    bool feasible = false;
    bool chosen = false;
    bool runnable = true;
    Stat objective;
    std::vector<Stat> targets;
    std::vector<bool> met;
    std::string phase;
  };
  std::vector<Candidate> candidates;
  std::vector<std::string> variable_names;
  const Json& frontier = sizing.array(root, "frontier");
  for (std::size_t c = 0; c < frontier.size(); ++c) {
    const std::string where = fmt::format("frontier[{}]", c);
    const Json& entry = frontier[c];
    Candidate candidate;
    candidate.phase = sizing.text(entry, "phase", where);
    std::vector<std::string> units;
    for (const auto& [variable, value] : sizing.object(entry, "units", where).items()) {
      if (c == 0) variable_names.push_back(variable);
      units.push_back(variable + " " + value.dump());
    }
    candidate.label = fmt::format("#{} {}", sizing.field(entry, "id", where).dump(), join(units, ", "));
    candidate.staff_cost = sizing.number(entry, "staff_cost_annual", where);
    candidate.fte = sizing.number(entry, "fte", where);
    const auto flag = [&](const std::string& key) {
      const Json& value = sizing.field(entry, key, where);
      if (!value.is_boolean()) sizing.fail(where + "." + key, "expected true or false");
      return value.get<bool>();
    };
    candidate.feasible = flag("feasible");
    candidate.chosen = flag("chosen");
    candidate.runnable = flag("runnable");
    const Json& objective_entry = sizing.field(entry, "objective", where);
    if (objective_entry.is_object())
      candidate.objective = sizing.stat(objective_entry, where + ".objective");
    const Json& target_entries = sizing.field(entry, "targets", where);
    for (std::size_t t = 0; t < targets.size(); ++t) {
      Stat s;
      bool met = false;
      if (target_entries.is_array() && t < target_entries.size() && target_entries[t].is_object()) {
        s = sizing.stat(target_entries[t], where + fmt::format(".targets[{}]", t));
        met = target_entries[t].value("met", false);
      } else if (target_entries.is_object() && target_entries.contains(targets[t].first)) {
        s = sizing.stat(target_entries[targets[t].first], where + ".targets." + targets[t].first);
        met = target_entries[targets[t].first].value("met", false);
      }
      candidate.targets.push_back(s);
      candidate.met.push_back(met);
    }
    candidates.push_back(std::move(candidate));
  }
  page.section("Cost and service frontier", "frontier");
  page.paragraph(
      "Every mix the search simulated, by the yearly staff cost of the sized unit types. The chosen mix is "
      "the star; feasible mixes meet every target with 95% confidence.");
  const auto scatter = [&](const std::string& trace, const std::function<bool(const Candidate&)>& keep,
                           const std::function<Stat(const Candidate&)>& y, const Json& marker) {
    Json x = Json::array();
    Json text = Json::array();
    std::vector<Stat> ys;
    for (const Candidate& c : candidates) {
      if (!keep(c)) continue;
      x.push_back(json_number(c.staff_cost));
      text.push_back(c.label);
      ys.push_back(y(c));
    }
    return Json{{"type", "scatter"}, {"mode", "markers"},         {"name", trace}, {"x", x},
                {"y", means(ys)},    {"error_y", error_bars(ys)}, {"text", text},  {"marker", marker}};
  };
  const auto charts_for = [&](const std::string& title, const std::string& y_title,
                              const std::function<Stat(const Candidate&)>& y, std::optional<double> bound) {
    Json data = Json::array();
    data.push_back(scatter(
        "feasible", [](const Candidate& c) { return c.feasible && !c.chosen; }, y,
        Json{{"color", "#2e7d32"}, {"size", 9}}));
    data.push_back(scatter(
        "not feasible", [](const Candidate& c) { return !c.feasible && !c.chosen; }, y,
        Json{{"color", "#9e9e9e"}, {"size", 8}, {"symbol", "x"}}));
    data.push_back(scatter(
        "chosen mix", [](const Candidate& c) { return c.chosen; }, y,
        Json{{"color", "#d32f2f"}, {"size", 18}, {"symbol", "star"}, {"line", {{"color", "#1d2733"}, {"width", 1}}}}));
    Json layout = base_layout(title, "staff cost of the sized unit types per year", y_title);
    if (bound) {
      layout["shapes"] = Json::array({Json{{"type", "line"},
                                           {"xref", "paper"},
                                           {"x0", 0},
                                           {"x1", 1},
                                           {"y0", *bound},
                                           {"y1", *bound},
                                           {"line", {{"color", "#d32f2f"}, {"dash", "dash"}, {"width", 1}}}}});
    }
    page.chart(std::move(data), std::move(layout));
  };
  charts_for(
      "Objective (" + objective + ") against staff cost", objective, [](const Candidate& c) { return c.objective; },
      std::nullopt);
  for (std::size_t t = 0; t < targets.size(); ++t) {
    charts_for(
        "Target " + targets[t].first + " " + targets[t].second + " (dashed line) against staff cost", targets[t].first,
        [t](const Candidate& c) { return c.targets[t]; }, bounds[t]);
  }
  std::vector<std::string> header = {"mix", "phase", "staff cost a year", "FTE", objective};
  for (const auto& [measure, rule] : targets) header.push_back(measure + " " + rule);
  header.insert(header.end(), {"feasible", "chosen"});
  std::vector<std::vector<std::string>> rows;
  for (const Candidate& c : candidates) {
    std::vector<std::string> row = {c.label, c.phase, number_text(c.staff_cost), number_text(c.fte),
                                    stat_text(c.objective)};
    for (std::size_t t = 0; t < targets.size(); ++t) row.push_back(stat_text(c.targets[t]) + (c.met[t] ? " met" : ""));
    row.push_back(c.feasible ? "yes" : c.runnable ? "no" : "not run");
    row.push_back(c.chosen ? "chosen" : "");
    rows.push_back(std::move(row));
  }
  page.table(header, rows, "Every simulated mix: mean [95% interval]");
  return sizing.text(scenario, "name", "scenario");
}

}  // namespace

const char* results_kind_name(ResultsKind kind) {
  switch (kind) {
    case ResultsKind::run:
      return "run";
    case ResultsKind::compare:
      return "compare";
    case ResultsKind::sweep:
      return "sweep";
    case ResultsKind::size:
      return "size";
  }
  return "run";
}

ResultsKind detect_results(const std::string& directory) {
  std::error_code error;
  if (!fs::exists(directory, error)) {
    throw InputError(
        InputProblem{directory, 0, 0, "RESULTS_DIR",
                     "no such folder; expected the --out folder of crisis-sim run, compare, sweep or size"});
  }
  if (!fs::is_directory(directory, error)) {
    throw InputError(
        InputProblem{directory, 0, 0, "RESULTS_DIR",
                     "is not a folder; expected the --out folder of crisis-sim run, compare, sweep or size"});
  }
  const fs::path folder(directory);
  // comparison.json first: a compare folder holds variant folders, never a summary.json of its own.
  if (fs::is_regular_file(folder / "comparison.json", error)) return ResultsKind::compare;
  if (fs::is_regular_file(folder / "summary.json", error)) return ResultsKind::run;
  if (fs::is_regular_file(folder / "sweep.sqlite", error)) return ResultsKind::sweep;
  if (fs::is_regular_file(folder / "sizing.json", error)) return ResultsKind::size;
  throw InputError(InputProblem{directory, 0, 0, "RESULTS_DIR",
                                "holds no crisis-sim results: expected summary.json (run), comparison.json (compare), "
                                "sweep.sqlite (sweep) or sizing.json (size); an interrupted run leaves none of them"});
}

std::string report_html(const std::string& directory, const std::string& plotly_js, ReportSummary* summary) {
  const ResultsKind kind = detect_results(directory);
  const fs::path folder(directory);
  Page page("");
  std::string scenario;
  switch (kind) {
    case ResultsKind::run:
      scenario = run_report(folder, page);
      break;
    case ResultsKind::compare:
      scenario = compare_report(folder, page);
      break;
    case ResultsKind::sweep:
      scenario = sweep_report(folder, page);
      break;
    case ResultsKind::size:
      scenario = size_report(folder, page);
      break;
  }
  // The title needs the scenario, which is known only once the results are read.
  page.set_title(fmt::format("crisis-sim {} report: {}", results_kind_name(kind), scenario));
  std::string html = page.render(plotly_js);
  if (summary) *summary = ReportSummary{kind, page.charts(), page.tables(), html.size()};
  return html;
}

std::string read_plotly_js(const std::string& path) {
  std::error_code error;
  if (path.empty() || !fs::is_regular_file(path, error)) {
    throw InputError(
        InputProblem{path, 0, 0, "--plotly-js",
                     "plotly.js not found; install Debian's python3-plotly (apt-get install python3-plotly), "
                     "which has it at /usr/share/python3-plotly/plotly.js, or pass --plotly-js PATH"});
  }
  std::string text = read_text_file(path);
  if (text.find("Plotly") == std::string::npos || text.find("newPlot") == std::string::npos) {
    throw InputError(InputProblem{path, 0, 0, "--plotly-js", "does not look like plotly.js (no Plotly.newPlot in it)"});
  }
  std::string lower = text;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (lower.find("</script") != std::string::npos) {
    throw InputError(
        InputProblem{path, 0, 0, "--plotly-js", "contains \"</script\", so it cannot be inlined in a page"});
  }
  return text;
}

ReportSummary write_report(const std::string& directory, const std::string& output, const std::string& plotly_js_path) {
  // Everything is read and made before anything is written; the page is renamed into place.
  const std::string plotly_js = read_plotly_js(plotly_js_path);
  ReportSummary summary;
  const std::string html = report_html(directory, plotly_js, &summary);
  std::error_code error;
  if (fs::is_directory(output, error)) {
    throw InputError(
        InputProblem{output, 0, 0, "--output", "is a folder; expected the path of the HTML file to write"});
  }
  const fs::path parent = fs::path(output).parent_path();
  if (!parent.empty() && !fs::is_directory(parent, error)) {
    throw InputError(InputProblem{output, 0, 0, "--output", "its folder does not exist"});
  }
  write_file_atomically(output, html);
  return summary;
}

}  // namespace crisis::io
