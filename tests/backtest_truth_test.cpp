// Fits and backtests that tell the truth when the data change under them (issue #15;
// docs/cad-fit.md, "Data quality"): small synthetic exports with a gap, a Saturday split,
// a break, a new code and a relative mapping path, each defect checked against what the
// synthetic process is known to be.
#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>

#include "cad/cad.hpp"
#include "engine/distributions.hpp"
#include "engine/errors.hpp"
#include "engine/random.hpp"
#include "fit/cad_backtest.hpp"
#include "fit/cad_fit.hpp"
#include "models/builtin_models.hpp"
#include "results/results_writer.hpp"
#include "scenario/scenario_loader.hpp"
#include "test_support.hpp"
#include "world/world.hpp"

namespace {

namespace fs = std::filesystem;
using namespace crisis::io::cad;
using crisis::engine::RandomStream;
using crisis::engine::StreamKey;
using crisis::testing::TemporaryFolder;

const std::string kSourceDir = CRISIS_SOURCE_DIR;

/// Minutes since 1970 of 2024-01-01 00:00, a Monday.
constexpr double kMonday2024 = 19723.0 * 1440.0;

crisis::world::ModelRegistry builtin_registry() {
  crisis::world::ModelRegistry registry;
  crisis::models::register_builtin_models(registry);
  return registry;
}

/// Team calls from `first_day` for `days` days (from the Monday 2024-01-01), Poisson with a
/// rate a day given by `per_day(t)` (piecewise constant by the hour: thinned from its maximum
/// `max_per_day`); lognormal stages.
std::vector<CallRecord> team_calls(int days, double max_per_day, const std::function<double(double)>& per_day, std::uint64_t seed,
                                   int first_day = 0) {
  RandomStream rng(StreamKey{seed, 0, 0, 1});
  std::vector<CallRecord> calls;
  double t = kMonday2024 + first_day * 1440.0;
  const double end = t + days * 1440.0;
  std::int64_t line = 2;
  while (true) {
    t += crisis::engine::sample_exponential(rng, 1440.0 / max_per_day);
    if (t >= end) break;
    if (rng.uniform() * max_per_day >= per_day(t)) continue;
    CallRecord call;
    call.line = line++;
    call.created = std::floor(t);
    call.dispatched = call.created + std::round(crisis::engine::sample_lognormal(rng, 12.0, 10.0));
    call.arrived = *call.dispatched + std::round(crisis::engine::sample_lognormal(rng, 16.0, 9.0));
    call.closed = *call.arrived + std::round(crisis::engine::sample_gamma(rng, 2.0, 20.0));
    call.category = Category::behavioural_health;
    call.crisis_type = crisis::world::CrisisType::psychosis;
    call.disposition = rng.uniform() < 0.8 ? crisis::world::Disposition::resolved : crisis::world::Disposition::ed_voluntary;
    calls.push_back(call);
  }
  return calls;
}

std::string stamp(double minutes) {
  // format_timestamp gives "YYYY-MM-DD HH:MM:SS", the mcslc schema's format.
  return format_timestamp(minutes);
}

/// The calls as an export in the mcslc schema's columns, with `reason` and `disposition` text.
void write_mcslc(const fs::path& path, const std::vector<CallRecord>& calls,
                 const std::function<std::string(const CallRecord&)>& disposition = nullptr) {
  std::ofstream out(path, std::ios::binary);
  out << "ID,City,Dispatch Request Date & Time,Dispatch Date & Time,Arrival on Scene Date & Time,MCIT Departure Date & Time,"
         "Reason for Dispatch #1,Reason for Dispatch #2,Reason for Dispatch #3,Reason for Dispatch #4,Reason for Dispatch #5,"
         "Disposition\n";
  int id = 1;
  for (const auto& call : calls) {
    const std::string text = disposition ? disposition(call)
                             : call.disposition == crisis::world::Disposition::resolved ? "Remained in community"
                                                                                          : "Emergency Department";
    out << id++ << ",Eugene," << stamp(call.created) << "," << stamp(*call.dispatched) << "," << stamp(*call.arrived) << ","
        << stamp(*call.closed) << ",Paranoia,,,,," << text << "\n";
  }
}

BacktestOptions backtest_options(const fs::path& csv, double split, std::optional<double> until) {
  BacktestOptions options;
  options.csv_path = csv.string();
  options.import.schema = "mcslc";
  options.split = split;
  options.until = until;
  options.base_path = kSourceDir + "/scenarios/mobile_crisis_team.yaml";
  options.replications = 20;
  return options;
}

}  // namespace

