// Reliability (issue #13): values inside the documented ranges end in a result (exit 0) or an
// input error (exit 2), never an internal error; an overloaded system is reported as measures
// with a warning; absurd and subnormal numbers are refused at their key.
#include <doctest/doctest.h>

#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "test_support.hpp"
#include "models/builtin_models.hpp"
#include "results/results_writer.hpp"
#include "scenario/scenario_loader.hpp"

namespace {

using crisis::testing::CliResult;
CliResult run(const std::vector<std::string>& arguments) { return crisis::testing::run_cli_captured(arguments); }

const std::string kBaseline = std::string(CRISIS_SOURCE_DIR) + "/scenarios/baseline_police.yaml";

/// The baseline shortened to a quick run (3 counted days, no warm-up, 2 replications), JSON.
std::vector<std::string> quick_run(const std::vector<std::string>& sets) {
  std::vector<std::string> arguments = {"run", kBaseline, "--horizon-days", "3", "--warmup-days", "0", "--replications", "2",
                                        "--threads", "2", "--format", "json", "--quiet"};
  for (const auto& set : sets) {
    arguments.push_back("--set");
    arguments.push_back(set);
  }
  return arguments;
}

double measure_mean(const CliResult& result, const std::string& name) {
  const auto json = nlohmann::json::parse(result.out);
  REQUIRE(json["measures"].contains(name));
  return json["measures"][name]["mean"].get<double>();
}

/// `validate` with one --set: the exit code and stderr.
CliResult validate_with(const std::string& set) { return run({"validate", kBaseline, "--set", set}); }

}  // namespace

TEST_CASE("an overloaded system is a result: open calls are counted and warned about, not an internal error") {
  // Scenes of about two years: every patrol car is soon stuck and calls queue past the drain.
  const CliResult result = run(quick_run({"unit_types[0].on_scene_min.default=1000000",
                                          "unit_types[0].on_scene_min.welfare_check=1000000",
                                          "unit_types[0].on_scene_min.violent_weapon=1000000"}));
  INFO("stderr: " << result.err);
  REQUIRE(result.code == 0);
  CHECK(measure_mean(result, "calls_open_at_end") > 0.0);
  CHECK(measure_mean(result, "crisis_calls_unserved") > 0.0);
  CHECK(measure_mean(result, "crisis_calls_unserved") <= measure_mean(result, "calls_open_at_end"));
  CHECK(result.err.find("warning: the system is overloaded") != std::string::npos);
}

TEST_CASE("a system that keeps up has no open calls at the end and no warning") {
  const CliResult result = run(quick_run({}));
  INFO("stderr: " << result.err);
  REQUIRE(result.code == 0);
  CHECK(measure_mean(result, "calls_open_at_end") == 0.0);
  CHECK(measure_mean(result, "crisis_calls_unserved") == 0.0);
  CHECK(result.err.find("overloaded") == std::string::npos);
}

TEST_CASE("a hand-off longer than the longest run is refused at its key") {
  const CliResult result = validate_with("facilities.emergency_department.handoff_min=1e300");
  CHECK(result.code == 2);
  CHECK(result.err.find("facilities.emergency_department.handoff_min") != std::string::npos);
}

TEST_CASE("an exponential mean of 1e308 minutes is refused at its key") {
  const CliResult result = validate_with("facilities.jail.handoff_min={distribution: exponential, mean: 1e308}");
  CHECK(result.code == 2);
  CHECK(result.err.find("facilities.jail.handoff_min.mean") != std::string::npos);
}

TEST_CASE("a Weibull shape of 0.001 is refused at its key") {
  const CliResult result = validate_with("facilities.jail.handoff_min={distribution: weibull, shape: 0.001, scale: 60}");
  CHECK(result.code == 2);
  CHECK(result.err.find("facilities.jail.handoff_min.shape") != std::string::npos);
}

TEST_CASE("a Weibull whose mean exceeds every run is refused even when shape and scale are in range") {
  const CliResult result = validate_with("facilities.jail.handoff_min={distribution: weibull, shape: 0.1, scale: 5000000}");
  CHECK(result.code == 2);
  CHECK(result.err.find("facilities.jail.handoff_min") != std::string::npos);
  CHECK(result.err.find("mean") != std::string::npos);
}

TEST_CASE("a lognormal mean of 1e-320 (subnormal) is refused at its key") {
  const CliResult result = validate_with("facilities.jail.handoff_min={mean: 1e-320, sd: 1}");
  CHECK(result.code == 2);
  CHECK(result.err.find("facilities.jail.handoff_min.mean") != std::string::npos);
  CHECK(result.err.find("too close to 0") != std::string::npos);
}

