// Determinism and conservation: the same binary, scenario and seed give byte-identical
// outputs whatever the thread count (STYLE.md, Determinism), a different seed gives
// different results, and every call is accounted for once with times in causal order.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <unistd.h>

#include "test_support.hpp"
#include "app/cli.hpp"
#include "scenario/scenario_loader.hpp"
#include "models/builtin_models.hpp"

namespace {

using crisis::testing::TemporaryFolder;

namespace fs = std::filesystem;

const std::string kBaseline = std::string(CRISIS_SOURCE_DIR) + "/scenarios/baseline_police.yaml";


std::string read_whole_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE_MESSAGE(in.good(), "cannot read " << path.string());
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

/// Run `crisis-sim run` on the shortened baseline into `out_dir`; REQUIRE success.
void run_baseline(const fs::path& out_dir, const std::vector<std::string>& extra_flags) {
  // 30 counted days after 7 of warm-up, 4 replications: enough calls that a thread-order
  // dependence anywhere would show, and short enough to run in a few seconds.
  std::vector<std::string> arguments = {"crisis-sim", "run", kBaseline, "--horizon-days", "30", "--warmup-days", "7",
                                        "--replications", "4", "--quiet", "--out", out_dir.string()};
  arguments.insert(arguments.end(), extra_flags.begin(), extra_flags.end());
  std::vector<const char*> argv;
  for (const auto& argument : arguments) argv.push_back(argument.c_str());
  std::ostringstream out;
  std::ostringstream err;
  const int code = crisis::cli::run_cli(static_cast<int>(argv.size()), argv.data(), out, err);
  INFO("stderr: " << err.str());
  REQUIRE(code == 0);
}

}  // namespace

TEST_CASE("outputs are byte-identical on one thread and on two") {
  TemporaryFolder one_thread("threads1");
  TemporaryFolder two_threads("threads2");
  run_baseline(one_thread.path(), {"--threads", "1", "--calls"});
  run_baseline(two_threads.path(), {"--threads", "2", "--calls"});
  for (const char* file : {"summary.json", "replications.csv", "utilisation_by_hour.csv", "calls.csv"}) {
    INFO(file);
    const std::string single = read_whole_file(one_thread.path() / file);
    const std::string parallel = read_whole_file(two_threads.path() / file);
    CHECK(!single.empty());
    CHECK(single == parallel);
  }
}

TEST_CASE("recording calls does not change the measures") {
  TemporaryFolder with_calls("with-calls");
  TemporaryFolder without_calls("without-calls");
  run_baseline(with_calls.path(), {"--threads", "2", "--calls"});
  run_baseline(without_calls.path(), {"--threads", "2"});
  CHECK(read_whole_file(with_calls.path() / "replications.csv") == read_whole_file(without_calls.path() / "replications.csv"));
  CHECK(read_whole_file(with_calls.path() / "summary.json") == read_whole_file(without_calls.path() / "summary.json"));
  CHECK_FALSE(fs::exists(without_calls.path() / "calls.csv"));
}

TEST_CASE("a different seed gives different replications") {
  TemporaryFolder scenario_seed("seed-default");
  TemporaryFolder other_seed("seed-other");
  run_baseline(scenario_seed.path(), {"--threads", "2"});
  run_baseline(other_seed.path(), {"--threads", "2", "--seed", "7"});
  const std::string first = read_whole_file(scenario_seed.path() / "replications.csv");
  const std::string second = read_whole_file(other_seed.path() / "replications.csv");
  // Same measures in the header, different values below it.
  CHECK(first.substr(0, first.find('\n')) == second.substr(0, second.find('\n')));
  CHECK(first != second);
}

TEST_CASE("every call is recorded once per replication with arrival, dispatch, arrival on scene and close in order") {
  crisis::world::ModelRegistry registry;
  crisis::models::register_builtin_models(registry);
  const auto world = crisis::io::load_world(kBaseline, {{"run.horizon_days", "14"}, {"run.warmup_days", "3"}}, registry);
  const auto& names = world.measure_names();
  auto measure_index = [&](const std::string& name) {
    for (std::size_t i = 0; i < names.size(); ++i) {
      if (names[i] == name) return i;
    }
    FAIL("no measure named " << name);
    return names.size();
  };
  const std::size_t crisis_calls = measure_index("crisis_calls");
  const std::size_t background_calls = measure_index("background_calls");
  constexpr std::uint64_t kSeed = 99;
  // Background calls have ids 2^40 + n, n = 0, 1, 2, ... in arrival order (replication.cpp).
  constexpr std::uint64_t kFirstBackgroundId = std::uint64_t{1} << 40;

  for (std::uint32_t replication = 0; replication < 2; ++replication) {
    INFO("replication " << replication);
    const auto result = world.run_replication(kSeed, replication, true);
    REQUIRE(!result.calls.empty());

    std::set<std::uint64_t> ids;
    std::uint64_t duplicates = 0;
    std::uint64_t out_of_order = 0;
    std::uint64_t wrong_replication = 0;
    double in_window_crisis = 0.0;
    double in_window_background = 0.0;
    std::uint64_t background_seen = 0;
    std::uint64_t background_id_out_of_range = 0;
    std::uint64_t highest_background = 0;
    for (const auto& call : result.calls) {
      if (!ids.insert(call.call_id).second) ++duplicates;
      if (call.replication != replication) ++wrong_replication;
      const bool ordered = std::isfinite(call.arrival_min) && std::isfinite(call.dispatch_min) &&
                           std::isfinite(call.on_scene_min) && std::isfinite(call.closed_min) &&
                           call.arrival_min <= call.dispatch_min && call.dispatch_min <= call.on_scene_min &&
                           call.on_scene_min <= call.closed_min;
      if (!ordered) {
        if (out_of_order == 0) {
          MESSAGE("first call out of order: id " << call.call_id << " arrival " << call.arrival_min << " dispatch "
                                                 << call.dispatch_min << " on scene " << call.on_scene_min << " closed "
                                                 << call.closed_min);
        }
        ++out_of_order;
      }
      if (call.in_window) (call.crisis ? in_window_crisis : in_window_background) += 1.0;
      if (!call.crisis) {
        if (call.call_id < kFirstBackgroundId) ++background_id_out_of_range;
        ++background_seen;
        if (call.call_id >= kFirstBackgroundId) highest_background = std::max(highest_background, call.call_id - kFirstBackgroundId);
      }
    }
    CHECK(duplicates == 0);
    CHECK(background_id_out_of_range == 0);
    CHECK(wrong_replication == 0);
    CHECK(out_of_order == 0);
    // No background call went missing: ids 0 .. n-1 all appear (and none twice, above).
    CHECK(background_seen == highest_background + 1);
    // The measures count exactly the recorded calls that arrived in the window.
    CHECK(result.measures[crisis_calls] == in_window_crisis);
    CHECK(result.measures[background_calls] == in_window_background);
    CHECK(in_window_crisis > 100);
    // Recording the calls does not perturb the simulation.
    const auto unrecorded = world.run_replication(kSeed, replication, false);
    CHECK(unrecorded.events == result.events);
    bool same_measures = unrecorded.measures.size() == result.measures.size();
    for (std::size_t i = 0; same_measures && i < result.measures.size(); ++i) {
      const double a = result.measures[i];
      const double b = unrecorded.measures[i];
      same_measures = a == b || (std::isnan(a) && std::isnan(b));
    }
    CHECK(same_measures);
  }
}
