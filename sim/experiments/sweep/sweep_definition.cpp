#include "experiments/sweep/sweep.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "engine/errors.hpp"
#include "engine/limits.hpp"
#include "experiments/sweep/sweep_design.hpp"
#include "results/results_writer.hpp"
#include "yaml/yaml_reader.hpp"

namespace crisis::io {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t kMaxPoints = 10'000'000;
constexpr long long kMaxHypercubePoints = 1'000'000;
using engine::kMaxReplications;
constexpr long long kMaxSeed = std::numeric_limits<std::int64_t>::max();
constexpr double kMaxRangeEnd = 1e15;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

using detail::number_value;
using detail::parse_number;

std::string yaml_text(const YAML::Node& node) {
  if (node.IsScalar()) return node.Scalar();
  YAML::Emitter emitter;
  emitter << YAML::Flow << node;
  return emitter.c_str();
}

/// "5%" (relative to the mean) or "0.5" (absolute, in the measure's unit), > 0.
std::optional<std::pair<double, bool>> parse_tolerance(std::string text) {
  while (!text.empty() && text.back() == ' ') text.pop_back();
  bool relative = false;
  if (!text.empty() && text.back() == '%') {
    relative = true;
    text.pop_back();
    while (!text.empty() && text.back() == ' ') text.pop_back();
  }
  const auto value = parse_number(text);
  if (!value || *value <= 0.0) return std::nullopt;
  return std::make_pair(relative ? *value / 100.0 : *value, relative);
}

const char* const kToleranceHelp =
    "expected a tolerance: a share of the mean such as 5% or an absolute half-width such as 0.5";

bool forbidden_path(const std::string& path) { return path == "run.seed" || path == "run.replications"; }
const char* const kForbiddenHelp =
    "is set by the sweep itself: use the sweep's `seed:` and `replications:` keys (every point runs replication r "
    "with the same seed, which is what pairs the points)";

/// Reads a sweep file in named steps, in the order its problems are reported: every step
/// records problems in the one YamlReader, and read() throws them together at the end.
class SweepFileReader {
 public:
  SweepFileReader(const std::string& path, const YAML::Node& root)
      : path_(path), root_(root), reader_(path), top_(reader_, root, "") {}

  SweepDefinition read(const std::vector<Override>& command_overrides) {
    d_.file = path_;
    d_.name = top_.text("name", fs::path(path_).stem().string());
    d_.description = top_.text("description", std::string());
    read_scenario();
    read_fixed_overrides(command_overrides);
    read_design();
    read_parameters();
    d_.replications = static_cast<int>(top_.integer("replications", 0, 1, kMaxReplications));
    if (top_.has("seed")) d_.seed = static_cast<std::uint64_t>(top_.integer("seed", std::nullopt, 0, kMaxSeed));
    read_measures();
    read_precision();
    read_warmup_advice();
    top_.finish();
    check_grid_size();
    reader_.throw_if_problems();
    record_known_keys();
    return std::move(d_);
  }

 private:
  void read_scenario() {
    const YAML::Node scenario = top_.child("scenario");
    if (!scenario.IsDefined()) {
      if (top_.valid())
        reader_.problem(root_, "scenario",
                        "missing: expected the base scenario's path, relative to this file's folder");
    } else if (const auto given = read_text(reader_, scenario, "scenario")) {
      fs::path resolved(*given);
      if (resolved.is_relative()) resolved = fs::path(path_).parent_path() / resolved;
      d_.scenario_path = resolved.lexically_normal().string();
      std::error_code error;
      if (!fs::is_regular_file(d_.scenario_path, error)) {
        reader_.problem(
            scenario, "scenario",
            "no scenario file at " + d_.scenario_path + " (a relative path is taken from the sweep file's folder)");
      }
    }
  }

  /// The file's `set:`, then the command line's overrides.
  void read_fixed_overrides(const std::vector<Override>& command_overrides) {
    const YAML::Node set = top_.child("set");
    if (set.IsDefined()) {
      MapReader sets(reader_, set, "set");
      if (sets.valid()) {
        for (const auto& entry : set) {
          if (!entry.first.IsScalar() || entry.first.Scalar().empty()) {
            reader_.problem(entry.first, "set",
                            "expected a scenario path such as run.horizon_days, got " + describe(entry.first));
            continue;
          }
          const std::string& key = entry.first.Scalar();
          if (forbidden_path(key)) reader_.problem(entry.first, "set." + key, std::string(kForbiddenHelp));
          d_.overrides.push_back({key, yaml_text(entry.second)});
          d_.override_positions.emplace_back(entry.first.Mark().line + 1, entry.first.Mark().column + 1);
        }
      }
    }
    for (const Override& o : command_overrides) {
      d_.overrides.push_back(o);
      d_.override_positions.emplace_back(0, 0);
    }
  }

