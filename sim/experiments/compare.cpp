#include "experiments/compare.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <variant>

#include <fmt/format.h>

#include "crisis/build_info.hpp"
#include "engine/errors.hpp"
#include "experiments/compare_export.hpp"
#include "yaml/yaml_reader.hpp"

namespace crisis::io {

namespace {
std::vector<double> column_or_nan(const RunResults& results, const std::string& measure) {
  const std::size_t index = results.measure_index(measure);
  if (index == std::string::npos) return std::vector<double>(results.replications.size(), std::nan(""));
  return results.column(index);
}
}  // namespace

engine::ReplicationSummary Comparison::summary(std::size_t variant, const std::string& measure) const {
  return engine::summarize_replications(column_or_nan(variants[variant].results, measure));
}

engine::ReplicationSummary Comparison::difference(std::size_t variant, const std::string& measure) const {
  const std::vector<double> reference = column_or_nan(variants.front().results, measure);
  const std::vector<double> other = column_or_nan(variants[variant].results, measure);
  std::vector<double> paired(reference.size());
  for (std::size_t r = 0; r < reference.size(); ++r) paired[r] = other[r] - reference[r];  // NaN stays NaN
  return engine::summarize_replications(paired);
}

namespace {

// A YAML flow scalar for a parameter word: quoted, with quotes and backslashes escaped.
std::string quoted(const std::string& word) {
  std::string out = "\"";
  for (char c : word) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string parameter_yaml(const world::ParameterValue& value) {
  if (const auto* number = std::get_if<double>(&value)) return fmt::format("{}", *number);
  if (const auto* flag = std::get_if<bool>(&value)) return *flag ? "true" : "false";
  if (const auto* word = std::get_if<std::string>(&value)) return quoted(*word);
  std::string list;
  for (const std::string& word : std::get<std::vector<std::string>>(value)) list += (list.empty() ? "" : ", ") + quoted(word);
  return "[" + list + "]";
}

// The model's entry in a `models:` list: its name, with the scenario's parameters when the
// scenario lists it (the first such entry).
std::string model_yaml(const std::string& name, const world::Scenario* scenario, bool& listed) {
  listed = false;
  if (scenario == nullptr) return name;
  for (const world::ModelSelection& selection : scenario->models) {
    if (selection.name != name) continue;
    listed = true;
    std::string params;
    for (const auto& [key, value] : selection.parameters.all()) params += (params.empty() ? "" : ", ") + key + ": " + parameter_yaml(value);
    return params.empty() ? name : "{name: " + name + ", params: {" + params + "}}";
  }
  return name;
}

}  // namespace

std::vector<VariantSpec> variants_from_models(const std::string& models_flag, const world::ModelRegistry& registry,
                                              const world::Scenario* scenario) {
  std::vector<VariantSpec> variants;
  std::size_t start = 0;
  while (start <= models_flag.size()) {
    const std::size_t comma = std::min(models_flag.find(',', start), models_flag.size());
    const std::string item = models_flag.substr(start, comma - start);
    if (item.empty()) throw InputError(InputProblem{"", 0, 0, "--models", "expected model names separated by commas, e.g. police_only,cit,civilian_team"});
    std::vector<std::string> names;
    std::size_t part_start = 0;
    while (part_start <= item.size()) {
      const std::size_t plus = std::min(item.find('+', part_start), item.size());
      names.push_back(item.substr(part_start, plus - part_start));
      part_start = plus + 1;
    }
    for (const std::string& name : names) {
      if (registry.find(name) == nullptr) {
        std::vector<std::string> valid;
        for (const auto* model : registry.all()) valid.emplace_back(model->name());
        const std::string suggestion = closest_match(name, valid);
        throw InputError(InputProblem{"", 0, 0, "--models",
                                      "unknown model '" + name + "'" + (suggestion.empty() ? "" : " (did you mean '" + suggestion + "'?)") +
                                          "; valid models: " + registry.names_joined()});
      }
    }
    if (std::find(names.begin(), names.end(), "police_only") == names.end()) names.insert(names.begin(), "police_only");
    std::string list;
    std::string entries;
    std::string unlisted;
    for (const auto& name : names) {
      bool listed = false;
      list += (list.empty() ? "" : ", ") + name;
      entries += (entries.empty() ? "" : ", ") + model_yaml(name, scenario, listed);
      if (scenario != nullptr && !listed && name != "police_only") unlisted += (unlisted.empty() ? "" : ", ") + name;
    }
    std::string description = "models: " + list;
    if (!unlisted.empty()) description += "; " + unlisted + " on default parameters (the scenario does not list it)";
    variants.push_back(VariantSpec{item, description, {{"models", "[" + entries + "]"}}});
    start = comma + 1;
  }
  return variants;
}

Comparison run_comparison(const std::string& path, const std::vector<Override>& overrides, std::vector<VariantSpec> variants,
                          const world::ModelRegistry& registry, int threads, bool record_calls,
                          std::vector<world::World>* worlds_out, engine::ProgressCounter* progress) {
  if (variants.empty()) variants = load_scenario(path, overrides, registry).variants;
  if (variants.size() < 2) {
    throw InputError(InputProblem{path, 0, 0, "variants",
                                  "compare needs at least two variants: add a 'variants:' section to the scenario or pass "
                                  "--models, e.g. --models police_only,cit"});
  }
  std::vector<world::World> worlds;
  for (const VariantSpec& variant : variants) {
    std::vector<Override> all = overrides;
    all.insert(all.end(), variant.overrides.begin(), variant.overrides.end());
    try {
      worlds.push_back(load_world(path, all, registry));
    } catch (const InputError& error) {
      std::vector<InputProblem> problems = error.problems();
      // A model on its defaults (named by --models, absent from the scenario) says so: the
      // scenario lacks the parameters it needs.
      const bool defaults = variant.description.find("on default parameters") != std::string::npos;
      for (auto& problem : problems) {
        problem.message += " (in variant '" + variant.name + "'" + (defaults ? "; " + variant.description : std::string()) + ")";
      }
      throw InputError(std::move(problems));
    }
  }
  // Pairing needs the same seed, replications and horizon everywhere.
  const world::RunConfig& reference = worlds.front().scenario().run;
  for (std::size_t v = 1; v < worlds.size(); ++v) {
    const world::RunConfig& run = worlds[v].scenario().run;
    if (run.seed != reference.seed || run.replications != reference.replications || run.horizon_days != reference.horizon_days ||
        run.warmup_days != reference.warmup_days) {
      throw InputError(InputProblem{path, 0, 0, "variants[" + std::to_string(v) + "]",
                                    "variant '" + variants[v].name +
                                        "' changes run.seed, run.replications or the horizon; variants must share them so "
                                        "that their differences are paired"});
    }
  }
  Comparison comparison;
  if (progress) progress->add_total(worlds.size() * static_cast<std::uint64_t>(reference.replications));
  for (std::size_t v = 0; v < worlds.size(); ++v) {
    comparison.variants.push_back({variants[v], run_world(worlds[v], reference.seed, static_cast<std::size_t>(reference.replications),
                                                          threads, record_calls, progress)});
    for (const std::string& name : comparison.variants.back().results.measure_names) {
      if (std::find(comparison.measure_names.begin(), comparison.measure_names.end(), name) == comparison.measure_names.end()) {
        comparison.measure_names.push_back(name);
      }
    }
  }
  if (worlds_out) *worlds_out = std::move(worlds);
  return comparison;
}

nlohmann::ordered_json comparison_json(const Comparison& comparison) {
  const RunResults& reference = comparison.variants.front().results;
  nlohmann::ordered_json json;
  json["crisis_sim_version"] = build::kVersion;
  json["scenario"] = {{"name", reference.scenario_name}, {"path", reference.scenario_path}};
  json["seed"] = reference.seed;
  json["replications"] = reference.replications.size();
  json["horizon_days"] = reference.horizon_days;
  json["warmup_days"] = reference.warmup_days;
  json["common_random_numbers"] = true;
  json["confidence_level"] = 0.95;
  json["currency"] = reference.currency;
  json["reference"] = comparison.variants.front().spec.name;
  nlohmann::ordered_json variants = nlohmann::ordered_json::array();
  for (std::size_t v = 0; v < comparison.variants.size(); ++v) {
    const VariantResult& variant = comparison.variants[v];
    nlohmann::ordered_json entry;
    entry["name"] = variant.spec.name;
    entry["description"] = variant.spec.description;
    entry["models"] = variant.results.models;
    entry["scenario_hash"] = fmt::format("{:016x}", variant.results.scenario_hash);
    nlohmann::ordered_json measures = nlohmann::ordered_json::object();
    for (const std::string& name : comparison.measure_names) {
      const auto s = comparison.summary(v, name);
      measures[name] = {{"mean", json_number(s.mean)}, {"ci95_low", json_number(s.low)}, {"ci95_high", json_number(s.high)}, {"n", s.count}};
    }
    entry["measures"] = std::move(measures);
    variants.push_back(std::move(entry));
  }
  json["variants"] = std::move(variants);
  nlohmann::ordered_json differences = nlohmann::ordered_json::array();
  for (std::size_t v = 1; v < comparison.variants.size(); ++v) {
    nlohmann::ordered_json entry;
    entry["variant"] = comparison.variants[v].spec.name;
    entry["reference"] = comparison.variants.front().spec.name;
    nlohmann::ordered_json measures = nlohmann::ordered_json::object();
    for (const std::string& name : comparison.measure_names) {
      const auto d = comparison.difference(v, name);
      const auto base = comparison.summary(0, name);
      const bool significant = std::isfinite(d.low) && (d.low > 0.0 || d.high < 0.0);
      measures[name] = {{"mean", json_number(d.mean)},
                        {"ci95_low", json_number(d.low)},
                        {"ci95_high", json_number(d.high)},
                        {"relative", json_number(base.mean != 0.0 ? d.mean / base.mean : std::nan(""))},
                        {"significant", significant},
                        {"n", d.count}};
    }
    entry["measures"] = std::move(measures);
    differences.push_back(std::move(entry));
  }
  json["differences"] = std::move(differences);
  return json;
}

std::string relative_change_text(double ratio) {
  const double percent = 100.0 * ratio;
  if (std::fabs(percent) >= 0.5) return fmt::format("{:+.0f}%", percent);
  // Below half a percent "+0%" or "-0%" would read as no change, though the interval excludes it.
  if (std::fabs(percent) >= 0.05) return fmt::format("{:+.1f}%", percent);
  return percent < 0.0 ? "-<0.1%" : "+<0.1%";
}

std::string comparison_table(const Comparison& comparison) {
  const RunResults& reference = comparison.variants.front().results;
  std::string text = fmt::format(
      "crisis-sim {} | scenario {} | seed {} | {} replications x {} days | common random numbers: differences are paired\n",
      build::kVersion, reference.scenario_name, reference.seed, reference.replications.size(), format_number(reference.horizon_days));
  for (const VariantResult& variant : comparison.variants) {
    text += fmt::format("  {:<20} {}\n", variant.spec.name, variant.spec.description.empty() ? fmt::format("models {}", fmt::join(variant.results.models, ", ")) : variant.spec.description);
  }
  const auto rows = table_rows(headline_measures(comparison.measure_names), reference.currency, reference.horizon_days);
  const std::size_t width = label_width(rows);
  bool starred = false;
  for (std::size_t v = 1; v < comparison.variants.size(); ++v) {
    const std::string& base_name = comparison.variants.front().spec.name;
    const std::string& name = comparison.variants[v].spec.name;
    // The value columns are as wide as the variant names (12 at least), so no name is cut.
    const std::size_t base_width = std::max<std::size_t>(12, base_name.size());
    const std::size_t other_width = std::max<std::size_t>(12, name.size());
    text += fmt::format("\n{} vs {}\n", name, base_name);
    text += fmt::format("{:<{}} {:>{}} {:>{}} {:>12} {:>25} {:>8}\n", "measure", width, base_name, base_width, name, other_width,
                        "change", "95% CI of change", "");
    for (const HeadlineMeasure& row : rows) {
      const auto base = comparison.summary(0, row.measure);
      const auto other = comparison.summary(v, row.measure);
      if (base.count == 0 && other.count == 0) continue;
      const auto d = comparison.difference(v, row.measure);
      std::string interval = "-";
      std::string verdict;
      if (std::isfinite(d.low)) {
        interval = fmt::format("[{}, {}]", with_decimals(d.low, row.decimals), with_decimals(d.high, row.decimals));
        const bool significant = d.low > 0.0 || d.high < 0.0;
        const bool identical = d.mean == 0.0 && d.sd == 0.0;
        const bool relative = std::isfinite(base.mean) && base.mean != 0.0;
        verdict = identical ? "same" : significant ? (relative ? relative_change_text(d.mean / base.mean) : "*") : "n.s.";
        starred = starred || verdict == "*";
      }
      std::string change = with_decimals(d.mean, row.decimals);
      if (std::isfinite(d.mean) && d.mean > 0) change = "+" + change;
      text += fmt::format("{:<{}} {:>{}} {:>{}} {:>12} {:>25} {:>8}\n", row.label, width, with_decimals(base.mean, row.decimals),
                          base_width, with_decimals(other.mean, row.decimals), other_width, change, interval, verdict);
    }
  }
  text += "\n+12%: the 95% interval of the paired difference excludes zero; the change relative to the reference's mean;\n"
          "n.s.: the 95% interval of the paired difference includes zero (no detectable change);\n"
          "same: identical in every replication (the variants do not differ there).\n";
  if (starred) text += "*: a change whose interval excludes zero, from a reference of 0 (no percentage can be given).\n";
  return text;
}

void write_comparison_outputs(const std::string& directory, const Comparison& comparison, const std::vector<world::World>& worlds,
                              bool with_calls) {
  write_comparison_outputs(directory, comparison, worlds, CallsOptions{.write = with_calls});
}

void write_comparison_outputs(const std::string& directory, const Comparison& comparison, const std::vector<world::World>& worlds,
                              const CallsOptions& calls) {
  namespace fs = std::filesystem;
  // comparison.json is written last and an earlier one removed first: when it is there, every
  // variant's folder beside it is complete and from the same run.
  std::error_code error;
  if (fs::is_directory(directory, error)) remove_earlier_output((fs::path(directory) / "comparison.json").string());
  for (std::size_t v = 0; v < comparison.variants.size(); ++v) {
    write_run_outputs((fs::path(directory) / comparison.variants[v].spec.name).string(), comparison.variants[v].results, worlds[v],
                      calls);
  }
  write_file_atomically((fs::path(directory) / "comparison.csv").string(), comparison_csv(comparison, worlds));
  write_file_atomically((fs::path(directory) / "comparison.json").string(), comparison_json(comparison).dump(2) + "\n");
}

}  // namespace crisis::io
