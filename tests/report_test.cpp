// crisis-sim report (docs/report.md): reports made from real run, compare, sweep and size
// outputs of shipped scenarios hold the charts and the numbers behind them, are the same bytes
// when made twice, load nothing from the network, and bad results folders give exit code 2
// with no report written. tests/report_browser_check.sh opens reports in headless Chromium.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "report/report.hpp"
#include "test_support.hpp"

namespace {

using crisis::testing::CliResult;
using crisis::testing::TemporaryFolder;
CliResult run(const std::vector<std::string>& arguments) { return crisis::testing::run_cli_captured(arguments); }

namespace fs = std::filesystem;

const std::string kSourceDir = CRISIS_SOURCE_DIR;
const std::string kBaseline = kSourceDir + "/scenarios/baseline_police.yaml";
const std::vector<std::string> kShort = {"--horizon-days", "7", "--warmup-days", "2", "--replications", "3",
                                         "--threads",      "2", "--quiet"};

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<std::string> with(std::vector<std::string> arguments, const std::vector<std::string>& extra) {
  arguments.insert(arguments.end(), extra.begin(), extra.end());
  return arguments;
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

std::size_t count(const std::string& text, const std::string& part) {
  std::size_t n = 0;
  for (std::size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + part.size())) ++n;
  return n;
}

/// A report of `results` into `output`; REQUIREs success.
std::string make_report(const fs::path& results, const fs::path& output) {
  const CliResult result = run({"report", results.string(), "-o", output.string()});
  INFO("stderr: " << result.err);
  REQUIRE(result.code == 0);
  CHECK(contains(result.out, "report of "));
  REQUIRE(fs::is_regular_file(output));
  return read_file(output);
}

/// What every report must be: one HTML page with plotly.js inlined and nothing fetched.
void check_self_contained(const std::string& html) {
  CHECK(html.rfind("<!DOCTYPE html>", 0) == 0);
  CHECK(contains(html, "plotly.js v"));  // the library's own header comment, inlined
  CHECK(contains(html, "Plotly.newPlot"));
  // Outside the inlined library (whose own text mentions links and its CDN), nothing refers
  // to another file or address.
  const std::size_t library = html.find("<script>\n/**\n* plotly.js");
  const std::size_t library_end = html.find("</script>\n</head>");
  REQUIRE(library != std::string::npos);
  REQUIRE(library_end != std::string::npos);
  const std::string page = html.substr(0, library) + html.substr(library_end);
  CHECK_FALSE(contains(page, "<script src"));
  CHECK_FALSE(contains(page, "<link"));
  CHECK_FALSE(contains(page, "http:"));
  CHECK_FALSE(contains(page, "https:"));
  CHECK(count(html, "<script") == 2);  // the library, then the figures
  // Each chart div has its figure, and no figure lacks its div.
  CHECK(count(html, "<div class=\"chart\" id=\"chart-") == count(html, "{\"id\":\"chart-"));
}

/// "mean [low, high]" as the report writes it, for values between 1 and 100.
std::string two_decimals(double value) { return fmt::format("{:.2f}", value); }

}  // namespace

