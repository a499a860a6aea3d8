#include "experiments/sweep/sweep.hpp"

#include <algorithm>
#include <atomic>
#include <charconv>
#include <cmath>
#include <condition_variable>
#include <cstring>
#include <exception>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <numeric>
#include <span>
#include <thread>
#include <unordered_map>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <fmt/format.h>
#include <oneapi/tbb/info.h>
#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/task_arena.h>
#include <yaml-cpp/yaml.h>

#include "crisis/build_info.hpp"
#include "engine/errors.hpp"
#include "engine/random.hpp"
#include "engine/statistics.hpp"
#include "engine/thread_sanitizer.hpp"
#include "results/results_writer.hpp"
#include "results/sqlite_database.hpp"
#include "yaml/yaml_reader.hpp"

namespace crisis::io {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t kMaxPoints = 10'000'000;
constexpr long long kMaxHypercubePoints = 1'000'000;
constexpr std::size_t kMaxColumns = 1900;  // SQLite allows 2,000 columns per table by default
constexpr long long kMaxReplications = 100000;
constexpr long long kMaxSeed = std::numeric_limits<std::int64_t>::max();
constexpr double kMaxRangeEnd = 1e15;
/// (point, replication) tasks issued per chunk of points: enough to keep many threads busy,
/// few enough that a chunk's bookkeeping stays small. Fixed rather than derived from
/// --threads, so rows are committed in the same order whatever the thread count.
constexpr std::size_t kChunkTasks = 512;
/// Rows committed per transaction at most (a transaction commits whatever is ready).
constexpr std::size_t kMaxBatch = 1024;
constexpr int kDatabaseFormat = 1;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Stream purposes of the hypercube's draws; the entity is the parameter's index.
enum HypercubePurpose : std::uint64_t { kPermutation = 1, kJitter = 2 };

std::optional<double> parse_number(const std::string& text) {
  double value = 0.0;
  const char* first = text.data();
  const char* last = text.data() + text.size();
  if (first != last && *first == '+') ++first;
  const auto [end, error] = std::from_chars(first, last, value);
  if (error != std::errc() || end != last || first == last || !std::isfinite(value)) return std::nullopt;
  return value;
}

std::string yaml_text(const YAML::Node& node) {
  if (node.IsScalar()) return node.Scalar();
  YAML::Emitter emitter;
  emitter << YAML::Flow << node;
  return emitter.c_str();
}

SweepValue number_value(double value) { return SweepValue{value, format_number(value)}; }

/// 0.1 * 3 is 0.30000000000000004: grid values read better (and match what people type)
/// when snapped to 12 significant digits, far below any tolerance a model cares about.
double tidy(double value) {
  const std::string text = fmt::format("{:.12g}", value);
  return parse_number(text).value_or(value);
}

bool is_whole(double value) { return std::isfinite(value) && std::abs(value) < 9.0e15 && value == std::round(value); }

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

const char* const kToleranceHelp = "expected a tolerance: a share of the mean such as 5% or an absolute half-width such as 0.5";

bool forbidden_path(const std::string& path) { return path == "run.seed" || path == "run.replications"; }
const char* const kForbiddenHelp =
    "is set by the sweep itself: use the sweep's `seed:` and `replications:` keys (every point runs replication r "
    "with the same seed, which is what pairs the points)";

using sqlite::quote_identifier;

}  // namespace

bool SweepParameter::numeric() const noexcept {
  if (is_range) return true;
  return std::all_of(values.begin(), values.end(), [](const SweepValue& v) { return v.is_number(); });
}

// ---- reading the sweep file -------------------------------------------------------------------

PrecisionTarget parse_precision_flag(const std::string& text) {
  const auto equals = text.rfind('=');
  if (equals == std::string::npos || equals == 0) {
    throw InputError(InputProblem{"", 0, 0, "--precision",
                                  "expected MEASURE=TOLERANCE, e.g. response_min.mean=5% or share_past_target=0.01, got \"" + text + "\""});
  }
  const auto tolerance = parse_tolerance(text.substr(equals + 1));
  if (!tolerance) {
    throw InputError(InputProblem{"", 0, 0, "--precision " + text.substr(0, equals),
                                  std::string(kToleranceHelp) + ", got \"" + text.substr(equals + 1) + "\""});
  }
  return PrecisionTarget{text.substr(0, equals), tolerance->first, tolerance->second};
}

std::vector<double> range_values(double from, double to, std::optional<double> step, std::optional<std::size_t> count) {
  std::vector<double> values;
  if (count) {
    if (*count == 0) return values;
    if (*count == 1) return {from};
    const double denominator = static_cast<double>(*count - 1);
    for (std::size_t i = 0; i < *count; ++i) {
      values.push_back(i + 1 == *count ? to : tidy(from + (to - from) * static_cast<double>(i) / denominator));
    }
  } else if (step && *step > 0.0 && to >= from) {
    const auto n = static_cast<std::size_t>(std::floor((to - from) / *step + 1e-9)) + 1;
    for (std::size_t i = 0; i < n; ++i) values.push_back(std::min(to, tidy(from + static_cast<double>(i) * *step)));
  }
  return values;
}

std::vector<double> latin_hypercube(std::size_t points, std::size_t dimensions, std::uint64_t seed) {
  std::vector<double> cube(points * dimensions);
  const double n = static_cast<double>(points);
  std::vector<std::uint32_t> stratum(points);
  for (std::size_t j = 0; j < dimensions; ++j) {
    // Fisher-Yates with unbiased bounded draws: a uniformly random stratum for every point.
    std::iota(stratum.begin(), stratum.end(), 0u);
    engine::RandomStream permutation(engine::StreamKey{seed, 0, j, kPermutation});
    for (std::size_t i = points; i > 1; --i) {
      const std::uint32_t k = permutation.below(static_cast<std::uint32_t>(i));
      std::swap(stratum[i - 1], stratum[k]);
    }
    engine::RandomStream jitter(engine::StreamKey{seed, 0, j, kJitter});
    for (std::size_t i = 0; i < points; ++i) {
      const double low = static_cast<double>(stratum[i]) / n;
      const double high = static_cast<double>(stratum[i] + 1) / n;
      // low + u/n rounds up to `high` for u within 1e-16 of 1; keep the point in its stratum.
      cube[i * dimensions + j] = std::min(low + jitter.uniform() / n, std::nextafter(high, 0.0));
    }
  }
  return cube;
}

