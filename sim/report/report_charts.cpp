#include "report/report_charts.hpp"

#include <fmt/format.h>

#include "results/results_writer.hpp"

namespace crisis::io::report_detail {

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

}  // namespace crisis::io::report_detail