  void read_design() {
    const YAML::Node design = top_.child("design");
    if (design.IsDefined()) {
      const std::string help = "expected grid or {latin_hypercube: {points: N, seed: S}}";
      if (design.IsScalar()) {
        if (design.Scalar() == "latin_hypercube") {
          reader_.problem(
              design, "design",
              "latin_hypercube needs its number of points: design: {latin_hypercube: {points: 20, seed: 1}}");
        } else if (design.Scalar() != "grid") {
          const std::string suggestion = closest_match(design.Scalar(), {"grid", "latin_hypercube"});
          reader_.problem(
              design, "design",
              help + ", got " + describe(design) + (suggestion.empty() ? "" : " (did you mean '" + suggestion + "'?)"));
        }
      } else {
        MapReader design_map(reader_, design, "design");
        const YAML::Node hypercube = design_map.child("latin_hypercube");
        if (hypercube.IsDefined()) {
          MapReader cube(reader_, hypercube, "design.latin_hypercube");
          d_.design = SweepDesign::latin_hypercube;
          d_.hypercube_points = static_cast<std::size_t>(cube.integer("points", std::nullopt, 1, kMaxHypercubePoints));
          d_.hypercube_seed = static_cast<std::uint64_t>(cube.integer("seed", 1, 0, kMaxSeed));
          cube.finish();
        } else if (design_map.valid()) {
          reader_.problem(design, "design", help + ", got " + describe(design));
        }
        design_map.finish();
      }
    }
  }

  void read_parameters() {
    const YAML::Node parameters = top_.child("parameters");
    parameters_ = parameters;
    if (!parameters.IsDefined()) {
      if (top_.valid()) {
        reader_.problem(root_, "parameters",
                        "missing: expected a mapping of scenario paths to their values, e.g. crises.triage_accuracy: "
                        "[0.6, 0.8, 1.0]");
      }
    } else {
      d_.parameters_line = parameters.Mark().line + 1;
      d_.parameters_column = parameters.Mark().column + 1;
      MapReader parameter_map(reader_, parameters, "parameters");
      if (parameter_map.valid() && parameters.size() == 0) {
        reader_.problem(parameters, "parameters",
                        "expected at least one parameter, e.g. crises.triage_accuracy: [0.6, 0.8, 1.0]");
      }
      if (parameter_map.valid()) {
        for (const auto& entry : parameters) {
          if (!entry.first.IsScalar() || entry.first.Scalar().empty()) {
            reader_.problem(entry.first, "parameters",
                            "expected a scenario path such as crises.triage_accuracy, got " + describe(entry.first));
            continue;
          }
          d_.parameters.push_back(read_parameter(entry.first, entry.second));
        }
      }
    }
  }

  SweepParameter read_parameter(const YAML::Node& key, const YAML::Node& value) {
    SweepParameter parameter;
    parameter.path = key.Scalar();
    parameter.line = key.Mark().line + 1;
    parameter.column = key.Mark().column + 1;
    const std::string where = "parameters." + parameter.path;
    if (forbidden_path(parameter.path)) reader_.problem(key, where, std::string(kForbiddenHelp));
    for (const Override& fixed : d_.overrides) {
      if (fixed.path == parameter.path) reader_.problem(key, where, "is also fixed under `set:`; give it in one place");
    }
    if (value.IsSequence()) {
      read_value_list(value, where, parameter);
    } else if (value.IsMap()) {
      read_range(value, where, parameter);
    } else {
      reader_.problem(
          value, where,
          "expected a list of values or a range {from: A, to: B, step: S | count: N}, got " + describe(value));
    }
    return parameter;
  }

