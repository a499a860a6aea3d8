// Replay (issue #5): a scenario takes its arrivals from history instead of the random
// processes. The world side is tested with arrivals built here; the `replay:` key, the CAD
// import and the command line with a CAD file below.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include <nlohmann/json.hpp>

#include "cad/cad.hpp"
#include "cad/replay_loader.hpp"
#include "results/results_writer.hpp"
#include "scenario/scenario_loader.hpp"
#include "test_support.hpp"
#include "models/builtin_models.hpp"
#include "world/world.hpp"

namespace {

using crisis::world::ReplayCall;
using crisis::world::Scenario;

const std::string kScenarios = std::string(CRISIS_SOURCE_DIR) + "/scenarios/";
constexpr std::uint64_t kReplayEntity = 1ULL << 43;  // sim/world/replication.cpp: replayed call ids
constexpr double kWeek = 7.0 * 1440.0;

crisis::world::ModelRegistry builtin_registry() {
  crisis::world::ModelRegistry registry;
  crisis::models::register_builtin_models(registry);
  return registry;
}

/// A scenario with a week of replayed arrivals (no warm-up); `models` picks the response.
Scenario eugene_week(const std::vector<ReplayCall>& calls, bool replay_background, const std::string& models) {
  const auto registry = builtin_registry();
  Scenario scenario = crisis::io::load_scenario(kScenarios + "eugene_cahoots.yaml",
                                                {{"run.horizon_days", "7"}, {"run.warmup_days", "0"}, {"models", models}},
                                                registry, false)
                          .scenario;
  scenario.replay.enabled = true;
  scenario.replay.background = replay_background;
  scenario.replay.calls = calls;
  scenario.replay.window_start_min = 0.0;
  scenario.replay.window_end_min = kWeek;
  return scenario;
}

/// `count` crisis calls spread over the week at uneven times; every third has its zone
/// unmatched, every fourth its type and every fifth its priority given.
std::vector<ReplayCall> crisis_calls(int count) {
  std::vector<ReplayCall> calls;
  for (int i = 0; i < count; ++i) {
    ReplayCall call;
    // Uneven gaps (a quadratic ramp), whole minutes as CAD clocks record them.
    call.at = std::floor(kWeek * (0.5 * i + 0.5 * i * i / count) / count);
    call.crisis = true;
    call.zone = i % 3 == 0 ? -1 : i % 8;
    call.type = static_cast<std::int8_t>(i % 4 == 0 ? i % 7 : -1);
    call.priority = static_cast<std::uint8_t>(i % 5 == 0 ? 1 + i % 3 : 0);
    calls.push_back(call);
  }
  return calls;
}

std::vector<crisis::world::CallRecord> run_calls(const Scenario& scenario, std::uint64_t seed, std::uint32_t replication) {
  const auto registry = builtin_registry();
  const crisis::world::World world = crisis::world::build_world(scenario, registry);
  return world.run_replication(seed, replication, true).calls;
}

std::vector<crisis::world::CallRecord> crisis_records(const std::vector<crisis::world::CallRecord>& records) {
  std::vector<crisis::world::CallRecord> crises;
  for (const auto& record : records) {
    if (record.crisis) crises.push_back(record);
  }
  std::sort(crises.begin(), crises.end(), [](const auto& a, const auto& b) { return a.call_id < b.call_id; });
  return crises;
}

// (arrival, zone, type, priority) of the crisis calls: what replay promises to keep fixed.
std::vector<std::tuple<double, int, int, int>> arrivals(const std::vector<crisis::world::CallRecord>& records) {
  std::vector<std::tuple<double, int, int, int>> out;
  for (const auto& r : crisis_records(records)) out.emplace_back(r.arrival_min, r.zone, r.call_type, r.priority);
  return out;
}

}  // namespace