SweepDefinition load_sweep_definition(const std::string& path, const std::vector<Override>& command_overrides) {
  std::string text;
  const YAML::Node root = load_yaml_file(path, &text);
  if (text.find_first_not_of(" \t\r\n") == std::string::npos) {
    throw InputError(InputProblem{path, 1, 1, "", "the file is empty; expected a sweep (see docs/sweeps.md)"});
  }
  YamlReader reader(path);
  SweepDefinition d;
  d.file = path;
  MapReader top(reader, root, "");
  d.name = top.text("name", fs::path(path).stem().string());
  d.description = top.text("description", std::string());

  const YAML::Node scenario = top.child("scenario");
  if (!scenario.IsDefined()) {
    if (top.valid()) reader.problem(root, "scenario", "missing: expected the base scenario's path, relative to this file's folder");
  } else if (const auto given = read_text(reader, scenario, "scenario")) {
    fs::path resolved(*given);
    if (resolved.is_relative()) resolved = fs::path(path).parent_path() / resolved;
    d.scenario_path = resolved.lexically_normal().string();
    std::error_code error;
    if (!fs::is_regular_file(d.scenario_path, error)) {
      reader.problem(scenario, "scenario",
                     "no scenario file at " + d.scenario_path + " (a relative path is taken from the sweep file's folder)");
    }
  }

  const YAML::Node set = top.child("set");
  if (set.IsDefined()) {
    MapReader sets(reader, set, "set");
    if (sets.valid()) {
      for (const auto& entry : set) {
        if (!entry.first.IsScalar() || entry.first.Scalar().empty()) {
          reader.problem(entry.first, "set", "expected a scenario path such as run.horizon_days, got " + describe(entry.first));
          continue;
        }
        const std::string& key = entry.first.Scalar();
        if (forbidden_path(key)) reader.problem(entry.first, "set." + key, std::string(kForbiddenHelp));
        d.overrides.push_back({key, yaml_text(entry.second)});
        d.override_positions.emplace_back(entry.first.Mark().line + 1, entry.first.Mark().column + 1);
      }
    }
  }
  for (const Override& o : command_overrides) {
    d.overrides.push_back(o);
    d.override_positions.emplace_back(0, 0);
  }

  const YAML::Node design = top.child("design");
  if (design.IsDefined()) {
    const std::string help = "expected grid or {latin_hypercube: {points: N, seed: S}}";
    if (design.IsScalar()) {
      if (design.Scalar() == "latin_hypercube") {
        reader.problem(design, "design", "latin_hypercube needs its number of points: design: {latin_hypercube: {points: 20, seed: 1}}");
      } else if (design.Scalar() != "grid") {
        const std::string suggestion = closest_match(design.Scalar(), {"grid", "latin_hypercube"});
        reader.problem(design, "design", help + ", got " + describe(design) + (suggestion.empty() ? "" : " (did you mean '" + suggestion + "'?)"));
      }
    } else {
      MapReader design_map(reader, design, "design");
      const YAML::Node hypercube = design_map.child("latin_hypercube");
      if (hypercube.IsDefined()) {
        MapReader cube(reader, hypercube, "design.latin_hypercube");
        d.design = SweepDesign::latin_hypercube;
        d.hypercube_points = static_cast<std::size_t>(cube.integer("points", std::nullopt, 1, kMaxHypercubePoints));
        d.hypercube_seed = static_cast<std::uint64_t>(cube.integer("seed", 1, 0, kMaxSeed));
        cube.finish();
      } else if (design_map.valid()) {
        reader.problem(design, "design", help + ", got " + describe(design));
      }
      design_map.finish();
    }
  }
  const bool hypercube = d.design == SweepDesign::latin_hypercube;

  const YAML::Node parameters = top.child("parameters");
  if (!parameters.IsDefined()) {
    if (top.valid()) {
      reader.problem(root, "parameters",
                     "missing: expected a mapping of scenario paths to their values, e.g. crises.triage_accuracy: [0.6, 0.8, 1.0]");
    }
  } else {
    d.parameters_line = parameters.Mark().line + 1;
    d.parameters_column = parameters.Mark().column + 1;
    MapReader parameter_map(reader, parameters, "parameters");
    if (parameter_map.valid() && parameters.size() == 0) {
      reader.problem(parameters, "parameters", "expected at least one parameter, e.g. crises.triage_accuracy: [0.6, 0.8, 1.0]");
    }
    if (parameter_map.valid()) {
      for (const auto& entry : parameters) {
        if (!entry.first.IsScalar() || entry.first.Scalar().empty()) {
          reader.problem(entry.first, "parameters", "expected a scenario path such as crises.triage_accuracy, got " + describe(entry.first));
          continue;
        }
        SweepParameter parameter;
        parameter.path = entry.first.Scalar();
        parameter.line = entry.first.Mark().line + 1;
        parameter.column = entry.first.Mark().column + 1;
        const std::string where = "parameters." + parameter.path;
        if (forbidden_path(parameter.path)) reader.problem(entry.first, where, std::string(kForbiddenHelp));
        for (const Override& fixed : d.overrides) {
          if (fixed.path == parameter.path) reader.problem(entry.first, where, "is also fixed under `set:`; give it in one place");
        }
        const YAML::Node& value = entry.second;
        if (value.IsSequence()) {
          if (hypercube) {
            reader.problem(value, where, "latin_hypercube samples ranges: write {from: A, to: B}, not a list of values");
          } else if (value.size() == 0) {
            reader.problem(value, where, "expected at least one value");
          }
          for (std::size_t i = 0; i < value.size(); ++i) {
            const YAML::Node element = value[i];
            if (!element.IsDefined() || element.IsNull()) {
              reader.problem(element, where + "[" + std::to_string(i) + "]", "expected a value, got nothing");
            } else if (element.IsScalar()) {
              const auto number = parse_number(element.Scalar());
              parameter.values.push_back(number ? number_value(*number) : SweepValue{kNaN, element.Scalar()});
            } else {
              parameter.values.push_back(SweepValue{kNaN, yaml_text(element)});
            }
          }
        } else if (value.IsMap()) {
          MapReader range(reader, value, where);
          parameter.is_range = true;
          parameter.from = range.number("from", std::nullopt, -kMaxRangeEnd, kMaxRangeEnd);
          parameter.to = range.number("to", std::nullopt, -kMaxRangeEnd, kMaxRangeEnd);
          const bool has_step = range.has("step");
          const bool has_count = range.has("count");
          if (has_step) parameter.step = range.number("step", std::nullopt, 0.0, kMaxRangeEnd);
          if (has_count) parameter.count = static_cast<std::size_t>(range.integer("count", std::nullopt, 1, static_cast<long long>(kMaxPoints)));
          parameter.integer = range.flag("integer", false);
          range.finish();
          if (parameter.to < parameter.from) {
            reader.problem(range.child("to"), where + ".to", "expected to >= from (" + format_number(parameter.from) + ")");
          } else if (hypercube) {
            if (has_step || has_count) {
              reader.problem(value, where, "latin_hypercube draws from {from, to}: step and count belong to a grid");
            }
          } else if (has_step == has_count) {
            reader.problem(value, where,
                           has_step ? "give step or count, not both"
                                    : "a grid range needs step or count: {from: A, to: B, step: S} or {from: A, to: B, count: N}");
          } else if (has_step && parameter.step && *parameter.step <= 0.0) {
            reader.problem(range.child("step"), where + ".step", "expected a step > 0");
          } else if (has_step && parameter.step && (parameter.to - parameter.from) / *parameter.step >= static_cast<double>(kMaxPoints)) {
            reader.problem(range.child("step"), where + ".step", "gives more than " + std::to_string(kMaxPoints) + " values");
          } else if (has_count && parameter.count && *parameter.count == 1 && parameter.from != parameter.to) {
            reader.problem(range.child("count"), where + ".count", "count 1 takes only `from`; give count >= 2, or from equal to to");
          } else if (reader.ok()) {
            for (double v : range_values(parameter.from, parameter.to, parameter.step, parameter.count)) {
              parameter.values.push_back(number_value(parameter.integer ? std::round(v) : v));
            }
          }
        } else {
          reader.problem(value, where, "expected a list of values or a range {from: A, to: B, step: S | count: N}, got " + describe(value));
        }
        d.parameters.push_back(std::move(parameter));
      }
    }
  }

  d.replications = static_cast<int>(top.integer("replications", 0, 1, kMaxReplications));
  if (top.has("seed")) d.seed = static_cast<std::uint64_t>(top.integer("seed", std::nullopt, 0, kMaxSeed));

  const YAML::Node measures = top.child("measures");
  if (measures.IsDefined()) {
    if (!measures.IsSequence() || measures.size() == 0) {
      reader.problem(measures, "measures", "expected a list of measure names (docs/scenario-format.md#measures), got " + describe(measures));
    } else {
      for (std::size_t i = 0; i < measures.size(); ++i) {
        const std::string at = "measures[" + std::to_string(i) + "]";
        if (const auto name = read_text(reader, measures[i], at)) {
          if (std::find(d.measures.begin(), d.measures.end(), *name) != d.measures.end()) {
            reader.problem(measures[i], at, "duplicate measure '" + *name + "'");
          }
          d.measures.push_back(*name);
          d.measure_positions.emplace_back(measures[i].Mark().line + 1, measures[i].Mark().column + 1);
        }
      }
    }
  }

  const YAML::Node precision = top.child("precision");
  if (precision.IsDefined()) {
    MapReader rule_map(reader, precision, "precision");
    PrecisionRule rule;
    const YAML::Node targets = rule_map.child("measures");
    if (!targets.IsDefined()) {
      if (rule_map.valid()) {
        reader.problem(precision, "precision.measures", "missing: expected measures and tolerances, e.g. {response_min.mean: 5%}");
      }
    } else {
      MapReader target_map(reader, targets, "precision.measures");
      if (target_map.valid()) {
        if (targets.size() == 0) reader.problem(targets, "precision.measures", "expected at least one measure");
        for (const auto& entry : targets) {
          const std::string measure = entry.first.IsScalar() ? entry.first.Scalar() : describe(entry.first);
          const std::string at = "precision.measures." + measure;
          const auto tolerance = entry.second.IsScalar() ? parse_tolerance(entry.second.Scalar()) : std::nullopt;
          if (!tolerance) {
            reader.problem(entry.second, at, std::string(kToleranceHelp) + ", got " + describe(entry.second));
            continue;
          }
          rule.targets.push_back(PrecisionTarget{measure, tolerance->first, tolerance->second, entry.first.Mark().line + 1,
                                                 entry.first.Mark().column + 1});
        }
      }
    }
    rule.batch = static_cast<int>(rule_map.integer("batch", 0, 1, kMaxReplications));
    rule.max_replications = static_cast<int>(rule_map.integer("max_replications", 100, 2, kMaxReplications));
    rule_map.finish();
    d.precision = rule;
  }

  const YAML::Node warmup = top.child("warmup_advice");
  if (warmup.IsDefined()) {
    MapReader advice(reader, warmup, "warmup_advice");
    WarmupAdviceSpec spec;
    spec.measure = advice.choice("measure", spec.measure, warmup_series_measures());
    spec.days = advice.number("days", spec.days, 10.0, 3650.0);
    advice.finish();
    d.warmup_advice = spec;
  }
  top.finish();

  if (reader.ok() && !hypercube) {
    double total = 1.0;
    for (const SweepParameter& parameter : d.parameters) total *= static_cast<double>(parameter.values.size());
    if (total > static_cast<double>(kMaxPoints)) {
      reader.problem(parameters, "parameters",
                     fmt::format("the grid has {:.0f} points; at most {} are allowed (use latin_hypercube to sample a large space)", total, kMaxPoints));
    }
  }
  reader.throw_if_problems();

  // The key patterns the reader accepts, for the documentation test: concrete scenario paths
  // and measure names become placeholders.
  for (const std::string& key : reader.known_keys()) {
    if (key.rfind("parameters.", 0) == 0 || key.rfind("precision.measures.", 0) == 0 || key.rfind("set.", 0) == 0) continue;
    d.known_keys.insert(key);
  }
  for (const char* key : {"set.<path>", "parameters.<path>", "parameters.<path>.from", "parameters.<path>.to",
                          "parameters.<path>.step", "parameters.<path>.count", "parameters.<path>.integer",
                          "precision.measures.<measure>"}) {
    d.known_keys.insert(key);
  }
  return d;
}

