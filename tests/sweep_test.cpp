// crisis-sim sweep: point generation (grid and Latin hypercube), the database and points.csv,
// resuming after a stop or a SIGKILL with exactly the rows of an uninterrupted run, results
// that do not depend on --threads, precision-driven replications, MSER-5, and the errors a
// bad sweep file or a mismatched database give (docs/sweeps.md).
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test_support.hpp"
#include "app/cli.hpp"
#include "engine/statistics.hpp"
#include "experiments/sweep/sweep.hpp"
#include "models/builtin_models.hpp"

extern char** environ;

namespace {

using crisis::testing::CliResult;
using crisis::testing::TemporaryFolder;
CliResult run_cli(const std::vector<std::string>& arguments) { return crisis::testing::run_cli_captured(arguments); }

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

const std::string kSourceDir = CRISIS_SOURCE_DIR;
const std::string kBaseline = kSourceDir + "/scenarios/baseline_police.yaml";


std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}



crisis::world::ModelRegistry& registry() {
  static crisis::world::ModelRegistry models = [] {
    crisis::world::ModelRegistry r;
    crisis::models::register_builtin_models(r);
    return r;
  }();
  return models;
}

/// A small grid on the baseline: 2 x 3 points, short horizon. `extra` is appended.
std::string small_grid(const std::string& extra = "") {
  return "name: small_grid\n"
         "scenario: " + kBaseline + "\n"
         "set: {run.horizon_days: 4, run.warmup_days: 1}\n"
         "parameters:\n"
         "  crises.triage_accuracy: [0.6, 0.9]\n"
         "  unit_types[0].roster.shifts[1].units: {from: 18, to: 26, step: 4}\n"
         "replications: 3\n"
         "measures: [crisis_calls, response_min.mean, share_past_target, utilisation.patrol]\n" + extra;
}