TEST_CASE("a run of days without any row is a gap in the export, not days of zero demand") {
  // 8 calls a day for 200 days, with nothing at all from day 60 to day 147 (88 days).
  std::vector<CallRecord> calls = team_calls(200, 8.0, [](double) { return 8.0; }, 3);
  std::erase_if(calls, [](const CallRecord& c) { return c.created >= kMonday2024 + 60 * 1440.0 && c.created < kMonday2024 + 148 * 1440.0; });
  const FitResult fit = fit_calls(calls, ImportSummary{}, FitOptions{});
  CHECK(fit.coverage.gap_days().size() == 88);
  CHECK(fit.days == doctest::Approx(112.0));
  CHECK(fit.crisis_arrivals.per_day.low < 8.0);
  CHECK(fit.crisis_arrivals.per_day.high > 8.0);
  CHECK(fit.coverage.gap_text() == "2024-03-01 to 2024-05-27 (88 days)");
  // The gap's days are named in fit.json.
  CHECK(fit_json(fit)["window"]["gap_days"].size() == 88);
}

TEST_CASE("a sparse export's empty days and a service's closed weekdays are not gaps") {
  // 1 call a day: single empty days are chance (37% of days), not missing data.
  const FitResult sparse = fit_calls(team_calls(140, 1.0, [](double) { return 1.0; }, 5), ImportSummary{}, FitOptions{});
  CHECK(sparse.coverage.gap_days().empty());
  // Open only at weekends, 10 calls a day: the weekdays are closed, not missing.
  const auto weekends = [](double t) { return hour_of_week(t) >= 120 ? 10.0 : 0.0; };
  const FitResult closed = fit_calls(team_calls(140, 10.0, weekends, 6), ImportSummary{}, FitOptions{});
  CHECK(closed.coverage.gap_days().empty());
}

TEST_CASE("the backtest simulates the held-out period on its own weekdays") {
  // Busy weekends (14 a day), quiet weekdays (2 a day); the held-out period is Saturday to
  // Monday (26 calls expected over 3 days), which a Monday-to-Wednesday simulation gets as 6.
  TemporaryFolder folder;
  const auto weekends = [](double t) { return hour_of_week(t) >= 120 ? 14.0 : 2.0; };
  const std::vector<CallRecord> calls = team_calls(21 * 7 + 3, 14.0, weekends, 9);
  const fs::path csv = folder.path() / "weekends.csv";
  write_mcslc(csv, calls);
  const double split = kMonday2024 + (21 * 7 - 2) * 1440.0;  // a Saturday
  const crisis::world::ModelRegistry registry = builtin_registry();
  const BacktestResult result = run_backtest(backtest_options(csv, split, split + 3 * 1440.0), registry);
  CHECK(result.heldout_days == doctest::Approx(3.0));
  const double truth = (14.0 + 14.0 + 2.0) / 3.0;
  INFO("simulated " << result.simulated_per_day.value << " [" << result.simulated_per_day.low << ", " << result.simulated_per_day.high << "]");
  CHECK(result.simulated_per_day.value == doctest::Approx(truth).epsilon(0.15));
}

TEST_CASE("backtest volumes count only the held-out days the export covers") {
  // 6 calls a day; the held-out 42 days miss 15 days of rows in the middle.
  TemporaryFolder folder;
  std::vector<CallRecord> calls = team_calls(140, 6.0, [](double) { return 6.0; }, 13);
  const double split = kMonday2024 + 98 * 1440.0;
  std::erase_if(calls, [&](const CallRecord& c) { return c.created >= split + 14 * 1440.0 && c.created < split + 29 * 1440.0; });
  const fs::path csv = folder.path() / "gap.csv";
  write_mcslc(csv, calls);
  const crisis::world::ModelRegistry registry = builtin_registry();
  const BacktestResult result = run_backtest(backtest_options(csv, split, std::nullopt), registry);
  CHECK(result.heldout_days == doctest::Approx(27.0));
  CHECK(result.observed_per_day.low < 6.0);
  CHECK(result.observed_per_day.high > 6.0);
  CHECK(result.simulated_per_day.value == doctest::Approx(6.0).epsilon(0.1));
}

