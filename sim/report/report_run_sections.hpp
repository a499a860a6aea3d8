#pragma once
/// \file
/// The results of `run` and `compare` as the report sees them (one variant, or several with
/// paired differences) and the sections both kinds share: response times, outcomes, officer
/// hours, costs, utilisation by hour and equity. Internal to sim/report.

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "report/report_page.hpp"
#include "results/results_reader.hpp"

namespace crisis::io::report_detail {

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

/// The "measures" object of a summary.json into `variant`, in the file's order.
void read_measures(const JsonFile& file, const Json& measures, Variant& variant);

/// The per-folder files of a run (or of a compare's variant) besides summary.json.
void read_run_extras(const std::filesystem::path& folder, Variant& variant);

/// Every section of a run or compare report after the provenance.
void run_set_report(Page& page, const RunSet& set);

}  // namespace crisis::io::report_detail
