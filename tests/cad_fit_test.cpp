// Fitting scenarios to CAD calls and backtesting them (issue #5; docs/cad-fit.md):
// maximum-likelihood fits against known parameters, arrival rates against a known Poisson
// process, the fitted scenario through the loader and a run, the CLI on the real exports
// (Milwaukee from tests/data, Lane County from ../shared/data, skipped when absent), and
// privacy of every output file.
#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <boost/math/special_functions/digamma.hpp>
#include <nlohmann/json.hpp>

#include "engine/distributions.hpp"
#include "engine/random.hpp"
#include "cad/cad.hpp"
#include "fit/cad_fit.hpp"
#include "results/results_writer.hpp"
#include "scenario/scenario_loader.hpp"
#include "models/builtin_models.hpp"
#include "test_support.hpp"
#include "world/world.hpp"

namespace {

namespace fs = std::filesystem;
using namespace crisis::io::cad;
using crisis::engine::RandomStream;
using crisis::engine::StreamKey;
using crisis::testing::run_cli_captured;
using crisis::testing::TemporaryFolder;

const std::string kSourceDir = CRISIS_SOURCE_DIR;
const std::string kLaneCounty = kSourceDir + "/../shared/data/lane_county_mcslc/mcslc_dispatches_2024-08_to_2025-06.csv";
const std::string kMilwaukee = kSourceDir + "/tests/data/cad/milwaukee/mpd_calls_2018-05-01_to_2018-05-16_wholedays.csv";

// 99.9% two-sided normal quantile: a fixed-seed check fails by chance once in a thousand seeds.
constexpr double kZ999 = 3.2905267314919255;

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

crisis::world::ModelRegistry builtin_registry() {
  crisis::world::ModelRegistry registry;
  crisis::models::register_builtin_models(registry);
  return registry;
}

/// Minutes since 1970 of 2024-01-01 00:00, a Monday.
constexpr double kMonday2024 = 19723.0 * 1440.0;

/// Synthetic mobile-crisis dispatches: Poisson arrivals at `per_day`, lognormal stages.
std::vector<CallRecord> synthetic_team_calls(int days, double per_day, std::uint64_t seed) {
  RandomStream rng(StreamKey{seed, 0, 0, 1});
  std::vector<CallRecord> calls;
  double t = kMonday2024;
  const double end = kMonday2024 + days * 1440.0;
  std::int64_t line = 2;
  while (true) {
    t += crisis::engine::sample_exponential(rng, 1440.0 / per_day);
    if (t >= end) break;
    CallRecord call;
    call.line = line++;
    call.created = t;
    call.dispatched = t + crisis::engine::sample_lognormal(rng, 12.0, 10.0);
    call.arrived = *call.dispatched + crisis::engine::sample_lognormal(rng, 16.0, 9.0);
    call.closed = *call.arrived + crisis::engine::sample_gamma(rng, 2.0, 20.0);
    call.category = rng.uniform() < 0.8 ? Category::behavioural_health : Category::welfare_check;
    call.crisis_type = call.category == Category::welfare_check ? crisis::world::CrisisType::welfare_check
                                                                : crisis::world::CrisisType::psychosis;
    const double u = rng.uniform();
    call.disposition = u < 0.7 ? crisis::world::Disposition::resolved
                       : u < 0.85 ? crisis::world::Disposition::ed_voluntary
                       : u < 0.95 ? crisis::world::Disposition::crisis_centre
                                  : crisis::world::Disposition::arrest;
    calls.push_back(call);
  }
  return calls;
}

}  // namespace

