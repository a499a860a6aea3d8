#include "report/report_kinds.hpp"

#include "report/report_run_sections.hpp"
#include "results/results_reader.hpp"
#include "results/results_writer.hpp"

namespace crisis::io::report_detail {

namespace fs = std::filesystem;

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

}  // namespace crisis::io::report_detail
