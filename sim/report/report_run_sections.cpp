#include "report/report_run_sections.hpp"

#include <algorithm>
#include <cmath>
#include <set>

#include <fmt/format.h>

#include "report/report_charts.hpp"
#include "results/results_writer.hpp"

namespace crisis::io::report_detail {
namespace {

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
                   fmt::format("{}{}: share of on-duty time busy", set.variants.size() > 1 ? variant.name + ", " : "",
                               type.unit_type));
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

}  // namespace

void run_set_report(Page& page, const RunSet& set) {
  response_section(page, set);
  outcomes_section(page, set);
  officer_hours_section(page, set);
  costs_section(page, set);
  utilisation_section(page, set);
  equity_section(page, set);
}

void read_measures(const JsonFile& file, const Json& measures, Variant& variant) {
  for (const auto& [name, entry] : measures.items()) {
    variant.measure_names.push_back(name);
    variant.measures[name] = file.stat(entry, "measures." + name);
  }
}

void read_run_extras(const std::filesystem::path& folder, Variant& variant) {
  variant.response_times = read_response_times(folder / "calls.csv");
  variant.utilisation = read_utilisation(folder / "utilisation_by_hour.csv");
}

}  // namespace crisis::io::report_detail