TEST_CASE("lognormal maximum likelihood recovers known parameters within their 99.9% intervals") {
  RandomStream rng(StreamKey{20261127, 0, 0, 11});
  const double mean = 40.0;
  const double sd = 30.0;
  const double sigma = std::sqrt(std::log1p((sd / mean) * (sd / mean)));
  const double mu = std::log(mean) - sigma * sigma / 2.0;
  std::vector<double> values;
  for (int i = 0; i < 4000; ++i) values.push_back(crisis::engine::sample_lognormal(rng, mean, sd));
  const DistributionFit fit = fit_lognormal(values);
  const double n = static_cast<double>(values.size());
  CHECK(std::abs(fit.parameter_1 - mu) < kZ999 * sigma / std::sqrt(n));
  CHECK(std::abs(fit.parameter_2 - sigma) < kZ999 * sigma / std::sqrt(2.0 * n));  // se of sigma-hat: sigma/sqrt(2n)
  CHECK(fit.parameter_1_interval.low < mu);  // its own 95% interval covers the truth at this seed
  CHECK(fit.parameter_1_interval.high > mu);
  const DistributionFit gamma = fit_gamma(values);
  CHECK(fit.aic < gamma.aic);  // the right family wins
  CHECK(fit.ks_distance < 1.36 / std::sqrt(n) * 1.5);
}

TEST_CASE("gamma maximum likelihood recovers known shape and scale within their 99.9% intervals") {
  RandomStream rng(StreamKey{20261127, 0, 0, 12});
  const double shape = 2.5;
  const double scale = 14.0;
  std::vector<double> values;
  for (int i = 0; i < 4000; ++i) values.push_back(crisis::engine::sample_gamma(rng, shape, scale));
  const DistributionFit fit = fit_gamma(values);
  const double n = static_cast<double>(values.size());
  // Asymptotic variance of the shape MLE with the scale unknown: 1 / (n (psi'(k) - 1/k)).
  const double trigamma = 0.4903577561002349;  // psi'(2.5)
  const double se_shape = 1.0 / std::sqrt(n * (trigamma - 1.0 / shape));
  CHECK(std::abs(fit.parameter_1 - shape) < kZ999 * se_shape);
  // The mean (shape x scale) is the sample mean: its se is sqrt(k) theta / sqrt(n).
  CHECK(std::abs(fit.mean - shape * scale) < kZ999 * std::sqrt(shape) * scale / std::sqrt(n));
  // The score equation holds at the solution: log k - psi(k) = log(mean) - mean(log x).
  double sum_log = 0.0;
  double sum = 0.0;
  for (const double x : values) {
    sum_log += std::log(x);
    sum += x;
  }
  const double s = std::log(sum / n) - sum_log / n;
  CHECK(std::log(fit.parameter_1) - boost::math::digamma(fit.parameter_1) == doctest::Approx(s).epsilon(1e-9));
  CHECK(fit.aic < fit_lognormal(values).aic);
  CHECK(fit.parameter_1_interval.low < shape);
  CHECK(fit.parameter_1_interval.high > shape);
}

TEST_CASE("interval formulas match published values") {
  // Garwood exact interval for 10 events: [4.795, 18.390] (e.g. Ulm 1990, table values).
  const Estimate poisson = poisson_interval(10);
  CHECK(poisson.low == doctest::Approx(4.7954).epsilon(1e-4));
  CHECK(poisson.high == doctest::Approx(18.3904).epsilon(1e-4));
  CHECK(poisson_interval(0).low == 0.0);
  CHECK(poisson_interval(0).high == doctest::Approx(3.6889).epsilon(1e-4));
  // Wilson score interval for 5 of 10: [0.2366, 0.7634].
  const Estimate wilson = wilson_interval(5, 10);
  CHECK(wilson.low == doctest::Approx(0.2366).epsilon(1e-3));
  CHECK(wilson.high == doctest::Approx(0.7634).epsilon(1e-3));
  CHECK(std::isnan(wilson_interval(0, 0).value));
  // The Kolmogorov distribution: P(K > 1.358) = 0.05 (asymptotically, large n).
  CHECK(kolmogorov_p_value(1.3581 / std::sqrt(1e8), 1e8) == doctest::Approx(0.05).epsilon(2e-3));
  CHECK(kolmogorov_p_value(0.0, 100) == 1.0);
  CHECK(two_sample_ks({1, 2, 3}, {1, 2, 3}) == 0.0);
  CHECK(two_sample_ks({1, 2, 3}, {4, 5}) == 1.0);
  CHECK(two_sample_ks({1, 2, 3, 4}, {3, 4, 5, 6}) == doctest::Approx(0.5));
}

