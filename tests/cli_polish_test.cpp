// The command line as a newcomer meets it (issue 18): "did you mean" for commands and flags,
// `crisis-sim help COMMAND`, an example in every --help, the defaults stated, one meaning of
// -o, and tables whose every symbol is explained.
#include <doctest/doctest.h>

#include <filesystem>
#include <string>
#include <vector>


#include "experiments/compare.hpp"
#include "test_support.hpp"

namespace {

using crisis::testing::CliResult;
using crisis::testing::TemporaryFolder;
CliResult run(const std::vector<std::string>& arguments) { return crisis::testing::run_cli_captured(arguments); }
bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

const std::string kBaseline = std::string(CRISIS_SOURCE_DIR) + "/scenarios/baseline_police.yaml";
const std::vector<std::string> kCommands = {"run",  "compare", "validate", "models", "sweep",
                                            "size", "fit",     "backtest", "report", "init"};

}  // namespace

TEST_CASE("a misspelt command is named with the closest command and the list of commands") {
  const CliResult result = run({"runn", kBaseline});
  CHECK(result.code == 2);
  CHECK(contains(result.err, "error: unknown command 'runn' (did you mean 'run'?); commands: run, compare, validate"));
  CHECK(contains(result.err, "crisis-sim help COMMAND"));
  CHECK(result.out.empty());
}

TEST_CASE("crisis-sim help lists the commands and crisis-sim help CMD shows that command's flags") {
  const CliResult all = run({"help"});
  CHECK(all.code == 0);
  CHECK(contains(all.out, "compare"));
  CHECK(contains(all.out, "crisis-sim init"));
  const CliResult one = run({"help", "run"});
  CHECK(one.code == 0);
  CHECK(contains(one.out, "--replications"));
  CHECK(contains(one.out, "Examples:"));
  const CliResult bad = run({"help", "sweeep"});
  CHECK(bad.code == 2);
  CHECK(contains(bad.err, "did you mean 'sweep'?"));
}

TEST_CASE("a misspelt flag is named with the closest flag of that command") {
  const CliResult result = run({"run", kBaseline, "--replication", "3"});
  CHECK(result.code == 2);
  CHECK(contains(result.err, "error: --replication: not expected by 'run' (did you mean '--replications'?)"));
  CHECK(contains(result.err, "crisis-sim help run"));
  const CliResult with_equals = run({"compare", kBaseline, "--model=cit"});
  CHECK(with_equals.code == 2);
  CHECK(contains(with_equals.err, "--model: not expected by 'compare' (did you mean '--models'?)"));
}

TEST_CASE("every command's --help ends with an example that starts crisis-sim") {
  for (const std::string& command : kCommands) {
    INFO(command);
    const CliResult result = run({command, "--help"});
    CHECK(result.code == 0);
    CHECK(contains(result.out, "Examples:\n  crisis-sim " ));
  }
}

TEST_CASE("run --help states the defaults and names every file --out writes") {
  const CliResult result = run({"run", "--help"});
  CHECK(contains(result.out, "utilisation_by_hour.csv"));
  CHECK(contains(result.out, "(default: run.warmup_days)"));
  CHECK(contains(result.out, "(default: run.horizon_days)"));
}

TEST_CASE("compare --models with one model says that a second variant is missing") {
  const CliResult result = run({"compare", kBaseline, "--models", "police_only"});
  CHECK(result.code == 2);
  CHECK(contains(result.err, "error: --models: names one variant ('police_only'); compare needs two or more"));
  CHECK(contains(result.err, "--models police_only,cit"));
}

TEST_CASE("report -o names a folder, and a file name ending in .html still works as before") {
  const crisis::testing::TemporaryFolder folder("polish");
  const auto results = folder.path() / "results";
  REQUIRE(run({"run", kBaseline, "--horizon-days", "2", "--warmup-days", "0", "-r", "2", "-q", "-o", results.string()}).code == 0);
  const auto reports = folder.path() / "reports";
  const CliResult into_folder = run({"report", results.string(), "-o", reports.string()});
  INFO(into_folder.err);
  CHECK(into_folder.code == 0);
  CHECK(std::filesystem::is_regular_file(reports / "report.html"));
  const auto file = folder.path() / "old_style.html";
  const CliResult as_file = run({"report", results.string(), "-o", file.string()});
  CHECK(as_file.code == 0);
  CHECK(std::filesystem::is_regular_file(file));
  CHECK(contains(as_file.err, "-o names a folder now"));
}

TEST_CASE("a significant change under half a percent prints with a sign and a decimal, never as -0%") {
  CHECK(crisis::io::relative_change_text(-0.003) == "-0.3%");
  CHECK(crisis::io::relative_change_text(0.0004) == "+<0.1%");
  CHECK(crisis::io::relative_change_text(-0.0001) == "-<0.1%");
  CHECK(crisis::io::relative_change_text(0.12) == "+12%");
  CHECK(crisis::io::relative_change_text(-0.81) == "-81%");
}

TEST_CASE("the compare table keeps the currency on cost rows, cuts no variant name and explains its symbols") {
  const CliResult result = run({"compare", kBaseline, "--horizon-days", "3", "--warmup-days", "1", "-r", "3", "-q"});
  INFO(result.err);
  REQUIRE(result.code == 0);
  CHECK(contains(result.out, "Cost per crisis call (USD)"));
  CHECK(contains(result.out, "annualised from 3 days (USD)"));
  CHECK(contains(result.out, "n.s.: the 95% interval"));
  CHECK(contains(result.out, "+12%: the 95% interval of the paired difference excludes zero"));
  CHECK_FALSE(contains(result.out, " -0% "));
  CHECK(contains(result.out, " fewer_patrols "));  // 13 letters, once cut to 12
}

TEST_CASE("a run shorter than a year says its annual cost is annualised") {
  const CliResult result = run({"run", kBaseline, "--horizon-days", "7", "--warmup-days", "0", "-r", "2", "-q"});
  REQUIRE(result.code == 0);
  CHECK(contains(result.out, "Annual cost, staff, outcomes and fixed, annualised from 7 days (USD)"));
}
