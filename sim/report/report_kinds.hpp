#pragma once
/// \file
/// One report per kind of results. Each reads its folder, fills `page` and returns the name
/// of the scenario (or sweep) for the page's title. Internal to sim/report.

#include <filesystem>
#include <string>

#include "report/report_page.hpp"

namespace crisis::io::report_detail {

/// summary.json (crisis-sim run --out), with calls.csv and utilisation_by_hour.csv when written.
std::string run_report(const std::filesystem::path& folder, Page& page);
/// comparison.json and each variant's folder (crisis-sim compare --out).
std::string compare_report(const std::filesystem::path& folder, Page& page);
/// sweep.sqlite (crisis-sim sweep --out).
std::string sweep_report(const std::filesystem::path& folder, Page& page);
/// sizing.json (crisis-sim size --out).
std::string size_report(const std::filesystem::path& folder, Page& page);

}  // namespace crisis::io::report_detail