// ---- points ----------------------------------------------------------------------------------

SweepPoints::SweepPoints(const SweepDefinition& definition) : definition_(&definition) {
  if (definition.design == SweepDesign::latin_hypercube) {
    count_ = definition.hypercube_points;
    unit_cube_ = latin_hypercube(count_, definition.parameters.size(), definition.hypercube_seed);
  } else {
    count_ = 1;
    for (const SweepParameter& parameter : definition.parameters) count_ *= parameter.values.size();
  }
}

std::vector<SweepValue> SweepPoints::point(std::size_t point) const {
  const auto& parameters = definition_->parameters;
  std::vector<SweepValue> values(parameters.size());
  if (definition_->design == SweepDesign::latin_hypercube) {
    for (std::size_t j = 0; j < parameters.size(); ++j) {
      const SweepParameter& p = parameters[j];
      const double value = p.from + unit_cube_[point * parameters.size() + j] * (p.to - p.from);
      values[j] = number_value(p.integer ? std::round(value) : value);
    }
    return values;
  }
  // Mixed radix, the last parameter fastest.
  for (std::size_t j = parameters.size(); j-- > 0;) {
    const std::size_t size = parameters[j].values.size();
    values[j] = parameters[j].values[point % size];
    point /= size;
  }
  return values;
}

std::vector<Override> SweepPoints::overrides(std::size_t point) const {
  std::vector<Override> all = definition_->overrides;
  const std::vector<SweepValue> values = this->point(point);
  for (std::size_t j = 0; j < values.size(); ++j) all.push_back({definition_->parameters[j].path, values[j].text});
  return all;
}

std::vector<std::size_t> SweepPoints::check_points() const {
  std::vector<std::size_t> list{0};
  const auto& parameters = definition_->parameters;
  if (definition_->design == SweepDesign::latin_hypercube) {
    for (std::size_t j = 0; j < parameters.size() && count_ > 0; ++j) {
      std::size_t lowest = 0;
      std::size_t highest = 0;
      for (std::size_t i = 1; i < count_; ++i) {
        if (unit_cube_[i * parameters.size() + j] < unit_cube_[lowest * parameters.size() + j]) lowest = i;
        if (unit_cube_[i * parameters.size() + j] > unit_cube_[highest * parameters.size() + j]) highest = i;
      }
      list.push_back(lowest);
      list.push_back(highest);
    }
  } else {
    std::size_t stride = 1;
    for (std::size_t j = parameters.size(); j-- > 0;) {
      for (std::size_t v = 1; v < parameters[j].values.size(); ++v) list.push_back(v * stride);
      stride *= parameters[j].values.size();
    }
  }
  std::sort(list.begin(), list.end());
  list.erase(std::unique(list.begin(), list.end()), list.end());
  return list;
}

std::string definition_json(const SweepDefinition& definition, std::uint64_t scenario_hash, std::uint64_t seed,
                            int replications, const std::vector<std::string>& measures) {
  nlohmann::ordered_json json;
  json["format"] = kDatabaseFormat;
  json["crisis_sim_version"] = build::kVersion;
  json["scenario_hash"] = hash_hex(scenario_hash);
  nlohmann::ordered_json overrides = nlohmann::ordered_json::array();
  for (const Override& o : definition.overrides) overrides.push_back({o.path, o.value});
  json["overrides"] = std::move(overrides);
  nlohmann::ordered_json parameters = nlohmann::ordered_json::array();
  for (const SweepParameter& p : definition.parameters) {
    nlohmann::ordered_json entry;
    entry["path"] = p.path;
    if (p.is_range) {
      entry["from"] = p.from;
      entry["to"] = p.to;
      if (p.step) entry["step"] = *p.step;
      if (p.count) entry["count"] = *p.count;
      entry["integer"] = p.integer;
    } else {
      nlohmann::ordered_json values = nlohmann::ordered_json::array();
      for (const SweepValue& v : p.values) values.push_back(v.text);
      entry["values"] = std::move(values);
    }
    parameters.push_back(std::move(entry));
  }
  json["parameters"] = std::move(parameters);
  if (definition.design == SweepDesign::latin_hypercube) {
    json["design"] = {{"latin_hypercube", {{"points", definition.hypercube_points}, {"seed", definition.hypercube_seed}}}};
  } else {
    json["design"] = "grid";
  }
  json["replications"] = replications;
  json["seed"] = seed;
  json["measures"] = measures;
  if (definition.precision) {
    nlohmann::ordered_json targets = nlohmann::ordered_json::array();
    for (const PrecisionTarget& t : definition.precision->targets) {
      targets.push_back({{"measure", t.measure}, {"tolerance", t.tolerance}, {"relative", t.relative}});
    }
    json["precision"] = {{"measures", std::move(targets)},
                         {"batch", definition.precision->batch > 0 ? definition.precision->batch : replications},
                         {"max_replications", definition.precision->max_replications}};
  } else {
    json["precision"] = nullptr;
  }
  return json.dump();
}

// ---- SQLite ----------------------------------------------------------------------------------

namespace {

using sqlite::Database;
using sqlite::Statement;
using sqlite::table_exists;

/// The sweep's database: a file that cannot be opened or is not a database is --out's fault.
sqlite::FailureWording sweep_database_wording() {
  sqlite::FailureWording wording;
  wording.field = "--out";
  wording.cannot_open = "cannot open the sweep database: ";
  wording.not_a_database = "is not an SQLite database; is --out the right folder?";
  return wording;
}

Database open_sweep_database(const std::string& path, bool create) {
  return Database(path, create ? sqlite::Access::create : sqlite::Access::read_write, sweep_database_wording());
}

/// An advisory lock beside the database, held while a sweep writes to it, so that two runs
/// cannot fill the same database at once. The kernel drops it when the process dies, even
/// by SIGKILL, so a killed sweep never blocks its own restart.
class LockFile {
 public:
  explicit LockFile(const std::string& path) {
    fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0) throw InputError(InputProblem{path, 0, 0, "--out", "cannot create the lock file: " + std::string(std::strerror(errno))});
    if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
      ::close(fd_);
      fd_ = -1;
      throw InputError(InputProblem{path, 0, 0, "--out",
                                    "another crisis-sim sweep is writing to this folder; wait for it to finish, or use another --out"});
    }
  }
  LockFile(const LockFile&) = delete;
  LockFile& operator=(const LockFile&) = delete;
  ~LockFile() {
    if (fd_ >= 0) {
      ::flock(fd_, LOCK_UN);
      ::close(fd_);
    }
  }

 private:
  int fd_ = -1;
};

// ---- the writer thread -----------------------------------------------------------------------

std::string insert_sql(std::size_t columns) {
  std::string sql = "INSERT INTO results VALUES (?, ?, ?";
  for (std::size_t c = 0; c < columns; ++c) sql += ", ?";
  return sql + ")";
}