TEST_CASE("hour-of-week rates of a known Poisson process fall inside their 95% intervals") {
  // 52 weeks of arrivals with rate r(h) per hour of week, simulated hour by hour.
  RandomStream rng(StreamKey{20261127, 0, 0, 13});
  auto rate = [](std::size_t h) { return 2.0 + 1.5 * std::sin(2.0 * 3.141592653589793 * static_cast<double>(h % 24) / 24.0) + (h / 24 >= 5 ? 1.0 : 0.0); };
  std::vector<CallRecord> calls;
  const int weeks = 52;
  for (int hour = 0; hour < weeks * 168; ++hour) {
    const double start = kMonday2024 + hour * 60.0;
    const double r = rate(static_cast<std::size_t>(hour % 168));
    double t = start + crisis::engine::sample_exponential(rng, 60.0 / r);
    while (t < start + 60.0) {
      CallRecord call;
      call.created = t;
      call.category = Category::behavioural_health;
      calls.push_back(call);
      t += crisis::engine::sample_exponential(rng, 60.0 / r);
    }
  }
  FitOptions options;
  options.window_start = kMonday2024;
  options.window_end = kMonday2024 + weeks * 7 * 1440.0;
  ImportSummary summary;
  const FitResult fit = fit_calls(calls, summary, options);
  CHECK(fit.days == doctest::Approx(weeks * 7));
  int covered = 0;
  for (std::size_t h = 0; h < 168; ++h) {
    const Estimate& e = fit.arrivals[0].per_week[h];
    if (e.low <= rate(h) && rate(h) <= e.high) covered += 1;
  }
  // 168 intervals at 95%: covered ~ Binomial(168, 0.95), mean 159.6, sd 2.8; 99.9% lower bound ~150.
  CHECK(covered >= 150);
  double total_rate = 0.0;
  for (std::size_t h = 0; h < 168; ++h) total_rate += rate(h);
  const double per_day = total_rate / 7.0;
  CHECK(fit.arrivals[0].per_day.low <= per_day);
  CHECK(fit.arrivals[0].per_day.high >= per_day);
  CHECK(fit.crisis_arrivals.calls == static_cast<std::int64_t>(calls.size()));
}

TEST_CASE("durations, dispositions and concurrency are fitted from synthetic team calls") {
  const std::vector<CallRecord> calls = synthetic_team_calls(120, 8.0, 7);
  ImportSummary summary;
  const FitResult fit = fit_calls(calls, summary, FitOptions{});
  const DurationFit* travel = fit.duration(Stage::travel, "crisis");
  REQUIRE(travel != nullptr);
  CHECK(travel->best().family == "lognormal");
  CHECK(travel->sample_mean.low < 16.0);
  CHECK(travel->sample_mean.high > 16.0);
  const DurationFit* scene = fit.duration(Stage::on_scene, "crisis");
  REQUIRE(scene != nullptr);
  CHECK(scene->best().family == "gamma");
  CHECK(fit.duration(Stage::response, "psychosis") != nullptr);
  // Calls created while another was open are left out of the unqueued call processing.
  const DurationFit* unqueued = fit.duration(Stage::call_processing, "crisis_unqueued");
  REQUIRE(unqueued != nullptr);
  CHECK(unqueued->n < fit.duration(Stage::call_processing, "crisis")->n);
  CHECK(unqueued->n > fit.duration(Stage::call_processing, "crisis")->n / 2);
  REQUIRE(!fit.crisis_dispositions.empty());
  CHECK(fit.crisis_dispositions.front().label == "resolved");
  CHECK(fit.crisis_dispositions.front().share.low < 0.7);
  CHECK(fit.crisis_dispositions.front().share.high > 0.7);
  CHECK(fit.crisis_concurrency.calls == static_cast<std::int64_t>(calls.size()));
  // Little's law: mean calls open (dispatched -> closed) = 8 a day x (16 min travel + 40 min on scene).
  const double open_minutes = 16.0 + 40.0;
  CHECK(fit.crisis_concurrency.mean_busy == doctest::Approx(8.0 / 1440.0 * open_minutes).epsilon(0.15));
  const nlohmann::ordered_json json = fit_json(fit);
  CHECK(json["durations"].size() == fit.durations.size());
}