TEST_CASE("every replayed crisis call arrives at its time, in its zone, with its type and priority") {
  const std::vector<ReplayCall> calls = crisis_calls(400);
  const auto records = run_calls(eugene_week(calls, false, "[police_only]"), 7, 0);
  const auto crises = crisis_records(records);
  REQUIRE(crises.size() == calls.size());
  for (std::size_t i = 0; i < calls.size(); ++i) {
    INFO("replayed call " << i);
    REQUIRE(crises[i].call_id == kReplayEntity + i);
    CHECK(crises[i].arrival_min == calls[i].at);
    CHECK(crises[i].in_window);
    if (calls[i].zone >= 0) CHECK(crises[i].zone == calls[i].zone);
    CHECK(crises[i].zone < 8);
    if (calls[i].type >= 0) CHECK(crises[i].call_type == calls[i].type);
    if (calls[i].priority > 0) CHECK(crises[i].priority == calls[i].priority);
  }
  // Background calls were simulated as usual (Eugene: 232 a day): present, and not replayed.
  const auto background = std::count_if(records.begin(), records.end(), [](const auto& r) { return !r.crisis; });
  CHECK(background > 1400);
}

TEST_CASE("replayed crises fall on residents of the call's zone") {
  const std::vector<ReplayCall> calls = crisis_calls(300);
  const Scenario scenario = eugene_week(calls, false, "[police_only]");
  const auto crises = crisis_records(run_calls(scenario, 3, 0));
  REQUIRE(crises.size() == calls.size());
  // Residents are laid out in zone blocks in order (build_residents): a resident's index
  // must therefore not decrease with the zone.
  std::map<int, std::pair<std::uint32_t, std::uint32_t>> range;  // zone -> lowest, highest resident
  for (const auto& r : crises) {
    const auto it = range.try_emplace(r.zone, r.resident, r.resident).first;
    it->second.first = std::min(it->second.first, r.resident);
    it->second.second = std::max(it->second.second, r.resident);
  }
  REQUIRE(range.size() == 8);
  for (auto it = range.begin(); std::next(it) != range.end(); ++it) {
    INFO("zone " << it->first);
    CHECK(it->second.second < std::next(it)->second.first);
  }
}

TEST_CASE("variants replaying the same week see identical arrivals (common random numbers)") {
  const std::vector<ReplayCall> calls = crisis_calls(500);
  const auto police = run_calls(eugene_week(calls, false, "[police_only]"), 11, 1);
  const auto cahoots = run_calls(
      eugene_week(calls, false, "[police_only, {name: civilian_team, params: {unit_type: cahoots_van, max_perceived_risk: moderate}}]"), 11, 1);
  CHECK(arrivals(police) == arrivals(cahoots));
  // The background process is shared too, and the responses differ (the test can tell).
  const auto background_times = [](const auto& records) {
    std::vector<double> times;
    for (const auto& r : records) {
      if (!r.crisis) times.push_back(r.arrival_min);
    }
    std::sort(times.begin(), times.end());
    return times;
  };
  CHECK(background_times(police) == background_times(cahoots));
  const auto answered_by_van = [](const auto& records) {
    return std::count_if(records.begin(), records.end(), [](const auto& r) { return r.crisis && r.unit_type == 1; });
  };
  CHECK(answered_by_van(police) == 0);
  CHECK(answered_by_van(cahoots) > 50);
}

TEST_CASE("replay is reproducible, and unmatched areas vary by replication only") {
  const std::vector<ReplayCall> calls = crisis_calls(300);
  const Scenario scenario = eugene_week(calls, false, "[police_only]");
  const auto first = run_calls(scenario, 5, 0);
  const auto again = run_calls(scenario, 5, 0);
  CHECK(arrivals(first) == arrivals(again));
  const auto other = arrivals(run_calls(scenario, 5, 1));
  const auto base = arrivals(first);
  REQUIRE(other.size() == base.size());
  int moved = 0;
  for (std::size_t i = 0; i < base.size(); ++i) {
    CHECK(std::get<0>(other[i]) == std::get<0>(base[i]));  // times never move
    if (calls[i].zone >= 0) CHECK(std::get<1>(other[i]) == std::get<1>(base[i]));
    if (std::get<1>(other[i]) != std::get<1>(base[i])) ++moved;
  }
  // 100 unmatched calls over 8 zones: P(all land where they did before) is negligible.
  CHECK(moved > 0);
}