/// What the writer commits: a result row, or a point's final replication count.
struct WriterMessage {
  bool is_row = true;
  std::uint64_t point = 0;
  std::uint32_t replication = 0;
  std::vector<double> values;
  int replications = 0;
  int precision_met = -1;  ///< -1: NULL (no precision rule)
};

/// The one thread that writes the database. Messages carry sequence numbers fixed when the
/// work is issued; they are committed strictly in that order (a message waits for the ones
/// before it), several per transaction when several are ready. So the database always holds
/// a prefix of the issue order, and the order does not depend on thread timing.
class SweepWriter {
 public:
  SweepWriter(const std::string& path, std::size_t columns, std::uint64_t seed, const SweepOptions& options, SweepProgress progress)
      : db_(path, sqlite::Access::read_write, sweep_database_wording()),
        insert_(db_, insert_sql(columns)),
        update_(db_, "UPDATE points SET replications = ?, precision_met = ? WHERE point = ?"),
        seed_(seed),
        progress_callback_(options.progress),
        stop_after_(options.stop_after_rows),
        progress_(progress) {
    db_.exec("PRAGMA synchronous = NORMAL");
    thread_ = std::thread([this] { loop(); });
  }
  SweepWriter(const SweepWriter&) = delete;
  SweepWriter& operator=(const SweepWriter&) = delete;
  ~SweepWriter() { abandon(); }

  void submit(std::uint64_t sequence, WriterMessage message) {
    {
      std::lock_guard lock(mutex_);
      pending_.emplace(sequence, std::move(message));
    }
    wake_.notify_one();
  }

  /// Commit everything up to `end` (exclusive), then stop. Rethrows a writer failure.
  void finish(std::uint64_t end) {
    {
      std::lock_guard lock(mutex_);
      closing_ = true;
      end_ = end;
    }
    wake_.notify_one();
    join();
    if (error_) std::rethrow_exception(error_);
  }

  /// Commit what is ready in order, then stop (used when the run fails half-way: finished rows
  /// are kept, so a restart does not redo them).
  void drain() {
    {
      std::lock_guard lock(mutex_);
      draining_ = true;
    }
    wake_.notify_one();
    join();
  }

  void abandon() {
    {
      std::lock_guard lock(mutex_);
      abandon_ = true;
    }
    wake_.notify_one();
    join();
  }

  /// The writer stopped on its own: the test hook's row limit, or a database failure.
  [[nodiscard]] bool halted() const noexcept { return halted_.load(); }
  [[nodiscard]] std::exception_ptr error() const { return error_; }
  [[nodiscard]] std::uint64_t rows_committed() const noexcept { return rows_committed_.load(); }

 private:
  void join() {
    if (thread_.joinable()) thread_.join();
  }

  void loop() {
    for (;;) {
      std::vector<WriterMessage> batch;
      {
        std::unique_lock lock(mutex_);
        wake_.wait(lock, [&] { return abandon_ || draining_ || pending_.count(next_) > 0 || (closing_ && next_ >= end_); });
        if (abandon_) return;
        for (auto found = pending_.find(next_); found != pending_.end() && batch.size() < kMaxBatch; found = pending_.find(next_)) {
          batch.push_back(std::move(found->second));
          pending_.erase(found);
          ++next_;
        }
        if (batch.empty()) return;  // closing and done, or draining and nothing in order is ready
      }
      try {
        if (!commit(batch)) return;
      } catch (...) {
        error_ = std::current_exception();
        halted_ = true;
        return;
      }
    }
  }

  /// One transaction. Returns false when the test hook's row limit was reached.
  bool commit(const std::vector<WriterMessage>& batch) {
    db_.exec("BEGIN IMMEDIATE");
    std::uint64_t rows = 0;
    bool limit_reached = false;
    try {
      for (const WriterMessage& message : batch) {
        if (message.is_row) {
          insert_.bind_int64(1, static_cast<std::int64_t>(message.point));
          insert_.bind_int64(2, message.replication);
          insert_.bind_int64(3, static_cast<std::int64_t>(seed_));
          for (std::size_t c = 0; c < message.values.size(); ++c) insert_.bind_double(static_cast<int>(c + 4), message.values[c]);
          insert_.step();
          insert_.reset();
          ++rows;
          if (stop_after_ > 0 && rows_committed_.load() + rows >= stop_after_) {
            limit_reached = true;
            break;
          }
        } else {
          update_.bind_int64(1, message.replications);
          if (message.precision_met < 0) {
            update_.bind_null(2);
          } else {
            update_.bind_int64(2, message.precision_met);
          }
          update_.bind_int64(3, static_cast<std::int64_t>(message.point));
          update_.step();
          update_.reset();
        }
      }
      db_.exec("COMMIT");
    } catch (...) {
      insert_.reset();
      update_.reset();
      try {
        db_.exec("ROLLBACK");
      } catch (...) {  // the original error is the one to report
      }
      throw;
    }
    rows_committed_ += rows;
    progress_.rows_done += rows;
    if (progress_callback_) progress_callback_(progress_);
    if (limit_reached) {
      halted_ = true;
      return false;
    }
    return true;
  }

  Database db_;
  Statement insert_;
  Statement update_;
  std::uint64_t seed_;
  std::function<void(const SweepProgress&)> progress_callback_;
  std::uint64_t stop_after_;
  SweepProgress progress_;

  std::mutex mutex_;
  std::condition_variable wake_;
  std::map<std::uint64_t, WriterMessage> pending_;
  std::uint64_t next_ = 0;
  std::uint64_t end_ = 0;
  bool closing_ = false;
  bool draining_ = false;
  bool abandon_ = false;
  std::atomic<bool> halted_{false};
  std::atomic<std::uint64_t> rows_committed_{0};
  std::exception_ptr error_;
  std::thread thread_;
};

// ---- byte messages between ranks ---------------------------------------------------------------

void put_u64(std::string& out, std::uint64_t value) { out.append(reinterpret_cast<const char*>(&value), sizeof value); }
void put_double(std::string& out, double value) { out.append(reinterpret_cast<const char*>(&value), sizeof value); }

class ByteReader {
 public:
  explicit ByteReader(const std::string& bytes) : bytes_(bytes) {}
  std::uint64_t u64() { return read<std::uint64_t>(); }
  double real() { return read<double>(); }
  char tag() {
    if (offset_ >= bytes_.size()) throw InvariantError("sweep: truncated message between ranks");
    return bytes_[offset_++];
  }
  std::string rest() { return bytes_.substr(std::min(offset_, bytes_.size())); }

 private:
  template <class T>
  T read() {
    if (offset_ + sizeof(T) > bytes_.size()) throw InvariantError("sweep: truncated message between ranks");
    T value;
    std::memcpy(&value, bytes_.data() + offset_, sizeof(T));
    offset_ += sizeof(T);
    return value;
  }
  const std::string& bytes_;
  std::size_t offset_ = 0;
};

/// A failure on one rank, carried to the others so every rank exits with the same code.
class RemoteFailure : public Error {
 public:
  RemoteFailure(int exit_code, const std::string& message) : Error(message), exit_code_(exit_code) {}
  [[nodiscard]] int exit_code() const noexcept { return exit_code_; }

 private:
  int exit_code_;
};

struct Task {
  std::uint64_t point = 0;
  std::uint32_t replication = 0;
};

// ---- the run ---------------------------------------------------------------------------------

/// One point's world within a round, built by the first task that needs it and dropped by
/// the last, so at most about one world per thread is alive at a time.
struct PointWorld {
  std::once_flag once;
  std::unique_ptr<world::World> world;
  std::vector<int> column_of_measure;  ///< world measure index -> result column, or -1
  std::atomic<int> tasks_left{0};
};

class SweepRun {
 public:
  SweepRun(const SweepDefinition& definition, const world::ModelRegistry& registry, const SweepOptions& options)
      : definition_(definition), registry_(registry), options_(options), points_(definition) {
    rank_ = options.transport ? options.transport->rank() : 0;
    ranks_ = options.transport ? options.transport->size() : 1;
  }

  SweepReport run();

 private:
  void prepare();
  world::World load_point_world(std::size_t point) const;
  InputError located(std::size_t point, const InputError& error) const;
  std::vector<int> column_map(const world::World& world, std::size_t point) const;
  void open_database();
  void create_tables(Database& db);
  void check_definition(Database& db);
  void run_chunks();
  std::vector<std::vector<double>> compute_round(const std::vector<Task>& tasks, std::size_t first_point, std::size_t last_point,
                                                 std::uint64_t first_sequence);
  bool precision_met(const std::vector<std::vector<double>>& values_by_target, int replications) const;
  void write_points_csv(Database& db);
  void broadcast(std::string& bytes) {
    if (options_.transport) options_.transport->broadcast(bytes);
  }