TEST_CASE("a scenario fitted to synthetic team calls validates, runs and matches the fitted volume") {
  const crisis::world::ModelRegistry registry = builtin_registry();
  const std::vector<CallRecord> calls = synthetic_team_calls(150, 6.0, 11);
  ImportSummary summary;
  summary.schema_name = "synthetic";
  summary.rows_read = summary.rows_used = static_cast<std::int64_t>(calls.size());
  const FitResult fit = fit_calls(calls, summary, FitOptions{});
  ScenarioFitOptions options;
  options.base_path = kSourceDir + "/scenarios/mobile_crisis_team.yaml";
  options.name = "synthetic_fit";
  options.input_label = "synthetic";
  options.calibration_days = 60;
  const ScenarioFit scenario = fit_scenario(fit, options, registry);
  CHECK(scenario.responding_unit_type == "mobile_team");
  const auto loaded = crisis::io::load_scenario_text(scenario.yaml, "synthetic_fit.yaml", {}, registry);
  CHECK(loaded.scenario.name == "synthetic_fit");
  // Every fitted value says so; the kept sections say where they come from.
  CHECK(scenario.yaml.find("fitted: n=") != std::string::npos);
  CHECK(scenario.yaml.find("# city: from the base scenario mobile_crisis_team.yaml") != std::string::npos);
  CHECK(scenario.yaml.find("calibrated by running this scenario") != std::string::npos);
  // The calibrated volume is within 10% of the fitted one (2 replications of 60 days: the
  // Poisson sd of the simulated mean is ~2.6%).
  CHECK(scenario.simulated_crisis_per_day == doctest::Approx(scenario.target_crisis_per_day).epsilon(0.10));
  CHECK(scenario.simulated_travel_mean == doctest::Approx(scenario.observed_travel_mean).epsilon(0.15));
  // And it runs.
  const crisis::world::World world = crisis::world::build_world(loaded.scenario, registry);
  const crisis::world::ReplicationResult replication = world.run_replication(1, 0, false);
  CHECK(replication.events > 0);
  const std::string report = fit_report_markdown(fit, scenario);
  CHECK(report.find("## Durations") != std::string::npos);
}

TEST_CASE("fit on the Lane County mobile crisis export writes a scenario that validates and runs") {
  if (!fs::exists(kLaneCounty)) {
    MESSAGE("skipped: " << kLaneCounty << " is absent");
    return;
  }
  TemporaryFolder folder;
  const auto out = folder.path() / "lane";
  const auto fit = run_cli_captured({"fit", kLaneCounty, "--schema", "mcslc", "--out", out.string(), "--name", "lane_county", "-q"});
  INFO(fit.err);
  REQUIRE(fit.code == 0);
  for (const char* file : {"lane_county.yaml", "fit_report.md", "fit.json", "rejects.csv"}) CHECK(fs::exists(out / file));
  const auto validate = run_cli_captured({"validate", (out / "lane_county.yaml").string()});
  INFO(validate.err);
  CHECK(validate.code == 0);
  const auto run = run_cli_captured({"run", (out / "lane_county.yaml").string(), "--horizon-days", "30", "-r", "2", "-q"});
  CHECK(run.code == 0);
  // Same input and seed, another thread count: byte-identical files.
  const auto again = folder.path() / "lane_threads";
  REQUIRE(run_cli_captured({"fit", kLaneCounty, "--schema", "mcslc", "--out", again.string(), "--name", "lane_county", "-q",
                            "--threads", "2"})
              .code == 0);
  for (const char* file : {"lane_county.yaml", "fit_report.md", "fit.json", "rejects.csv"}) {
    INFO(file);
    CHECK(read_file(out / file) == read_file(again / file));
  }
  // The scenario says where each value comes from.
  const std::string yaml = read_file(out / "lane_county.yaml");
  CHECK(yaml.find("fitted: n=") != std::string::npos);
  CHECK(yaml.find("from the base scenario mobile_crisis_team.yaml") != std::string::npos);
  // Its areas (City: Eugene, Springfield, Other; Unknown spread) are the zones when the rule allows.
  const nlohmann::json json = nlohmann::json::parse(read_file(out / "fit.json"));
  if (json["areas"]["used_as_zones"].get<bool>()) {
    for (const char* city : {"Eugene", "Springfield"}) CHECK(yaml.find(std::string("- {name: ") + city + ",") != std::string::npos);
  }
}