TEST_CASE("a profile weight of 5e-324 is refused at its key instead of running for ever") {
  std::string weekly = "background.profile={weekly: [5e-324";
  for (int h = 1; h < 168; ++h) weekly += ", 0";
  const CliResult result = validate_with(weekly + "]}");
  CHECK(result.code == 2);
  CHECK(result.err.find("background.profile.weekly[0]") != std::string::npos);
  CHECK(result.err.find("too close to 0") != std::string::npos);
}

TEST_CASE("far zones and walking-pace speeds are refused at their keys") {
  CHECK(validate_with("city.zones[0].x_km=9000").code == 2);
  const CliResult slow = validate_with("city.travel.speed_kmh=1.5");
  CHECK(slow.code == 2);
  CHECK(slow.err.find("city.travel.speed_kmh") != std::string::npos);
}

// ---- the work budget ------------------------------------------------------------------------

TEST_CASE("the work budget refuses a year of a million background calls a day at its key") {
  const CliResult result = validate_with("background.calls_per_day=1000000");
  CHECK(result.code == 2);
  CHECK(result.err.find("background.calls_per_day") != std::string::npos);
  CHECK(result.err.find("work budget") != std::string::npos);
  CHECK(result.err.find("run.work_budget") != std::string::npos);
}

TEST_CASE("the work budget blames run.replications when one replication alone fits") {
  const CliResult result = run({"validate", kBaseline, "--set", "run.replications=100000"});
  CHECK(result.code == 2);
  CHECK(result.err.find("run.replications") != std::string::npos);
  CHECK(result.err.find("events") != std::string::npos);
}

TEST_CASE("run.work_budget raises the budget: a scenario refused by default is accepted") {
  CHECK(validate_with("run.replications=100000").code == 2);
  const CliResult raised = run({"validate", kBaseline, "--set", "run.replications=100000", "--set", "run.work_budget=100"});
  INFO("stderr: " << raised.err);
  CHECK(raised.code == 0);
}

TEST_CASE("60,000 zones (the documented maximum) are refused by the memory budget, not bad_alloc") {
  crisis::testing::TemporaryFolder folder("budget");
  std::ifstream in(kBaseline);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::string anchor = "  travel:\n";
  const auto at = text.find(anchor);
  REQUIRE(at != std::string::npos);
  std::string zones;
  for (int z = 8; z < 60000; ++z) zones += "    - {name: z" + std::to_string(z) + ", population: 1}\n";
  text.insert(at, zones);
  const std::string path = folder.write("many_zones.yaml", text);
  const CliResult result = run({"validate", path});
  CHECK(result.code == 2);
  CHECK(result.err.find("city.zones") != std::string::npos);
  CHECK(result.err.find("travel matrix") != std::string::npos);
}

// ---- text: UTF-8, control characters, null, tags, --set paths --------------------------------

namespace {

/// validate the baseline with its first `from` replaced by `to`: the exit code and stderr.
CliResult validate_mutated(const std::string& from, const std::string& to) {
  crisis::testing::TemporaryFolder folder("text");
  std::ifstream in(kBaseline);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  text.replace(at, from.size(), to);
  return run({"validate", folder.write("mutated.yaml", text)});
}

}  // namespace

TEST_CASE("an overlong UTF-8 sequence in a name is refused at its line and column") {
  const CliResult result = validate_mutated("name: baseline_police", "name: base\xC0\xAFline");
  CHECK(result.code == 2);
  CHECK(result.err.find("mutated.yaml:5:11") != std::string::npos);
  CHECK(result.err.find("UTF-8") != std::string::npos);
}

TEST_CASE("a UTF-16 surrogate encoded in UTF-8 is refused, in the file and through --set") {
  const CliResult in_file = validate_mutated("name: baseline_police", "name: a\xED\xA0\x80");
  CHECK(in_file.code == 2);
  CHECK(in_file.err.find("UTF-8") != std::string::npos);
  const CliResult in_set = validate_with("name=a\xED\xB0\x80");
  CHECK(in_set.code == 2);
  CHECK(in_set.err.find("--set name") != std::string::npos);
  const CliResult overlong_set = validate_with("name=\xE0\x80\xAF");
  CHECK(overlong_set.code == 2);
}

TEST_CASE("code points above U+10FFFF are refused") {
  CHECK(validate_with("name=\xF4\x90\x80\x80").code == 2);
  CHECK(validate_with("name=\xF5\x80\x80\x80").code == 2);
}

TEST_CASE("valid multi-byte UTF-8 in a name is accepted") {
  const CliResult result = validate_with("name=Zürich_東京_\xF0\x9F\x9A\x91");
  INFO("stderr: " << result.err);
  CHECK(result.code == 0);
}

TEST_CASE("a control character in a name is refused") {
  const CliResult result = validate_with("name=\"a\\x01b\"");
  CHECK(result.code == 2);
  CHECK(result.err.find("control character") != std::string::npos);
}