TEST_CASE("unmatched areas are placed by population") {
  std::vector<ReplayCall> calls;
  const int count = 4000;
  for (int i = 0; i < count; ++i) calls.push_back(ReplayCall{kWeek * i / count, true, -1, 0, -1});
  const Scenario scenario = eugene_week(calls, false, "[police_only]");
  const auto crises = crisis_records(run_calls(scenario, 9, 0));
  REQUIRE(crises.size() == static_cast<std::size_t>(count));
  std::vector<double> seen(scenario.zones.size(), 0.0);
  double population = 0.0;
  for (const auto& zone : scenario.zones) population += zone.population;
  for (const auto& r : crises) seen[r.zone] += 1;
  for (std::size_t z = 0; z < scenario.zones.size(); ++z) {
    // Binomial count: within 4.5 standard deviations (a false alarm about 1 in 100,000 per zone).
    const double p = scenario.zones[z].population / population;
    const double sd = std::sqrt(count * p * (1 - p));
    INFO("zone " << scenario.zones[z].name);
    CHECK(std::abs(seen[z] - count * p) < 4.5 * sd);
  }
}

TEST_CASE("with background: replay, the other-police calls come from the history too") {
  std::vector<ReplayCall> calls = crisis_calls(200);
  for (int i = 0; i < 300; ++i) calls.push_back(ReplayCall{std::floor(kWeek * (i + 0.5) / 300), false, -1, static_cast<std::uint8_t>(1 + i % 3), i % 5 == 0 ? -1 : i % 8});
  std::stable_sort(calls.begin(), calls.end(), [](const auto& a, const auto& b) { return a.at < b.at; });
  const auto records = run_calls(eugene_week(calls, true, "[police_only]"), 2, 0);
  std::vector<std::tuple<double, int>> expected;
  std::vector<std::tuple<double, int>> got;
  for (const auto& call : calls) {
    if (!call.crisis) expected.emplace_back(call.at, call.priority);
  }
  for (const auto& r : records) {
    if (!r.crisis) got.emplace_back(r.arrival_min, r.priority);
  }
  std::sort(got.begin(), got.end());
  CHECK(got == expected);
  CHECK(crisis_records(records).size() == 200);
}

TEST_CASE("calls replayed before the period warm the system up and are not counted") {
  std::vector<ReplayCall> calls = crisis_calls(300);
  Scenario scenario = eugene_week(calls, false, "[police_only]");
  scenario.replay.window_start_min = kWeek / 2;  // the first half-week is the warm-up
  const auto registry = builtin_registry();
  const crisis::world::World world = crisis::world::build_world(scenario, registry);
  const auto result = world.run_replication(4, 0, true);
  const auto in_period = std::count_if(calls.begin(), calls.end(), [](const auto& c) { return c.at >= kWeek / 2; });
  const auto crises = crisis_records(result.calls);
  REQUIRE(crises.size() == calls.size());
  CHECK(std::count_if(crises.begin(), crises.end(), [](const auto& r) { return r.in_window; }) == in_period);
  const auto& names = world.measure_names();
  const auto at = std::find(names.begin(), names.end(), "crisis_calls") - names.begin();
  CHECK(result.measures[static_cast<std::size_t>(at)] == static_cast<double>(in_period));
}

// ---- the `replay:` key, a CAD file and the command line ---------------------------------------