  const SweepDefinition& definition_;
  const world::ModelRegistry& registry_;
  const SweepOptions& options_;
  SweepPoints points_;
  int rank_ = 0;
  int ranks_ = 1;

  std::uint64_t scenario_hash_ = 0;
  std::string scenario_name_;
  std::uint64_t seed_ = 0;
  int replications_ = 0;
  PrecisionRule precision_;
  bool has_precision_ = false;
  std::vector<std::string> columns_;
  std::unordered_map<std::string, int> column_index_;
  std::vector<int> precision_columns_;
  std::string definition_text_;

  std::string database_path_;
  std::unique_ptr<LockFile> lock_;
  std::unique_ptr<Database> reader_;  // rank 0: the main thread's connection (reads, setup)
  std::unique_ptr<SweepWriter> writer_;
  std::unique_ptr<tbb::task_arena> arena_;
  std::atomic<bool> stop_{false};
  SweepReport report_;
};

InputError SweepRun::located(std::size_t point, const InputError& error) const {
  const std::vector<SweepValue> values = points_.point(point);
  std::string where = "(at sweep point " + std::to_string(point) + ": ";
  for (std::size_t j = 0; j < values.size(); ++j) {
    where += (j ? ", " : "") + definition_.parameters[j].path + "=" + values[j].text;
  }
  where += ")";
  std::vector<InputProblem> problems;
  for (const InputProblem& problem : error.problems()) {
    InputProblem moved = problem;
    moved.message += " " + where;
    // A problem in an overridden value points at the line of the sweep file that set it.
    const auto from_override = [&](const std::string& path) {
      const std::string flag = "--set " + path;
      return problem.file == flag || problem.field == flag;
    };
    for (const SweepParameter& parameter : definition_.parameters) {
      if (from_override(parameter.path)) {
        const bool plain = problem.field.empty() || problem.field == parameter.path || problem.field.rfind("--set ", 0) == 0;
        const std::string detail = plain ? "" : problem.field + ": ";
        moved = InputProblem{definition_.file, parameter.line, parameter.column, "parameters." + parameter.path,
                             detail + problem.message + " " + where};
      }
    }
    for (std::size_t k = 0; k < definition_.overrides.size(); ++k) {
      const auto [line, column] = definition_.override_positions[k];
      if (line > 0 && from_override(definition_.overrides[k].path)) {
        const std::string detail = problem.field.empty() || problem.field.rfind("--set ", 0) == 0 ? "" : problem.field + ": ";
        moved = InputProblem{definition_.file, line, column, "set." + definition_.overrides[k].path, detail + problem.message};
      }
    }
    problems.push_back(std::move(moved));
  }
  return InputError(std::move(problems));
}

world::World SweepRun::load_point_world(std::size_t point) const {
  try {
    return load_world(definition_.scenario_path, points_.overrides(point), registry_);
  } catch (const InputError& error) {
    throw located(point, error);
  }
}

std::vector<int> SweepRun::column_map(const world::World& world, std::size_t point) const {
  const auto& names = world.measure_names();
  std::vector<int> map(names.size(), -1);
  for (std::size_t i = 0; i < names.size(); ++i) {
    const auto found = column_index_.find(names[i]);
    if (found != column_index_.end()) {
      map[i] = found->second;
    } else if (definition_.measures.empty()) {
      throw located(point, InputError(InputProblem{
                               definition_.file, definition_.parameters_line, definition_.parameters_column, "parameters",
                               "this point produces the measure '" + names[i] +
                                   "', which the points checked before the run did not (a parameter changes the unit types, "
                                   "zones or groups); list the result columns under `measures:`"}));
    }
  }
  return map;
}

void SweepRun::prepare() {
  const LoadedScenario base = load_scenario(definition_.scenario_path, definition_.overrides, registry_);
  scenario_hash_ = base.scenario.content_hash;
  scenario_name_ = base.scenario.name;
  seed_ = definition_.seed.value_or(base.scenario.run.seed);
  replications_ = definition_.replications > 0 ? definition_.replications : base.scenario.run.replications;

  std::vector<InputProblem> problems;
  if (definition_.precision) {
    has_precision_ = true;
    precision_ = *definition_.precision;
    if (precision_.batch <= 0) precision_.batch = replications_;
    if (replications_ < 2) {
      problems.push_back({definition_.file, 0, 0, "replications", "precision needs at least 2 replications per point to start from"});
    }
    if (precision_.max_replications < replications_) {
      problems.push_back({definition_.file, 0, 0, "precision.max_replications",
                          fmt::format("is {}, below the {} replications every point starts with", precision_.max_replications, replications_)});
    }
  }

  // Load the points that show every value of every parameter (the grid's axes, the
  // hypercube's extremes): bad values are reported now, not hours into the run, and the
  // union of their measures gives the result columns.
  std::vector<std::string> measure_union;
  std::set<std::string> seen;
  std::set<std::string> reported;
  for (std::size_t point : points_.check_points()) {
    try {
      const world::World world = load_point_world(point);
      for (const std::string& name : world.measure_names()) {
        if (seen.insert(name).second) measure_union.push_back(name);
      }
    } catch (const InputError& error) {
      for (const InputProblem& problem : error.problems()) {
        if (reported.insert(problem.to_string()).second) problems.push_back(problem);
      }
    }
  }
  if (!problems.empty()) throw InputError(std::move(problems));

  if (definition_.measures.empty()) {
    columns_ = measure_union;
  } else {
    for (std::size_t i = 0; i < definition_.measures.size(); ++i) {
      const std::string& name = definition_.measures[i];
      if (seen.count(name) == 0) {
        const std::string suggestion = closest_match(name, measure_union);
        const auto [line, column] = i < definition_.measure_positions.size() ? definition_.measure_positions[i] : std::pair<int, int>{0, 0};
        problems.push_back({definition_.file, line, column, "measures[" + std::to_string(i) + "]",
                            "unknown measure '" + name + "'" + (suggestion.empty() ? "" : " (did you mean '" + suggestion + "'?)") +
                                "; the measures are listed in docs/scenario-format.md#measures"});
      }
    }
    columns_ = definition_.measures;
  }
  if (columns_.size() > kMaxColumns) {
    problems.push_back({definition_.file, 0, 0, "measures",
                        fmt::format("the scenario has {} measures, more than the {} columns a results table may have; list the ones "
                                    "to keep under `measures:`",
                                    columns_.size(), kMaxColumns)});
  }
  for (std::size_t c = 0; c < columns_.size(); ++c) column_index_.emplace(columns_[c], static_cast<int>(c));
  if (has_precision_) {
    for (const PrecisionTarget& target : precision_.targets) {
      const auto found = column_index_.find(target.measure);
      if (found == column_index_.end()) {
        const std::string suggestion = closest_match(target.measure, columns_);
        problems.push_back({target.line > 0 ? definition_.file : "", target.line, target.column,
                            target.line > 0 ? "precision.measures." + target.measure : "--precision " + target.measure,
                            "not a result column of this sweep" + (suggestion.empty() ? "" : " (did you mean '" + suggestion + "'?)")});
      } else {
        precision_columns_.push_back(found->second);
      }
    }
  }
  if (!problems.empty()) throw InputError(std::move(problems));
  definition_text_ = definition_json(definition_, scenario_hash_, seed_, replications_, columns_);
}

namespace {
/// A parameter whose values are all whole numbers gets an INTEGER column (18, not 18.0).
bool integer_column(const SweepParameter& p) {
  if (!p.numeric()) return false;
  if (p.integer) return true;
  return !p.values.empty() && std::all_of(p.values.begin(), p.values.end(), [](const SweepValue& v) { return is_whole(v.number); });
}
}  // namespace

