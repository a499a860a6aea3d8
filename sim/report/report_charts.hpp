#pragma once
/// \file
/// Plotly figure specs for the report: error bars and means from intervals, the page's
/// default layout, and the week heat map (7 days by 24 hours). Internal to sim/report.

#include <string>
#include <vector>

#include "report/report_page.hpp"

namespace crisis::io::report_detail {

/// Plotly's asymmetric error bars from intervals.
Json error_bars(const std::vector<Stat>& stats);
/// The means of `stats`, NaN as null.
Json means(const std::vector<Stat>& stats);
/// An axis titled `title` whose margin fits its labels.
Json axis(const std::string& title);
/// The layout every chart starts from: title, axis titles, margins, a legend below, 440 px high.
Json base_layout(const std::string& title, const std::string& x_title, const std::string& y_title);

/// A heat map of the 168 hours of the week: rows Monday to Sunday from the top, columns the
/// hours 00 to 23. `style` holds z and the trace's look; axes, orientation and size are those
/// of every such chart.
void week_heatmap(Page& page, const Json& style, const std::string& title);

}  // namespace crisis::io::report_detail