TEST_CASE("the Lane County backtest runs and its KS distances are finite") {
  if (!fs::exists(kLaneCounty)) {
    MESSAGE("skipped: " << kLaneCounty << " is absent");
    return;
  }
  TemporaryFolder folder;
  const auto out = folder.path() / "backtest";
  const auto result = run_cli_captured({"backtest", kLaneCounty, "--schema", "mcslc", "--split", "2025-03-01", "--until",
                                        "2025-07-01", "--replications", "4", "--out", out.string(), "-q"});
  INFO(result.err);
  REQUIRE(result.code == 0);
  const nlohmann::json json = nlohmann::json::parse(read_file(out / "backtest.json"));
  REQUIRE(json["timings"].size() >= 3);
  for (const auto& timing : json["timings"]) {
    INFO(timing["measure"]);
    REQUIRE(timing["ks_distance"].is_number());
    const double d = timing["ks_distance"];
    CHECK(std::isfinite(d));
    CHECK(d >= 0.0);
    CHECK(d <= 1.0);
  }
  CHECK(json["hour_of_week"]["total_variation"].is_number());
  CHECK(fs::exists(out / "backtest_report.md"));
  CHECK(result.out.find("response_min") != std::string::npos);
}

TEST_CASE("fit and backtest on the Milwaukee export validate and run, and no address reaches any output") {
  if (!fs::exists(kMilwaukee)) {
    MESSAGE("skipped: " << kMilwaukee << " is absent");
    return;
  }
  TemporaryFolder folder;
  const auto out = folder.path() / "mke";
  const auto fit = run_cli_captured({"fit", kMilwaukee, "--schema", "milwaukee", "--out", out.string(), "--name", "milwaukee", "-q"});
  INFO(fit.err);
  REQUIRE(fit.code == 0);
  const auto validate = run_cli_captured({"validate", (out / "milwaukee.yaml").string()});
  INFO(validate.err);
  CHECK(validate.code == 0);
  const auto run = run_cli_captured({"run", (out / "milwaukee.yaml").string(), "--horizon-days", "7", "-r", "1", "-q"});
  CHECK(run.code == 0);
  // A backtest on the same export: volumes compared, dispositions not (too few are mapped).
  const auto backtest = run_cli_captured({"backtest", kMilwaukee, "--schema", "milwaukee", "--split", "2018-05-10", "-r", "2",
                                          "--out", (out / "backtest").string(), "-q"});
  INFO(backtest.err);
  REQUIRE(backtest.code == 0);
  const nlohmann::json json = nlohmann::json::parse(read_file(out / "backtest" / "backtest.json"));
  CHECK(json["background_calls_per_day"]["observed"].get<double>() > 1000);
  CHECK(json["dispositions"].contains("not_compared"));
  // Privacy: the location column (block addresses) of the input must appear in no output.
  std::ifstream in(kMilwaukee);
  std::string line;
  std::getline(in, line);  // header: id,time,location,latitude,longitude,...
  std::set<std::string> addresses;
  while (std::getline(in, line)) {
    const auto open = line.find(",\"");
    if (open == std::string::npos) continue;
    const auto close = line.find('"', open + 2);
    if (close == std::string::npos) continue;
    const std::string address = line.substr(open + 2, close - open - 2);
    if (address.size() >= 8) addresses.insert(address);
  }
  REQUIRE(addresses.size() > 1000);
  for (const auto& entry : fs::recursive_directory_iterator(out)) {
    if (!entry.is_regular_file()) continue;
    const std::string text = read_file(entry.path());
    std::vector<std::string> leaked;
    for (const auto& address : addresses) {
      if (text.find(address) != std::string::npos) leaked.push_back(address);
    }
    INFO(entry.path().filename().string() << (leaked.empty() ? "" : ": holds " + leaked.front()));
    CHECK(leaked.empty());
  }
}