TEST_CASE(
    "a run report shows the run's measures, provenance, heat maps and response-time distribution, the same bytes "
    "twice") {
  TemporaryFolder folder("report-run");
  const fs::path out = folder.path() / "run";
  const CliResult simulated = run(with({"run", kBaseline, "--calls", "--out", out.string()}, kShort));
  INFO("stderr: " << simulated.err);
  REQUIRE(simulated.code == 0);
  const std::string html = make_report(out, folder.path() / "report.html");
  check_self_contained(html);
  const nlohmann::json summary = nlohmann::json::parse(read_file(out / "summary.json"));
  // Provenance: scenario, hash, seed, replications, version.
  CHECK(contains(html, "baseline_police"));
  CHECK(contains(html, summary["scenario"]["hash"].get<std::string>()));
  CHECK(contains(html, "<td>" + summary["seed"].dump() + "</td>"));
  CHECK(contains(html, "<td>3</td>"));
  CHECK(contains(html, "crisis-sim " + summary["crisis_sim_version"].get<std::string>()));
  // The table behind the response chart carries summary.json's mean and interval.
  const auto& response = summary["measures"]["response_min.mean"];
  CHECK(contains(html, two_decimals(response["mean"].get<double>()) + " [" +
                           two_decimals(response["ci95_low"].get<double>()) + ", " +
                           two_decimals(response["ci95_high"].get<double>()) + "]"));
  CHECK(contains(html, "Outcomes per 1,000 crisis calls"));
  CHECK(contains(html, "Distribution of crisis response times"));  // calls.csv was written
  CHECK(count(html, "\"type\":\"heatmap\"") == 1);                 // baseline: one unit type, patrol
  CHECK(contains(html, "Equity"));
  CHECK(contains(html, "By zone"));
  // Deterministic: the same results give the same bytes.
  CHECK(make_report(out, folder.path() / "again.html") == html);
  // The default output is RESULTS_DIR/report.html.
  REQUIRE(run({"report", out.string(), "--quiet"}).code == 0);
  CHECK(read_file(out / "report.html") == html);
}

TEST_CASE("a run report with resident groups shows the equity measures by group") {
  TemporaryFolder folder("report-groups");
  const fs::path out = folder.path() / "run";
  REQUIRE(run(with({"run", kBaseline, "--out", out.string(), "--set",
                    "residents.groups=[{name: housed, share: 0.8}, {name: unhoused, share: 0.2, rate_multiplier: 3}]"},
                   kShort))
              .code == 0);
  const std::string html = crisis::io::report_html(out.string(), "/* Plotly newPlot stand-in */");
  const nlohmann::json summary = nlohmann::json::parse(read_file(out / "summary.json"));
  CHECK(contains(html, "<h3>By group</h3>"));
  CHECK(contains(html, "mean response (min) by group"));
  // The group table's row carries each measure's mean and interval.
  const auto& arrests = summary["measures"]["group.unhoused.per_1000.arrest"];
  REQUIRE(arrests["mean"].is_number());
  CHECK(contains(html, "<tr><th>unhoused</th><td>"));
  const double mean = arrests["mean"].get<double>();
  CHECK(contains(html, fmt::format("{:.{}f}", mean, mean >= 100 ? 1 : mean >= 1 ? 2 : 3) + " ["));
}

TEST_CASE("utilisation_by_hour.csv adds up to each unit type's utilisation measure") {
  TemporaryFolder folder("report-utilisation");
  const fs::path out = folder.path() / "run";
  REQUIRE(run(with({"run", kBaseline, "--out", out.string()}, kShort)).code == 0);
  const nlohmann::json summary = nlohmann::json::parse(read_file(out / "summary.json"));
  std::ifstream csv(out / "utilisation_by_hour.csv");
  std::string line;
  std::getline(csv, line);
  CHECK(line ==
        "unit_type,hour_of_week,day,hour,on_duty_unit_hours,busy_unit_hours.mean,utilisation.mean,utilisation.ci95_low,"
        "utilisation.ci95_high");
  std::map<std::string, std::pair<double, double>> totals;  // unit type: busy, on duty
  int rows = 0;
  while (std::getline(csv, line)) {
    std::vector<std::string> fields;
    std::stringstream stream(line);
    for (std::string field; std::getline(stream, field, ',');) fields.push_back(field);
    REQUIRE(fields.size() >= 6);
    totals[fields[0]].first += std::stod(fields[5]);
    totals[fields[0]].second += std::stod(fields[4]);
    ++rows;
  }
  CHECK(rows == 168 * static_cast<int>(totals.size()));
  REQUIRE(totals.count("patrol") == 1);
  // Named references, not structured bindings: clang 14 (the ASan and fuzz build) cannot
  // capture a binding in the lambda doctest's INFO expands to.
  for (const auto& entry : totals) {
    const std::string& type = entry.first;
    const std::pair<double, double>& sums = entry.second;
    INFO(type);
    // On-duty time is the roster's, the same in every replication, so the mean of busy
    // shares is the share of mean busy time.
    const double measure = summary["measures"]["utilisation." + type]["mean"].get<double>();
    CHECK(sums.first / sums.second == doctest::Approx(measure).epsilon(1e-9));
    // 7 days of the roster: baseline patrol has between 4 and 30 cars on duty at any hour.
    CHECK(sums.second > 7 * 24 * 4);
  }
}

