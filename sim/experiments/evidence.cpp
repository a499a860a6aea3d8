#include "experiments/evidence.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include <fmt/format.h>

#include "crisis/build_info.hpp"
#include "engine/errors.hpp"
#include "results/results_writer.hpp"
#include "yaml/yaml_reader.hpp"

namespace crisis::io {

namespace {

constexpr double kDaysPerYear = 365.0;

std::string statistic_name(EvidenceEntry::Statistic statistic) {
  switch (statistic) {
    case EvidenceEntry::Statistic::difference: return "difference";
    case EvidenceEntry::Statistic::ratio: return "ratio";
    case EvidenceEntry::Statistic::value: break;
  }
  return "value";
}

InputProblem problem_at(const std::string& path, const EvidenceEntry& entry, std::size_t index, const std::string& key,
                        std::string message) {
  return InputProblem{path, entry.line, entry.column, "evidence[" + std::to_string(index) + "]" + (key.empty() ? "" : "." + key),
                      std::move(message)};
}

// A measure's values across replications, derived ones included; empty when there is no such
// measure (for a scenario without crises, say).
std::vector<double> measure_column(const RunResults& results, const world::World& world, const std::string& measure) {
  if (const std::size_t index = results.measure_index(measure); index != std::string::npos) return results.column(index);
  if (measure.rfind(kPerYearPrefix, 0) == 0) {  // a count in the window, scaled to a year
    const std::size_t index = results.measure_index(measure.substr(std::string(kPerYearPrefix).size()));
    if (index == std::string::npos || results.horizon_days <= 0.0) return {};
    std::vector<double> values = results.column(index);
    for (double& value : values) value *= kDaysPerYear / results.horizon_days;
    return values;
  }
  const bool per_resident = measure.rfind(kPerResidentYearPrefix, 0) == 0;
  if (!per_resident && measure.rfind(kCountPerYearPrefix, 0) != 0) return {};
  const std::string what = measure.substr(std::string(per_resident ? kPerResidentYearPrefix : kCountPerYearPrefix).size());
  const std::size_t per_day = results.measure_index("crisis_calls_per_day");
  const std::size_t per_call = what == "crisis_calls" ? per_day : results.measure_index("per_1000." + what);
  if (per_day == std::string::npos || per_call == std::string::npos) return {};
  double population = 0.0;
  for (const world::Zone& zone : world.scenario().zones) population += zone.population;
  if (!per_resident) population = 100000.0;  // a count a year: the same arithmetic per 100,000
  const std::vector<double> calls = results.column(per_day);
  const std::vector<double> rate = results.column(per_call);
  std::vector<double> values(calls.size());
  for (std::size_t r = 0; r < calls.size(); ++r) {
    const double events_per_day = what == "crisis_calls" ? calls[r] : rate[r] / 1000.0 * calls[r];
    values[r] = population > 0.0 ? events_per_day * kDaysPerYear / population * 100000.0 : std::nan("");
  }
  return values;
}

// Three significant figures, without exponents for everyday magnitudes.
std::string readable(double value) {
  if (!std::isfinite(value)) return "-";
  const double magnitude = std::fabs(value);
  if (magnitude >= 100.0) return fmt::format("{:.0f}", value);
  if (magnitude >= 10.0) return fmt::format("{:.1f}", value);
  if (magnitude >= 1.0) return fmt::format("{:.2f}", value);
  return fmt::format("{:.3g}", value);
}

std::string published_text(const EvidenceEntry& entry) {
  std::string text = entry.low == entry.high ? readable(entry.low) : fmt::format("[{}, {}]", readable(entry.low), readable(entry.high));
  if (entry.tolerance > 0.0) text += fmt::format(" ±{:g}%", 100.0 * entry.tolerance);
  if (entry.tolerance_abs > 0.0) text += fmt::format(" ±{}", readable(entry.tolerance_abs));
  return text;
}

std::string simulated_text(const engine::ReplicationSummary& s) {
  if (!std::isfinite(s.low)) return readable(s.mean);
  return fmt::format("{} [{}, {}]", readable(s.mean), readable(s.low), readable(s.high));
}

std::string what_text(const EvidenceResult& result) {
  const std::string m = result.entry.measure + (result.entry.divide_by.empty() ? "" : " / " + result.entry.divide_by);
  switch (result.entry.statistic) {
    case EvidenceEntry::Statistic::difference: return fmt::format("{}: {} - {}", m, result.variant, result.reference);
    case EvidenceEntry::Statistic::ratio: return fmt::format("{}: {} / {}", m, result.variant, result.reference);
    case EvidenceEntry::Statistic::value: break;
  }
  return fmt::format("{}: {}", m, result.variant);
}

std::string heading(const EvidenceCheck& check) {
  return fmt::format("{} replications x {} days (+{} warm-up), seed {}, common random numbers", check.replications,
                     format_number(check.horizon_days), format_number(check.warmup_days), check.seed);
}

}  // namespace

std::size_t EvidenceCheck::failed() const {
  return static_cast<std::size_t>(std::count_if(results.begin(), results.end(), [](const EvidenceResult& r) { return !r.pass; }));
}

bool evidence_passes(const engine::ReplicationSummary& simulated, double band_low, double band_high) {
  if (simulated.count == 0 || !std::isfinite(simulated.mean)) return false;
  const double low = std::isfinite(simulated.low) ? simulated.low : simulated.mean;
  const double high = std::isfinite(simulated.high) ? simulated.high : simulated.mean;
  return high >= band_low && low <= band_high;
}

void evidence_band(const EvidenceEntry& entry, double& band_low, double& band_high) {
  band_low = entry.low - entry.tolerance * std::fabs(entry.low) - entry.tolerance_abs;
  band_high = entry.high + entry.tolerance * std::fabs(entry.high) + entry.tolerance_abs;
}

EvidenceCheck run_evidence(const std::string& path, const std::vector<Override>& overrides, const world::ModelRegistry& registry,
                           int threads, engine::ProgressCounter* progress) {
  const LoadedScenario loaded = load_scenario(path, overrides, registry);
  const world::Scenario& scenario = loaded.scenario;
  std::vector<VariantSpec> variants = loaded.variants;
  if (variants.empty()) variants.push_back({"base", "the scenario as written", {}});
  std::map<std::string, const VariantSpec*> by_name;
  std::vector<std::string> names;
  for (const VariantSpec& v : variants) {
    by_name[v.name] = &v;
    names.push_back(v.name);
  }

  // Resolve every entry's variants first, so that a misspelt name fails before any run.
  std::vector<InputProblem> problems;
  std::vector<std::string> needed;
  EvidenceCheck check{path, scenario.name, scenario.run.seed, static_cast<std::size_t>(scenario.run.replications),
                      scenario.run.horizon_days, scenario.run.warmup_days, {}};
  const std::string valid = fmt::format("{}", fmt::join(names, ", "));
  for (std::size_t i = 0; i < loaded.evidence.size(); ++i) {
    EvidenceResult result{loaded.evidence[i], {}, {}, {}, 0.0, 0.0, false};
    result.variant = result.entry.variant.empty() ? variants.front().name : result.entry.variant;
    result.reference = result.entry.reference;
    for (const auto& [key, name] : {std::pair<std::string, std::string>{"variant", result.variant}, {"compare_with", result.reference}}) {
      if (name.empty() || by_name.count(name) != 0) {
        if (!name.empty() && std::find(needed.begin(), needed.end(), name) == needed.end()) needed.push_back(name);
        continue;
      }
      problems.push_back(problem_at(path, result.entry, i, key,
                                    "unknown variant '" + name + "'" + did_you_mean(name, names) + "; variants: " + valid));
    }
    check.results.push_back(std::move(result));
  }
  if (!problems.empty()) throw InputError(std::move(problems));

  // Run each variant once, in the order first named, all with the scenario's seed (CRN).
  if (progress) progress->add_total(needed.size() * check.replications);
  std::map<std::string, std::pair<world::World, RunResults>> runs;
  for (const std::string& name : needed) {
    std::vector<Override> all = overrides;
    all.insert(all.end(), by_name[name]->overrides.begin(), by_name[name]->overrides.end());
    world::World world = load_world(path, all, registry);
    RunResults results = run_world(world, check.seed, check.replications, threads, false, progress);
    runs.emplace(name, std::make_pair(std::move(world), std::move(results)));
  }

  for (std::size_t i = 0; i < check.results.size(); ++i) {
    EvidenceResult& result = check.results[i];
    const auto& [world, results] = runs.at(result.variant);
    std::vector<double> values = measure_column(results, world, result.entry.measure);
    std::vector<double> denominators;
    if (!result.entry.divide_by.empty()) denominators = measure_column(results, world, result.entry.divide_by);
    if (!result.entry.divide_by.empty() && denominators.empty()) {
      problems.push_back(problem_at(path, result.entry, i, "divide_by",
                                    "unknown measure '" + result.entry.divide_by + "'" +
                                        did_you_mean(result.entry.divide_by, results.measure_names)));
      continue;
    }
    if (values.empty()) {
      problems.push_back(problem_at(path, result.entry, i, "measure",
                                    "unknown measure '" + result.entry.measure + "'" +
                                        did_you_mean(result.entry.measure, results.measure_names) + "; the measures are the columns of replications.csv, per_100k_residents_year.X and "
                                        "count_per_year.X for each per_1000.X, and per_year.X for each count"));
      continue;
    }
    const auto quotient = [&](std::vector<double> numerators, const std::vector<double>& divisors) {
      if (result.entry.divide_by.empty()) return numerators;
      for (std::size_t r = 0; r < numerators.size(); ++r) {
        numerators[r] = r < divisors.size() && divisors[r] != 0.0 ? numerators[r] / divisors[r] : std::nan("");
      }
      return numerators;
    };
    values = quotient(std::move(values), denominators);
    std::vector<double> statistic = values;
    if (!result.reference.empty()) {
      const auto& [other_world, other_results] = runs.at(result.reference);
      const std::vector<double> base =
          quotient(measure_column(other_results, other_world, result.entry.measure),
                   result.entry.divide_by.empty() ? std::vector<double>{}
                                                  : measure_column(other_results, other_world, result.entry.divide_by));
      for (std::size_t r = 0; r < statistic.size(); ++r) {
        const double b = r < base.size() ? base[r] : std::nan("");
        statistic[r] = result.entry.statistic == EvidenceEntry::Statistic::ratio ? (b != 0.0 ? values[r] / b : std::nan(""))
                                                                                 : values[r] - b;
      }
    }
    result.simulated = engine::summarize_replications(statistic);
    evidence_band(result.entry, result.band_low, result.band_high);
    result.pass = evidence_passes(result.simulated, result.band_low, result.band_high);
  }
  if (!problems.empty()) throw InputError(std::move(problems));
  return check;
}

nlohmann::ordered_json evidence_json(const std::vector<EvidenceCheck>& checks) {
  nlohmann::ordered_json json;
  json["crisis_sim_version"] = build::kVersion;
  json["confidence_level"] = 0.95;
  json["rule"] = "pass when the 95% interval of the simulated statistic meets the published range widened by the tolerance";
  nlohmann::ordered_json scenarios = nlohmann::ordered_json::array();
  for (const EvidenceCheck& check : checks) {
    nlohmann::ordered_json s;
    s["path"] = check.scenario_path;
    s["name"] = check.scenario_name;
    s["seed"] = check.seed;
    s["replications"] = check.replications;
    s["horizon_days"] = check.horizon_days;
    s["warmup_days"] = check.warmup_days;
    s["failed"] = check.failed();
    nlohmann::ordered_json entries = nlohmann::ordered_json::array();
    for (const EvidenceResult& r : check.results) {
      nlohmann::ordered_json e;
      e["name"] = r.entry.name;
      e["measure"] = r.entry.measure;
      e["divide_by"] = r.entry.divide_by.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(r.entry.divide_by);
      e["statistic"] = statistic_name(r.entry.statistic);
      e["variant"] = r.variant;
      e["compare_with"] = r.reference.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(r.reference);
      e["published"] = {{"low", json_number(r.entry.low)}, {"high", json_number(r.entry.high)}};
      e["tolerance"] = json_number(r.entry.tolerance);
      e["tolerance_abs"] = json_number(r.entry.tolerance_abs);
      e["band"] = {{"low", json_number(r.band_low)}, {"high", json_number(r.band_high)}};
      e["simulated"] = {{"mean", json_number(r.simulated.mean)},
                        {"ci95_low", json_number(r.simulated.low)},
                        {"ci95_high", json_number(r.simulated.high)},
                        {"n", r.simulated.count}};
      e["verdict"] = r.pass ? "pass" : "fail";
      e["source"] = r.entry.source;
      e["note"] = r.entry.note;
      e["line"] = r.entry.line;
      entries.push_back(std::move(e));
    }
    s["evidence"] = std::move(entries);
    scenarios.push_back(std::move(s));
  }
  json["scenarios"] = std::move(scenarios);
  return json;
}

std::string evidence_table(const EvidenceCheck& check) {
  std::string text = fmt::format("{} ({}) | {}\n", check.scenario_name, check.scenario_path, heading(check));
  if (check.results.empty()) return text + "  no evidence entries\n";
  text += fmt::format("  {:>2}  {:<54} {:>18} {:>28}  {}\n", "#", "evidence", "published", "simulated [95% CI]", "verdict");
  for (std::size_t i = 0; i < check.results.size(); ++i) {
    const EvidenceResult& r = check.results[i];
    text += fmt::format("  {:>2}  {:<54} {:>18} {:>28}  {}\n", i + 1, r.entry.name, published_text(r.entry), simulated_text(r.simulated),
                        r.pass ? "pass" : "FAIL");
    text += fmt::format("      {}; source: {}\n", what_text(r), r.entry.source);
  }
  text += fmt::format("  {} of {} entries pass\n", check.results.size() - check.failed(), check.results.size());
  return text;
}

std::string evidence_markdown(const EvidenceCheck& check) {
  std::string text = fmt::format("### {} (`{}`)\n\n{}.\n\n", check.scenario_name, check.scenario_path, heading(check));
  if (check.results.empty()) return text + "No evidence entries.\n\n";
  text += "| # | evidence | measure | published | simulated [95% CI] | verdict | source |\n";
  text += "| --- | --- | --- | --- | --- | --- | --- |\n";
  for (std::size_t i = 0; i < check.results.size(); ++i) {
    const EvidenceResult& r = check.results[i];
    text += fmt::format("| {} | {} | `{}` | {} | {} | {} | {} |\n", i + 1, r.entry.name, what_text(r), published_text(r.entry),
                        simulated_text(r.simulated), r.pass ? "pass" : "**fail**", r.entry.source);
  }
  return text + fmt::format("\n{} of {} entries pass.\n\n", check.results.size() - check.failed(), check.results.size());
}

}  // namespace crisis::io
