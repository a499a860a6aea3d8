#include "report/report_kinds.hpp"

#include <fmt/format.h>

#include "engine/errors.hpp"
#include "report/report_run_sections.hpp"
#include "results/results_reader.hpp"

namespace crisis::io::report_detail {

namespace fs = std::filesystem;

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

}  // namespace crisis::io::report_detail
