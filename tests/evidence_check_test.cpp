// crisis-sim check and the scenario's evidence: entries (issue #14): the verdict rule, the
// derived per-resident rates, paired statistics, the exit codes (0 all pass, 3 a miss, 2 bad
// input with file:line:column) and the shipped scenarios' entries.
#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "experiments/evidence.hpp"
#include "models/builtin_models.hpp"
#include "scenario/scenario_loader.hpp"
#include "test_support.hpp"

namespace {

using crisis::testing::CliResult;
using crisis::testing::TemporaryFolder;
namespace fs = std::filesystem;

const std::string kSourceDir = CRISIS_SOURCE_DIR;

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The baseline scenario without its own evidence: section (the shipped files keep it last),
// followed by `evidence`, so each test states its own entries.
std::string baseline_with(const std::string& evidence) {
  std::string text = read_text(kSourceDir + "/scenarios/baseline_police.yaml");
  const std::size_t at = text.find("\nevidence:");
  if (at != std::string::npos) text.resize(at + 1);
  return text + evidence;
}

// A quick check: 4 replications of 10 days after 2 of warm-up.
CliResult check(const std::vector<std::string>& files, std::vector<std::string> extra = {}) {
  std::vector<std::string> arguments = {"check"};
  arguments.insert(arguments.end(), files.begin(), files.end());
  for (const char* flag : {"--replications", "4", "--horizon-days", "10", "--warmup-days", "2", "--threads", "2", "--quiet"}) {
    arguments.emplace_back(flag);
  }
  arguments.insert(arguments.end(), extra.begin(), extra.end());
  return crisis::testing::run_cli_captured(arguments);
}

crisis::engine::ReplicationSummary interval(double mean, double low, double high) {
  crisis::engine::ReplicationSummary s;
  s.count = 5;
  s.mean = mean;
  s.low = low;
  s.high = high;
  return s;
}

}  // namespace

TEST_CASE("an entry passes when the simulated 95% interval meets the band and fails when it lies outside") {
  using crisis::io::evidence_passes;
  CHECK(evidence_passes(interval(10.0, 8.0, 12.0), 11.0, 20.0));   // overlaps the low end
  CHECK(evidence_passes(interval(30.0, 25.0, 35.0), 0.0, 26.0));   // overlaps the high end
  CHECK(evidence_passes(interval(5.0, 5.0, 5.0), 5.0, 5.0));       // a point on a point
  CHECK_FALSE(evidence_passes(interval(10.0, 8.0, 12.0), 12.5, 20.0));
  CHECK_FALSE(evidence_passes(interval(10.0, 8.0, 12.0), 0.0, 7.9));
  crisis::engine::ReplicationSummary single;  // one replication: no interval, the value decides
  single.count = 1;
  single.mean = 3.0;
  CHECK(evidence_passes(single, 2.0, 4.0));
  CHECK_FALSE(evidence_passes(single, 3.5, 4.0));
  CHECK_FALSE(evidence_passes(crisis::engine::ReplicationSummary{}, -1e9, 1e9));  // no value fails
}

TEST_CASE("the tolerance widens each bound by its share of the bound plus the absolute tolerance") {
  crisis::io::EvidenceEntry entry;
  entry.low = 100.0;
  entry.high = 200.0;
  entry.tolerance = 0.25;
  entry.tolerance_abs = 1.0;
  double low = 0.0;
  double high = 0.0;
  crisis::io::evidence_band(entry, low, high);
  CHECK(low == doctest::Approx(74.0));
  CHECK(high == doctest::Approx(251.0));
  entry.low = entry.high = -0.4;  // a fall: the band is symmetric about it
  entry.tolerance_abs = 0.0;
  crisis::io::evidence_band(entry, low, high);
  CHECK(low == doctest::Approx(-0.5));
  CHECK(high == doctest::Approx(-0.3));
}