// ---- Calibration --------------------------------------------------------------------------

TEST_CASE("calibration's own interval is within the tolerance it reports, and an independent run agrees") {
  const crisis::world::ModelRegistry registry = builtin_registry();
  const std::vector<CallRecord> calls = team_calls(140, 6.0, [](double) { return 6.0; }, 21);
  const FitResult fit = fit_calls(calls, ImportSummary{}, FitOptions{});
  ScenarioFitOptions options;
  options.base_path = kSourceDir + "/scenarios/mobile_crisis_team.yaml";
  options.name = "calibrated";
  options.input_label = "synthetic";
  const ScenarioFit scenario = fit_scenario(fit, options, registry);
  const Estimate& e = scenario.simulated_crisis_interval;
  INFO("target " << scenario.target_crisis_per_day << ", simulated " << e.value << " [" << e.low << ", " << e.high << "] over "
                 << scenario.verification_replications << " replications");
  CHECK((e.high - e.low) / 2.0 <= kCalibrationTolerance * scenario.target_crisis_per_day * 1.02);
  CHECK(std::abs(e.value / scenario.target_crisis_per_day - 1.0) <= 2.0 * kCalibrationTolerance);
  // Another seed, many replications: the scenario's rate, not the calibration's noise.
  const auto loaded = crisis::io::load_scenario_text(scenario.yaml, "calibrated.yaml",
                                                     {{"run.horizon_days", "126"}, {"run.replications", "60"}, {"run.seed", "77"}},
                                                     registry, false);
  const crisis::world::World world = crisis::world::build_world(loaded.scenario, registry);
  const crisis::io::RunResults run = crisis::io::run_world(world, 77, 60, 2, false, nullptr);
  const std::vector<double> per_day = run.column(run.measure_index("crisis_calls_per_day"));
  double mean = 0;
  for (const double x : per_day) mean += x / static_cast<double>(per_day.size());
  CHECK(mean == doctest::Approx(scenario.target_crisis_per_day).epsilon(0.025));
  // The fitted scenario takes a replay: key without edits (no run.horizon_days to disagree with it).
  TemporaryFolder folder;
  write_mcslc(folder.path() / "calls.csv", calls);
  std::ofstream(folder.path() / "replayed.yaml") << scenario.yaml << "replay:\n  calls: calls.csv\n  schema: mcslc\n";
  const auto replayed = crisis::io::load_scenario((folder.path() / "replayed.yaml").string(), {}, registry, false);
  CHECK(replayed.scenario.replay.enabled);
}

// ---- Data quality -------------------------------------------------------------------------

TEST_CASE("the data-quality pass finds a break in volume, names its date and recommends a window") {
  // 3 calls a day for 100 days, then 12 a day for 100 days (from 2024-04-10).
  const auto rate = [](double t) { return t < kMonday2024 + 100 * 1440.0 ? 3.0 : 12.0; };
  const FitResult fit = fit_calls(team_calls(200, 12.0, rate, 31), ImportSummary{}, FitOptions{});
  const DataQuality& q = fit.quality;
  REQUIRE(q.volume.is_break);
  CHECK(std::abs(q.volume.date - (kMonday2024 + 100 * 1440.0)) <= 3 * 1440.0);
  CHECK(q.volume.rate_before == doctest::Approx(3.0).epsilon(0.2));
  CHECK(q.volume.rate_after == doctest::Approx(12.0).epsilon(0.1));
  REQUIRE(q.recommended_from.has_value());
  const std::string text = data_quality_text(q);
  CHECK(text.find("the daily volume changed on 2024-04-") != std::string::npos);
  CHECK(text.find("--from 2024-04-") != std::string::npos);
  CHECK(fit_report_markdown(fit, ScenarioFit{}).find("Recommended window") != std::string::npos);
}