namespace {

using crisis::testing::CliResult;
using crisis::testing::run_cli_captured;
using crisis::testing::TemporaryFolder;

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE_MESSAGE(in.good(), "cannot read " << path.string());
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

/// A Milwaukee-schema export (id,time,location,latitude,longitude,district,nature,status):
/// a call every 37 minutes from Monday 2018-05-07 00:05 for 15 days. Every 5th is a welfare
/// check, every 11th (not 5th) a conveyance to mental health; the rest other police. Every
/// 7th is in an area that names no zone.
struct Export {
  std::string csv;
  std::vector<double> crisis_minutes;      // crisis calls, minutes from 2018-05-07 00:00
  std::vector<double> background_minutes;  // other-police calls
  std::vector<bool> crisis_unmatched;
};

const std::vector<std::string> kEugeneZones = {"downtown", "west_univ", "north", "northeast", "west", "southwest", "south", "east"};

Export milwaukee_export() {
  Export out;
  out.csv = "id,time,location,latitude,longitude,district,nature,status\n";
  for (int i = 0; i * 37 + 5 < 15 * 1440; ++i) {
    const int minute = i * 37 + 5;
    const int day = 7 + minute / 1440;
    const int hour = minute % 1440 / 60;
    const std::string nature = i % 5 == 0 ? "WELFARE CITIZEN" : i % 11 == 0 ? "HOSPITAL TO MCMH" : "BATTERY";
    const bool unmatched = i % 7 == 6;
    // Zone names in mixed case and padded: matched ignoring case and spaces.
    const std::string area = unmatched ? "District X" : (i % 2 == 0 ? kEugeneZones[static_cast<std::size_t>(i % 8)] : " DOWNTOWN ");
    char time[32];
    std::snprintf(time, sizeof time, "2018-05-%02d %02d:%02d:00", day, hour, minute % 60);
    out.csv += std::to_string(1000 + i) + "," + time + ",\"1 MAIN ST,MKE\",43.0,-87.9," + area + "," + nature + ",Service in Progress\n";
    if (nature == "BATTERY") {
      out.background_minutes.push_back(minute);
    } else {
      out.crisis_minutes.push_back(minute);
      out.crisis_unmatched.push_back(unmatched);
    }
  }
  return out;
}

/// eugene_cahoots.yaml without its horizon, with `replay` appended, next to `calls.csv`.
std::string replay_scenario(const TemporaryFolder& folder, const std::string& replay_section) {
  std::string text = read_text(kScenarios + "eugene_cahoots.yaml");
  const std::string horizon = "  horizon_days: 365        # one year, the unit budgets are set in\n";
  const auto at = text.find(horizon);
  REQUIRE(at != std::string::npos);
  text.erase(at, horizon.size());
  (void)folder.write("calls.csv", milwaukee_export().csv);
  return folder.write("scenario.yaml", text + "\n" + replay_section);
}

const std::string kWeekReplay =
    "replay:\n  calls: calls.csv\n  schema: milwaukee\n  from: \"2018-05-14\"\n  to: \"2018-05-21\"\n";

CliResult run_replay(const std::string& scenario, const std::filesystem::path& out, std::vector<std::string> extra = {}) {
  std::vector<std::string> arguments = {"run", scenario, "--replications", "3", "--warmup-days", "7", "--quiet", "--out", out.string()};
  arguments.insert(arguments.end(), extra.begin(), extra.end());
  return run_cli_captured(arguments);
}

std::vector<std::string> split(const std::string& line, char separator = ',') {
  std::vector<std::string> fields;
  std::string field;
  std::istringstream in(line);
  while (std::getline(in, field, separator)) fields.push_back(field);
  if (!line.empty() && line.back() == separator) fields.emplace_back();
  return fields;
}

/// Crisis arrivals in calls.csv, per replication: sorted (arrival_min, zone, call_type, in_window).
std::map<std::string, std::vector<std::string>> crisis_arrivals_csv(const std::filesystem::path& calls_csv) {
  std::istringstream lines(read_text(calls_csv));
  std::string line;
  std::getline(lines, line);
  const auto header = split(line);
  const auto column = [&](const std::string& name) {
    const auto it = std::find(header.begin(), header.end(), name);
    REQUIRE_MESSAGE(it != header.end(), "calls.csv has no column " << name);
    return static_cast<std::size_t>(it - header.begin());
  };
  const std::size_t replication = column("replication"), kind = column("kind"), arrival = column("arrival_min"),
                    zone = column("zone"), type = column("call_type"), in_window = column("in_window");
  std::map<std::string, std::vector<std::string>> out;
  while (std::getline(lines, line)) {
    const auto f = split(line);
    if (f[kind] != "crisis") continue;
    out[f[replication]].push_back(f[arrival] + "|" + f[zone] + "|" + f[type] + "|" + f[in_window]);
  }
  for (auto& [r, rows] : out) std::sort(rows.begin(), rows.end());
  return out;
}

}  // namespace

