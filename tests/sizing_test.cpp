// Sizing (crisis-sim size, docs/sizing.md): the Erlang B/C library functions against the
// worked examples of evidence.md section 12.2; the search, on the M/M/c queue of
// tests/data/mmc_queue.yaml, against the number of servers Erlang C predicts; the answers when
// no mix can meet the targets; bad sizing files; the output files; the documentation of every
// sizing key.
#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <unistd.h>
#include <nlohmann/json.hpp>

#include "test_support.hpp"
#include "app/cli.hpp"
#include "engine/errors.hpp"
#include "engine/queueing.hpp"
#include "experiments/sizing/sizing.hpp"
#include "models/builtin_models.hpp"

namespace {

using crisis::testing::CliResult;
using crisis::testing::TemporaryFolder;
CliResult run(const std::vector<std::string>& arguments) { return crisis::testing::run_cli_captured(arguments); }

namespace fs = std::filesystem;
using crisis::engine::erlang_b;
using crisis::engine::erlang_c;
using crisis::engine::erlang_c_service_level;

const std::string kSourceDir = CRISIS_SOURCE_DIR;
const std::string kQueue = kSourceDir + "/tests/data/mmc_queue.yaml";




/// A sizing file for the M/M/c queue (lambda = 3/h, mean service 45 min: A = 2.25 Erlangs),
/// sizing its constant roster of patrol units. `cost_per_hour` makes fewer servers cheaper.
std::string queue_sizing(const std::string& vary, const std::string& targets) {
  return "scenario: " + kQueue +
         "\n"
         "set:\n"
         "  run.horizon_days: 100\n"
         "  run.replications: 10\n"
         "  unit_types[0].cost_per_hour: 50\n"
         "vary:\n" +
         vary + "targets:\n" + targets;
}

const std::string kConstantOneToTen = "  - {unit_type: patrol, constant: {min: 1, max: 10}}\n";

crisis::io::SizingResult size(const std::string& path, int threads = 2) {
  crisis::world::ModelRegistry registry;
  crisis::models::register_builtin_models(registry);
  crisis::io::SizingOptions options;
  options.threads = threads;
  return crisis::io::run_sizing(crisis::io::load_sizing(path), options, registry);
}

const crisis::io::SizingCandidate& chosen(const crisis::io::SizingResult& result) {
  REQUIRE(result.feasible());
  return result.candidates[static_cast<std::size_t>(result.chosen)];
}

std::string read_whole_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE_MESSAGE(in.good(), "cannot read " << path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

// ---- Erlang B and C, against evidence.md section 12.2 -----------------------------------------

TEST_CASE("erlang_c reproduces the ErlangC R package example") {
  // 100 calls per 30 min, AHT 180 s, c = 14: A = 10 Erlangs (values match the package exactly).
  const double offered = 100.0 / 1800.0 * 180.0;
  const auto queue = erlang_c(offered, 14);
  CHECK(queue.stable);
  CHECK(queue.probability_of_wait == doctest::Approx(0.174132).epsilon(1e-5));
  CHECK(queue.mean_wait_in_services * 180.0 == doctest::Approx(7.836).epsilon(1e-3));  // ASA, seconds
  CHECK(erlang_c_service_level(offered, 14, 20.0 / 180.0) == doctest::Approx(0.88835).epsilon(1e-5));
  CHECK(queue.occupancy == doctest::Approx(0.7143).epsilon(1e-4));
}

TEST_CASE("erlang_c reproduces the call-centre example with 54, 55 and 56 agents") {
  // 360 calls per 30 min, AHT 240 s: A = 48 Erlangs. Published to 4 significant figures.
  const double offered = 360.0 / 1800.0 * 240.0;
  struct Row {
    int agents;
    double probability, service_level_20s, answer_s;
  };
  for (const Row& row :
       {Row{54, 0.3013, 0.8172, 12.05}, Row{55, 0.2387, 0.8668, 8.18}, Row{56, 0.1872, 0.9039, 5.61}}) {
    INFO("c = " << row.agents);
    const auto queue = erlang_c(offered, row.agents);
    CHECK(std::fabs(queue.probability_of_wait - row.probability) <= 0.00005 + 1e-12);
    CHECK(std::fabs(erlang_c_service_level(offered, row.agents, 20.0 / 240.0) - row.service_level_20s) <=
          0.00005 + 1e-12);
    CHECK(std::fabs(queue.mean_wait_in_services * 240.0 - row.answer_s) <= 0.005 + 1e-12);
  }
}

TEST_CASE("erlang_c reproduces the evidence police illustration") {
  // lambda = 3/h, mean service 45 min: A = 2.25; P(wait) and Wq for c = 3..6, to the published rounding.
  const double probabilities[] = {0.568, 0.241, 0.091, 0.030};
  const double waits_min[] = {34.1, 6.2, 1.5, 0.36};
  const double rounding[] = {0.05, 0.05, 0.05, 0.005};
  for (int c = 3; c <= 6; ++c) {
    INFO("c = " << c);
    const auto queue = erlang_c(2.25, c);
    CHECK(std::fabs(queue.probability_of_wait - probabilities[c - 3]) <= 0.0005 + 1e-12);
    CHECK(std::fabs(queue.mean_wait_in_services * 45.0 - waits_min[c - 3]) <= rounding[c - 3] + 1e-12);
  }
}

TEST_CASE("erlang_c calls a queue with c <= A unstable, and an unloaded one never waits") {
  const auto full = erlang_c(3.0, 3);
  CHECK_FALSE(full.stable);
  CHECK(full.probability_of_wait == 1.0);
  CHECK(std::isinf(full.mean_wait_in_services));
  CHECK_FALSE(erlang_c(2.0, 0).stable);
  CHECK(erlang_c_service_level(5.0, 4, 1.0) == 0.0);
  const auto idle = erlang_c(0.0, 2);
  CHECK(idle.stable);
  CHECK(idle.probability_of_wait == 0.0);
  CHECK(idle.mean_wait_in_services == 0.0);
  // M/M/1: P(wait) = rho, Wq = rho / (1 - rho) service times.
  CHECK(erlang_c(0.6, 1).probability_of_wait == doctest::Approx(0.6));
  CHECK(erlang_c(0.6, 1).mean_wait_in_services == doctest::Approx(1.5));
}

TEST_CASE("erlang_b is the loss formula and falls as servers are added") {
  CHECK(erlang_b(2.0, 0) == 1.0);
  CHECK(erlang_b(0.0, 3) == 0.0);
  CHECK(erlang_b(1.5, 1) == doctest::Approx(1.5 / 2.5));
  // B(2, A) = (A^2 / 2) / (1 + A + A^2 / 2)
  CHECK(erlang_b(2.0, 2) == doctest::Approx(2.0 / 5.0));
  for (int c = 1; c < 20; ++c) CHECK(erlang_b(8.0, c + 1) < erlang_b(8.0, c));
}

TEST_CASE("erlang_c_servers_for_wait_probability gives the fewest servers for a wait target") {
  CHECK(crisis::engine::erlang_c_servers_for_wait_probability(2.25, 0.3) == 4);   // 0.568, 0.241
  CHECK(crisis::engine::erlang_c_servers_for_wait_probability(2.25, 0.05) == 6);  // 0.091, 0.030
  CHECK(crisis::engine::erlang_c_servers_for_wait_probability(10.0, 0.2) == 14);  // R example: 0.174 at 14
  CHECK(crisis::engine::erlang_c_servers_for_wait_probability(2.25, 1.0) == 3);   // just stable
}

// ---- the search on an M/M/c queue ---------------------------------------------------------------

TEST_CASE("sizing an M/M/c queue for P(wait) <= 0.3 finds the c Erlang C predicts") {
  TemporaryFolder folder;
  const std::string path = folder.write(
      "size.yaml", queue_sizing(kConstantOneToTen, "  - {measure: background.share_queued, at_most: 0.3}\n"));
  const auto result = size(path);
  const int predicted = crisis::engine::erlang_c_servers_for_wait_probability(2.25, 0.3);
  CHECK(predicted == 4);
  CHECK(chosen(result).units == std::vector<int>{predicted});
  // The pilot measured the offered load; Erlang's lower bound is the first stable c.
  REQUIRE(result.types.size() == 1);
  REQUIRE(result.types[0].blocks.size() == 1);  // a constant roster: one block, all week
  CHECK(result.types[0].blocks[0].hours == 168);
  CHECK(result.types[0].blocks[0].offered_erlangs == doctest::Approx(2.25).epsilon(0.03));
  CHECK(result.types[0].blocks[0].calls_per_hour == doctest::Approx(3.0).epsilon(0.03));
  CHECK(result.types[0].blocks[0].mean_busy_min == doctest::Approx(45.0).epsilon(0.03));
  CHECK_FALSE(result.types[0].overflow);
  CHECK(result.lower_bound == std::vector<int>{3});
  // c = 3 was simulated and misses (P(wait) = 0.568); the chosen one is met with confidence.
  bool three_misses = false;
  for (const auto& c : result.candidates) {
    if (c.units == std::vector<int>{3}) three_misses = !c.feasible;
  }
  CHECK(three_misses);
  CHECK(chosen(result).targets[0].summary.mean == doctest::Approx(0.241).epsilon(0.1));
  CHECK(chosen(result).targets[0].confident_value <= 0.3);
  CHECK(result.binding_target == 0);
}

TEST_CASE("sizing an M/M/c queue for a mean wait of at most 5 minutes finds c = 5") {
  // Erlang C: Wq = 6.2 min with 4 servers, 1.5 min with 5.
  TemporaryFolder folder;
  const std::string path = folder.write(
      "size.yaml", queue_sizing(kConstantOneToTen, "  - {measure: background.wait_min.mean, at_most: 5}\n"));
  const auto result = size(path);
  int predicted = 3;
  while (erlang_c(2.25, predicted).mean_wait_in_services * 45.0 > 5.0) ++predicted;
  CHECK(predicted == 5);
  CHECK(chosen(result).units == std::vector<int>{predicted});
}

TEST_CASE("sizing blocks of hours sets each block's units, and a flat load needs the same in each") {
  TemporaryFolder folder;
  const std::string vary =
      "  - unit_type: patrol\n"
      "    blocks:\n"
      "      - {start_hour: 8, hours: 12, min: 1, max: 8}\n"
      "      - {start_hour: 20, hours: 12, min: 1, max: 8}\n";
  const std::string path =
      folder.write("size.yaml", queue_sizing(vary, "  - {measure: background.share_queued, at_most: 0.3}\n"));
  const auto result = size(path);
  CHECK(chosen(result).units == std::vector<int>{4, 4});
  const auto roster = result.roster(0, {3, 5});
  CHECK(roster[8] == 3);  // Monday 08:00
  CHECK(roster[19] == 3);
  CHECK(roster[20] == 5);      // Monday 20:00
  CHECK(roster[24 + 7] == 5);  // Tuesday 07:00
}

TEST_CASE("sizing gives the same answer whatever the thread count") {
  TemporaryFolder folder;
  const std::string path = folder.write(
      "size.yaml", queue_sizing(kConstantOneToTen, "  - {measure: background.share_queued, at_most: 0.3}\n"));
  const std::string one = crisis::io::sizing_json(size(path, 1)).dump();
  const std::string two = crisis::io::sizing_json(size(path, 2)).dump();
  CHECK(one == two);
}

// ---- no feasible mix ----------------------------------------------------------------------------

TEST_CASE("targets no mix in the ranges can meet: exit 0, 'no feasible mix within the ranges' and the frontier") {
  TemporaryFolder folder;
  const std::string path =
      folder.write("size.yaml", queue_sizing("  - {unit_type: patrol, constant: {min: 1, max: 4}}\n",
                                             "  - {measure: background.share_queued, at_most: 0.01}\n"));
  const CliResult table = run({"size", path, "--quiet", "--threads", "2"});
  INFO(table.err);
  REQUIRE(table.code == 0);
  CHECK(table.out.find("no feasible mix within the ranges") != std::string::npos);
  CHECK(table.out.find("frontier") != std::string::npos);
  const CliResult json = run({"size", path, "--quiet", "--threads", "2", "--format", "json"});
  REQUIRE(json.code == 0);
  const auto parsed = nlohmann::json::parse(json.out);
  CHECK(parsed["feasible"] == false);
  CHECK(parsed["chosen"].is_null());
  CHECK(parsed["message"].get<std::string>().rfind("no feasible mix within the ranges", 0) == 0);
  CHECK(parsed["frontier"].size() >= 2);  // the ranges' maxima (the pilot) and the lower bound
  for (const auto& row : parsed["frontier"]) CHECK(row["feasible"] == false);
}

TEST_CASE("ranges too small for the offered load are infeasible by Erlang C, with the block named") {
  TemporaryFolder folder;
  const std::string path =
      folder.write("size.yaml", queue_sizing("  - {unit_type: patrol, constant: {min: 1, max: 2}}\n",
                                             "  - {measure: background.share_queued, at_most: 0.5}\n"));
  const auto result = size(path);
  CHECK_FALSE(result.feasible());
  CHECK(result.lower_bound.empty());
  CHECK(result.message.find("no feasible mix within the ranges") == 0);
  CHECK(result.message.find("offered load is 2.2") != std::string::npos);
  CHECK(result.message.find("at most 2 units") != std::string::npos);
  // The pilot at the maxima is the one simulated mix, and c <= A makes it infeasible whatever
  // its finite run showed.
  REQUIRE(result.candidates.size() == 1);
  CHECK_FALSE(result.candidates[0].feasible);
  CHECK(result.candidates[0].note.find("utilisation >= 1") != std::string::npos);
}

// ---- outputs -------------------------------------------------------------------------------------

TEST_CASE("size --out writes frontier.csv and sizing.json, and --format json has the frontier and the chosen mix") {
  TemporaryFolder folder;
  const std::string path = folder.write(
      "size.yaml", queue_sizing(kConstantOneToTen, "  - {measure: background.share_queued, at_most: 0.3}\n"));
  const std::string out = (folder.path() / "out").string();
  const CliResult result = run({"size", path, "--threads", "2", "--format", "json", "--out", out});
  INFO(result.err);
  REQUIRE(result.code == 0);
  CHECK(result.err.find("simulated mixes in") != std::string::npos);  // progress and timing on stderr
  const auto printed = nlohmann::json::parse(result.out);
  CHECK(printed["chosen"]["units"]["patrol.constant"] == 4);
  CHECK(printed["chosen"]["unit_types"][0]["on_duty_by_hour_of_week"].size() == 168);
  // 4 units all week, one officer each: 4 posts x 8760/1960 staff per post.
  CHECK(printed["chosen"]["unit_types"][0]["fte"].get<double>() == doctest::Approx(4.0 * 8760.0 / 1960.0));
  CHECK(printed["chosen"]["unit_types"][0]["staff_cost_annual"].get<double>() == doctest::Approx(4.0 * 8760.0 * 50.0));
  CHECK(printed["frontier"].size() == printed["evaluations"]);
  const auto written = nlohmann::json::parse(read_whole_file(out + "/sizing.json"));
  CHECK(written == printed);
  const std::string csv = read_whole_file(out + "/frontier.csv");
  std::istringstream lines(csv);
  std::string header;
  std::getline(lines, header);
  CHECK(header.rfind("id,phase,patrol.constant,staff_cost_annual,fte,cost.annual.mean", 0) == 0);
  std::size_t rows = 0;
  for (std::string line; std::getline(lines, line);) ++rows;
  CHECK(rows == printed["frontier"].size());
  for (const auto& entry : fs::directory_iterator(out))
    CHECK(entry.path().filename().string().find(".partial") == std::string::npos);
}

TEST_CASE("size takes the flags of the simulating commands") {
  TemporaryFolder folder;
  const std::string path = folder.write(
      "size.yaml", queue_sizing(kConstantOneToTen, "  - {measure: background.share_queued, at_most: 0.3}\n"));
  const CliResult result =
      run({"size", path, "--quiet", "--threads", "2", "--seed", "7", "--replications", "4", "--horizon-days", "30",
           "--warmup-days", "2", "--set", "background.calls_per_day=48", "--format", "json"});
  INFO(result.err);
  REQUIRE(result.code == 0);
  const auto parsed = nlohmann::json::parse(result.out);
  CHECK(parsed["seed"] == 7);
  CHECK(parsed["replications"] == 4);
  CHECK(parsed["horizon_days"] == 30.0);
  CHECK(parsed["warmup_days"] == 2.0);
  // lambda = 2/h: A = 1.5, so the first stable c is 2.
  CHECK(parsed["variables"][0]["lower_bound"] == 2);
  CHECK(run({"size", path, "--replications", "1"}).code == 2);  // no interval from one replication
}

// ---- bad sizing files -----------------------------------------------------------------------------

TEST_CASE("bad sizing files exit 2 naming file:line:column and the field") {
  TemporaryFolder folder;
  struct Case {
    std::string name;
    std::string text;
    std::string expected;  // in stderr, after "size.yaml:"
  };
  const std::string scenario = "scenario: " + kQueue + "\n";
  const std::string vary = "vary:\n" + kConstantOneToTen;
  const std::string targets = "targets:\n  - {measure: background.share_queued, at_most: 0.3}\n";
  const std::vector<Case> cases = {
      {"unknown key", scenario + vary + "tragets:\n  - {measure: background.share_queued, at_most: 0.3}\n",
       "4:1: tragets: unknown key (did you mean 'targets'?)"},
      {"missing targets", scenario + vary, "targets: missing: expected a list of targets"},
      {"no scenario file", "scenario: nowhere.yaml\n" + vary + targets, "1:11: scenario: no scenario file at"},
      {"unknown unit type", scenario + "vary:\n  - {unit_type: patrl, constant: {min: 1, max: 4}}\n" + targets,
       "3:17: vary[0].unit_type: no unit type 'patrl' in " + kQueue + " (did you mean 'patrol'?)"},
      {"shifts on a constant roster",
       scenario + "vary:\n  - {unit_type: patrol, shifts: [{min: 1, max: 4}]}\n" + targets,
       "3:33: vary[0].shifts: unit type 'patrol' has a constant roster"},
      {"two forms",
       scenario +
           "vary:\n  - {unit_type: patrol, constant: {min: 1, max: 4}, blocks: [{start_hour: 0, hours: 8, min: 0, max: "
           "1}]}\n" +
           targets,
       "3:5: vary[0]: give exactly one of constant"},
      {"max below min", scenario + "vary:\n  - {unit_type: patrol, constant: {min: 5, max: 3}}\n" + targets,
       "3:49: vary[0].constant.max: expected a number of units at least min (5), got 3"},
      {"both bounds",
       scenario + vary + "targets:\n  - {measure: background.share_queued, at_most: 0.3, at_least: 0.1}\n",
       "5:5: targets[0]: give exactly one of at_most"},
      {"unknown measure", scenario + vary + "targets:\n  - {measure: response_p90, at_most: 20}\n",
       "5:15: targets[0].measure: no measure named 'response_p90' in this scenario"},
      {"unknown objective", scenario + "objective: cost.anual\n" + vary + targets,
       "2:12: objective: no measure named 'cost.anual' in this scenario (did you mean 'cost.annual'?)"},
      {"bad set path", scenario + "set:\n  unit_types[3].cost_per_hour: 5\n" + vary + targets,
       "3:3: set.unit_types[3].cost_per_hour: in scenario"},
      {"overlapping blocks",
       scenario +
           "vary:\n  - unit_type: patrol\n    blocks:\n      - {start_hour: 0, hours: 12, min: 0, max: 4}\n"
           "      - {start_hour: 8, hours: 12, min: 0, max: 4}\n" +
           targets,
       "vary[0].blocks[1]: overlaps vary[0].blocks[0] at Mon 08:00"},
      {"empty file", "\n", "the file is empty; expected a sizing file"},
  };
  for (const Case& c : cases) {
    INFO(c.name);
    const std::string path = folder.write("size.yaml", c.text);
    const CliResult result = run({"size", path, "--quiet"});
    INFO("stderr: " << result.err);
    CHECK(result.code == 2);
    CHECK(result.out.empty());
    CHECK(result.err.find(path) != std::string::npos);
    CHECK(result.err.find(c.expected) != std::string::npos);
  }
}

TEST_CASE("a unit type no model sends cannot be sized") {
  TemporaryFolder folder;
  const std::string text = "scenario: " + kSourceDir +
                           "/tests/data/full_scenario.yaml\n"
                           "vary:\n"
                           "  - {unit_type: cit_officer, constant: {min: 0, max: 4}}\n"
                           "targets:\n"
                           "  - {measure: response_min.p90, at_most: 30}\n";
  const CliResult result = run({"size", folder.write("size.yaml", text), "--quiet"});
  CHECK(result.code == 2);
  CHECK(result.err.find(
            "3:17: vary[0].unit_type: unit type 'cit_officer' is not sent to any call by the scenario's models") !=
        std::string::npos);
}

// ---- documentation and shipped examples ------------------------------------------------------------

TEST_CASE("every key a sizing file accepts is documented in docs/sizing.md") {
  const auto spec = crisis::io::load_sizing(kSourceDir + "/tests/data/sizing_full.yaml");
  const std::string reference = read_whole_file(kSourceDir + "/docs/sizing.md");
  std::set<std::string> missing;
  for (const std::string& key : spec.reader.known_keys()) {
    if (reference.find("`" + key + "`") == std::string::npos) missing.insert(key);
  }
  std::string text;
  for (const auto& key : missing) text += "\n  " + key;
  CHECK_MESSAGE(missing.empty(), "keys accepted but not documented in docs/sizing.md:" << text);
  CHECK(spec.variables.size() == 7);  // 4 shifts, 1 constant, 2 blocks
}

TEST_CASE("the sizing fixture with every form runs") {
  const auto result = size(kSourceDir + "/tests/data/sizing_full.yaml");
  CHECK(result.candidates.size() >= 2);
  CHECK(result.types.size() == 3);
  CHECK(result.types[2].overflow);  // civilian_van: calls move on to patrol after its wait limit
  CHECK_FALSE(result.types[0].overflow);
}

TEST_CASE("the shipped sizing examples load") {
  for (const auto& entry : fs::directory_iterator(kSourceDir + "/scenarios/sizing")) {
    if (entry.path().extension() != ".yaml") continue;
    INFO(entry.path().string());
    const auto spec = crisis::io::load_sizing(entry.path().string());
    CHECK_FALSE(spec.variables.empty());
    CHECK_FALSE(spec.targets.empty());
  }
}