void SweepRun::create_tables(Database& db) {
  std::string points_sql = "CREATE TABLE points (point INTEGER PRIMARY KEY";
  for (const SweepParameter& p : definition_.parameters) {
    points_sql += ", " + quote_identifier(p.path) + (integer_column(p) ? " INTEGER" : p.numeric() ? " REAL" : " TEXT");
  }
  points_sql += ", replications INTEGER, precision_met INTEGER)";
  std::string results_sql = "CREATE TABLE results (point INTEGER NOT NULL, replication INTEGER NOT NULL, seed INTEGER NOT NULL";
  for (const std::string& column : columns_) results_sql += ", " + quote_identifier(column) + " REAL";
  // WITHOUT ROWID: rows are stored, and read back by `SELECT *` and `.dump`, in key order,
  // whatever order they were committed in.
  results_sql += ", PRIMARY KEY (point, replication)) WITHOUT ROWID";

  db.exec("BEGIN IMMEDIATE");
  db.exec(
      "CREATE TABLE sweep (id INTEGER PRIMARY KEY CHECK (id = 1), name TEXT NOT NULL, crisis_sim_version TEXT NOT NULL, "
      "scenario TEXT NOT NULL, scenario_hash TEXT NOT NULL, seed INTEGER NOT NULL, replications INTEGER NOT NULL, "
      "design TEXT NOT NULL, points INTEGER NOT NULL, definition TEXT NOT NULL, complete INTEGER NOT NULL DEFAULT 0)");
  db.exec(points_sql);
  db.exec(results_sql);
  {
    Statement insert(db, "INSERT INTO sweep VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)");
    insert.bind_text(1, definition_.name);
    insert.bind_text(2, build::kVersion);
    insert.bind_text(3, scenario_name_);
    insert.bind_text(4, hash_hex(scenario_hash_));
    insert.bind_int64(5, static_cast<std::int64_t>(seed_));
    insert.bind_int64(6, replications_);
    insert.bind_text(7, definition_.design == SweepDesign::grid ? "grid" : "latin_hypercube");
    insert.bind_int64(8, static_cast<std::int64_t>(points_.size()));
    insert.bind_text(9, definition_text_);
    insert.step();
  }
  std::string marks;
  for (std::size_t j = 0; j < definition_.parameters.size(); ++j) marks += ", ?";
  Statement insert(db, "INSERT INTO points VALUES (?" + marks + ", NULL, NULL)");
  for (std::size_t point = 0; point < points_.size(); ++point) {
    const std::vector<SweepValue> values = points_.point(point);
    insert.bind_int64(1, static_cast<std::int64_t>(point));
    for (std::size_t j = 0; j < values.size(); ++j) {
      const int index = static_cast<int>(j + 2);
      if (!values[j].is_number()) {
        insert.bind_text(index, values[j].text);
      } else if (integer_column(definition_.parameters[j]) && is_whole(values[j].number)) {
        insert.bind_int64(index, static_cast<std::int64_t>(values[j].number));
      } else {
        insert.bind_double(index, values[j].number);
      }
    }
    insert.step();
    insert.reset();
  }
  db.exec("COMMIT");
}

void SweepRun::check_definition(Database& db) {
  if (!table_exists(db, "results") || !table_exists(db, "points")) {
    throw InputError(InputProblem{db.path(), 0, 0, "--out", "holds a sweep table but no results or points table; it was not written by crisis-sim sweep"});
  }
  Statement query(db, "SELECT definition FROM sweep WHERE id = 1");
  if (!query.step()) throw InputError(InputProblem{db.path(), 0, 0, "--out", "holds an empty sweep table; it was not written by crisis-sim sweep"});
  const std::string stored = query.text(0);
  if (stored == definition_text_) return;
  nlohmann::ordered_json before;
  const nlohmann::ordered_json now = nlohmann::ordered_json::parse(definition_text_);
  try {
    before = nlohmann::ordered_json::parse(stored);
  } catch (const nlohmann::json::exception&) {
    throw InputError(InputProblem{db.path(), 0, 0, "--out", "holds an unreadable sweep definition; it was not written by crisis-sim sweep"});
  }
  std::vector<InputProblem> problems;
  const auto short_text = [](const nlohmann::ordered_json& value) {
    std::string text = value.is_null() ? std::string("nothing") : value.dump();
    if (text.size() > 160) text = text.substr(0, 157) + "...";
    return text;
  };
  std::vector<std::string> keys;
  for (const auto& [key, value] : before.items()) keys.push_back(key);
  for (const auto& [key, value] : now.items()) {
    if (std::find(keys.begin(), keys.end(), key) == keys.end()) keys.push_back(key);
  }
  for (const std::string& key : keys) {
    const nlohmann::ordered_json a = before.contains(key) ? before[key] : nlohmann::ordered_json();
    const nlohmann::ordered_json b = now.contains(key) ? now[key] : nlohmann::ordered_json();
    if (a == b) continue;
    problems.push_back({db.path(), 0, 0, key, "the database holds a different sweep: " + short_text(a) + " there, " + short_text(b) + " now"});
  }
  problems.push_back({db.path(), 0, 0, "--out",
                      "resuming needs the same sweep file, base scenario, --set flags, seed, replications, precision and "
                      "crisis-sim version; use another --out folder, or delete this database to start again"});
  throw InputError(std::move(problems));
}

void SweepRun::open_database() {
  std::error_code error;
  const fs::path folder(options_.out_dir);
  if (fs::exists(folder, error) && !fs::is_directory(folder, error)) {
    throw InputError(InputProblem{options_.out_dir, 0, 0, "--out", "exists and is not a directory"});
  }
  fs::create_directories(folder, error);
  if (error) throw InputError(InputProblem{options_.out_dir, 0, 0, "--out", "cannot create the directory: " + error.message()});
  database_path_ = (folder / "sweep.sqlite").string();
  lock_ = std::make_unique<LockFile>(database_path_ + ".lock");
  // A points.csv that was being written when a run was killed: never left to look complete.
  for (const auto& entry : fs::directory_iterator(folder, error)) {
    if (entry.path().filename().string().rfind("points.csv.partial-", 0) == 0) fs::remove(entry.path(), error);
  }
  reader_ = std::make_unique<Database>(database_path_, sqlite::Access::create, sweep_database_wording());
  Database& db = *reader_;
  db.exec("PRAGMA page_size = 16384");  // takes effect only on a new database; rows hold ~100 numbers
  {
    Statement mode(db, "PRAGMA journal_mode = WAL");
    if (!mode.step() || mode.text(0) != "wal") {
      throw Error("SQLite could not switch " + database_path_ + " to write-ahead logging (does the file system support it?)");
    }
  }
  db.exec("PRAGMA synchronous = NORMAL");
  if (table_exists(db, "sweep")) {
    check_definition(db);
  } else {
    create_tables(db);
  }
}

std::vector<std::vector<double>> SweepRun::compute_round(const std::vector<Task>& tasks, std::size_t first_point,
                                                         std::size_t last_point, std::uint64_t first_sequence) {
  // This rank's share: task i runs on rank i mod ranks.
  std::vector<std::size_t> mine;
  for (std::size_t i = static_cast<std::size_t>(rank_); i < tasks.size(); i += static_cast<std::size_t>(ranks_)) mine.push_back(i);
  std::vector<std::unique_ptr<PointWorld>> worlds(last_point - first_point);
  for (auto& slot : worlds) slot = std::make_unique<PointWorld>();
  for (std::size_t i : mine) ++worlds[tasks[i].point - first_point]->tasks_left;
  std::vector<std::vector<double>> rows(mine.size());
  const auto run_task = [&](std::size_t k) {
    const engine::TsanTask in_task;
    if (stop_.load() || (writer_ && writer_->halted())) return;
    const Task& task = tasks[mine[k]];
    PointWorld& slot = *worlds[task.point - first_point];
    std::call_once(slot.once, [&] {
      slot.world = std::make_unique<world::World>(load_point_world(task.point));
      slot.column_of_measure = column_map(*slot.world, task.point);
    });
    const world::ReplicationResult result = slot.world->run_replication(seed_, task.replication, false);
    std::vector<double> row(columns_.size(), kNaN);
    for (std::size_t m = 0; m < slot.column_of_measure.size(); ++m) {
      if (slot.column_of_measure[m] >= 0) row[static_cast<std::size_t>(slot.column_of_measure[m])] = result.measures[m];
    }
    if (writer_) {
      WriterMessage message;
      message.point = task.point;
      message.replication = task.replication;
      message.values = row;
      writer_->submit(first_sequence + mine[k], std::move(message));
    }
    rows[k] = std::move(row);
    if (--slot.tasks_left == 0) slot.world.reset();
  };
  {
    // TBB's hand-off and join, for ThreadSanitizer. Outside execute(): the arena may run the
    // loop on one of its own threads, and everything written above must reach the tasks.
    const engine::TsanForkJoin fork_join;
    arena_->execute([&] { tbb::parallel_for(std::size_t{0}, mine.size(), run_task); });
  }
  return rows;
}

bool SweepRun::precision_met(const std::vector<std::vector<double>>& values_by_target, int replications) const {
  for (std::size_t t = 0; t < precision_.targets.size(); ++t) {
    const std::span<const double> values(values_by_target[t].data(), static_cast<std::size_t>(replications));
    const engine::ReplicationSummary summary = engine::summarize_replications(values);
    if (summary.count < 2 || !std::isfinite(summary.half_width)) return false;
    const PrecisionTarget& target = precision_.targets[t];
    const double limit = target.relative ? target.tolerance * std::abs(summary.mean) : target.tolerance;
    if (summary.half_width > limit) return false;
  }
  return true;
}