TEST_CASE("a replayed week: the crisis calls counted are exactly the file's in the period") {
  TemporaryFolder folder("replay-run");
  const std::string scenario = replay_scenario(folder, kWeekReplay);
  const CliResult result = run_replay(scenario, folder.path() / "out", {"--calls"});
  INFO(result.err);
  REQUIRE(result.code == 0);
  // The expectation, counted here from the rows written: the period is 2018-05-14 00:00 to
  // 2018-05-21 00:00, i.e. minutes [7 days, 14 days) from Monday 2018-05-07 00:00, where the
  // simulation clock starts (the warm-up week is replayed before it).
  const Export data = milwaukee_export();
  std::int64_t in_period = 0;
  std::int64_t warmup = 0;
  std::int64_t unmatched = 0;
  std::vector<std::string> expected_times;
  for (std::size_t i = 0; i < data.crisis_minutes.size(); ++i) {
    const double t = data.crisis_minutes[i];
    if (t >= 14 * 1440) continue;
    if (data.crisis_unmatched[i]) ++unmatched;
    if (t < 7 * 1440) {
      ++warmup;
      continue;
    }
    ++in_period;
    expected_times.push_back(crisis::io::format_number(t));
  }
  REQUIRE(in_period > 50);
  const auto summary = nlohmann::json::parse(read_text(folder.path() / "out" / "summary.json"));
  CHECK(summary["horizon_days"] == 7);
  CHECK(summary["replay"]["crisis_calls"] == in_period);
  CHECK(summary["replay"]["warmup_calls"] == warmup);
  CHECK(summary["replay"]["unmatched_area_calls"] == unmatched);
  CHECK(summary["replay"]["unmatched_areas"]["District X"] == unmatched);
  CHECK(summary["replay"]["clock_starts"] == "2018-05-07 00:00");
  CHECK(summary["replay"]["period_start"] == "2018-05-14 00:00");
  CHECK(summary["measures"]["crisis_calls"]["mean"] == in_period);
  CHECK(summary["measures"]["crisis_calls"]["sd"] == 0);
  const auto arrivals_by_replication = crisis_arrivals_csv(folder.path() / "out" / "calls.csv");
  REQUIRE(arrivals_by_replication.size() == 3);
  // Named references, not structured bindings: clang 14 (the ASan and fuzz build) cannot
  // capture a binding in the lambda doctest's INFO expands to.
  for (const auto& entry : arrivals_by_replication) {
    const auto& replication = entry.first;
    const auto& rows = entry.second;
    INFO("replication " << replication);
    std::vector<std::string> times;
    for (const auto& row : rows) {
      if (row.substr(row.rfind('|') + 1) == "1" || row.substr(row.rfind('|') + 1) == "true") times.push_back(row.substr(0, row.find('|')));
    }
    std::sort(times.begin(), times.end());
    std::vector<std::string> expected = expected_times;
    std::sort(expected.begin(), expected.end());
    CHECK(times == expected);
  }
}

TEST_CASE("compare: police only and civilian vans replay identical arrivals") {
  TemporaryFolder folder("replay-compare");
  const std::string scenario = replay_scenario(folder, kWeekReplay);
  const CliResult result = run_cli_captured({"compare", scenario, "--replications", "2", "--warmup-days", "7", "--quiet", "--calls",
                                             "--out", (folder.path() / "out").string()});
  INFO(result.err);
  REQUIRE(result.code == 0);
  const auto police = crisis_arrivals_csv(folder.path() / "out" / "police_only" / "calls.csv");
  const auto cahoots = crisis_arrivals_csv(folder.path() / "out" / "cahoots" / "calls.csv");
  CHECK(!police.empty());
  CHECK(police == cahoots);
  const auto comparison = nlohmann::json::parse(read_text(folder.path() / "out" / "comparison.json"));
  CHECK(comparison["common_random_numbers"] == true);
}

TEST_CASE("replayed runs are byte-identical on one thread and on two") {
  TemporaryFolder folder("replay-threads");
  const std::string scenario = replay_scenario(folder, kWeekReplay + "  background: replay\n");
  REQUIRE(run_replay(scenario, folder.path() / "one", {"--calls", "--threads", "1"}).code == 0);
  REQUIRE(run_replay(scenario, folder.path() / "two", {"--calls", "--threads", "2"}).code == 0);
  for (const char* file : {"summary.json", "replications.csv", "calls.csv"}) {
    INFO(file);
    const std::string one = read_text(folder.path() / "one" / file);
    CHECK(!one.empty());
    CHECK(one == read_text(folder.path() / "two" / file));
  }
  // With background: replay, the other-police calls of the period are the file's.
  const Export data = milwaukee_export();
  const auto in_period = std::count_if(data.background_minutes.begin(), data.background_minutes.end(),
                                       [](double t) { return t >= 7 * 1440 && t < 14 * 1440; });
  const auto summary = nlohmann::json::parse(read_text(folder.path() / "one" / "summary.json"));
  CHECK(summary["replay"]["background_calls"] == in_period);
  CHECK(summary["measures"]["background_calls"]["mean"] == in_period);
}

