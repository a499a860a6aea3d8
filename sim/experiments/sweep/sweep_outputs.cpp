#include "experiments/sweep/sweep_outputs.hpp"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>

#include <unistd.h>

#include "crisis/build_info.hpp"
#include "engine/errors.hpp"
#include "engine/statistics.hpp"
#include "results/results_writer.hpp"

namespace crisis::io {
namespace {

namespace fs = std::filesystem;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

}  // namespace

namespace detail {

void write_points_csv(sqlite::Database& db, const std::string& out_dir, const SweepDefinition& definition,
                      const std::vector<std::string>& columns, bool has_precision) {
  const fs::path path = fs::path(out_dir) / "points.csv";
  const std::string temporary = path.string() + ".partial-" + std::to_string(::getpid());
  struct RemoveOnFailure {
    const std::string& file;
    bool keep = false;
    ~RemoveOnFailure() {
      std::error_code ignored;
      if (!keep) fs::remove(file, ignored);
    }
  } cleanup{temporary};
  std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
  if (!out) throw InputError(InputProblem{path.string(), 0, 0, "--out", "cannot write here"});
  std::string line = "point";
  for (const SweepParameter& p : definition.parameters) {
    line += ',';
    line += csv_field(p.path);
  }
  line += ",replications";
  if (has_precision) line += ",precision_met";
  for (const std::string& column : columns) {
    for (const char* suffix : {".mean", ".ci95_low", ".ci95_high"}) {
      line += ',';
      line += csv_field(column + suffix);
    }
  }
  out << line << "\n";

  // Both cursors walk in point order, so one point's rows are in memory at a time.
  sqlite::Statement point_rows(db, "SELECT * FROM points ORDER BY point");
  sqlite::Statement result_rows(db, "SELECT * FROM results ORDER BY point, replication");
  bool result_ready = result_rows.step();
  const int parameter_count = static_cast<int>(definition.parameters.size());
  std::vector<std::vector<double>> by_column(columns.size());
  while (point_rows.step()) {
    const std::int64_t point = point_rows.integer(0);
    for (auto& column : by_column) column.clear();
    while (result_ready && result_rows.integer(0) == point) {
      for (std::size_t c = 0; c < columns.size(); ++c)
        by_column[c].push_back(result_rows.real(static_cast<int>(c + 3)));
      result_ready = result_rows.step();
    }
    line = std::to_string(point);
    for (int j = 0; j < parameter_count; ++j) {
      line += ",";
      line += point_rows.type(j + 1) == sqlite::ColumnType::text ? csv_field(point_rows.text(j + 1))
                                                                 : point_rows.cell(j + 1);
    }
    line += ',';
    line += point_rows.cell(parameter_count + 1);
    if (has_precision) {
      line += ',';
      line += point_rows.cell(parameter_count + 2);
    }
    for (const auto& column : by_column) {
      const engine::ReplicationSummary summary = engine::summarize_replications(column);
      for (double value : {summary.mean, summary.low, summary.high}) {
        line += ',';
        line += format_number(value);
      }
    }
    out << line << "\n";
  }
  out.flush();
  if (!out) throw Error("writing " + path.string() + " failed (disk full?)");
  out.close();
  std::error_code error;
  fs::rename(temporary, path, error);
  if (error) throw Error("could not move " + temporary + " to " + path.string() + ": " + error.message());
  cleanup.keep = true;
}

}  // namespace detail

// ---- warm-up advice --------------------------------------------------------------------------

const std::vector<std::string>& warmup_series_measures() {
  static const std::vector<std::string> names = {"response_min.mean", "background.response_min.mean", "crisis_calls",
                                                 "background_calls"};
  return names;
}

WarmupAdvice mser5(std::vector<double> daily) {
  engine::Mser5Truncation cut = engine::mser5(daily);
  WarmupAdvice advice;
  advice.batch_means = std::move(cut.batch_means);
  advice.mser = std::move(cut.mser);
  advice.truncation_batches = cut.truncation_batches;
  advice.recommended_warmup_days = static_cast<double>(cut.truncation_values);
  advice.reliable = cut.reliable;
  advice.daily = std::move(daily);
  return advice;
}

WarmupAdvice warmup_advice(const SweepDefinition& definition, const world::ModelRegistry& registry) {
  const WarmupAdviceSpec spec = definition.warmup_advice.value_or(WarmupAdviceSpec{});
  const LoadedScenario base = load_scenario(definition.scenario_path, definition.overrides, registry);
  std::vector<Override> overrides = definition.overrides;
  overrides.push_back({"run.warmup_days", "0"});
  overrides.push_back({"run.horizon_days", format_number(spec.days)});
  const world::World world = load_world(definition.scenario_path, overrides, registry);
  const std::uint64_t seed = definition.seed.value_or(base.scenario.run.seed);
  const world::ReplicationResult result = world.run_replication(seed, 0, true);
  const auto days = static_cast<std::size_t>(std::floor(spec.days));
  std::vector<double> sum(days, 0.0);
  std::vector<double> count(days, 0.0);
  const bool counts = spec.measure == "crisis_calls" || spec.measure == "background_calls";
  const bool crisis = spec.measure == "response_min.mean" || spec.measure == "crisis_calls";
  for (const world::CallRecord& call : result.calls) {
    if (call.crisis != crisis) continue;
    const double day = std::floor(call.arrival_min / 1440.0);
    if (day < 0.0 || day >= static_cast<double>(days)) continue;
    const auto d = static_cast<std::size_t>(day);
    if (counts) {
      sum[d] += 1.0;
    } else if (std::isfinite(call.on_scene_min)) {
      sum[d] += call.on_scene_min - call.arrival_min;
      count[d] += 1.0;
    }
  }
  std::vector<double> daily(days);
  for (std::size_t d = 0; d < days; ++d) daily[d] = counts ? sum[d] : (count[d] > 0.0 ? sum[d] / count[d] : kNaN);
  WarmupAdvice advice = mser5(std::move(daily));
  advice.measure = spec.measure;
  advice.days = spec.days;
  advice.scenario_warmup_days = base.scenario.run.warmup_days;
  return advice;
}

nlohmann::ordered_json warmup_advice_json(const WarmupAdvice& advice) {
  nlohmann::ordered_json json;
  json["crisis_sim_version"] = build::kVersion;
  json["method"] =
      "MSER-5 (White 1997): 5-day batch means, truncation minimising the MSER statistic over the first half";
  json["measure"] = advice.measure;
  json["replication_days"] = advice.days;
  json["recommended_warmup_days"] = advice.recommended_warmup_days;
  json["scenario_warmup_days"] = advice.scenario_warmup_days;
  json["reliable"] = advice.reliable;
  json["truncation_batches"] = advice.truncation_batches;
  const auto numbers = [](const std::vector<double>& values) {
    nlohmann::ordered_json array = nlohmann::ordered_json::array();
    for (double v : values) array.push_back(json_number(v));
    return array;
  };
  json["daily"] = numbers(advice.daily);
  json["batch_means"] = numbers(advice.batch_means);
  json["mser"] = numbers(advice.mser);
  return json;
}

}  // namespace crisis::io