TEST_CASE("a stationary export with weekday swings shows no break and no shift") {
  const auto weekly = [](double t) { return hour_of_week(t) >= 120 ? 12.0 : 6.0; };
  const FitResult fit = fit_calls(team_calls(210, 12.0, weekly, 33), ImportSummary{}, FitOptions{});
  CHECK_FALSE(fit.quality.volume.is_break);
  CHECK_FALSE(fit.quality.hours.is_shift);
  CHECK(fit.quality.warnings.empty());
}

TEST_CASE("the data-quality pass finds hours that moved from afternoons to nights") {
  const auto moved = [](double t) {
    const int hour = hour_of_week(t) % 24;
    const bool late = t >= kMonday2024 + 70 * 1440.0;
    return (late ? hour < 6 : hour >= 12 && hour < 18) ? 20.0 : 1.0;
  };
  const FitResult fit = fit_calls(team_calls(140, 20.0, moved, 35), ImportSummary{}, FitOptions{});
  CHECK(fit.quality.hours.is_shift);
  CHECK(fit.quality.hours.total_variation > 0.5);
  CHECK(data_quality_text(fit.quality).find("the hours of the day shifted") != std::string::npos);
}

TEST_CASE("the data-quality pass reports a new unmapped code and a code that grew late") {
  std::vector<CallRecord> calls = team_calls(200, 10.0, [](double) { return 10.0; }, 37);
  RandomStream rng(StreamKey{37, 0, 0, 2});
  const double late = kMonday2024 + 140 * 1440.0;
  for (auto& call : calls) {
    call.disposition_raw = "Remained in community";
    const double u = rng.uniform();
    if (call.created >= late && u < 0.05) {
      call.disposition_raw = "Crisis walk-in Center";  // new, and no map knows it
      call.disposition.reset();
    } else if (u < (call.created >= late ? 0.05 + 0.076 : 0.017)) {  // 1.7% -> 7.6%
      call.disposition_raw = "Other";
    }
  }
  const FitResult fit = fit_calls(calls, ImportSummary{}, FitOptions{});
  const auto find = [&](const std::string& code) {
    for (const auto& c : fit.quality.codes) {
      if (c.code == code) return c;
    }
    FAIL("no finding for " << code);
    return CodeFinding{};
  };
  const CodeFinding walk_in = find("Crisis walk-in Center");
  CHECK(walk_in.new_late);
  CHECK_FALSE(walk_in.mapped);
  CHECK(find("Other").grew);
  const std::string text = data_quality_text(fit.quality);
  CHECK(text.find("disposition \"Crisis walk-in Center\" first appears on 2024-05-") != std::string::npos);
  CHECK(text.find("disposition \"Other\" grew from") != std::string::npos);
}

// ---- Verdict ------------------------------------------------------------------------------

TEST_CASE("the backtest's verdict names a volume change between the fit and the held-out period") {
  TemporaryFolder folder;
  const double split = kMonday2024 + 120 * 1440.0;
  const auto rate = [&](double t) { return t < split ? 3.0 : 12.0; };
  const fs::path csv = folder.path() / "break.csv";
  write_mcslc(csv, team_calls(160, 12.0, rate, 41));
  const crisis::world::ModelRegistry registry = builtin_registry();
  const BacktestResult result = run_backtest(backtest_options(csv, split, std::nullopt), registry);
  REQUIRE(!result.verdicts.empty());
  const BacktestVerdict& volume = result.verdicts.front();
  CHECK(volume.quantity == "crisis calls a day");
  CHECK_FALSE(volume.within);
  CHECK(volume.sentence.find("likely cause: the volume changed on 2024-04-") != std::string::npos);
  CHECK(backtest_table(result).find("Verdict:") != std::string::npos);
}

TEST_CASE("a backtest of an unchanged process is within tolerance") {
  TemporaryFolder folder;
  const fs::path csv = folder.path() / "steady.csv";
  write_mcslc(csv, team_calls(140, 6.0, [](double) { return 6.0; }, 43));
  const crisis::world::ModelRegistry registry = builtin_registry();
  const BacktestResult result = run_backtest(backtest_options(csv, kMonday2024 + 105 * 1440.0 + 3 * 60.0, std::nullopt), registry);
  REQUIRE(!result.verdicts.empty());
  CHECK(result.verdicts.front().within);
  CHECK(result.verdicts.front().sentence.find("within tolerance") == 0);
}