TEST_CASE("bad replay keys exit 2 naming the replay key's line and column") {
  TemporaryFolder folder("replay-bad");
  struct Case {
    std::string section;
    std::string expected;  // in the message
    int line;              // of the offending key, counted from the replay section's first line
  };
  const std::vector<Case> cases = {
      {"replay:\n  calls: missing.csv\n  schema: milwaukee\n", "no CAD file", 2},
      {"replay:\n  calls: calls.csv\n  schema: milwaukie\n", "did you mean 'milwaukee'", 3},
      {"replay:\n  calls: calls.csv\n  schema: milwaukee\n  from: \"2018-05-32\"\n", "expected a date", 4},
      {"replay:\n  calls: calls.csv\n  schema: milwaukee\n  from: \"2018-05-14\"\n  to: \"2018-05-10\"\n", "ends at or before it starts", 5},
      {"replay:\n  calls: calls.csv\n  schema: milwaukee\n  from: \"2019-01-01\"\n  to: \"2019-01-08\"\n", "no call in the period", 1},
      {"replay:\n  calls: calls.csv\n  schema: milwaukee\n  background: replayed\n", "expected one of simulate, replay", 4},
      {"replay:\n  calls: calls.csv\n  schema: milwaukee\n  form: \"2018-05-14\"\n", "from", 4},
      {"replay:\n  calls: calls.csv\n", "schema", 2},  // a missing key: where the section's map starts
      {"replay:\n  calls: calls.csv\n  schema: bad_schema.yaml\n", "cannot import the calls: ", 3},
      {"replay:\n  calls: calls.csv\n  schema: seattle\n", "cannot import the calls: ", 2},  // the file lacks its columns
  };
  (void)folder.write("bad_schema.yaml", "name: broken\n");
  for (const Case& c : cases) {
    CAPTURE(c.section);
    const std::string scenario = replay_scenario(folder, c.section);
    const std::string text = read_text(scenario);
    const auto replay_line = std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(text.find("\nreplay:")) + 1, '\n') + 1;
    const CliResult result = run_cli_captured({"run", scenario, "--quiet", "--replications", "1"});
    CHECK(result.code == 2);
    CHECK(result.err.find(c.expected) != std::string::npos);
    CHECK(result.err.find(scenario + ":" + std::to_string(replay_line + c.line - 1) + ":") != std::string::npos);
    CHECK(result.out.empty());
  }
  // A horizon that disagrees with the period, from the file or the command line.
  const std::string scenario = replay_scenario(folder, kWeekReplay);
  const CliResult conflict = run_cli_captured({"run", scenario, "--quiet", "--horizon-days", "30"});
  CHECK(conflict.code == 2);
  CHECK(conflict.err.find("run.horizon_days") != std::string::npos);
  const CliResult agreeing = run_cli_captured({"run", scenario, "--quiet", "--replications", "1", "--horizon-days", "7", "--warmup-days", "0"});
  CHECK(agreeing.code == 0);
}