void SweepRun::run_chunks() {
  const int max_replications = has_precision_ ? precision_.max_replications : replications_;
  const std::size_t chunk_points = std::max<std::size_t>(1, std::min<std::size_t>(256, kChunkTasks / static_cast<std::size_t>(replications_)));
  std::uint64_t sequence = 0;

  // Rank 0 plans each round and sends the task list; the others compute their share and send
  // rows back. Tags: 'T' tasks, 'F' finished, 'A' abort (with the exit code).
  const auto encode_tasks = [](const std::vector<Task>& tasks) {
    std::string bytes = "T";
    put_u64(bytes, tasks.size());
    for (const Task& task : tasks) {
      put_u64(bytes, task.point);
      put_u64(bytes, task.replication);
    }
    return bytes;
  };
  const auto encode_rows = [&](const std::vector<std::vector<double>>& rows) {
    std::string bytes = "K";
    put_u64(bytes, rows.size());
    for (const auto& row : rows) {
      for (double value : row) put_double(bytes, value);
    }
    return bytes;
  };
  const auto encode_failure = [](int code, const std::string& message) {
    std::string bytes = "E";
    bytes.push_back(static_cast<char>(code));
    return bytes + message;
  };

  if (rank_ != 0) {
    for (;;) {
      std::string bytes;
      broadcast(bytes);
      ByteReader in(bytes);
      const char tag = in.tag();
      if (tag == 'F') return;
      if (tag == 'A') throw RemoteFailure(in.tag(), "stopped by rank 0");
      std::vector<Task> tasks(in.u64());
      std::uint64_t first = std::numeric_limits<std::uint64_t>::max();
      std::uint64_t last = 0;
      for (Task& task : tasks) {
        task.point = in.u64();
        task.replication = static_cast<std::uint32_t>(in.u64());
        first = std::min(first, task.point);
        last = std::max(last, task.point + 1);
      }
      std::string reply;
      try {
        reply = encode_rows(compute_round(tasks, first, last, 0));
      } catch (const InputError& error) {
        reply = encode_failure(2, error.what());
      } catch (const std::exception& error) {
        reply = encode_failure(1, error.what());
      }
      (void)options_.transport->gather(reply);
    }
  }

  for (std::size_t first = 0; first < points_.size(); first += chunk_points) {
    const std::size_t last = std::min(points_.size(), first + chunk_points);
    const std::size_t count = last - first;
    // What the database already holds for these points, and the values precision needs,
    // indexed by replication; grown as replications are added (never to the cap up front).
    std::vector<std::vector<char>> present(count);
    std::vector<std::vector<std::vector<double>>> values(count, std::vector<std::vector<double>>(precision_columns_.size()));
    const auto make_room = [&](std::size_t p, std::size_t replications) {
      if (present[p].size() >= replications) return;
      present[p].resize(replications, 0);
      for (auto& column : values[p]) column.resize(replications, kNaN);
    };
    for (std::size_t p = 0; p < count; ++p) make_room(p, static_cast<std::size_t>(replications_));
    {
      std::string sql = "SELECT point, replication";
      for (int c : precision_columns_) sql += ", " + quote_identifier(columns_[static_cast<std::size_t>(c)]);
      Statement query(*reader_, sql + " FROM results WHERE point >= ? AND point < ?");
      query.bind_int64(1, static_cast<std::int64_t>(first));
      query.bind_int64(2, static_cast<std::int64_t>(last));
      while (query.step()) {
        const auto p = static_cast<std::size_t>(query.integer(0)) - first;
        const auto r = static_cast<std::size_t>(query.integer(1));
        if (r >= static_cast<std::size_t>(max_replications)) continue;
        make_room(p, r + 1);
        present[p][r] = 1;
        for (std::size_t t = 0; t < precision_columns_.size(); ++t) values[p][t][r] = query.real(static_cast<int>(t + 2));
      }
    }
    std::vector<int> target(count, replications_);
    std::vector<int> met(count, -1);
    for (;;) {
      std::vector<Task> tasks;
      for (std::size_t p = 0; p < count; ++p) {
        for (int r = 0; r < target[p]; ++r) {
          if (!present[p][static_cast<std::size_t>(r)]) tasks.push_back({first + p, static_cast<std::uint32_t>(r)});
        }
      }
      if (!tasks.empty()) {
        // Under MPI a round goes out in slices of a few tasks per thread, so the other ranks'
        // rows reach rank 0, and the database, as the round proceeds rather than at its end (a
        // kill then loses at most a slice). The sequence numbers, and so the commit order and
        // the results, are the same however the round is sliced.
        const std::size_t slice = options_.transport
                                      ? static_cast<std::size_t>(ranks_) * 4 * static_cast<std::size_t>(arena_->max_concurrency())
                                      : tasks.size();
        for (std::size_t offset = 0; offset < tasks.size(); offset += slice) {
          const std::vector<Task> part(tasks.begin() + static_cast<std::ptrdiff_t>(offset),
                                       tasks.begin() + static_cast<std::ptrdiff_t>(std::min(tasks.size(), offset + slice)));
          const std::uint64_t base = sequence + offset;
          std::string plan = encode_tasks(part);
          broadcast(plan);
          std::vector<std::vector<double>> rows;
          std::string failure;
          try {
            rows = compute_round(part, first, last, base);
          } catch (const InputError& error) {
            if (!options_.transport) throw;
            failure = encode_failure(2, error.what());
          } catch (const std::exception& error) {
            if (!options_.transport) throw;
            failure = encode_failure(1, error.what());
          }
          if (options_.transport) {
            const std::vector<std::string> replies = options_.transport->gather(failure.empty() ? encode_rows(rows) : failure);
            for (std::size_t from = 0; from < replies.size(); ++from) {
              ByteReader in(replies[from]);
              if (in.tag() == 'E') {
                const int code = in.tag();
                std::string abort = "A";
                abort.push_back(static_cast<char>(code));
                broadcast(abort);
                const std::string message = in.rest();
                if (code == 2) throw InputError(InputProblem{"", 0, 0, "", message + (from ? fmt::format(" (on rank {})", from) : "")});
                throw Error(message + (from ? fmt::format(" (on rank {})", from) : ""));
              }
            }
            // Rows from the other ranks, in their task order (task i ran on rank i mod ranks).
            for (std::size_t from = 1; from < replies.size(); ++from) {
              ByteReader in(replies[from]);
              (void)in.tag();
              const std::uint64_t n = in.u64();
              for (std::uint64_t k = 0; k < n; ++k) {
                const std::size_t index = from + static_cast<std::size_t>(k) * static_cast<std::size_t>(ranks_);
                std::vector<double> row(columns_.size());
                for (double& value : row) value = in.real();
                WriterMessage message;
                message.point = part[index].point;
                message.replication = part[index].replication;
                message.values = row;
                writer_->submit(base + index, std::move(message));
                if (has_precision_) {
                  for (std::size_t t = 0; t < precision_columns_.size(); ++t) {
                    values[part[index].point - first][t][part[index].replication] = row[static_cast<std::size_t>(precision_columns_[t])];
                  }
                }
                present[part[index].point - first][part[index].replication] = 1;
              }
            }
          }
          // This rank's rows (all of them in a single process).
          for (std::size_t k = 0; k < rows.size(); ++k) {
            const std::size_t index = k * static_cast<std::size_t>(ranks_);
            const Task& task = part[index];
            if (rows[k].empty()) continue;  // skipped: the writer stopped
            present[task.point - first][task.replication] = 1;
            for (std::size_t t = 0; t < precision_columns_.size(); ++t) {
              values[task.point - first][t][task.replication] = rows[k][static_cast<std::size_t>(precision_columns_[t])];
            }
          }
          if (writer_->halted()) break;
        }

        sequence += tasks.size();
        if (writer_->halted()) return;
      }
      if (!has_precision_) break;
      bool more = false;
      for (std::size_t p = 0; p < count; ++p) {
        met[p] = precision_met(values[p], target[p]) ? 1 : 0;
        if (!met[p] && target[p] < max_replications) {
          target[p] = std::min(max_replications, target[p] + precision_.batch);
          make_room(p, static_cast<std::size_t>(target[p]));
          more = true;
        }
      }
      if (!more) break;
    }
    for (std::size_t p = 0; p < count; ++p) {
      WriterMessage message;
      message.is_row = false;
      message.point = first + p;
      message.replications = target[p];
      message.precision_met = has_precision_ ? met[p] : -1;
      writer_->submit(sequence++, std::move(message));
    }
  }
  std::string finished = "F";
  broadcast(finished);
  writer_->finish(sequence);
}