  void read_value_list(const YAML::Node& value, const std::string& where, SweepParameter& parameter) {
    const bool hypercube = d_.design == SweepDesign::latin_hypercube;
    if (hypercube) {
      reader_.problem(value, where, "latin_hypercube samples ranges: write {from: A, to: B}, not a list of values");
    } else if (value.size() == 0) {
      reader_.problem(value, where, "expected at least one value");
    }
    for (std::size_t i = 0; i < value.size(); ++i) {
      const YAML::Node element = value[i];
      if (!element.IsDefined() || element.IsNull()) {
        reader_.problem(element, where + "[" + std::to_string(i) + "]", "expected a value, got nothing");
      } else if (element.IsScalar()) {
        const auto number = parse_number(element.Scalar());
        parameter.values.push_back(number ? number_value(*number) : SweepValue{kNaN, element.Scalar()});
      } else {
        parameter.values.push_back(SweepValue{kNaN, yaml_text(element)});
      }
    }
  }

  void read_range(const YAML::Node& value, const std::string& where, SweepParameter& parameter) {
    const bool hypercube = d_.design == SweepDesign::latin_hypercube;
    MapReader range(reader_, value, where);
    parameter.is_range = true;
    parameter.from = range.number("from", std::nullopt, -kMaxRangeEnd, kMaxRangeEnd);
    parameter.to = range.number("to", std::nullopt, -kMaxRangeEnd, kMaxRangeEnd);
    const bool has_step = range.has("step");
    const bool has_count = range.has("count");
    if (has_step) parameter.step = range.number("step", std::nullopt, 0.0, kMaxRangeEnd);
    if (has_count)
      parameter.count =
          static_cast<std::size_t>(range.integer("count", std::nullopt, 1, static_cast<long long>(kMaxPoints)));
    parameter.integer = range.flag("integer", false);
    range.finish();
    if (parameter.to < parameter.from) {
      reader_.problem(range.child("to"), where + ".to", "expected to >= from (" + format_number(parameter.from) + ")");
    } else if (hypercube) {
      if (has_step || has_count) {
        reader_.problem(value, where, "latin_hypercube draws from {from, to}: step and count belong to a grid");
      }
    } else if (has_step == has_count) {
      reader_.problem(
          value, where,
          has_step ? "give step or count, not both"
                   : "a grid range needs step or count: {from: A, to: B, step: S} or {from: A, to: B, count: N}");
    } else if (has_step && parameter.step && *parameter.step <= 0.0) {
      reader_.problem(range.child("step"), where + ".step", "expected a step > 0");
    } else if (has_step && parameter.step &&
               (parameter.to - parameter.from) / *parameter.step >= static_cast<double>(kMaxPoints)) {
      reader_.problem(range.child("step"), where + ".step",
                      "gives more than " + std::to_string(kMaxPoints) + " values");
    } else if (has_count && parameter.count && *parameter.count == 1 && parameter.from != parameter.to) {
      reader_.problem(range.child("count"), where + ".count",
                      "count 1 takes only `from`; give count >= 2, or from equal to to");
    } else if (reader_.ok()) {
      for (double v : range_values(parameter.from, parameter.to, parameter.step, parameter.count)) {
        parameter.values.push_back(number_value(parameter.integer ? std::round(v) : v));
      }
    }
  }

  void read_measures() {
    const YAML::Node measures = top_.child("measures");
    if (measures.IsDefined()) {
      if (!measures.IsSequence() || measures.size() == 0) {
        reader_.problem(
            measures, "measures",
            "expected a list of measure names (docs/scenario-format.md#measures), got " + describe(measures));
      } else {
        for (std::size_t i = 0; i < measures.size(); ++i) {
          const std::string at = "measures[" + std::to_string(i) + "]";
          if (const auto name = read_text(reader_, measures[i], at)) {
            if (std::find(d_.measures.begin(), d_.measures.end(), *name) != d_.measures.end()) {
              reader_.problem(measures[i], at, "duplicate measure '" + *name + "'");
            }
            d_.measures.push_back(*name);
            d_.measure_positions.emplace_back(measures[i].Mark().line + 1, measures[i].Mark().column + 1);
          }
        }
      }
    }
  }