TEST_CASE("every replay key is documented, and the example scenario names a file next to a clone") {
  TemporaryFolder folder("replay-docs");
  const std::string scenario = replay_scenario(folder, kWeekReplay + "  mapping: milwaukee\n  background: simulate\n");
  crisis::world::ModelRegistry registry = builtin_registry();
  const auto loaded = crisis::io::load_scenario(scenario, {}, registry);
  const std::string docs = read_text(std::string(CRISIS_SOURCE_DIR) + "/docs/scenario-format.md");
  int replay_keys = 0;
  for (const std::string& key : loaded.known_keys) {
    if (key.rfind("replay", 0) != 0) continue;
    ++replay_keys;
    CHECK_MESSAGE(docs.find("`" + key + "`") != std::string::npos, key << " is not documented in docs/scenario-format.md");
  }
  CHECK(replay_keys == 7);  // replay and its six keys
  const std::string example = std::string(CRISIS_SOURCE_DIR) + "/scenarios/replay/lane_county_week.yaml";
  CHECK(read_text(example).find("calls: ../../../shared/data/lane_county_mcslc/") != std::string::npos);
  const std::string lane_county = std::string(CRISIS_SOURCE_DIR) + "/../shared/data/lane_county_mcslc";
  if (std::filesystem::exists(lane_county)) {
    const CliResult validated = run_cli_captured({"validate", example});
    INFO(validated.err);
    CHECK(validated.code == 0);
    // The week it replays holds the team's dispatches of that week, as the importer reads them.
    crisis::io::cad::ImportOptions options;
    options.schema = "mcslc";
    options.from = *crisis::io::cad::parse_timestamp("2025-03-03", "");
    options.to = *crisis::io::cad::parse_timestamp("2025-03-10", "");
    const auto imported = crisis::io::cad::import_calls(lane_county + "/mcslc_dispatches_2024-08_to_2025-06.csv", options);
    TemporaryFolder out("replay-example");
    const CliResult ran = run_cli_captured({"run", example, "--replications", "2", "--quiet", "--out", out.path().string()});
    INFO(ran.err);
    REQUIRE(ran.code == 0);
    const auto summary = nlohmann::json::parse(read_text(out.path() / "summary.json"));
    CHECK(summary["replay"]["crisis_calls"] == imported.calls.size());
    CHECK(imported.calls.size() > 10);
  } else {
    MESSAGE("../shared/data is absent: the Lane County example is not loaded");
  }
}

TEST_CASE("the simulation clock starts on the Monday before, so rosters line up with the calendar") {
  TemporaryFolder folder("replay-clock");
  // 2018-05-16 is a Wednesday; with a one-day warm-up the history starts on Tuesday 05-15
  // 06:00, so the clock starts on Monday 2018-05-14 00:00 and the period 2 days 6 h after it.
  const std::string scenario = replay_scenario(
      folder, "replay:\n  calls: calls.csv\n  schema: milwaukee\n  from: \"2018-05-16 06:00\"\n  to: \"2018-05-18\"\n");
  const auto registry = builtin_registry();
  const crisis::world::World world = crisis::io::load_world(scenario, {{"run.warmup_days", "1"}}, registry);
  const auto& replay = world.scenario().replay;
  CHECK(replay.clock_origin == "2018-05-14 00:00");
  CHECK(world.window_start_min == 2 * 1440 + 360);
  CHECK(world.window_end_min == 4 * 1440);
  CHECK(world.scenario().run.horizon_days == doctest::Approx(1.75));
  // Calls sit at their own minute of the week: the export's minute since 2018-05-07 00:05,
  // less the week between 05-07 and the clock's start.
  const Export data = milwaukee_export();
  std::vector<double> expected;
  for (const double t : data.crisis_minutes) {
    if (t >= 8 * 1440 + 360 && t < 11 * 1440) expected.push_back(t - 7 * 1440);
  }
  std::vector<double> got;
  for (const auto& call : replay.calls) got.push_back(call.at);
  CHECK(got == expected);
  CHECK(replay.warmup_calls == std::count_if(expected.begin(), expected.end(), [](double t) { return t < 2 * 1440 + 360; }));
}

TEST_CASE("without from and to, the period is the file's whole days after the warm-up") {
  TemporaryFolder folder("replay-span");
  const std::string scenario = replay_scenario(folder, "replay:\n  calls: calls.csv\n  schema: milwaukee\n");
  const auto registry = builtin_registry();
  const auto loaded = crisis::io::load_scenario(scenario, {{"run.warmup_days", "2"}}, registry);
  const auto& replay = loaded.scenario.replay;
  // The export runs from 2018-05-07 00:05 to 2018-05-21 23:48 (15 days).
  CHECK(replay.period_start == "2018-05-09 00:00");
  CHECK(replay.period_end == "2018-05-22 00:00");
  CHECK(loaded.scenario.run.horizon_days == 13);
  CHECK(replay.clock_origin == "2018-05-07 00:00");
  CHECK(replay.calls.size() == milwaukee_export().crisis_minutes.size());
  // With run.horizon_days (and no `to`), the period is that long.
  const auto given = crisis::io::load_scenario(scenario, {{"run.warmup_days", "2"}, {"run.horizon_days", "3"}}, registry);
  CHECK(given.scenario.replay.period_end == "2018-05-12 00:00");
}

