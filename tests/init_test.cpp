// crisis-sim init (issue 18): a scenario from a few answers that validates, runs and compares,
// with every number cited or marked ASSUMPTION.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "app/init_scenario.hpp"
#include "engine/errors.hpp"
#include "test_support.hpp"

namespace {

using crisis::testing::CliResult;
using crisis::testing::TemporaryFolder;
CliResult run(const std::vector<std::string>& arguments) { return crisis::testing::run_cli_captured(arguments); }
bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

std::string read(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

TEST_CASE("init writes a scenario that validates and whose variants compare") {
  TemporaryFolder folder("init");
  const std::string file = (folder.path() / "my_city.yaml").string();
  const CliResult written = run({"init", file, "--population", "60000", "--zones", "4", "--hours", "8-20", "--no-prompt"});
  INFO(written.err);
  REQUIRE(written.code == 0);
  CHECK(contains(written.out, "variants police_only, cit, civilian_team, mobile_crisis, crisis_line, all_models"));
  const CliResult validated = run({"validate", file});
  INFO(validated.err);
  CHECK(validated.code == 0);
  CHECK(contains(validated.out, "4 zones, 60000 residents"));
  const CliResult compared = run({"compare", file, "--horizon-days", "3", "--warmup-days", "1", "-r", "2", "-q"});
  INFO(compared.err);
  CHECK(compared.code == 0);
  CHECK(contains(compared.out, "all_models vs police_only"));
}

TEST_CASE("every number init writes cites evidence.md, a shipped scenario, or says ASSUMPTION") {
  crisis::cli::InitAnswers answers;
  answers.population = 250000;
  answers.zones = 1;
  answers.models = {"crisis_line", "civilian_team", "mobile_crisis", "cit"};
  crisis::cli::check_init_answers(answers);
  const std::string text = crisis::cli::init_scenario_yaml(answers);
  std::istringstream lines(text);
  std::string line;
  std::string comment_above;
  int checked = 0;
  // A line with a number in a mapping is covered by its own comment or the comment block above it.
  while (std::getline(lines, line)) {
    const auto hash = line.find('#');
    if (hash != std::string::npos && line.find_first_not_of(' ') == hash) {
      comment_above += line;
      continue;
    }
    const bool numeric = line.find_first_of("0123456789") != std::string::npos && line.find(':') != std::string::npos;
    const std::string own = hash == std::string::npos ? std::string() : line.substr(hash);
    const bool cited = [&](const std::string& c) {
      return contains(c, "ASSUMPTION") || contains(c, "ev §") || contains(c, "(D") || contains(c, "D)") || contains(c, "D:") || contains(c, ".yaml");
    }(own + comment_above);
    // Names, counts that define a unit type, the run's length and the hour-of-day shapes.
    const bool structural = contains(line, "seed:") || contains(line, "description:") || contains(line, "officers:") || contains(line, "clinicians:") ||
                            contains(line, "horizon_days:") || contains(line, "name:") || contains(line, "start_hour") ||
                            contains(line, "hourly") || contains(line, "{name:") || contains(line, "priority_1") ||
                            contains(line, "    - {share") || contains(line, "1.12, 1.04") || contains(line, "1.34, 1.33");
    if (numeric && !structural) {
      INFO(line);
      CHECK(cited);
      ++checked;
    }
    if (line.empty() || line.find_first_not_of(' ') == 0) comment_above.clear();
  }
  CHECK(checked > 40);
  CHECK(contains(text, "crisis calls a year"));
  CHECK(contains(text, "- {name: city, population: 250000"));
}

TEST_CASE("init scales demand and staffing with the population") {
  crisis::cli::InitAnswers small;
  small.population = 50000;
  small.models = {"mobile_crisis"};
  crisis::cli::InitAnswers large = small;
  large.population = 700000;
  crisis::cli::check_init_answers(small);
  crisis::cli::check_init_answers(large);
  const std::string a = crisis::cli::init_scenario_yaml(small);
  const std::string b = crisis::cli::init_scenario_yaml(large);
  CHECK(contains(a, "calls_per_day: 77.4"));   // 271 x 50,000 / 175,000
  CHECK(contains(b, "calls_per_day: 1084"));   // 271 x 4
  CHECK(contains(b, "{start_hour: 14, hours: 10, units: 88}"));  // 22 patrol cars x 4
  CHECK(contains(b, "{start_hour: 0, hours: 24, units: 8}"));    // 2 mobile teams x 4
}

TEST_CASE("init refuses bad answers with the flag named, and never overwrites without --force") {
  TemporaryFolder folder("init-bad");
  const std::string file = (folder.path() / "city.yaml").string();
  const CliResult no_population = run({"init", file, "--no-prompt"});
  CHECK(no_population.code == 2);
  CHECK(contains(no_population.err, "error: --population: needed"));
  const CliResult bad_model = run({"init", file, "--population", "90000", "--models", "civilian_tean"});
  CHECK(bad_model.code == 2);
  CHECK(contains(bad_model.err, "error: --models: init cannot write model 'civilian_tean' (did you mean 'civilian_team'?)"));
  const CliResult bad_hours = run({"init", file, "--population", "90000", "--hours", "8-8"});
  CHECK(bad_hours.code == 2);
  CHECK(contains(bad_hours.err, "error: --hours: expected 24/7 or START-END"));
  CHECK_FALSE(std::filesystem::exists(file));
  REQUIRE(run({"init", file, "--population", "90000", "--models", "none"}).code == 0);
  const std::string first = read(file);
  CHECK(contains(first, "variants:\n  - name: police_only"));
  const CliResult again = run({"init", file, "--population", "90000"});
  CHECK(again.code == 2);
  CHECK(contains(again.err, "exists already"));
  CHECK(read(file) == first);
  CHECK(run({"init", file, "--population", "120000", "--force", "--models", "cit"}).code == 0);
  CHECK(run({"validate", file}).code == 0);
}

TEST_CASE("--hours reads 24/7, day hours and hours across midnight") {
  crisis::cli::InitAnswers answers;
  crisis::cli::parse_team_hours("8-20", answers);
  CHECK(answers.team_start_hour == 8);
  CHECK(answers.team_hours == 12);
  crisis::cli::parse_team_hours("18-2", answers);
  CHECK(answers.team_start_hour == 18);
  CHECK(answers.team_hours == 8);
  crisis::cli::parse_team_hours("24/7", answers);
  CHECK(answers.team_hours == 24);
  CHECK_THROWS_AS(crisis::cli::parse_team_hours("noon-6", answers), crisis::InputError);
}