TEST_CASE("YAML null (~) where a value is expected is refused, not read as the default") {
  const CliResult result = validate_mutated("seed: 20261127", "seed: ~");
  CHECK(result.code == 2);
  CHECK(result.err.find("run.seed") != std::string::npos);
  CHECK(result.err.find("null") != std::string::npos);
}

TEST_CASE("an unknown YAML tag is refused at its key") {
  const CliResult weird = validate_mutated("horizon_days: 365", "horizon_days: !weird 365");
  CHECK(weird.code == 2);
  CHECK(weird.err.find("run.horizon_days") != std::string::npos);
  CHECK(weird.err.find("tag") != std::string::npos);
  CHECK(validate_mutated("horizon_days: 365", "horizon_days: !!binary 365").code == 2);
}

TEST_CASE("--set run=null and --set run..horizon_days=1 are refused") {
  const CliResult null_run = validate_with("run=null");
  CHECK(null_run.code == 2);
  CHECK(null_run.err.find("--set run") != std::string::npos);
  const CliResult double_dot = validate_with("run..horizon_days=1");
  CHECK(double_dot.code == 2);
  CHECK(double_dot.err.find("empty key") != std::string::npos);
  CHECK(validate_with(".run.horizon_days=1").code == 2);
  CHECK(validate_with("run.horizon_days.=1").code == 2);
}

// ---- streaming calls.csv ---------------------------------------------------------------------

TEST_CASE("streamed calls keep no call records in memory and give the same calls.csv as records kept in memory") {
  crisis::world::ModelRegistry registry;
  crisis::models::register_builtin_models(registry);
  const auto world = crisis::io::load_world(kBaseline, {{"run.horizon_days", "3"}, {"run.warmup_days", "1"}}, registry);
  const auto kept = crisis::io::run_world(world, 5, 6, 1, crisis::io::CallRecords::in_memory);
  const auto streamed = crisis::io::run_world(world, 5, 6, 3, crisis::io::CallRecords::streamed);
  REQUIRE(streamed.calls_spill != nullptr);
  for (const auto& replication : streamed.replications) CHECK(replication.calls.empty());
  std::size_t rows = 0;
  for (const auto& replication : kept.replications) rows += replication.calls.size();
  CHECK(rows > 0);
  const std::string from_memory = crisis::io::calls_csv(kept, world.scenario(), world.plan());
  const std::string from_spill = crisis::io::calls_csv(streamed, world.scenario(), world.plan());
  CHECK(from_memory == from_spill);
  // Written through write_run_outputs too (the path `run --calls --out` takes).
  crisis::testing::TemporaryFolder folder("stream");
  crisis::io::write_run_outputs(folder.path().string(), streamed, world, true);
  std::ifstream in(folder.path() / "calls.csv", std::ios::binary);
  const std::string written((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  CHECK(written == from_memory);
}

// ---- messages that blame the right place; checks before the work -----------------------------

TEST_CASE("a file whose top level is a list is blamed on the file, not on --replications") {
  crisis::testing::TemporaryFolder folder("top");
  const std::string path = folder.write("list.yaml", "- a\n- b\n");
  const CliResult result = run({"run", path, "--replications", "2", "--seed", "3", "--quiet"});
  CHECK(result.code == 2);
  CHECK(result.err.find("list.yaml:1:1") != std::string::npos);
  CHECK(result.err.find("--set") == std::string::npos);
}

TEST_CASE("--set foo.bar=1 is blamed on the --set flag, not on a line of the file") {
  const CliResult result = validate_with("foo.bar=1");
  CHECK(result.code == 2);
  CHECK(result.err.find("--set foo.bar") != std::string::npos);
  CHECK(result.err.find("baseline_police.yaml:") == std::string::npos);
}

TEST_CASE("an --out that is a file is refused before anything is simulated") {
  crisis::testing::TemporaryFolder folder("out");
  const std::string file = folder.write("not_a_folder", "x");
  // 100,000 replications would run for hours: the refusal must come first.
  const CliResult result = run({"run", kBaseline, "--replications", "100000", "--set", "run.work_budget=1000", "--out", file,
                                "--quiet"});
  CHECK(result.code == 2);
  CHECK(result.err.find("--out") != std::string::npos);
  CHECK(result.err.find("not a directory") != std::string::npos);
}

TEST_CASE("a variant that asks for more work than the budget is refused at its set: entry") {
  const CliResult result =
      validate_mutated("variants:\n", "variants:\n  - name: huge\n    set:\n      run.replications: 100000\n");
  INFO("stderr: " << result.err);
  CHECK(result.code == 2);
  CHECK(result.err.find("huge") != std::string::npos);
  CHECK(result.err.find("work budget") != std::string::npos);
}