TEST_CASE("a compare report shows every variant, paired changes and officer hours freed") {
  TemporaryFolder folder("report-compare");
  const fs::path out = folder.path() / "compare";
  const CliResult simulated =
      run(with({"compare", kSourceDir + "/scenarios/eugene_cahoots.yaml", "--out", out.string()}, kShort));
  INFO("stderr: " << simulated.err);
  REQUIRE(simulated.code == 0);
  const std::string html = make_report(out, folder.path() / "compare.html");
  check_self_contained(html);
  const nlohmann::json comparison = nlohmann::json::parse(read_file(out / "comparison.json"));
  REQUIRE(comparison["variants"].size() >= 2);
  for (const auto& variant : comparison["variants"]) {
    INFO(variant["name"]);
    CHECK(contains(html, "\"name\":\"" + variant["name"].get<std::string>() + "\""));  // a trace per variant
    CHECK(contains(html, variant["scenario_hash"].get<std::string>()));
  }
  CHECK(contains(html, "Officer hours freed against " + comparison["reference"].get<std::string>()));
  CHECK(contains(html, "paired: mean [95% interval]"));
  // A heat map per variant and unit type with anyone on duty (police_only keeps the van type
  // with no vans on duty).
  std::size_t heat_maps = 0;
  for (const auto& variant : comparison["variants"]) {
    std::ifstream csv(out / variant["name"].get<std::string>() / "utilisation_by_hour.csv");
    std::string line;
    std::getline(csv, line);
    std::map<std::string, double> on_duty;
    while (std::getline(csv, line)) {
      std::vector<std::string> fields;
      std::stringstream stream(line);
      for (std::string field; std::getline(stream, field, ',');) fields.push_back(field);
      REQUIRE(fields.size() >= 5);
      on_duty[fields[0]] += std::stod(fields[4]);
    }
    for (const auto& [type, hours] : on_duty) heat_maps += hours > 0 ? 1 : 0;
  }
  CHECK(heat_maps >= comparison["variants"].size());
  CHECK(count(html, "\"type\":\"heatmap\"") == heat_maps);
  CHECK(contains(html, "run with --calls"));  // no calls.csv: the note says how to get the distribution
}

TEST_CASE("a sweep report draws each measure against the swept parameters") {
  TemporaryFolder folder("report-sweep");
  const fs::path out = folder.path() / "sweep";
  const CliResult simulated =
      run({"sweep", kSourceDir + "/scenarios/sweeps/triage_x_staffing.yaml", "--out", out.string(), "--horizon-days",
           "5", "--replications", "2", "--threads", "2", "--quiet"});
  INFO("stderr: " << simulated.err);
  REQUIRE(simulated.code == 0);
  crisis::io::ReportSummary summary;
  const std::string html =
      crisis::io::report_html(out.string(), read_file("/usr/share/python3-plotly/plotly.js"), &summary);
  CHECK(summary.kind == crisis::io::ResultsKind::sweep);
  check_self_contained(html);
  CHECK(summary.charts == 11);  // the sweep file's 11 result columns
  CHECK(contains(html, "crises.triage_accuracy"));
  CHECK(contains(html, "unit_types[0].roster.shifts[1].units = 22"));  // a line per value of the second parameter
  CHECK(contains(html, "Points</th><td>9</td>"));
}