TEST_CASE("check prints each entry's published figure, source, simulated interval and verdict, and exits 3 on a miss") {
  TemporaryFolder folder("evidence");
  const std::string file = folder.write("city.yaml", baseline_with(R"(evidence:
  - name: crisis calls a day
    measure: crisis_calls_per_day
    published: [5, 100]
    source: a wide range that holds
  - name: an impossible response time
    measure: response_min.mean
    published: 1000
    tolerance: 0.1
    source: a figure that cannot hold
)"));
  const CliResult result = check({file});
  CHECK(result.code == 3);
  CHECK(result.out.find("crisis calls a day") != std::string::npos);
  CHECK(result.out.find("[5.00, 100]") != std::string::npos);
  CHECK(result.out.find("source: a wide range that holds") != std::string::npos);
  CHECK(result.out.find("±10%") != std::string::npos);
  CHECK(result.out.find("pass") != std::string::npos);
  CHECK(result.out.find("FAIL") != std::string::npos);
  CHECK(result.out.find("1 of 2 entries pass") != std::string::npos);
  CHECK(result.err.empty());
}

TEST_CASE("check exits 0 when every entry passes, and its JSON gives each verdict with the interval") {
  TemporaryFolder folder("evidence");
  const std::string file = folder.write("city.yaml", baseline_with(R"(evidence:
  - name: crisis calls a day
    measure: crisis_calls_per_day
    published: [5, 100]
    source: test
  - name: a variant against itself differs by exactly 0
    measure: response_min.mean
    variant: fewer_patrols
    compare_with: fewer_patrols
    published: 0
    source: test
  - name: and its ratio is exactly 1
    measure: cost.total
    compare_with: police_only
    statistic: ratio
    published: 1
    source: test
)"));
  const CliResult result = check({file}, {"--format", "json"});
  CHECK(result.code == 0);
  const auto json = nlohmann::json::parse(result.out);
  REQUIRE(json["scenarios"].size() == 1);
  const auto& entries = json["scenarios"][0]["evidence"];
  REQUIRE(entries.size() == 3);
  for (const auto& entry : entries) CHECK(entry["verdict"] == "pass");
  CHECK(entries[0]["variant"] == "police_only");  // the first variant by default
  CHECK(entries[0]["simulated"]["n"] == 4);
  CHECK(entries[0]["simulated"]["ci95_low"].get<double>() <= entries[0]["simulated"]["mean"].get<double>());
  CHECK(entries[1]["statistic"] == "difference");
  CHECK(entries[1]["simulated"]["mean"].get<double>() == 0.0);
  CHECK(entries[2]["simulated"]["mean"].get<double>() == 1.0);
  CHECK(json["scenarios"][0]["failed"] == 0);
}

TEST_CASE("a per-resident yearly rate is the per-call rate times calls a year over the population") {
  TemporaryFolder folder("evidence");
  const std::string file = folder.write("city.yaml", baseline_with(R"(evidence:
  - name: calls
    measure: crisis_calls_per_day
    published: 0
    tolerance_abs: 1e9
    source: test
  - name: calls per 100k a year
    measure: per_100k_residents_year.crisis_calls
    published: 0
    tolerance_abs: 1e9
    source: test
  - name: detentions per 1000 calls
    measure: per_1000.ed_detention
    published: 0
    tolerance_abs: 1e9
    source: test
  - name: detentions per 100k a year
    measure: per_100k_residents_year.ed_detention
    published: 0
    tolerance_abs: 1e9
    source: test
)"));
  crisis::world::ModelRegistry registry;
  crisis::models::register_builtin_models(registry);
  const std::vector<crisis::io::Override> quick = {{"run.replications", "3"}, {"run.horizon_days", "10"}, {"run.warmup_days", "2"}};
  const crisis::io::EvidenceCheck result = crisis::io::run_evidence(file, quick, registry, 2);
  REQUIRE(result.results.size() == 4);
  const double population = 175000.0;  // baseline_police.yaml's zones
  const double calls = result.results[0].simulated.mean;
  CHECK(result.results[1].simulated.mean == doctest::Approx(calls * 365.0 / population * 1e5));
  // The mean of products is not the product of means: compare within a tolerance of the spread.
  const double detentions = result.results[2].simulated.mean / 1000.0 * calls * 365.0 / population * 1e5;
  CHECK(result.results[3].simulated.mean == doctest::Approx(detentions).epsilon(0.05));
  CHECK(result.results[3].simulated.mean > 0.0);
}

TEST_CASE("an unknown variant or measure in an entry is exit 2 naming the file, line, column and field") {
  TemporaryFolder folder("evidence");
  const std::string file = folder.write("city.yaml", baseline_with(R"(evidence:
  - name: misspelt variant
    measure: crisis_calls_per_day
    variant: fewer_patrol
    published: 1
    source: test
)"));
  const CliResult bad_variant = check({file});
  CHECK(bad_variant.code == 2);
  CHECK(bad_variant.err.find("city.yaml:") != std::string::npos);
  CHECK(bad_variant.err.find("evidence[0].variant: unknown variant 'fewer_patrol' (did you mean 'fewer_patrols'?); variants: "
                             "police_only, fewer_patrols") != std::string::npos);
  const std::string measure = folder.write("measure.yaml", baseline_with(R"(evidence:
  - name: misspelt measure
    measure: crisis_calls_per_dy
    published: 1
    source: test
)"));
  const CliResult bad_measure = check({measure});
  CHECK(bad_measure.code == 2);
  CHECK(bad_measure.err.find("evidence[0].measure: unknown measure 'crisis_calls_per_dy' (did you mean 'crisis_calls_per_day'?)") !=
        std::string::npos);
}

TEST_CASE("a malformed entry is rejected when the scenario is read, with every problem located") {
  TemporaryFolder folder("evidence");
  const std::string text = baseline_with(R"(evidence:
  - name: reversed range
    measure: crisis_calls_per_day
    published: [10, 5]
    statistic: ratio
    source: test
  - name: no source
    measure: crisis_calls_per_day
    published: 3
    tolerence: 0.1
)");
  const std::string file = folder.write("city.yaml", text);
  const CliResult result = crisis::testing::run_cli_captured({"validate", file});
  CHECK(result.code == 2);
  CHECK(result.err.find("evidence[0].published: expected a range [low, high] with low <= high") != std::string::npos);
  CHECK(result.err.find("evidence[0].statistic: a ratio needs compare_with: the variant it is paired with") != std::string::npos);
  CHECK(result.err.find("evidence[1].source: missing") != std::string::npos);
  CHECK(result.err.find("evidence[1].tolerence: unknown key (did you mean 'tolerance'?)") != std::string::npos);
}

TEST_CASE("check's JSON is byte-identical at one and two threads") {
  TemporaryFolder folder("evidence");
  const std::string file = folder.write("city.yaml", baseline_with(R"(evidence:
  - name: detentions per 100k a year
    measure: per_100k_residents_year.ed_detention
    published: [300, 450]
    source: test
  - name: fewer patrols are slower
    measure: response_min.mean
    variant: fewer_patrols
    compare_with: police_only
    published: [0, 10]
    source: test
)"));
  const CliResult one = check({file}, {"--format", "json", "--threads", "1"});
  const CliResult two = check({file}, {"--format", "json", "--threads", "2"});
  CHECK(one.out == two.out);
  CHECK(one.code == two.code);
}

TEST_CASE("the shipped scenarios carry at least 25 sourced evidence entries, at least one each") {
  crisis::world::ModelRegistry registry;
  crisis::models::register_builtin_models(registry);
  std::size_t total = 0;
  for (const auto& entry : fs::directory_iterator(kSourceDir + "/scenarios")) {
    if (entry.path().extension() != ".yaml") continue;
    CAPTURE(entry.path().string());
    const auto loaded = crisis::io::load_scenario(entry.path().string(), {}, registry);
    CHECK(!loaded.evidence.empty());
    for (const auto& evidence : loaded.evidence) {
      CAPTURE(evidence.name);
      CHECK(!evidence.source.empty());
    }
    total += loaded.evidence.size();
  }
  CHECK(total >= 25);
}