TEST_CASE("fit and backtest reject bad dates and flags with exit code 2") {
  TemporaryFolder folder;
  const std::string csv = kSourceDir + "/tests/data/full_scenario.yaml";  // never read: the flags fail first
  const auto bad_split = run_cli_captured({"backtest", csv, "--schema", "mcslc", "--split", "2025-13-01", "--out", (folder.path() / "a").string()});
  CHECK(bad_split.code == 2);
  CHECK(bad_split.err.find("--split") != std::string::npos);
  CHECK(bad_split.err.find("expected a date YYYY-MM-DD") != std::string::npos);
  const auto bad_from = run_cli_captured({"fit", csv, "--schema", "mcslc", "--from", "yesterday", "--out", (folder.path() / "b").string()});
  CHECK(bad_from.code == 2);
  CHECK(bad_from.err.find("--from") != std::string::npos);
  const auto reversed = run_cli_captured({"fit", csv, "--schema", "mcslc", "--from", "2025-03-01", "--to", "2025-02-01", "--out",
                                          (folder.path() / "c").string()});
  CHECK(reversed.code == 2);
  CHECK(reversed.err.find("must be after --from") != std::string::npos);
  const auto missing_schema = run_cli_captured({"fit", csv, "--out", (folder.path() / "d").string()});
  CHECK(missing_schema.code == 2);
  const auto bad_name = run_cli_captured({"fit", csv, "--schema", "mcslc", "--name", "../x", "--out", (folder.path() / "e").string()});
  CHECK(bad_name.code == 2);
  CHECK(bad_name.err.find("--name") != std::string::npos);
}

namespace {

/// The `district` column of the Milwaukee export, counted by a small CSV reader of its own
/// (the location column is quoted and holds commas).
std::map<std::string, std::int64_t> milwaukee_district_counts() {
  std::ifstream in(kMilwaukee);
  std::string line;
  std::getline(in, line);  // id,time,location,latitude,longitude,district,nature,status
  std::map<std::string, std::int64_t> counts;
  while (std::getline(in, line)) {
    std::vector<std::string> fields(1);
    bool quoted = false;
    for (const char c : line) {
      if (c == '"') {
        quoted = !quoted;
      } else if (c == ',' && !quoted) {
        fields.emplace_back();
      } else if (c != '\r') {
        fields.back().push_back(c);
      }
    }
    REQUIRE(fields.size() >= 6);
    counts[fields[5]] += 1;
  }
  return counts;
}

}  // namespace

TEST_CASE("zone names for areas are valid names that the replay matches") {
  CHECK(zone_name_for_area("4", "district") == "district_4");
  CHECK(zone_name_for_area(" Eugene ", "City") == "Eugene");
  CHECK(zone_name_for_area("Out of County", "City") == "Out_of_County");
  CHECK(zone_name_for_area("7/8", "") == "area_7_8");
  CHECK(zone_name_for_area("  ", "district").empty());
  CHECK(is_placeholder_area("Unknown"));
  CHECK(is_placeholder_area(""));
  CHECK_FALSE(is_placeholder_area("Other"));
}