TEST_CASE("run and validate say what was replayed, and how many areas named no zone") {
  TemporaryFolder folder("replay-note");
  const std::string scenario = replay_scenario(folder, kWeekReplay);
  const CliResult validated = run_cli_captured({"validate", scenario});
  INFO(validated.err);
  REQUIRE(validated.code == 0);
  CHECK(validated.out.find("replay: 2018-05-14 00:00 to 2018-05-21 00:00 from calls.csv") != std::string::npos);
  CHECK(validated.out.find("calls in areas that name no zone, placed by population (District X ") != std::string::npos);
  const CliResult ran = run_cli_captured({"run", scenario, "--replications", "1", "--warmup-days", "0"});
  CHECK(ran.code == 0);
  CHECK(ran.err.find("replay: 2018-05-14 00:00") != std::string::npos);
}

TEST_CASE("a week of real Milwaukee calls: every welfare and behavioural-health call of the week is replayed") {
  // tests/data/cad/milwaukee is the public-licence copy (its SOURCE.txt). The count to match
  // comes from the importer directly, with the same period, independently of the replay.
  const std::string csv = std::string(CRISIS_SOURCE_DIR) + "/tests/data/cad/milwaukee/mpd_calls_2018-05-01_to_2018-05-16_wholedays.csv";
  crisis::io::cad::ImportOptions options;
  options.schema = "milwaukee";
  options.from = *crisis::io::cad::parse_timestamp("2018-05-07", "");
  options.to = *crisis::io::cad::parse_timestamp("2018-05-14", "");
  const auto imported = crisis::io::cad::import_calls(csv, options);
  const auto crisis = std::count_if(imported.calls.begin(), imported.calls.end(),
                                    [](const auto& c) { return c.category != crisis::io::cad::Category::other_police; });
  REQUIRE(crisis > 100);
  TemporaryFolder folder("replay-milwaukee");
  const std::string scenario = replay_scenario(
      folder, "replay:\n  calls: " + csv + "\n  schema: milwaukee\n  from: \"2018-05-07\"\n  to: \"2018-05-14\"\n");
  const CliResult result = run_cli_captured({"run", scenario, "--replications", "2", "--warmup-days", "0", "--quiet", "--out",
                                             (folder.path() / "out").string()});
  INFO(result.err);
  REQUIRE(result.code == 0);
  const auto summary = nlohmann::json::parse(read_text(folder.path() / "out" / "summary.json"));
  CHECK(summary["replay"]["crisis_calls"] == crisis);
  CHECK(summary["measures"]["crisis_calls"]["mean"] == crisis);
  // Milwaukee's districts are numbers, not Eugene's zone names: all placed by population.
  CHECK(summary["replay"]["unmatched_area_calls"] == crisis);
}

TEST_CASE("a burst of replayed crises beyond a zone's residents still opens every call, in its zone") {
  // Zone 0 keeps ~4 residents (20 people x prevalence 2 x 10% with needs) and zone 1 none: 300
  // calls in three hours there exhaust the residents who can be in crisis, and the call is
  // still opened (the last resident drawn, or one borrowed from the city).
  std::vector<ReplayCall> calls;
  for (int i = 0; i < 300; ++i) calls.push_back(ReplayCall{600.0 + i * 0.6, true, -1, 0, i % 2});
  const auto registry = builtin_registry();
  Scenario scenario = crisis::io::load_scenario(kScenarios + "eugene_cahoots.yaml",
                                                {{"run.horizon_days", "7"}, {"run.warmup_days", "0"}, {"models", "[police_only]"},
                                                 {"city.zones[0].population", "20"}, {"city.zones[1].population", "0"}},
                                                registry, false)
                          .scenario;
  scenario.replay.enabled = true;
  scenario.replay.calls = calls;
  scenario.replay.window_end_min = kWeek;
  const auto crises = crisis_records(run_calls(scenario, 1, 0));
  REQUIRE(crises.size() == calls.size());
  for (std::size_t i = 0; i < calls.size(); ++i) CHECK(crises[i].zone == calls[i].zone);
}