TEST_CASE("a size report draws the cost and service frontier with the chosen mix marked") {
  TemporaryFolder folder("report-size");
  const fs::path out = folder.path() / "size";
  const CliResult simulated = run({"size", kSourceDir + "/scenarios/sizing/baseline_police.yaml", "--out", out.string(),
                                   "--horizon-days", "7", "--replications", "3", "--threads", "2", "--quiet"});
  INFO("stderr: " << simulated.err);
  REQUIRE(simulated.code == 0);
  const std::string html = make_report(out, folder.path() / "size.html");
  check_self_contained(html);
  const nlohmann::json sizing = nlohmann::json::parse(read_file(out / "sizing.json"));
  CHECK(contains(html, "Cost and service frontier"));
  CHECK(contains(html, "\"symbol\":\"star\""));
  // One chart for the objective and one per target.
  CHECK(count(html, "against staff cost") == 1 + sizing["targets"].size());
  const std::size_t rows = sizing["frontier"].size();
  CHECK(count(html, "<tr><th>#") == rows);  // every simulated mix in the table
  if (sizing["feasible"].get<bool>()) CHECK(contains(html, "<td>chosen</td>"));
}

TEST_CASE(
    "report refuses a missing folder, a folder without results and corrupt results with exit code 2 and writes "
    "nothing") {
  TemporaryFolder folder("report-bad");
  const fs::path output = folder.path() / "report.html";
  SUBCASE("missing folder") {
    const CliResult result = run({"report", (folder.path() / "nowhere").string(), "-o", output.string()});
    CHECK(result.code == 2);
    CHECK(contains(result.err, "nowhere: RESULTS_DIR: no such folder"));
  }
  SUBCASE("a folder without results") {
    fs::create_directories(folder.path() / "empty");
    const CliResult result = run({"report", (folder.path() / "empty").string(), "-o", output.string()});
    CHECK(result.code == 2);
    CHECK(contains(result.err, "holds no crisis-sim results: expected summary.json (run), comparison.json (compare)"));
  }
  SUBCASE("a summary.json cut short") {
    const fs::path out = folder.path() / "run";
    REQUIRE(run(with({"run", kBaseline, "--out", out.string()}, kShort)).code == 0);
    const std::string text = read_file(out / "summary.json");
    std::ofstream(out / "summary.json", std::ios::binary | std::ios::trunc) << text.substr(0, 300);
    const CliResult result = run({"report", out.string(), "-o", output.string()});
    CHECK(result.code == 2);
    CHECK(contains(result.err, (out / "summary.json").string() + ":"));
    CHECK(contains(result.err, "not valid JSON"));
  }
  SUBCASE("a summary.json without its measures") {
    const fs::path out = folder.path() / "run";
    REQUIRE(run(with({"run", kBaseline, "--out", out.string()}, kShort)).code == 0);
    nlohmann::ordered_json summary = nlohmann::ordered_json::parse(read_file(out / "summary.json"));
    summary["measures"]["response_min.mean"].erase("ci95_low");
    std::ofstream(out / "summary.json", std::ios::binary | std::ios::trunc) << summary.dump(2);
    const CliResult result = run({"report", out.string(), "-o", output.string()});
    CHECK(result.code == 2);
    CHECK(contains(result.err, "summary.json: measures.response_min.mean.ci95_low: missing"));
  }
  SUBCASE("a compare folder whose variant folder is gone") {
    const fs::path out = folder.path() / "compare";
    REQUIRE(run(with({"compare", kBaseline, "--models", "police_only,cit", "--out", out.string()}, kShort)).code == 0);
    fs::remove_all(out / "cit");
    const CliResult result = run({"report", out.string(), "-o", output.string()});
    CHECK(result.code == 2);
    CHECK(contains(result.err, "comparison.json names variant 'cit' but its folder has no summary.json"));
  }
  SUBCASE("a calls.csv cut mid-row") {
    const fs::path out = folder.path() / "run";
    REQUIRE(run(with({"run", kBaseline, "--calls", "--out", out.string()}, kShort)).code == 0);
    const std::string text = read_file(out / "calls.csv");
    std::ofstream(out / "calls.csv", std::ios::binary | std::ios::trunc) << text.substr(0, text.size() / 2);
    const CliResult result = run({"report", out.string(), "-o", output.string()});
    CHECK(result.code == 2);
    CHECK(contains(result.err, "calls.csv:"));
    CHECK(contains(result.err, "was the file cut short?"));
  }
  SUBCASE("a sweep.sqlite that is not a database") {
    fs::create_directories(folder.path() / "sweep");
    std::ofstream(folder.path() / "sweep" / "sweep.sqlite", std::ios::binary) << "not a database, just text\n";
    const CliResult result = run({"report", (folder.path() / "sweep").string(), "-o", output.string()});
    CHECK(result.code == 2);
    CHECK(contains(result.err, "sweep.sqlite: not a readable crisis-sim sweep database"));
  }
  SUBCASE("a sizing.json without its frontier") {
    const fs::path out = folder.path() / "size";
    fs::create_directories(out);
    std::ofstream(out / "sizing.json", std::ios::binary)
        << R"({"crisis_sim_version": "0.1.0", "scenario": {"name": "x", "path": "x.yaml", "hash": "0"},
      "sizing": {"path": "s.yaml", "hash": "0"}, "objective": "cost.annual", "models": [], "seed": 1, "replications": 2,
      "horizon_days": 7, "warmup_days": 1, "feasible": false, "message": "none", "targets": [], "chosen": null})";
    const CliResult result = run({"report", out.string(), "-o", output.string()});
    CHECK(result.code == 2);
    CHECK(contains(result.err, "sizing.json: frontier: missing"));
  }
  SUBCASE("plotly.js missing") {
    const fs::path out = folder.path() / "run";
    REQUIRE(run(with({"run", kBaseline, "--out", out.string()}, kShort)).code == 0);
    const CliResult result =
        run({"report", out.string(), "-o", output.string(), "--plotly-js", (folder.path() / "plotly.js").string()});
    CHECK(result.code == 2);
    CHECK(contains(result.err, "--plotly-js: plotly.js not found; install Debian's python3-plotly"));
  }
  CHECK_FALSE(fs::exists(output));
  for (const auto& entry : fs::recursive_directory_iterator(folder.path())) {
    CHECK_MESSAGE(entry.path().filename().string().find(".partial-") == std::string::npos,
                  "left behind: " << entry.path());
  }
}

