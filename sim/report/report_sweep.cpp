#include "report/report_kinds.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "engine/statistics.hpp"
#include "report/report_charts.hpp"
#include "results/results_reader.hpp"
#include "results/results_writer.hpp"

namespace crisis::io::report_detail {
namespace {

namespace fs = std::filesystem;

/// The sweep's points in order with the mean and interval of every measure, and how to draw them.
struct SweepView {
  std::vector<const SweepPoint*> ordered;
  std::vector<std::vector<Stat>> stats;  // [point][measure]
  std::vector<bool> numeric;             // per parameter: every point's value is a number
  std::vector<std::string> groups;       // the combinations of the parameters after the first
  std::vector<std::size_t> group_of;     // per point, its group
  bool lines = false;                    // one line per group; otherwise one panel per parameter
};

SweepView sweep_view(const SweepResults& sweep) {
  const std::vector<std::string>& parameters = sweep.parameters;
  SweepView view;
  // Per point and measure: the mean and interval across its replications.
  for (const auto& [id, point] : sweep.points) {
    view.ordered.push_back(&point);
    std::vector<Stat> row;
    for (const auto& values : point.by_measure) {
      const auto s = engine::summarize_replications(values);
      row.push_back(Stat{s.mean, s.low, s.high});
    }
    view.stats.push_back(std::move(row));
  }
  view.numeric.assign(parameters.size(), true);
  for (std::size_t p = 0; p < parameters.size(); ++p) {
    for (const SweepPoint* point : view.ordered) view.numeric[p] = view.numeric[p] && std::isfinite(point->values[p]);
  }
  // Traces along the first parameter, one per combination of the others, when that gives a
  // few lines (a grid); otherwise one panel per parameter (a Latin hypercube).
  for (const SweepPoint* point : view.ordered) {
    std::vector<std::string> others;
    for (std::size_t p = 1; p < parameters.size(); ++p) others.push_back(parameters[p] + " = " + point->labels[p]);
    const std::string label = others.empty() ? "all points" : join(others, ", ");
    auto it = std::find(view.groups.begin(), view.groups.end(), label);
    if (it == view.groups.end()) it = view.groups.insert(view.groups.end(), label);
    view.group_of.push_back(static_cast<std::size_t>(it - view.groups.begin()));
  }
  view.lines = view.groups.size() <= 12 && view.groups.size() * 2 <= view.ordered.size();
  return view;
}

/// Measure `m` along the first parameter, one line per group.
Json sweep_lines(const SweepView& view, std::size_t m) {
  Json data = Json::array();
  for (std::size_t g = 0; g < view.groups.size(); ++g) {
    Json x = Json::array();
    std::vector<Stat> ys;
    for (std::size_t i = 0; i < view.ordered.size(); ++i) {
      if (view.group_of[i] != g) continue;
      x.push_back(view.numeric[0] ? Json(view.ordered[i]->values[0]) : Json(view.ordered[i]->labels[0]));
      ys.push_back(view.stats[i][m]);
    }
    data.push_back(Json{{"type", "scatter"},
                        {"mode", "lines+markers"},
                        {"name", view.groups[g]},
                        {"x", x},
                        {"y", means(ys)},
                        {"error_y", error_bars(ys)}});
  }
  return data;
}

/// Measure `m` against each parameter in its own panel side by side; adds the panels' x axes to `layout`.
Json sweep_panels(const std::vector<std::string>& parameters, const SweepView& view, std::size_t m, Json& layout) {
  Json data = Json::array();
  const double share = 1.0 / static_cast<double>(parameters.size());
  for (std::size_t p = 0; p < parameters.size(); ++p) {
    Json x = Json::array();
    std::vector<Stat> ys;
    for (std::size_t i = 0; i < view.ordered.size(); ++i) {
      x.push_back(view.numeric[p] ? Json(view.ordered[i]->values[p]) : Json(view.ordered[i]->labels[p]));
      ys.push_back(view.stats[i][m]);
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
    x_axis["domain"] =
        Json::array({static_cast<double>(p) * share + (p > 0 ? 0.04 : 0.0), static_cast<double>(p + 1) * share - 0.02});
    x_axis["anchor"] = "y";
    layout[p == 0 ? "xaxis" : fmt::format("xaxis{}", p + 1)] = std::move(x_axis);
  }
  return data;
}

void points_table(Page& page, const SweepResults& sweep, const SweepView& view) {
  std::vector<std::string> header = {"point"};
  header.insert(header.end(), sweep.parameters.begin(), sweep.parameters.end());
  header.push_back("replications");
  header.insert(header.end(), sweep.measures.begin(), sweep.measures.end());
  std::vector<std::vector<std::string>> rows;
  std::size_t index = 0;
  for (const auto& [id, point] : sweep.points) {
    std::vector<std::string> row = {std::to_string(id)};
    row.insert(row.end(), point.labels.begin(), point.labels.end());
    row.push_back(std::to_string(point.by_measure.front().size()));
    for (const Stat& s : view.stats[index]) row.push_back(stat_text(s));
    rows.push_back(std::move(row));
    ++index;
  }
  page.table(header, rows, "Every point: mean [95% interval] across its replications");
}

}  // namespace

std::string sweep_report(const fs::path& folder, Page& page) {
  const SweepResults sweep = read_sweep_database(folder / "sweep.sqlite");
  const std::vector<std::string>& parameters = sweep.parameters;
  Provenance provenance;
  provenance.rows = {{"Results", "crisis-sim sweep " + sweep.name + ", " + folder.string()},
                     {"Base scenario", sweep.scenario},
                     {"Parameters", join(parameters, ", ")},
                     {"Scenario hash (FNV-1a of the file and fixed overrides)", sweep.scenario_hash},
                     {"Seed (common random numbers at every point)", sweep.seed},
                     {"Replications per point (first batch)", sweep.replications},
                     {"Design", sweep.design},
                     {"Points", sweep.points_text},
                     {"Produced by", "crisis-sim " + sweep.crisis_sim_version}};
  provenance_section(page, provenance);

  const SweepView view = sweep_view(sweep);
  page.section("Measures against the swept parameters", "sweep");
  page.paragraph(view.lines ? "Each chart draws one measure along " + parameters.front() +
                                  (parameters.size() > 1 ? ", one line per value of the other parameters" : "") +
                                  "; error bars are 95% intervals across the point's replications."
                            : "Each chart draws one measure against each parameter in turn (one panel per parameter); "
                              "error bars are 95% intervals across the point's replications.");
  for (std::size_t m = 0; m < sweep.measures.size(); ++m) {
    Json layout = base_layout(sweep.measures[m], parameters.front(), sweep.measures[m]);
    Json data = view.lines ? sweep_lines(view, m) : sweep_panels(parameters, view, m, layout);
    page.chart(std::move(data), std::move(layout));
  }
  points_table(page, sweep, view);
  return sweep.name;
}

}  // namespace crisis::io::report_detail