  void read_precision() {
    const YAML::Node precision = top_.child("precision");
    if (precision.IsDefined()) {
      MapReader rule_map(reader_, precision, "precision");
      PrecisionRule rule;
      const YAML::Node targets = rule_map.child("measures");
      if (!targets.IsDefined()) {
        if (rule_map.valid()) {
          reader_.problem(precision, "precision.measures",
                          "missing: expected measures and tolerances, e.g. {response_min.mean: 5%}");
        }
      } else {
        MapReader target_map(reader_, targets, "precision.measures");
        if (target_map.valid()) {
          if (targets.size() == 0) reader_.problem(targets, "precision.measures", "expected at least one measure");
          for (const auto& entry : targets) {
            const std::string measure = entry.first.IsScalar() ? entry.first.Scalar() : describe(entry.first);
            const std::string at = "precision.measures." + measure;
            const auto tolerance = entry.second.IsScalar() ? parse_tolerance(entry.second.Scalar()) : std::nullopt;
            if (!tolerance) {
              reader_.problem(entry.second, at, std::string(kToleranceHelp) + ", got " + describe(entry.second));
              continue;
            }
            rule.targets.push_back(PrecisionTarget{measure, tolerance->first, tolerance->second,
                                                   entry.first.Mark().line + 1, entry.first.Mark().column + 1});
          }
        }
      }
      rule.batch = static_cast<int>(rule_map.integer("batch", 0, 1, kMaxReplications));
      rule.max_replications = static_cast<int>(rule_map.integer("max_replications", 100, 2, kMaxReplications));
      rule_map.finish();
      d_.precision = rule;
    }
  }

  void read_warmup_advice() {
    const YAML::Node warmup = top_.child("warmup_advice");
    if (warmup.IsDefined()) {
      MapReader advice(reader_, warmup, "warmup_advice");
      WarmupAdviceSpec spec;
      spec.measure = advice.choice("measure", spec.measure, warmup_series_measures());
      spec.days = advice.number("days", spec.days, 10.0, engine::kMaxHorizonDays);
      advice.finish();
      d_.warmup_advice = spec;
    }
  }

  /// A grid's size is the product of its parameters' value counts; checked once they all read well.
  void check_grid_size() {
    if (reader_.ok() && d_.design != SweepDesign::latin_hypercube) {
      double total = 1.0;
      for (const SweepParameter& parameter : d_.parameters) total *= static_cast<double>(parameter.values.size());
      if (total > static_cast<double>(kMaxPoints)) {
        reader_.problem(
            parameters_, "parameters",
            fmt::format(
                "the grid has {:.0f} points; at most {} are allowed (use latin_hypercube to sample a large space)",
                total, kMaxPoints));
      }
    }
  }

  void record_known_keys() {
    // The key patterns the reader accepts, for the documentation test: concrete scenario paths
    // and measure names become placeholders.
    for (const std::string& key : reader_.known_keys()) {
      if (key.rfind("parameters.", 0) == 0 || key.rfind("precision.measures.", 0) == 0 || key.rfind("set.", 0) == 0)
        continue;
      d_.known_keys.insert(key);
    }
    for (const char* key :
         {"set.<path>", "parameters.<path>", "parameters.<path>.from", "parameters.<path>.to", "parameters.<path>.step",
          "parameters.<path>.count", "parameters.<path>.integer", "precision.measures.<measure>"}) {
      d_.known_keys.insert(key);
    }
  }

  const std::string& path_;
  const YAML::Node& root_;
  YamlReader reader_;
  MapReader top_;
  SweepDefinition d_;
  YAML::Node parameters_;  ///< the `parameters:` node, for problems about the grid as a whole
};

}  // namespace

bool SweepParameter::numeric() const noexcept {
  if (is_range) return true;
  return std::all_of(values.begin(), values.end(), [](const SweepValue& v) { return v.is_number(); });
}

PrecisionTarget parse_precision_flag(const std::string& text) {
  const auto equals = text.rfind('=');
  if (equals == std::string::npos || equals == 0) {
    throw InputError(InputProblem{
        "", 0, 0, "--precision",
        "expected MEASURE=TOLERANCE, e.g. response_min.mean=5% or share_past_target=0.01, got \"" + text + "\""});
  }
  const auto tolerance = parse_tolerance(text.substr(equals + 1));
  if (!tolerance) {
    throw InputError(InputProblem{"", 0, 0, "--precision " + text.substr(0, equals),
                                  std::string(kToleranceHelp) + ", got \"" + text.substr(equals + 1) + "\""});
  }
  return PrecisionTarget{text.substr(0, equals), tolerance->first, tolerance->second};
}

SweepDefinition load_sweep_definition(const std::string& path, const std::vector<Override>& command_overrides) {
  std::string text;
  const YAML::Node root = load_yaml_file(path, &text);
  if (text.find_first_not_of(" \t\r\n") == std::string::npos) {
    throw InputError(InputProblem{path, 1, 1, "", "the file is empty; expected a sweep (see docs/sweeps.md)"});
  }
  return SweepFileReader(path, root).read(command_overrides);
}

}  // namespace crisis::io