TEST_CASE("fit on the Milwaukee export makes one zone per MPD district, with crisis calls where they were observed") {
  if (!fs::exists(kMilwaukee)) {
    MESSAGE("skipped: " << kMilwaukee << " is absent");
    return;
  }
  // The rule, counted here from the CSV: areas with at least 30 calls, holding >= 95% of them.
  const std::map<std::string, std::int64_t> counts = milwaukee_district_counts();
  std::int64_t total = 0;
  std::int64_t in_zones = 0;
  std::set<std::string> expected;
  int numbered = 0;
  for (const auto& [district, count] : counts) {
    total += count;
    if (count < 30) continue;
    in_zones += count;
    const bool number = !district.empty() && district.find_first_not_of("0123456789") == std::string::npos;
    numbered += number ? 1 : 0;
    expected.insert(number ? "district_" + district : district);
  }
  CHECK(numbered == 7);  // MPD's seven police districts
  REQUIRE(static_cast<double>(in_zones) >= 0.95 * static_cast<double>(total));

  TemporaryFolder folder;
  const auto out = folder.path() / "mke";
  const auto fit = run_cli_captured({"fit", kMilwaukee, "--schema", "milwaukee", "--out", out.string(), "--name", "milwaukee", "-q"});
  INFO(fit.err);
  REQUIRE(fit.code == 0);
  const crisis::world::ModelRegistry registry = builtin_registry();
  const std::string yaml = read_file(out / "milwaukee.yaml");
  const auto loaded = crisis::io::load_scenario_text(yaml, (out / "milwaukee.yaml").string(), {{"run.horizon_days", "120"}}, registry);
  const auto& zones = loaded.scenario.zones;
  std::set<std::string> names;
  for (const auto& zone : zones) names.insert(zone.name);
  CHECK(names == expected);
  CHECK(zones.size() == expected.size());
  CHECK(loaded.scenario.facilities.emergency_department.zone == "district_7");  // the district with the most calls
  const nlohmann::json json = nlohmann::json::parse(read_file(out / "fit.json"));
  REQUIRE(json["areas"]["used_as_zones"].get<bool>());
  REQUIRE(json["areas"]["zones"].size() == zones.size());
  CHECK(read_file(out / "fit_report.md").find("## Zones") != std::string::npos);

  // Simulated crisis calls by zone against the scenario's own shares (population x prevalence),
  // which are the observed shares except where prevalence is clamped.
  const crisis::world::World world = crisis::world::build_world(loaded.scenario, registry);
  const crisis::world::ReplicationResult replication = world.run_replication(20261127, 0, true);
  std::vector<double> simulated(zones.size(), 0.0);
  double n = 0.0;
  for (const auto& call : replication.calls) {
    if (!call.crisis || !call.in_window) continue;
    simulated[call.zone] += 1.0;
    n += 1.0;
  }
  REQUIRE(n > 1000);
  double weight = 0.0;
  for (const auto& zone : zones) weight += zone.population * zone.prevalence;
  // Residents' gamma frailty (shape k) makes counts overdispersed: variance = mean (1 + m / k),
  // m = an agent's mean crises over the horizon (nominal rate, an upper bound of the realised one).
  const double agents = weight * loaded.scenario.residents.share_with_needs;
  const double m = n / agents;
  const double dispersion = 1.0 + m / loaded.scenario.residents.frailty_shape;
  for (std::size_t z = 0; z < zones.size(); ++z) {
    const auto& row = json["areas"]["zones"][z];
    CHECK(row["zone"].get<std::string>() == zones[z].name);
    const double q = zones[z].population * zones[z].prevalence / weight;
    if (!row["relative_prevalence_clamped"].get<bool>()) {
      // The scenario's share is the observed one, up to the YAML's rounding.
      CHECK(q == doctest::Approx(row["crisis_share"].get<double>()).epsilon(0.01));
    }
    // Multinomial share given n: sd = sqrt(q (1 - q) dispersion / n); 99.9% two-sided, plus one call.
    const double tolerance = kZ999 * std::sqrt(q * (1.0 - q) * dispersion / n) + 1.0 / n;
    INFO(zones[z].name << ": simulated " << simulated[z] / n << ", expected " << q << ", tolerance " << tolerance);
    CHECK(std::abs(simulated[z] / n - q) <= tolerance);
  }

  // Replaying the same export through the fitted scenario: every crisis call's area names a
  // zone; with the other police calls replayed too, only those in the rare areas do not.
  const std::string replay_crisis = yaml + "\nreplay:\n  calls: " + kMilwaukee + "\n  schema: milwaukee\n";
  const auto replayed = crisis::io::load_scenario_text(replay_crisis, (out / "replay.yaml").string(), {}, registry);
  REQUIRE(replayed.scenario.replay.enabled);
  CHECK(replayed.scenario.replay.unmatched_calls == 0);
  const auto replayed_all = crisis::io::load_scenario_text(replay_crisis + "  background: replay\n", (out / "replay_all.yaml").string(), {}, registry);
  CHECK(replayed_all.scenario.replay.unmatched_calls == total - in_zones);
  const auto run = run_cli_captured({"run", (out / "milwaukee.yaml").string(), "--horizon-days", "3", "-r", "1", "-q"});
  CHECK(run.code == 0);
}