TEST_CASE("names in the results cannot end the page's script or inject markup") {
  TemporaryFolder folder("report-escape");
  const fs::path out = folder.path() / "run";
  REQUIRE(run(with({"run", kBaseline, "--out", out.string()}, kShort)).code == 0);
  nlohmann::ordered_json summary = nlohmann::ordered_json::parse(read_file(out / "summary.json"));
  summary["scenario"]["name"] = "</script><script>alert(1)</script>";
  std::ofstream(out / "summary.json", std::ios::binary | std::ios::trunc) << summary.dump(2);
  const std::string html = crisis::io::report_html(out.string(), "/* Plotly newPlot stand-in */");
  CHECK_FALSE(contains(html, "<script>alert(1)"));
  CHECK(contains(html, "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;"));
  CHECK(contains(html, "\\u003c/script>\\u003cscript>alert(1)\\u003c/script>"));
}

TEST_CASE("a Latin hypercube sweep report draws each measure in one panel per parameter") {
  TemporaryFolder folder("report-lhs");
  const fs::path out = folder.path() / "sweep";
  const CliResult simulated =
      run({"sweep", kSourceDir + "/scenarios/sweeps/ed_handoff_x_engagement_lhs.yaml", "--out", out.string(),
           "--horizon-days", "3", "--replications", "2", "--max-replications", "2", "--threads", "2", "--quiet"});
  INFO("stderr: " << simulated.err);
  REQUIRE(simulated.code == 0);
  crisis::io::ReportSummary summary;
  const std::string html = crisis::io::report_html(out.string(), "/* Plotly newPlot stand-in */", &summary);
  CHECK(summary.charts == 8);                   // the sweep file's 8 result columns
  CHECK(count(html, "\"xaxis\":\"x2\"") == 8);  // the second parameter's panel in each
  CHECK(count(html, "residents.engagement.rate_multiplier") >= 8);
  CHECK(contains(html, "Points</th><td>12</td>"));
}
