// End-to-end tests of the crisis-sim command line through run_cli(), the function main()
// wraps: what each command prints, the files it writes and the exit codes it returns.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <unistd.h>

#include "test_support.hpp"
#include "app/cli.hpp"

namespace {

using crisis::testing::CliResult;
using crisis::testing::TemporaryFolder;
CliResult run(const std::vector<std::string>& arguments) { return crisis::testing::run_cli_captured(arguments); }

namespace fs = std::filesystem;

const std::string kBaseline = std::string(CRISIS_SOURCE_DIR) + "/scenarios/baseline_police.yaml";



/// The baseline shortened to a quick run: 5 counted days after 2 of warm-up, 3 replications.
std::vector<std::string> quick_run(std::vector<std::string> extra) {
  std::vector<std::string> arguments = {"run",           kBaseline, "--horizon-days", "5", "--warmup-days", "2",
                                        "--replications", "3",      "--threads",      "2"};
  arguments.insert(arguments.end(), extra.begin(), extra.end());
  return arguments;
}


}  // namespace

TEST_CASE("run prints a table of measures with 95% confidence intervals") {
  const CliResult result = run(quick_run({"--quiet"}));
  INFO("stderr: " << result.err);
  REQUIRE(result.code == 0);
  CHECK(result.out.find("95% CI") != std::string::npos);
  CHECK(result.out.find("Response time, mean (min)") != std::string::npos);
  CHECK(result.out.find("scenario baseline_police") != std::string::npos);
  CHECK(result.err.empty());  // --quiet: no timing line
}

TEST_CASE("run without --quiet reports replications and timing on stderr, not stdout") {
  const CliResult result = run(quick_run({}));
  REQUIRE(result.code == 0);
  CHECK(result.err.find("3 replications in") != std::string::npos);
  CHECK(result.out.find("replications in") == std::string::npos);
}

TEST_CASE("run with --format json prints parseable JSON with a mean and interval per measure") {
  const CliResult result = run(quick_run({"--quiet", "--format", "json"}));
  INFO("stderr: " << result.err);
  REQUIRE(result.code == 0);
  nlohmann::json summary;
  REQUIRE_NOTHROW(summary = nlohmann::json::parse(result.out));
  CHECK(summary["replications"] == 3);
  CHECK(summary["scenario"]["name"] == "baseline_police");
  REQUIRE(summary.contains("measures"));
  REQUIRE(summary["measures"].contains("response_min.mean"));
  const auto& response = summary["measures"]["response_min.mean"];
  REQUIRE(response["mean"].is_number());
  REQUIRE(response["ci95_low"].is_number());
  REQUIRE(response["ci95_high"].is_number());
  const double mean = response["mean"].get<double>();
  CHECK(mean > 0.0);
  CHECK(response["ci95_low"].get<double>() <= mean);
  CHECK(mean <= response["ci95_high"].get<double>());
}

TEST_CASE("run with --out writes summary, replications and calls and leaves no partial files") {
  TemporaryFolder folder;
  const fs::path out_dir = folder.path() / "nested" / "results";  // created when missing
  const CliResult result = run(quick_run({"--quiet", "--calls", "--out", out_dir.string()}));
  INFO("stderr: " << result.err);
  REQUIRE(result.code == 0);
  for (const char* file : {"summary.json", "replications.csv", "utilisation_by_hour.csv", "calls.csv"}) {
    INFO(file);
    CHECK(fs::is_regular_file(out_dir / file));
    CHECK(fs::file_size(out_dir / file) > 0);
  }
  int entries = 0;
  for (const auto& entry : fs::directory_iterator(out_dir)) {
    ++entries;
    INFO(entry.path().filename().string());
    CHECK(entry.path().filename().string().find(".partial-") == std::string::npos);
  }
  CHECK(entries == 4);  // and utilisation_by_hour.csv
  // summary.json is complete JSON (it is written last, so its presence means the set is whole).
  nlohmann::json summary;
  REQUIRE_NOTHROW(summary = nlohmann::json::parse(std::ifstream(out_dir / "summary.json")));
  CHECK(summary["measures"].contains("response_min.mean"));
}

TEST_CASE("validate accepts the baseline scenario and exits 0") {
  const CliResult result = run({"validate", kBaseline});
  INFO("stderr: " << result.err);
  CHECK(result.code == 0);
  CHECK(result.out.find("valid scenario 'baseline_police'") != std::string::npos);
  CHECK(result.err.empty());
}

TEST_CASE("validate rejects a bad override with exit code 2 and names the field") {
  const CliResult result = run({"validate", kBaseline, "--set", "run.replications=0"});
  CHECK(result.code == 2);
  CHECK(result.err.find("run.replications") != std::string::npos);
}

TEST_CASE("models lists police_only with its description") {
  const CliResult result = run({"models"});
  CHECK(result.code == 0);
  CHECK(result.out.find("police_only") != std::string::npos);
  CHECK(result.out.find("patrol officers answer every crisis") != std::string::npos);
}

TEST_CASE("--version prints the program name and exits 0") {
  const CliResult result = run({"--version"});
  CHECK(result.code == 0);
  CHECK(result.out.find("crisis-sim") != std::string::npos);
}

TEST_CASE("--calls without --out exits 2 with a message naming --calls") {
  const CliResult result = run(quick_run({"--quiet", "--calls"}));
  CHECK(result.code == 2);
  CHECK(result.err.find("--calls") != std::string::npos);
  CHECK(result.err.find("--out") != std::string::npos);
  CHECK(result.out.empty());
}

TEST_CASE("an unknown command exits 2 and points to --help") {
  const CliResult result = run({"simulate"});
  CHECK(result.code == 2);
  CHECK(result.err.find("--help") != std::string::npos);
}