void SweepRun::write_points_csv(Database& db) {
  const fs::path path = fs::path(options_.out_dir) / "points.csv";
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
  for (const SweepParameter& p : definition_.parameters) {
    line += ',';
    line += csv_field(p.path);
  }
  line += ",replications";
  if (has_precision_) line += ",precision_met";
  for (const std::string& column : columns_) {
    for (const char* suffix : {".mean", ".ci95_low", ".ci95_high"}) {
      line += ',';
      line += csv_field(column + suffix);
    }
  }
  out << line << "\n";

  // Both cursors walk in point order, so one point's rows are in memory at a time.
  Statement point_rows(db, "SELECT * FROM points ORDER BY point");
  Statement result_rows(db, "SELECT * FROM results ORDER BY point, replication");
  bool result_ready = result_rows.step();
  const int parameter_count = static_cast<int>(definition_.parameters.size());
  std::vector<std::vector<double>> by_column(columns_.size());
  while (point_rows.step()) {
    const std::int64_t point = point_rows.integer(0);
    for (auto& column : by_column) column.clear();
    while (result_ready && result_rows.integer(0) == point) {
      for (std::size_t c = 0; c < columns_.size(); ++c) by_column[c].push_back(result_rows.real(static_cast<int>(c + 3)));
      result_ready = result_rows.step();
    }
    line = std::to_string(point);
    for (int j = 0; j < parameter_count; ++j) {
      line += ",";
      line += point_rows.type(j + 1) == sqlite::ColumnType::text ? csv_field(point_rows.text(j + 1)) : point_rows.cell(j + 1);
    }
    line += ',';
    line += point_rows.cell(parameter_count + 1);
    if (has_precision_) {
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

SweepReport SweepRun::run() {
  if (options_.out_dir.empty()) {
    throw InputError(InputProblem{"", 0, 0, "--out", "a sweep needs --out DIR: its results go to DIR/sweep.sqlite and DIR/points.csv"});
  }
  prepare();  // every rank: the same checks give the same errors everywhere
  // More threads than TBB will run only earns a warning on stderr; results do not depend on it.
  const int available = tbb::info::default_concurrency();
  const int concurrency = options_.threads > 0 ? std::min(options_.threads, available) : tbb::task_arena::automatic;
  arena_ = std::make_unique<tbb::task_arena>(concurrency);
  report_.points = points_.size();
  report_.measures = columns_;

  // Rank 0 opens the database; the others hear whether that worked.
  std::string status;
  if (rank_ == 0) {
    try {
      open_database();
      status = "ok";
    } catch (const InputError&) {
      status = std::string("A") + static_cast<char>(2);
      broadcast(status);
      throw;
    } catch (...) {
      status = std::string("A") + static_cast<char>(1);
      broadcast(status);
      throw;
    }
  }
  broadcast(status);
  if (rank_ != 0) {
    if (status != "ok") throw RemoteFailure(status.size() > 1 ? status[1] : 1, "rank 0 could not open the sweep database");
    run_chunks();
    return report_;
  }

  report_.database = database_path_;
  {
    Statement count(*reader_, "SELECT count(*) FROM results");
    report_.rows_resumed = count.step() ? static_cast<std::uint64_t>(count.integer(0)) : 0;
  }
  SweepProgress progress;
  progress.rows_resumed = report_.rows_resumed;
  progress.rows_done = report_.rows_resumed;
  progress.rows_planned = static_cast<std::uint64_t>(points_.size()) * static_cast<std::uint64_t>(replications_);
  writer_ = std::make_unique<SweepWriter>(database_path_, columns_.size(), seed_, options_, progress);
  if (options_.progress) options_.progress(progress);
  try {
    run_chunks();
  } catch (...) {
    stop_ = true;
    writer_->drain();  // keep every finished row: a restart resumes after them
    throw;
  }
  if (writer_->halted()) {
    const std::exception_ptr error = writer_->error();
    writer_->abandon();
    if (error) std::rethrow_exception(error);
    report_.rows_run = writer_->rows_committed();
    report_.rows_total = report_.rows_resumed + report_.rows_run;
    return report_;  // the test hook: stopped as if killed
  }
  report_.rows_run = writer_->rows_committed();
  writer_.reset();

  Database& db = *reader_;
  db.exec("UPDATE sweep SET complete = 1 WHERE id = 1");
  {
    Statement count(db, "SELECT count(*) FROM results");
    report_.rows_total = count.step() ? static_cast<std::uint64_t>(count.integer(0)) : 0;
  }
  {
    Statement short_of(db, "SELECT count(*) FROM points WHERE precision_met = 0");
    report_.points_short_of_precision = short_of.step() ? static_cast<std::size_t>(short_of.integer(0)) : 0;
    Statement range(db, "SELECT min(replications), max(replications) FROM points");
    if (range.step()) {
      report_.replications_min = static_cast<int>(range.integer(0));
      report_.replications_max = static_cast<int>(range.integer(1));
    }
  }
  write_points_csv(db);
  report_.points_csv = (fs::path(options_.out_dir) / "points.csv").string();
  report_.completed = true;
  // Fold the write-ahead log into the database, so the folder holds one self-contained file.
  db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
  return report_;
}

}  // namespace

SweepReport run_sweep(const SweepDefinition& definition, const world::ModelRegistry& registry, const SweepOptions& options) {
  SweepRun run(definition, registry, options);
  try {
    return run.run();
  } catch (const RemoteFailure& failure) {
    if (failure.exit_code() == 2) throw InputError(InputProblem{"", 0, 0, "", failure.what()});
    throw Error(failure.what());
  }
}

// ---- warm-up advice --------------------------------------------------------------------------

const std::vector<std::string>& warmup_series_measures() {
  static const std::vector<std::string> names = {"response_min.mean", "background.response_min.mean", "crisis_calls", "background_calls"};
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
  json["method"] = "MSER-5 (White 1997): 5-day batch means, truncation minimising the MSER statistic over the first half";
  json["measure"] = advice.measure;
  json["replication_days"] = advice.days;
  json["recommended_warmup_days"] = advice.recommended_warmup_days;
  json["scenario_warmup_days"] = advice.scenario_warmup_days;
  json["reliable"] = advice.reliable;
  json["truncation_batches"] = advice.truncation_batches;
  nlohmann::ordered_json daily = nlohmann::ordered_json::array();
  for (double v : advice.daily) daily.push_back(json_number(v));
  json["daily"] = std::move(daily);
  nlohmann::ordered_json batches = nlohmann::ordered_json::array();
  for (double v : advice.batch_means) batches.push_back(json_number(v));
  json["batch_means"] = std::move(batches);
  nlohmann::ordered_json mser = nlohmann::ordered_json::array();
  for (double v : advice.mser) mser.push_back(json_number(v));
  json["mser"] = std::move(mser);
  return json;
}

// ---- reading a database back -----------------------------------------------------------------

SweepDatabaseDump dump_sweep_database(const std::string& database) {
  std::error_code error;
  if (!fs::is_regular_file(database, error)) throw InputError(InputProblem{database, 0, 0, "", "no sweep database here"});
  Database db = open_sweep_database(database, false);
  SweepDatabaseDump dump;
  const auto read = [&](const std::string& sql, std::vector<std::string>& lines, std::vector<std::string>* names) {
    Statement query(db, sql);
    if (names) {
      for (int c = 0; c < query.columns(); ++c) names->push_back(query.name(c));
    }
    while (query.step()) {
      std::string line;
      for (int c = 0; c < query.columns(); ++c) {
        if (c) line += '|';
        line += query.cell(c);
      }
      lines.push_back(std::move(line));
    }
  };
  read("SELECT * FROM sweep ORDER BY id", dump.sweep, nullptr);
  read("SELECT * FROM points ORDER BY point", dump.points, nullptr);
  read("SELECT * FROM results ORDER BY point, replication", dump.results, &dump.result_columns);
  return dump;
}

std::uint64_t count_sweep_rows(const std::string& database) {
  std::error_code error;
  if (!fs::is_regular_file(database, error)) return 0;
  try {
    Database db = open_sweep_database(database, false);
    if (!table_exists(db, "results")) return 0;
    Statement count(db, "SELECT count(*) FROM results");
    return count.step() ? static_cast<std::uint64_t>(count.integer(0)) : 0;
  } catch (const Error&) {
    return 0;  // being created right now
  }
}

}  // namespace crisis::io
