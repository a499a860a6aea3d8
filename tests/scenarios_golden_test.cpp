// Every shipped scenario is a test: a short run of each of its variants with a fixed seed
// must reproduce the summary checked in under tests/golden/. A change to the model that
// moves any number shows up here; when the change is intended, regenerate the files with
//   CRISIS_UPDATE_GOLDEN=1 ./build/tests/crisis_tests --source-file='*scenarios_golden*'
// and review the diff like code.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "experiments/compare.hpp"
#include "results/results_writer.hpp"
#include "scenario/scenario_loader.hpp"
#include "models/builtin_models.hpp"

namespace {

namespace fs = std::filesystem;
using crisis::io::Override;

const std::string kSourceDir = CRISIS_SOURCE_DIR;

// Short enough to run every scenario and variant in seconds, long enough to touch every path.
const std::vector<Override> kShortRun = {{"run.horizon_days", "21"}, {"run.warmup_days", "7"}, {"run.replications", "2"},
                                         {"run.seed", "4242"}};

// The measures pinned per variant: the headline ones, enough to catch any behavioural change.
const std::vector<std::string> kPinned = {
    "crisis_calls",       "background_calls",        "response_min.mean",   "response_min.p90",
    "share_past_target",  "share_clinician_involved", "per_1000.arrest",     "per_1000.ed_detention",
    "per_1000.ed_transports", "per_1000.crisis_centre", "per_1000.use_of_force", "per_1000.backup_requests",
    "per_1000.resolved_by_phone", "officer_hours.crisis", "cost.total"};

nlohmann::ordered_json summarize(const crisis::io::RunResults& results) {
  nlohmann::ordered_json json = nlohmann::ordered_json::object();
  for (const std::string& name : kPinned) {
    const std::size_t index = results.measure_index(name);
    REQUIRE_MESSAGE(index != std::string::npos, "measure " << name << " is gone");
    nlohmann::ordered_json values = nlohmann::ordered_json::array();
    for (double v : results.column(index)) values.push_back(std::isfinite(v) ? nlohmann::ordered_json(v) : nlohmann::ordered_json(nullptr));
    json[name] = values;
  }
  return json;
}

}  // namespace

TEST_CASE("every shipped scenario and variant reproduces its checked-in summary") {
  crisis::world::ModelRegistry registry;
  crisis::models::register_builtin_models(registry);
  const bool update = std::getenv("CRISIS_UPDATE_GOLDEN") != nullptr;
  std::vector<fs::path> scenarios;
  for (const auto& entry : fs::directory_iterator(kSourceDir + "/scenarios")) {
    if (entry.path().extension() == ".yaml") scenarios.push_back(entry.path());
  }
  std::sort(scenarios.begin(), scenarios.end());
  REQUIRE(scenarios.size() >= 6);
  for (const fs::path& path : scenarios) {
    CAPTURE(path.string());
    const auto loaded = crisis::io::load_scenario(path.string(), kShortRun, registry);
    std::vector<crisis::io::VariantSpec> variants = loaded.variants;
    if (variants.empty()) variants.push_back({"base", "", {}});
    nlohmann::ordered_json actual = nlohmann::ordered_json::object();
    for (const auto& variant : variants) {
      std::vector<Override> all = kShortRun;
      all.insert(all.end(), variant.overrides.begin(), variant.overrides.end());
      const auto world = crisis::io::load_world(path.string(), all, registry);
      actual[variant.name] = summarize(crisis::io::run_world(world, 4242, 2, 0, false));
    }
    const fs::path golden = fs::path(kSourceDir) / "tests" / "golden" / (path.stem().string() + ".json");
    if (update) {
      std::ofstream(golden) << actual.dump(1) << "\n";
      continue;
    }
    std::ifstream in(golden);
    REQUIRE_MESSAGE(in.good(), "no golden file " << golden.string() << "; create it with CRISIS_UPDATE_GOLDEN=1");
    const nlohmann::json expected = nlohmann::json::parse(in);
    // Named references, not structured bindings: clang 14 (the ASan and fuzz build) cannot
    // capture a binding in the lambdas doctest's CAPTURE expands to.
    for (const auto& variant_item : actual.items()) {
      const std::string& variant = variant_item.key();
      const auto& measures = variant_item.value();
      CAPTURE(variant);
      REQUIRE_MESSAGE(expected.contains(variant), "variant " << variant << " is not in " << golden.string());
      for (const auto& measure_item : measures.items()) {
        const std::string& name = measure_item.key();
        const auto& values = measure_item.value();
        CAPTURE(name);
        const auto& want = expected.at(variant).at(name);
        REQUIRE(want.size() == values.size());
        for (std::size_t r = 0; r < values.size(); ++r) {
          if (want[r].is_null() || values[r].is_null()) {
            CHECK(want[r].is_null() == values[r].is_null());
          } else {
            // Same binary, same numbers; the tolerance only absorbs the JSON round trip.
            CHECK(values[r].get<double>() == doctest::Approx(want[r].get<double>()).epsilon(1e-12));
          }
        }
      }
    }
  }
}
