#include "report/report.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>

#include <fmt/format.h>

#include "engine/errors.hpp"
#include "report/report_kinds.hpp"
#include "report/report_page.hpp"
#include "results/results_reader.hpp"
#include "results/results_writer.hpp"

// The entry of the report: tells the kind of results from the file that marks the folder
// complete and hands it to that kind's report (report_run, report_compare, report_sweep,
// report_size), which fills one Page (report_page) with charts (report_charts).

namespace crisis::io {

namespace fs = std::filesystem;
using report_detail::Page;

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
      scenario = report_detail::run_report(folder, page);
      break;
    case ResultsKind::compare:
      scenario = report_detail::compare_report(folder, page);
      break;
    case ResultsKind::sweep:
      scenario = report_detail::sweep_report(folder, page);
      break;
    case ResultsKind::size:
      scenario = report_detail::size_report(folder, page);
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