// ---- Paths and outputs --------------------------------------------------------------------

TEST_CASE("a schema's default_mapping is read next to the schema, and its errors name the schema's line") {
  TemporaryFolder folder;
  const fs::path dir = folder.path() / "city";
  fs::create_directories(dir / "maps");
  std::ifstream schema_in(kSourceDir + "/cad/schemas/mcslc.yaml");
  std::stringstream schema_text;
  schema_text << schema_in.rdbuf();
  std::string text = schema_text.str();
  const auto at = text.find("default_mapping: mcslc");
  REQUIRE(at != std::string::npos);
  text.replace(at, std::string("default_mapping: mcslc").size(), "default_mapping: maps/team.csv");
  std::ofstream(dir / "schema.yaml") << text;
  fs::copy_file(kSourceDir + "/cad/mappings/mcslc.csv", dir / "maps" / "team.csv");
  write_mcslc(folder.path() / "calls.csv", team_calls(10, 5.0, [](double) { return 5.0; }, 45));
  ImportOptions options;
  options.schema = (dir / "schema.yaml").string();
  const ImportResult imported = import_calls((folder.path() / "calls.csv").string(), options);  // the working folder is elsewhere
  CHECK(imported.summary.rows_used > 0);
  fs::remove(dir / "maps" / "team.csv");
  try {
    (void)import_calls((folder.path() / "calls.csv").string(), options);
    FAIL("a missing mapping must be an error");
  } catch (const crisis::InputError& error) {
    const crisis::InputProblem& problem = error.problems().front();
    CHECK(problem.file == options.schema);
    CHECK(problem.line > 0);
    CHECK(problem.field == "default_mapping");
    CHECK(problem.message.find("maps/team.csv") != std::string::npos);
  }
}

TEST_CASE("a failed fit or backtest leaves no folder, no rejects.csv and no partial files") {
  TemporaryFolder folder;
  const fs::path csv = folder.path() / "calls.csv";
  write_mcslc(csv, team_calls(30, 5.0, [](double) { return 5.0; }, 47));
  const fs::path out = folder.path() / "out" / "fit";
  const auto fit = crisis::testing::run_cli_captured({"fit", csv.string(), "--schema", "mcslc", "--from", "2030-01-01", "--out", out.string(), "-q"});
  CHECK(fit.code == 2);
  CHECK_FALSE(fs::exists(folder.path() / "out"));
  const fs::path backtest_out = folder.path() / "backtest";
  fs::create_directories(backtest_out);
  const auto backtest = crisis::testing::run_cli_captured(
      {"backtest", csv.string(), "--schema", "mcslc", "--split", "2030-01-01", "--out", backtest_out.string(), "-q"});
  CHECK(backtest.code == 2);
  CHECK_FALSE(fs::exists(backtest_out / "rejects.csv"));
  CHECK(fs::is_empty(backtest_out));
  for (const auto& entry : fs::directory_iterator(folder.path())) CHECK(entry.path().filename().string().find(".partial") == std::string::npos);
}

TEST_CASE("backtest --from fits after a break, and the volume is then within tolerance") {
  TemporaryFolder folder;
  const double step = kMonday2024 + 60 * 1440.0;
  const fs::path csv = folder.path() / "after_break.csv";
  write_mcslc(csv, team_calls(160, 12.0, [&](double t) { return t < step ? 3.0 : 12.0; }, 49));
  const crisis::world::ModelRegistry registry = builtin_registry();
  BacktestOptions options = backtest_options(csv, kMonday2024 + 130 * 1440.0, std::nullopt);
  options.import.from = kMonday2024 + 70 * 1440.0;
  const BacktestResult result = run_backtest(options, registry);
  CHECK(result.fit.window_start == doctest::Approx(*options.import.from));
  REQUIRE(!result.verdicts.empty());
  INFO(result.verdicts.front().sentence);
  CHECK(result.verdicts.front().within);
  CHECK_FALSE(result.quality.volume.is_break);
}
