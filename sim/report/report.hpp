#pragma once
/// \file
/// `crisis-sim report`: one self-contained HTML page from the outputs of `run`, `compare`,
/// `sweep` or `size` (docs/report.md). The charts are plotly.js figures whose library is
/// inlined from Debian's python3-plotly, with a table of the numbers behind each chart. The
/// page loads nothing from the network, and the same results give byte-identical HTML.

#include <cstddef>
#include <string>

namespace crisis::io {

/// What produced a results folder, told by the file that marks it complete.
enum class ResultsKind {
  run,      ///< summary.json (crisis-sim run --out)
  compare,  ///< comparison.json beside one folder per variant (crisis-sim compare --out)
  sweep,    ///< sweep.sqlite (crisis-sim sweep --out)
  size,     ///< sizing.json (crisis-sim size --out)
};

/// "run", "compare", "sweep" or "size".
const char* results_kind_name(ResultsKind kind);

/// The kind of results in `directory`. InputError (exit 2) when the folder is missing or holds
/// none of the files above.
ResultsKind detect_results(const std::string& directory);

/// What a report holds, for the command's summary line and for tests.
struct ReportSummary {
  ResultsKind kind = ResultsKind::run;
  std::size_t charts = 0;
  std::size_t tables = 0;
  std::size_t bytes = 0;
};

/// The report's HTML for the results in `directory`, with `plotly_js` (the library's source)
/// inlined. Reads the results only; InputError naming the file and field when one is missing,
/// corrupt or inconsistent.
std::string report_html(const std::string& directory, const std::string& plotly_js, ReportSummary* summary = nullptr);

/// Read plotly.js from `path`. InputError (flag --plotly-js) when it is missing, with how to
/// install it (Debian's python3-plotly).
std::string read_plotly_js(const std::string& path);

/// Build the report of `directory` and write it to `output` atomically: no partial report is
/// left when anything fails.
ReportSummary write_report(const std::string& directory, const std::string& output, const std::string& plotly_js_path);

}  // namespace crisis::io