/// crisis-sim running as a child process; stdout and stderr to /dev/null.
class Child {
 public:
  explicit Child(const std::vector<std::string>& arguments) {
    std::vector<std::string> all = {CRISIS_SIM_BINARY};
    all.insert(all.end(), arguments.begin(), arguments.end());
    std::vector<char*> argv;
    for (auto& argument : all) argv.push_back(argument.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
    const int error = posix_spawn(&pid_, all.front().c_str(), &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    REQUIRE_MESSAGE(error == 0, "cannot start " << CRISIS_SIM_BINARY << ": " << std::strerror(error));
  }
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;
  ~Child() {
    if (!reaped_) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  bool finished() {
    if (!reaped_ && ::waitpid(pid_, &status_, WNOHANG) == pid_) reaped_ = true;
    return reaped_;
  }
  void kill_now() {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, &status_, 0);
    reaped_ = true;
  }
  [[nodiscard]] bool killed_by_sigkill() const { return WIFSIGNALED(status_) && WTERMSIG(status_) == SIGKILL; }

 private:
  pid_t pid_ = -1;
  int status_ = 0;
  bool reaped_ = false;
};

/// The stratum (0 .. n-1) of `u` in [0, 1), computed as the generator bounds it.
std::size_t stratum_of(double u, std::size_t n) {
  auto k = static_cast<std::size_t>(u * static_cast<double>(n));
  if (k > 0 && u < static_cast<double>(k) / static_cast<double>(n)) --k;
  if (k + 1 < n && u >= static_cast<double>(k + 1) / static_cast<double>(n)) ++k;
  return k;
}

}  // namespace

TEST_CASE("a grid range includes both ends and its values do not drift") {
  using crisis::io::range_values;
  CHECK(range_values(0.6, 1.0, 0.2, std::nullopt) == std::vector<double>{0.6, 0.8, 1.0});
  const std::vector<double> tenths = range_values(0.0, 1.0, 0.1, std::nullopt);
  REQUIRE(tenths.size() == 11);
  CHECK(tenths[3] == 0.3);  // not 0.30000000000000004
  CHECK(tenths.back() == 1.0);
  CHECK(range_values(18, 26, 4.0, std::nullopt) == std::vector<double>{18, 22, 26});
  CHECK(range_values(18, 27, 4.0, std::nullopt) == std::vector<double>{18, 22, 26});  // stops before passing `to`
  CHECK(range_values(0.0, 1.0, std::nullopt, 5) == std::vector<double>{0.0, 0.25, 0.5, 0.75, 1.0});
  CHECK(range_values(2.0, 2.0, std::nullopt, 1) == std::vector<double>{2.0});
}

TEST_CASE("grid points enumerate every combination, the last parameter fastest") {
  TemporaryFolder folder;
  const auto definition = crisis::io::load_sweep_definition(folder.write("grid.yaml", small_grid()));
  const crisis::io::SweepPoints points(definition);
  REQUIRE(points.size() == 6);
  std::vector<std::string> seen;
  for (std::size_t p = 0; p < points.size(); ++p) {
    const auto values = points.point(p);
    REQUIRE(values.size() == 2);
    seen.push_back(values[0].text + "/" + values[1].text);
  }
  CHECK(seen == std::vector<std::string>{"0.6/18", "0.6/22", "0.6/26", "0.9/18", "0.9/22", "0.9/26"});
  const auto overrides = points.overrides(4);
  REQUIRE(overrides.size() == 4);  // the two fixed ones, then one per parameter
  CHECK(overrides[0].path == "run.horizon_days");
  CHECK(overrides[2].path == "crises.triage_accuracy");
  CHECK(overrides[2].value == "0.9");
  CHECK(overrides[3].path == "unit_types[0].roster.shifts[1].units");
  CHECK(overrides[3].value == "22");
  // The points checked before a run: the axes through point 0.
  CHECK(points.check_points() == std::vector<std::size_t>{0, 1, 2, 3});
}

TEST_CASE("a Latin hypercube puts exactly one point in each stratum of every dimension") {
  for (const std::size_t n : {1u, 2u, 7u, 50u, 1000u}) {
    const std::vector<double> cube = crisis::io::latin_hypercube(n, 3, 42);
    REQUIRE(cube.size() == n * 3);
    for (std::size_t j = 0; j < 3; ++j) {
      std::vector<int> hits(n, 0);
      for (std::size_t i = 0; i < n; ++i) {
        const double u = cube[i * 3 + j];
        REQUIRE(u >= 0.0);
        REQUIRE(u < 1.0);
        ++hits[stratum_of(u, n)];
      }
      INFO("n = " << n << ", dimension " << j);
      CHECK(std::all_of(hits.begin(), hits.end(), [](int h) { return h == 1; }));
    }
  }
}

TEST_CASE("a Latin hypercube is the same for the same seed and differs for another") {
  CHECK(crisis::io::latin_hypercube(20, 2, 7) == crisis::io::latin_hypercube(20, 2, 7));
  CHECK(crisis::io::latin_hypercube(20, 2, 7) != crisis::io::latin_hypercube(20, 2, 8));
  // Dimensions have their own streams: adding one leaves the others' coordinates alone.
  const auto two = crisis::io::latin_hypercube(20, 2, 7);
  const auto three = crisis::io::latin_hypercube(20, 3, 7);
  for (std::size_t i = 0; i < 20; ++i) {
    CHECK(two[i * 2] == three[i * 3]);
    CHECK(two[i * 2 + 1] == three[i * 3 + 1]);
  }
}

TEST_CASE("hypercube points cover each parameter's range with one point per stratum") {
  TemporaryFolder folder;
  const std::string file = folder.write("lhs.yaml",
                                        "scenario: " + kBaseline + "\n"
                                        "design: {latin_hypercube: {points: 10, seed: 3}}\n"
                                        "parameters:\n"
                                        "  facilities.emergency_department.handoff_min.mean: {from: 60, to: 360}\n"
                                        "  residents.engagement.rate_multiplier: {from: 0.3, to: 1.0}\n");
  const auto definition = crisis::io::load_sweep_definition(file);
  const crisis::io::SweepPoints points(definition);
  REQUIRE(points.size() == 10);
  std::vector<int> hits_handoff(10, 0);
  std::vector<int> hits_rate(10, 0);
  for (std::size_t p = 0; p < 10; ++p) {
    const auto values = points.point(p);
    REQUIRE(values[0].is_number());
    CHECK(values[0].number >= 60.0);
    CHECK(values[0].number < 360.0);
    CHECK(values[1].number >= 0.3);
    CHECK(values[1].number < 1.0);
    ++hits_handoff[std::min<std::size_t>(9, static_cast<std::size_t>((values[0].number - 60.0) / 30.0 + 1e-12))];
    ++hits_rate[std::min<std::size_t>(9, static_cast<std::size_t>((values[1].number - 0.3) / 0.07 + 1e-12))];
  }
  CHECK(std::all_of(hits_handoff.begin(), hits_handoff.end(), [](int h) { return h == 1; }));
  CHECK(std::all_of(hits_rate.begin(), hits_rate.end(), [](int h) { return h == 1; }));
  // Checked before a run: point 0 and the points holding each parameter's extremes.
  CHECK(points.check_points().size() <= 5);
  CHECK(points.check_points().front() == 0);
}

TEST_CASE("a sweep writes one row per point and replication and a points.csv of means and intervals") {
  TemporaryFolder folder;
  const std::string file = folder.write("grid.yaml", small_grid());
  const fs::path out = folder.path() / "out";
  const CliResult result = run_cli({"sweep", file, "--out", out.string(), "--threads", "2", "--quiet"});
  INFO("stderr: " << result.err);
  REQUIRE(result.code == 0);
  CHECK(result.out.find("sweep small_grid: 6 points") != std::string::npos);
  CHECK(result.out.find("18 rows: 18 run now, 0 resumed") != std::string::npos);
  CHECK(result.err.empty());  // --quiet

  const auto dump = crisis::io::dump_sweep_database((out / "sweep.sqlite").string());
  CHECK(dump.results.size() == 18);
  CHECK(dump.points.size() == 6);
  REQUIRE(dump.sweep.size() == 1);
  CHECK(dump.result_columns ==
        std::vector<std::string>{"point", "replication", "seed", "crisis_calls", "response_min.mean", "share_past_target", "utilisation.patrol"});
  CHECK(dump.results.front().rfind("0|0|20261127|", 0) == 0);  // the scenario's seed, shared by every point
  CHECK(dump.points[4] == "4|0.9|22|3|");  // parameters, replications run, precision_met (none)

  const std::string csv = read_text(out / "points.csv");
  std::istringstream lines(csv);
  std::string header;
  std::getline(lines, header);
  CHECK(header ==
        "point,crises.triage_accuracy,unit_types[0].roster.shifts[1].units,replications,crisis_calls.mean,crisis_calls.ci95_low,"
        "crisis_calls.ci95_high,response_min.mean.mean,response_min.mean.ci95_low,response_min.mean.ci95_high,share_past_target.mean,"
        "share_past_target.ci95_low,share_past_target.ci95_high,utilisation.patrol.mean,utilisation.patrol.ci95_low,"
        "utilisation.patrol.ci95_high");
  std::vector<std::string> rows;
  for (std::string line; std::getline(lines, line);) rows.push_back(line);
  REQUIRE(rows.size() == 6);
  CHECK(rows[0].rfind("0,0.6,18,3,", 0) == 0);
  CHECK(rows[5].rfind("5,0.9,26,3,", 0) == 0);
  // Common random numbers: every point runs replication r with the sweep's one seed.
  for (const std::string& row : dump.results) CHECK(row.find("|20261127|") != std::string::npos);
  // Nothing half-written is left beside the results.
  for (const auto& entry : fs::directory_iterator(out)) CHECK(entry.path().filename().string().find(".partial-") == std::string::npos);
}

TEST_CASE("sweep results are byte-identical whatever the thread count") {
  TemporaryFolder folder;
  const std::string file = folder.write("grid.yaml", small_grid());
  std::vector<std::string> csvs;
  std::vector<std::vector<std::string>> rows;
  for (const char* threads : {"1", "3"}) {
    const fs::path out = folder.path() / (std::string("out-") + threads);
    const CliResult result = run_cli({"sweep", file, "--out", out.string(), "--threads", threads, "--quiet"});
    INFO("stderr: " << result.err);
    REQUIRE(result.code == 0);
    csvs.push_back(read_text(out / "points.csv"));
    rows.push_back(crisis::io::dump_sweep_database((out / "sweep.sqlite").string()).results);
  }
  CHECK(csvs[0] == csvs[1]);
  CHECK(rows[0] == rows[1]);
}

TEST_CASE("a sweep stopped after some rows resumes to exactly the rows of an uninterrupted run") {
  TemporaryFolder folder;
  const auto definition = crisis::io::load_sweep_definition(folder.write("grid.yaml", small_grid()));
  crisis::io::SweepOptions whole;
  whole.out_dir = (folder.path() / "whole").string();
  whole.threads = 2;
  const auto full = crisis::io::run_sweep(definition, registry(), whole);
  REQUIRE(full.completed);
  REQUIRE(full.rows_total == 18);

  crisis::io::SweepOptions interrupted = whole;
  interrupted.out_dir = (folder.path() / "resumed").string();
  interrupted.stop_after_rows = 7;
  const auto stopped = crisis::io::run_sweep(definition, registry(), interrupted);
  CHECK_FALSE(stopped.completed);
  CHECK(crisis::io::count_sweep_rows((folder.path() / "resumed" / "sweep.sqlite").string()) == 7);
  CHECK_FALSE(fs::exists(folder.path() / "resumed" / "points.csv"));  // only a complete sweep has one

  interrupted.stop_after_rows = 0;
  interrupted.threads = 1;  // a different thread count on restart changes nothing
  const auto resumed = crisis::io::run_sweep(definition, registry(), interrupted);
  CHECK(resumed.completed);
  CHECK(resumed.rows_resumed == 7);
  CHECK(resumed.rows_run == 11);

  const auto a = crisis::io::dump_sweep_database((folder.path() / "whole" / "sweep.sqlite").string());
  const auto b = crisis::io::dump_sweep_database((folder.path() / "resumed" / "sweep.sqlite").string());
  CHECK(a.results == b.results);
  CHECK(a.points == b.points);
  CHECK(a.sweep == b.sweep);
  CHECK(read_text(folder.path() / "whole" / "points.csv") == read_text(folder.path() / "resumed" / "points.csv"));
}

TEST_CASE("a sweep killed with SIGKILL resumes to exactly the rows of an uninterrupted run") {
  TemporaryFolder folder;
  // Long enough (about 60 replications of 25 days on one thread) to be killed in the middle.
  const std::string file = folder.write("kill.yaml",
                                        "scenario: " + kBaseline + "\n"
                                        "set: {run.horizon_days: 20, run.warmup_days: 5}\n"
                                        "parameters:\n"
                                        "  crises.triage_accuracy: [0.6, 0.8, 1.0]\n"
                                        "  unit_types[0].roster.shifts[0].units: [16, 20]\n"
                                        "replications: 10\n"
                                        "measures: [crisis_calls, response_min.mean, per_1000.arrest]\n");
  const fs::path killed = folder.path() / "killed";
  const std::string database = (killed / "sweep.sqlite").string();
  std::uint64_t rows_at_kill = 0;
  int kills = 0;
  for (int attempt = 0; attempt < 3; ++attempt) {
    Child child({"sweep", file, "--out", killed.string(), "--threads", "1", "--quiet"});
    // Kill it once it has committed a few more rows than it found.
    const std::uint64_t start = crisis::io::count_sweep_rows(database);
    const auto deadline = Clock::now() + std::chrono::seconds(60);
    while (!child.finished() && crisis::io::count_sweep_rows(database) < start + 4 && Clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    if (child.finished()) break;
    child.kill_now();
    CHECK(child.killed_by_sigkill());
    ++kills;
    rows_at_kill = crisis::io::count_sweep_rows(database);
  }
  INFO("rows at the last kill: " << rows_at_kill << " after " << kills << " kills");
  CHECK(kills > 0);
  CHECK(rows_at_kill < 60);  // killed part-way, not after the end
  CHECK_FALSE(fs::exists(killed / "points.csv"));

  const CliResult resumed = run_cli({"sweep", file, "--out", killed.string(), "--threads", "2", "--quiet"});
  INFO("stderr: " << resumed.err);
  REQUIRE(resumed.code == 0);
  CHECK(resumed.out.find("resumed from an earlier run") != std::string::npos);
  const CliResult whole = run_cli({"sweep", file, "--out", (folder.path() / "whole").string(), "--threads", "2", "--quiet"});
  REQUIRE(whole.code == 0);

  const auto a = crisis::io::dump_sweep_database((folder.path() / "whole" / "sweep.sqlite").string());
  const auto b = crisis::io::dump_sweep_database(database);
  CHECK(a.results.size() == 60);
  CHECK(a.results == b.results);  // no row missing, none twice, none torn
  CHECK(a.points == b.points);
  CHECK(a.sweep == b.sweep);
  CHECK(read_text(folder.path() / "whole" / "points.csv") == read_text(killed / "points.csv"));
}

TEST_CASE("a database that holds a different sweep is refused with exit code 2") {
  TemporaryFolder folder;
  const std::string file = folder.write("grid.yaml", small_grid());
  const fs::path out = folder.path() / "out";
  REQUIRE(run_cli({"sweep", file, "--out", out.string(), "--quiet"}).code == 0);
  const CliResult again = run_cli({"sweep", file, "--out", out.string(), "--quiet"});
  CHECK(again.code == 0);  // the same sweep: nothing left to do
  CHECK(again.out.find("18 rows: 0 run now, 18 resumed") != std::string::npos);

  const CliResult other_seed = run_cli({"sweep", file, "--out", out.string(), "--seed", "9", "--quiet"});
  CHECK(other_seed.code == 2);
  CHECK(other_seed.err.find("sweep.sqlite: seed: the database holds a different sweep: 20261127 there, 9 now") != std::string::npos);
  CHECK(other_seed.err.find("use another --out folder") != std::string::npos);

  (void)folder.write("grid.yaml", small_grid("seed: 9\n"));
  const CliResult other_file = run_cli({"sweep", file, "--out", out.string(), "--quiet"});
  CHECK(other_file.code == 2);
  CHECK(other_file.err.find("holds a different sweep") != std::string::npos);
}

TEST_CASE("a bad sweep file gives exit code 2 naming file, line, column and field") {
  TemporaryFolder folder;
  SUBCASE("a grid range without step or count") {
    const std::string file = folder.write("bad.yaml",
                                          "scenario: " + kBaseline + "\n"
                                          "parameters:\n"
                                          "  crises.triage_accuracy: {from: 0.5, to: 0.9}\n");
    const CliResult result = run_cli({"sweep", file, "--out", (folder.path() / "out").string()});
    CHECK(result.code == 2);
    CHECK(result.err.find(file + ":3:27: parameters.crises.triage_accuracy: a grid range needs step or count") != std::string::npos);
  }
  SUBCASE("a misspelt key, with a suggestion") {
    const std::string file = folder.write("bad.yaml", small_grid("replicatons: 4\n"));
    const CliResult result = run_cli({"sweep", file, "--out", (folder.path() / "out").string()});
    CHECK(result.code == 2);
    CHECK(result.err.find(file + ":9:1: replicatons: unknown key (did you mean 'replications'?)") != std::string::npos);
  }
  SUBCASE("a value the scenario rejects points at the parameter and names the sweep point") {
    const std::string file = folder.write("bad.yaml",
                                          "scenario: " + kBaseline + "\n"
                                          "parameters:\n"
                                          "  unit_types[0].roster.shifts[1].units: [20]\n"
                                          "  crises.triage_accuracy: [0.8, 1.5]\n");
    const CliResult result = run_cli({"sweep", file, "--out", (folder.path() / "out").string()});
    CHECK(result.code == 2);
    CHECK(result.err.find(file + ":4:3: parameters.crises.triage_accuracy: ") != std::string::npos);
    CHECK(result.err.find("expected a number from 0 to 1, got \"1.5\"") != std::string::npos);
    CHECK(result.err.find("(at sweep point 1: unit_types[0].roster.shifts[1].units=20, crises.triage_accuracy=1.5)") != std::string::npos);
    CHECK_FALSE(fs::exists(folder.path() / "out" / "sweep.sqlite"));  // checked before anything is written
  }
  SUBCASE("the seed cannot be a parameter") {
    const std::string file = folder.write("bad.yaml", "scenario: " + kBaseline + "\nparameters:\n  run.seed: [1, 2]\n");
    const CliResult result = run_cli({"sweep", file, "--out", (folder.path() / "out").string()});
    CHECK(result.code == 2);
    CHECK(result.err.find(file + ":3:3: parameters.run.seed: is set by the sweep itself") != std::string::npos);
  }
  SUBCASE("a hypercube needs ranges") {
    const std::string file = folder.write("bad.yaml",
                                          "scenario: " + kBaseline + "\n"
                                          "design: {latin_hypercube: {points: 5}}\n"
                                          "parameters:\n"
                                          "  crises.triage_accuracy: [0.6, 0.8]\n");
    const CliResult result = run_cli({"sweep", file, "--out", (folder.path() / "out").string()});
    CHECK(result.code == 2);
    CHECK(result.err.find(file + ":4:27: parameters.crises.triage_accuracy: latin_hypercube samples ranges") != std::string::npos);
  }
  SUBCASE("a base scenario that is not there") {
    const std::string file = folder.write("bad.yaml", "scenario: nowhere.yaml\nparameters: {crises.triage_accuracy: [0.6]}\n");
    const CliResult result = run_cli({"sweep", file, "--out", (folder.path() / "out").string()});
    CHECK(result.code == 2);
    CHECK(result.err.find(file + ":1:11: scenario: no scenario file at ") != std::string::npos);
  }
  SUBCASE("an unknown measure, with a suggestion") {
    const std::string file = folder.write("bad.yaml", small_grid() + "precision: {measures: {response_min.maen: 5%}}\n");
    const CliResult result = run_cli({"sweep", file, "--out", (folder.path() / "out").string()});
    CHECK(result.code == 2);
    CHECK(result.err.find(file + ":9:24: precision.measures.response_min.maen: not a result column of this sweep (did you mean "
                                 "'response_min.mean'?)") != std::string::npos);
  }
}

TEST_CASE("precision adds replications in batches until each point's interval is narrow enough, up to the cap") {
  TemporaryFolder folder;
  const std::string file = folder.write("precise.yaml", small_grid("precision: {measures: {response_min.mean: 8%}, batch: 2, max_replications: 9}\n"));
  const fs::path out = folder.path() / "out";
  const CliResult result = run_cli({"sweep", file, "--out", out.string(), "--quiet"});
  INFO("stderr: " << result.err);
  REQUIRE(result.code == 0);
  const auto dump = crisis::io::dump_sweep_database((out / "sweep.sqlite").string());
  REQUIRE(dump.points.size() == 6);
  std::size_t total = 0;
  for (const std::string& point : dump.points) {
    // point|accuracy|units|replications|precision_met
    std::vector<std::string> fields;
    std::istringstream split(point);
    for (std::string field; std::getline(split, field, '|');) fields.push_back(field);
    REQUIRE(fields.size() == 5);
    const int replications = std::stoi(fields[3]);
    const bool met = fields[4] == "1";
    CHECK((replications == 3 || replications == 5 || replications == 7 || replications == 9));
    // The recorded count matches the rows, and the rule: stop at the first batch that meets the
    // target, or at the cap.
    std::vector<double> response;
    for (const std::string& row : dump.results) {
      if (row.rfind(fields[0] + "|", 0) != 0) continue;
      std::vector<std::string> cells;
      std::istringstream cut(row);
      for (std::string cell; std::getline(cut, cell, '|');) cells.push_back(cell);
      response.push_back(std::stod(cells[4]));
    }
    CHECK(response.size() == static_cast<std::size_t>(replications));
    const auto within = [&](std::size_t n) {
      const auto s = crisis::engine::summarize_replications(std::span<const double>(response.data(), n));
      return s.half_width <= 0.08 * std::abs(s.mean);
    };
    CHECK(met == within(response.size()));
    for (std::size_t n = 3; n < response.size(); n += 2) CHECK_FALSE(within(n));
    if (!met) CHECK(replications == 9);
    total += response.size();
  }
  CHECK(dump.results.size() == total);
  CHECK(read_text(out / "points.csv").find(",replications,precision_met,") != std::string::npos);
}

TEST_CASE("MSER-5 truncates an initial transient and leaves a stationary series alone") {
  // A deterministic wobble around 10 (no random numbers needed), after 40 days that start
  // high and decay.
  std::vector<double> daily;
  for (int d = 0; d < 200; ++d) {
    const double noise = 0.8 * std::sin(1.7 * d) + 0.5 * std::cos(0.9 * d * d);
    daily.push_back(10.0 + noise + (d < 40 ? 12.0 * (40 - d) / 40.0 : 0.0));
  }
  const auto transient = crisis::io::mser5(daily);
  CHECK(transient.batch_means.size() == 40);
  CHECK(transient.reliable);
  // The bias is gone by day 40; MSER cuts near there (5-day batches, noise after it).
  CHECK(transient.recommended_warmup_days >= 30.0);
  CHECK(transient.recommended_warmup_days <= 60.0);

  std::vector<double> flat(daily.begin() + 40, daily.end());
  const auto stationary = crisis::io::mser5(flat);
  CHECK(stationary.recommended_warmup_days < 40.0);

  const auto short_series = crisis::io::mser5(std::vector<double>(12, 1.0));
  CHECK_FALSE(short_series.reliable);  // two batches say nothing
}

TEST_CASE("warm-up advice follows the chosen measure day by day from an empty start") {
  TemporaryFolder folder;
  const std::string file = folder.write("advice.yaml", small_grid("warmup_advice: {measure: crisis_calls, days: 40}\n"));
  const auto definition = crisis::io::load_sweep_definition(file);
  const auto advice = crisis::io::warmup_advice(definition, registry());
  CHECK(advice.measure == "crisis_calls");
  REQUIRE(advice.daily.size() == 40);
  CHECK(advice.batch_means.size() == 8);
  CHECK(advice.mser.size() == 5);
  CHECK(advice.scenario_warmup_days == 1.0);  // the sweep's set: run.warmup_days
  // About 30 crisis calls a day in the baseline city.
  double sum = 0.0;
  for (double v : advice.daily) sum += v;
  CHECK(sum / 40.0 > 20.0);
  CHECK(sum / 40.0 < 40.0);

  const CliResult result = run_cli({"sweep", file, "--out", (folder.path() / "out").string(), "--quiet"});
  REQUIRE(result.code == 0);
  CHECK(result.out.find("warm-up advice (MSER-5 on crisis_calls by day, one 40-day replication") != std::string::npos);
  CHECK(fs::is_regular_file(folder.path() / "out" / "warmup_advice.json"));
}

TEST_CASE("every key the sweep reader accepts is documented in docs/sweeps.md") {
  TemporaryFolder folder;
  // A sweep that uses every key.
  const std::string file = folder.write("all.yaml",
                                        "name: all\n"
                                        "description: every key\n"
                                        "scenario: " + kBaseline + "\n"
                                        "set: {run.horizon_days: 3}\n"
                                        "design: {latin_hypercube: {points: 4, seed: 2}}\n"
                                        "parameters:\n"
                                        "  crises.triage_accuracy: {from: 0.5, to: 0.9}\n"
                                        "  unit_types[0].roster.shifts[1].units: {from: 18, to: 26, integer: true}\n"
                                        "replications: 2\n"
                                        "seed: 4\n"
                                        "measures: [response_min.mean]\n"
                                        "precision: {measures: {response_min.mean: 5%}, batch: 2, max_replications: 4}\n"
                                        "warmup_advice: {measure: response_min.mean, days: 30}\n");
  const auto definition = crisis::io::load_sweep_definition(file);
  const std::string grid = folder.write("grid.yaml", small_grid());
  auto keys = definition.known_keys;
  const auto grid_keys = crisis::io::load_sweep_definition(grid).known_keys;
  keys.insert(grid_keys.begin(), grid_keys.end());
  const std::string docs = read_text(kSourceDir + "/docs/sweeps.md");
  REQUIRE_FALSE(docs.empty());
  for (const std::string& key : keys) {
    INFO("key: " << key);
    CHECK(docs.find("`" + key + "`") != std::string::npos);
  }
  // And the hypercube's integer rounding kept whole numbers.
  const crisis::io::SweepPoints points(definition);
  for (std::size_t p = 0; p < points.size(); ++p) CHECK(points.point(p)[1].number == std::round(points.point(p)[1].number));
}