TEST_CASE("areas become zones only when the rule allows, and the base's zone references follow them") {
  const crisis::world::ModelRegistry registry = builtin_registry();
  std::vector<CallRecord> calls = synthetic_team_calls(120, 6.0, 19);
  for (std::size_t i = 0; i < calls.size(); ++i) calls[i].area = i % 50 == 0 ? "" : i % 5 < 3 ? "North" : "South 2";
  ImportSummary summary;
  summary.schema_name = "synthetic";
  summary.area_column = "sector";
  summary.rows_read = summary.rows_used = static_cast<std::int64_t>(calls.size());
  const FitResult fit = fit_calls(calls, summary, FitOptions{});
  REQUIRE(fit.areas.used);  // 2 areas with >= 30 calls hold 98% of the calls
  REQUIRE(fit.areas.zones.size() == 2);
  CHECK(fit.areas.empty_area_calls == static_cast<std::int64_t>((calls.size() + 49) / 50));
  ScenarioFitOptions options;
  options.base_path = kSourceDir + "/scenarios/eugene_cahoots.yaml";  // sets base_zones and facilities by zone
  options.name = "areas_fit";
  options.input_label = "synthetic";
  options.calibration_days = 30;
  const ScenarioFit scenario = fit_scenario(fit, options, registry);
  const auto loaded = crisis::io::load_scenario_text(scenario.yaml, "areas_fit.yaml", {}, registry);
  REQUIRE(loaded.scenario.zones.size() == 2);
  CHECK(loaded.scenario.zones[0].name == "North");
  CHECK(loaded.scenario.zones[1].name == "South_2");
  CHECK(loaded.scenario.facilities.emergency_department.zone == "North");
  CHECK(loaded.scenario.facilities.jail.zone == "North");
  CHECK(scenario.yaml.find("base_zones") == std::string::npos);
  for (const auto& type : loaded.scenario.unit_types) CHECK(type.base_weights.empty());
  // Population by share of calls; the base's total kept.
  double base_population = 0.0;
  for (const auto& zone : crisis::io::load_scenario(options.base_path, {}, registry).scenario.zones) base_population += zone.population;
  CHECK(loaded.scenario.zones[0].population + loaded.scenario.zones[1].population == doctest::Approx(base_population));
  CHECK(loaded.scenario.zones[0].population / base_population == doctest::Approx(fit.areas.zones[0].population_share).epsilon(1e-4));
  CHECK(fit_report_markdown(fit, scenario).find("The zones are the export's areas") != std::string::npos);

  // One area only: the base's zones are kept, and the report says why.
  for (auto& call : calls) call.area = "North";
  const FitResult single = fit_calls(calls, summary, FitOptions{});
  CHECK_FALSE(single.areas.used);
  CHECK(single.areas.reason.find("at least 2 are needed") != std::string::npos);
  // Too few calls in the second area (< 30): also kept.
  for (std::size_t i = 0; i < 20; ++i) calls[i].area = "South";
  CHECK_FALSE(fit_calls(calls, summary, FitOptions{}).areas.used);
}
