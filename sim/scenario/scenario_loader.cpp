#include "scenario/scenario_loader.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <limits>

#include "engine/errors.hpp"
#include "cad/replay_loader.hpp"
#include "yaml/yaml_reader.hpp"

namespace crisis::io {

using world::CrisisType;
using world::DurationSpec;
using world::kCrisisTypeCount;
using world::kCrisisTypeNames;
using world::kDispositionCount;
using world::kDispositionNames;
using world::kPriorityCount;
using world::Scenario;

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kMaxPopulation = 50'000'000.0;       // a city, not a country
constexpr double kMaxAgents = 20'000'000.0;           // ~0.5 GB of agent state
constexpr double kMaxHorizonDays = 3650.0;
constexpr long long kMaxReplications = 100000;
constexpr long long kMaxUnitsOnDuty = 100000;

std::vector<std::string> words(const auto& names) { return std::vector<std::string>(names.begin(), names.end()); }

// ---- overrides ----------------------------------------------------------------------------

void apply_override(YAML::Node& root, const Override& override_spec) {
  const std::string flag = "--set " + override_spec.path + "=" + override_spec.value;
  auto fail = [&](const std::string& message) { throw InputError(InputProblem{"", 0, 0, "--set " + override_spec.path, message}); };
  // Tokenise "a.b[2].c" into a, b, [2], c.
  std::vector<std::string> tokens;
  std::string current;
  for (std::size_t i = 0; i < override_spec.path.size(); ++i) {
    const char c = override_spec.path[i];
    if (c == '.') {
      if (!current.empty()) tokens.push_back(current);
      current.clear();
    } else if (c == '[') {
      if (!current.empty()) tokens.push_back(current);
      const auto close = override_spec.path.find(']', i);
      if (close == std::string::npos) fail("unclosed '[' in the path");
      tokens.push_back(override_spec.path.substr(i, close - i + 1));
      current.clear();
      i = close;
    } else {
      current += c;
    }
  }
  if (!current.empty()) tokens.push_back(current);
  if (tokens.empty()) fail("empty path");
  YAML::Node value;
  try {
    // The same checks as a file: NUL bytes, UTF-8, nesting depth, syntax.
    value = load_yaml_text(override_spec.value.empty() ? std::string("''") : override_spec.value, "--set " + override_spec.path);
  } catch (const InputError& error) {
    fail("the value is not valid YAML: " + error.problems().front().message);
  }
  if (!root.IsDefined() || root.IsNull()) root = YAML::Node(YAML::NodeType::Map);
  YAML::Node node;
  node.reset(root);
  for (std::size_t k = 0; k < tokens.size(); ++k) {
    const bool last = k + 1 == tokens.size();
    std::string token = tokens[k];
    const bool bracket = token.front() == '[';
    if (bracket) token = token.substr(1, token.size() - 2);
    const bool numeric = !token.empty() && std::all_of(token.begin(), token.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (node.IsSequence()) {
      if (!numeric) fail("'" + token + "' indexes a list; expected a number such as [0]");
      std::size_t index = 0;
      const auto [end, error] = std::from_chars(token.data(), token.data() + token.size(), index);
      if (error != std::errc() || end != token.data() + token.size() || index >= node.size()) fail("index " + token + " is past the end of a list of " + std::to_string(node.size()));
      if (last) {
        node[index] = value;
        return;
      }
      YAML::Node next = node[index];
      node.reset(next);
    } else if (node.IsMap() || node.IsNull()) {
      if (bracket) fail("[" + token + "] indexes a mapping; use .key");
      if (last) {
        node[token] = value;
        return;
      }
      if (!node[token].IsDefined() || node[token].IsNull()) node[token] = YAML::Node(YAML::NodeType::Map);
      YAML::Node next = node[token];
      node.reset(next);
    } else {
      fail("cannot descend into a plain value at '" + token + "'");
    }
  }
}

// ---- pieces ---------------------------------------------------------------------------------

// A duration given in `unit_minutes` per unit (1 for *_min keys, 60 for hours, 1440 for days).
DurationSpec read_duration(YamlReader& reader, const YAML::Node& node, const std::string& path, double unit_minutes,
                           std::optional<DurationSpec> fallback = std::nullopt) {
  if (!node.IsDefined()) {
    if (!fallback) reader.problem(node, path, "missing: expected a duration such as {mean: 30, sd: 20}");
    return fallback.value_or(DurationSpec{});
  }
  if (node.IsScalar()) {
    const auto value = read_number(reader, node, path, 0.0, kInf);
    return DurationSpec::fixed_value(value.value_or(0.0) * unit_minutes);
  }
  MapReader map(reader, node, path);
  if (!map.valid()) return DurationSpec{};
  const std::string kind = map.choice("distribution", std::string("lognormal"),
                                      {"fixed", "exponential", "lognormal", "gamma", "weibull", "uniform", "triangular"});
  DurationSpec spec;
  auto positive = [&](const std::string& key) { return map.number(key, std::nullopt, 0.0, kInf) * unit_minutes; };
  if (kind == "fixed") {
    spec.kind = DurationSpec::Kind::fixed;
    spec.mean = positive("value");
  } else if (kind == "exponential") {
    spec.kind = DurationSpec::Kind::exponential;
    spec.mean = positive("mean");
  } else if (kind == "lognormal" || kind == "gamma") {
    spec.kind = kind == "lognormal" ? DurationSpec::Kind::lognormal : DurationSpec::Kind::gamma;
    spec.mean = positive("mean");
    spec.sd = positive("sd");
    if (spec.mean <= 0.0 && map.has("mean")) reader.problem(map.child("mean"), path + ".mean", "expected a mean > 0");
    if (kind == "gamma" && spec.sd <= 0.0 && map.has("sd")) reader.problem(map.child("sd"), path + ".sd", "expected an sd > 0 for a gamma");
  } else if (kind == "weibull") {
    spec.kind = DurationSpec::Kind::weibull;
    spec.shape = map.number("shape", std::nullopt, 1e-3, 1e3);
    spec.scale = positive("scale");
  } else if (kind == "uniform") {
    spec.kind = DurationSpec::Kind::uniform;
    spec.low = positive("low");
    spec.high = positive("high");
    if (spec.high < spec.low) reader.problem(node, path, "expected low <= high");
  } else if (kind == "triangular") {
    spec.kind = DurationSpec::Kind::triangular;
    spec.low = positive("low");
    spec.mode = positive("mode");
    spec.high = positive("high");
    if (!(spec.low <= spec.mode && spec.mode <= spec.high)) reader.problem(node, path, "expected low <= mode <= high");
  }
  map.finish();
  return spec;
}

// An hour-of-week profile: hourly (24) x daily (7), or weekly (168). Normalised to mean 1.
world::WeekProfile read_profile(YamlReader& reader, const YAML::Node& node, const std::string& path) {
  world::WeekProfile profile;
  profile.fill(1.0);
  if (!node.IsDefined()) return profile;
  MapReader map(reader, node, path);
  if (!map.valid()) return profile;
  const YAML::Node weekly = map.child("weekly");
  const YAML::Node hourly = map.child("hourly");
  const YAML::Node daily = map.child("daily");
  if (weekly.IsDefined()) {
    if (hourly.IsDefined() || daily.IsDefined()) reader.problem(weekly, path + ".weekly", "give either weekly or hourly/daily, not both");
    const auto values = read_number_list(reader, weekly, path + ".weekly", 168, 0.0, 1e9);
    if (!values.empty()) std::copy(values.begin(), values.end(), profile.begin());
  } else {
    std::vector<double> hours(24, 1.0);
    std::vector<double> days(7, 1.0);
    if (hourly.IsDefined()) hours = read_number_list(reader, hourly, path + ".hourly", 24, 0.0, 1e9);
    if (daily.IsDefined()) days = read_number_list(reader, daily, path + ".daily", 7, 0.0, 1e9);
    if (hours.size() == 24 && days.size() == 7) {
      for (std::size_t h = 0; h < 168; ++h) profile[h] = days[h / 24] * hours[h % 24];
    }
  }
  map.finish();
  double total = 0.0;
  for (double w : profile) total += w;
  if (!(total > 0.0)) {
    reader.problem(node, path, "expected at least one positive weight");
    profile.fill(1.0);
    return profile;
  }
  for (double& w : profile) w *= 168.0 / total;
  return profile;
}

world::Roster read_roster(YamlReader& reader, const YAML::Node& node, const std::string& path) {
  world::Roster roster{};
  if (!node.IsDefined()) {
    reader.problem(node, path, "missing: expected a roster such as {constant: 10} or {shifts: [...]}");
    return roster;
  }
  MapReader map(reader, node, path);
  if (!map.valid()) return roster;
  const YAML::Node constant = map.child("constant");
  const YAML::Node hourly = map.child("hourly");
  const YAML::Node weekly = map.child("weekly");
  const YAML::Node shifts = map.child("shifts");
  const int given = constant.IsDefined() + hourly.IsDefined() + weekly.IsDefined() + shifts.IsDefined();
  if (given != 1) {
    reader.problem(node, path, "expected exactly one of constant, hourly (24 counts), weekly (168 counts) or shifts");
  } else if (constant.IsDefined()) {
    const auto n = read_integer(reader, constant, path + ".constant", 0, kMaxUnitsOnDuty);
    roster.fill(static_cast<int>(n.value_or(0)));
  } else if (hourly.IsDefined() || weekly.IsDefined()) {
    const bool by_hour = hourly.IsDefined();
    const std::string key = path + (by_hour ? ".hourly" : ".weekly");
    const auto values = read_number_list(reader, by_hour ? hourly : weekly, key, by_hour ? 24 : 168, 0.0, kMaxUnitsOnDuty);
    for (std::size_t h = 0; h < 168 && !values.empty(); ++h) {
      const double v = values[by_hour ? h % 24 : h];
      if (v != std::floor(v)) {
        reader.problem(by_hour ? hourly : weekly, key, "expected whole numbers of units");
        break;
      }
      roster[h] = static_cast<int>(v);
    }
  } else {
    const std::string list_path = path + ".shifts";
    if (!shifts.IsSequence() || shifts.size() == 0) {
      reader.problem(shifts, list_path, "expected a list of shifts such as {start_hour: 7, hours: 10, units: 4}");
    } else {
      static const std::vector<std::string> kDays = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
      for (std::size_t s = 0; s < shifts.size(); ++s) {
        const std::string shift_path = list_path + "[" + std::to_string(s) + "]";
        MapReader shift(reader, shifts[s], shift_path);
        const auto start = shift.integer("start_hour", std::nullopt, 0, 23);
        const auto hours = shift.integer("hours", std::nullopt, 1, 24);
        const auto units = shift.integer("units", std::nullopt, 0, kMaxUnitsOnDuty);
        std::vector<bool> on_day(7, true);
        const YAML::Node days = shift.child("days");
        if (days.IsDefined()) {
          on_day.assign(7, false);
          if (!days.IsSequence()) {
            reader.problem(days, shift_path + ".days", "expected a list of days such as [mon, tue]");
          } else {
            for (std::size_t d = 0; d < days.size(); ++d) {
              const std::string day_path = shift_path + ".days[" + std::to_string(d) + "]";
              const auto word = read_text(reader, days[d], day_path);
              const auto found = word ? std::find(kDays.begin(), kDays.end(), *word) : kDays.end();
              if (found == kDays.end()) {
                if (word) reader.problem(days[d], day_path, "expected one of mon, tue, wed, thu, fri, sat, sun, got " + describe(days[d]));
              } else {
                on_day[static_cast<std::size_t>(found - kDays.begin())] = true;
              }
            }
          }
        }
        shift.finish();
        for (int day = 0; day < 7; ++day) {
          if (!on_day[static_cast<std::size_t>(day)]) continue;
          for (long long h = 0; h < hours; ++h) {
            const auto hour = static_cast<std::size_t>((day * 24 + start + h) % 168);
            roster[hour] += static_cast<int>(units);
          }
        }
      }
    }
  }
  map.finish();
  return roster;
}

world::OutcomeRow read_outcome_row(YamlReader& reader, const YAML::Node& node, const std::string& path,
                                   const world::OutcomeRow* inherit) {
  world::OutcomeRow row;
  MapReader map(reader, node, path);
  if (!map.valid()) return row;
  double total = 0.0;
  for (std::size_t d = 0; d < kDispositionCount; ++d) {
    row.disposition[d] = map.number(std::string(kDispositionNames[d]), 0.0, 0.0, 1.0);
    total += row.disposition[d];
  }
  row.use_of_force = map.number("use_of_force", inherit ? inherit->use_of_force : 0.0, 0.0, 1.0);
  row.injury = map.number("injury", inherit ? inherit->injury : 0.0, 0.0, 1.0);
  row.backup = map.number("backup", inherit ? inherit->backup : 0.0, 0.0, 1.0);
  map.finish();
  if (std::fabs(total - 1.0) > 1e-6) {
    reader.problem(node, path,
                   "disposition probabilities (resolved, referral, crisis_centre, ed_voluntary, ed_detention, arrest) sum to " +
                       std::to_string(total) + "; expected 1");
  }
  return row;
}

// ---- the scenario ----------------------------------------------------------------------------

// Where `key` itself is written in `map` (a null mark when it is not there).
YAML::Mark key_mark(const YAML::Node& map, const std::string& key) {
  if (map.IsMap()) {
    for (const auto& entry : map) {
      if (entry.first.IsScalar() && entry.first.Scalar() == key) return entry.first.Mark();
    }
  }
  return YAML::Mark::null_mark();
}

class ScenarioReader {
 public:
  ScenarioReader(YamlReader& reader, const world::ModelRegistry& registry) : r_(reader), registry_(registry) {}

  LoadedScenario read(const YAML::Node& root) {
    LoadedScenario loaded;
    Scenario& s = loaded.scenario;
    MapReader top(r_, root, "");
    if (!top.valid()) return loaded;
    s.name = top.text("name", std::nullopt);
    s.description = top.text("description", std::string());
    read_run(top.child("run"), s);
    read_city(top.child("city"), s);
    read_residents(top.child("residents"), s);
    read_crises(top.child("crises"), s);
    read_background(top.child("background"), s);
    read_unit_types(top.child("unit_types"), s);
    read_facilities(top.child("facilities"), s);
    read_costs(top.child("costs"), s);
    read_targets(top.child("targets"), s);
    read_models(top.child("models"), s);
    read_replay(r_, top.child("replay"), key_mark(root, "replay"), top.child("run"), s);
    loaded.variants = read_variants(top.child("variants"));
    top.finish();
    return loaded;
  }

 private:
  void read_run(const YAML::Node& node, Scenario& s) {
    if (!node.IsDefined()) return;
    MapReader map(r_, node, "run");
    s.run.horizon_days = map.number("horizon_days", 365.0, 1.0 / 24.0, kMaxHorizonDays);
    s.run.warmup_days = map.number("warmup_days", 14.0, 0.0, kMaxHorizonDays);
    s.run.replications = static_cast<int>(map.integer("replications", 10, 1, kMaxReplications));
    s.run.seed = static_cast<std::uint64_t>(map.integer("seed", 1, 0, std::numeric_limits<long long>::max()));
    map.finish();
  }

  void read_city(const YAML::Node& node, Scenario& s) {
    MapReader map(r_, node, "city");
    if (!map.valid()) return;
    const YAML::Node zones = map.child("zones");
    if (!zones.IsSequence() || zones.size() == 0) {
      r_.problem(zones.IsDefined() ? zones : node, "city.zones", "expected a list of at least one zone");
    } else if (zones.size() > 60000) {
      r_.problem(zones, "city.zones", "expected at most 60000 zones");
    } else {
      double population = 0.0;
      for (std::size_t i = 0; i < zones.size(); ++i) {
        const std::string path = "city.zones[" + std::to_string(i) + "]";
        MapReader zone(r_, zones[i], path);
        world::Zone z;
        z.name = zone.text("name", std::nullopt);
        z.population = zone.number("population", std::nullopt, 0.0, kMaxPopulation);
        z.x_km = zone.number("x_km", 0.0, -1e4, 1e4);
        z.y_km = zone.number("y_km", 0.0, -1e4, 1e4);
        z.prevalence = zone.number("prevalence", 1.0, 0.0, 100.0);
        zone.finish();
        if (!z.name.empty() && s.zone_index(z.name) >= 0) r_.problem(zone.child("name"), path + ".name", "duplicate zone name '" + z.name + "'");
        population += z.population;
        s.zones.push_back(z);
      }
      if (population > kMaxPopulation) r_.problem(zones, "city.zones", "total population above 50,000,000: expected a city");
    }
    const YAML::Node travel = map.child("travel");
    if (travel.IsDefined()) {
      MapReader t(r_, travel, "city.travel");
      s.travel.speed_kmh = t.number("speed_kmh", 40.0, 1.0, 300.0);
      s.travel.circuity = t.number("circuity", 1.3, 1.0, 5.0);
      s.travel.within_zone_km = t.number("within_zone_km", 1.5, 0.0, 100.0);
      s.travel.noise_cv = t.number("noise_cv", 0.25, 0.0, 3.0);
      const YAML::Node matrix = t.child("matrix_min");
      if (matrix.IsDefined()) {
        const std::size_t n = s.zones.size();
        if (!matrix.IsSequence() || matrix.size() != n) {
          r_.problem(matrix, "city.travel.matrix_min", "expected " + std::to_string(n) + " rows (one per zone), got " + describe(matrix));
        } else {
          Eigen::MatrixXd m(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(n));
          bool good = true;
          for (std::size_t i = 0; i < n; ++i) {
            const auto row = read_number_list(r_, matrix[i], "city.travel.matrix_min[" + std::to_string(i) + "]", n, 0.0, 1e5);
            if (row.empty()) {
              good = false;
              continue;
            }
            for (std::size_t j = 0; j < n; ++j) m(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) = row[j];
          }
          if (good) s.travel.matrix_min = m;
        }
      }
      t.finish();
    }
    map.finish();
  }

  void read_residents(const YAML::Node& node, Scenario& s) {
    world::ResidentConfig& c = s.residents;
    // Defaults, all marked as assumptions in docs/scenario-format.md.
    c.ed_stay = DurationSpec::lognormal(8 * 60.0, 6 * 60.0);
    c.detention_stay = DurationSpec::lognormal(3 * 1440.0, 3 * 1440.0);
    c.jail_stay = DurationSpec::lognormal(5 * 1440.0, 10 * 1440.0);
    c.crisis_centre_stay = DurationSpec::lognormal(1 * 1440.0, 1 * 1440.0);
    c.engagement_duration = DurationSpec::lognormal(90 * 1440.0, 60 * 1440.0);
    if (!node.IsDefined()) return;
    MapReader map(r_, node, "residents");
    c.share_with_needs = map.number("share_with_needs", 0.05, 0.0, 1.0);
    c.crises_per_year = map.number("crises_per_year", 1.0, 0.0, 365.0);
    c.frailty_shape = map.number("frailty_shape", 0.5, 0.01, 1000.0);
    const YAML::Node groups = map.child("groups");
    if (groups.IsDefined()) {
      if (!groups.IsSequence() || groups.size() == 0 || groups.size() > 32) {
        r_.problem(groups, "residents.groups", "expected a list of 1 to 32 groups such as {name: unhoused, share: 0.3}, got " + describe(groups));
      } else {
        double total = 0.0;
        for (std::size_t g = 0; g < groups.size(); ++g) {
          const std::string path = "residents.groups[" + std::to_string(g) + "]";
          MapReader gm(r_, groups[g], path);
          world::ResidentGroup group;
          group.name = gm.text("name", std::nullopt);
          group.share = gm.number("share", std::nullopt, 0.0, 1.0);
          group.rate_multiplier = gm.number("rate_multiplier", 1.0, 0.0, 100.0);
          gm.finish();
          for (const auto& other : c.groups) {
            if (other.name == group.name) r_.problem(gm.child("name"), path + ".name", "duplicate group name '" + group.name + "'");
          }
          total += group.share;
          c.groups.push_back(group);
        }
        if (std::fabs(total - 1.0) > 1e-6) r_.problem(groups, "residents.groups", "group shares sum to " + std::to_string(total) + "; expected 1");
      }
    }
    c.ed_stay = read_duration(r_, map.child("ed_stay_hours"), "residents.ed_stay_hours", 60.0, c.ed_stay);
    c.detention_stay = read_duration(r_, map.child("detention_stay_days"), "residents.detention_stay_days", 1440.0, c.detention_stay);
    c.jail_stay = read_duration(r_, map.child("jail_stay_days"), "residents.jail_stay_days", 1440.0, c.jail_stay);
    c.crisis_centre_stay = read_duration(r_, map.child("crisis_centre_stay_days"), "residents.crisis_centre_stay_days", 1440.0, c.crisis_centre_stay);
    const YAML::Node engagement = map.child("engagement");
    if (engagement.IsDefined()) {
      MapReader e(r_, engagement, "residents.engagement");
      c.engagement_after_referral = e.number("after_referral", c.engagement_after_referral, 0.0, 1.0);
      c.engagement_after_crisis_centre = e.number("after_crisis_centre", c.engagement_after_crisis_centre, 0.0, 1.0);
      c.engagement_after_ed = e.number("after_ed", c.engagement_after_ed, 0.0, 1.0);
      c.engaged_rate_multiplier = e.number("rate_multiplier", c.engaged_rate_multiplier, 0.0, 10.0);
      c.engagement_duration = read_duration(r_, e.child("duration_days"), "residents.engagement.duration_days", 1440.0, c.engagement_duration);
      e.finish();
    }
    map.finish();
    double population = 0.0;
    for (const auto& zone : s.zones) population += zone.population * zone.prevalence;
    if (population * c.share_with_needs > kMaxAgents) {
      r_.problem(node, "residents.share_with_needs",
                 "the city would have " + std::to_string(static_cast<long long>(population * c.share_with_needs)) +
                     " resident agents, more than the 20,000,000 this machine can hold; lower the population or the share");
    }
  }

  void read_crises(const YAML::Node& node, Scenario& s) {
    world::CrisisConfig& c = s.crises;
    c.profile.fill(1.0);
    c.call_processing = DurationSpec::fixed_value(0.0);
    if (!node.IsDefined()) {
      r_.problem(node, "crises", "missing: expected the crisis call mix (see docs/scenario-format.md)");
      return;
    }
    MapReader map(r_, node, "crises");
    c.profile = read_profile(r_, map.child("profile"), "crises.profile");
    c.triage_accuracy = map.number("triage_accuracy", 0.8, 0.0, 1.0);
    c.call_processing = read_duration(r_, map.child("call_processing_min"), "crises.call_processing_min", 1.0, c.call_processing);
    const YAML::Node types = map.child("types");
    MapReader t(r_, types, "crises.types");
    double total = 0.0;
    for (std::size_t i = 0; i < kCrisisTypeCount; ++i) {
      const std::string name(kCrisisTypeNames[i]);
      const YAML::Node type = t.child(name);
      const std::string path = "crises.types." + name;
      if (!type.IsDefined()) {
        r_.know(key_pattern(path) + ".share");
        r_.know(key_pattern(path) + ".priority");
        r_.know(key_pattern(path) + ".risk");
        continue;
      }
      MapReader spec(r_, type, path);
      world::CrisisTypeSpec& ct = c.types[i];
      ct.share = spec.number("share", std::nullopt, 0.0, 1.0);
      ct.priority = static_cast<int>(spec.integer("priority", 2, 1, 3));
      const YAML::Node risk = spec.child("risk");
      if (risk.IsDefined()) {
        const auto values = read_number_list(r_, risk, path + ".risk", 3, 0.0, 1.0);
        if (values.size() == 3) {
          const double sum = values[0] + values[1] + values[2];
          if (std::fabs(sum - 1.0) > 1e-6) r_.problem(risk, path + ".risk", "expected P(low, moderate, high) summing to 1, got a sum of " + std::to_string(sum));
          std::copy(values.begin(), values.end(), ct.risk.begin());
        }
      }
      spec.finish();
      total += ct.share;
    }
    t.finish();
    if (t.valid() && std::fabs(total - 1.0) > 1e-6) {
      r_.problem(types, "crises.types", "call-type shares sum to " + std::to_string(total) + "; expected 1");
    }
    map.finish();
  }

  void read_background(const YAML::Node& node, Scenario& s) {
    world::BackgroundConfig& b = s.background;
    b.profile.fill(1.0);
    for (auto& service : b.service) service = DurationSpec::lognormal(45.0, 35.0);
    b.call_processing = DurationSpec::fixed_value(0.0);
    if (!node.IsDefined()) return;
    MapReader map(r_, node, "background");
    b.calls_per_day = map.number("calls_per_day", 0.0, 0.0, 1e6);
    b.profile = read_profile(r_, map.child("profile"), "background.profile");
    b.call_processing = read_duration(r_, map.child("call_processing_min"), "background.call_processing_min", 1.0, b.call_processing);
    const YAML::Node priorities = map.child("priorities");
    if (priorities.IsDefined()) {
      if (!priorities.IsSequence() || priorities.size() != kPriorityCount) {
        r_.problem(priorities, "background.priorities", "expected a list of 3 entries (priorities 1, 2, 3), got " + describe(priorities));
      } else {
        double total = 0.0;
        for (std::size_t p = 0; p < kPriorityCount; ++p) {
          const std::string path = "background.priorities[" + std::to_string(p) + "]";
          MapReader entry(r_, priorities[p], path);
          b.priority_share[p] = entry.number("share", std::nullopt, 0.0, 1.0);
          b.service[p] = read_duration(r_, entry.child("service_min"), path + ".service_min", 1.0, b.service[p]);
          entry.finish();
          total += b.priority_share[p];
        }
        if (std::fabs(total - 1.0) > 1e-6) r_.problem(priorities, "background.priorities", "priority shares sum to " + std::to_string(total) + "; expected 1");
      }
    }
    map.finish();
  }

  void read_unit_types(const YAML::Node& node, Scenario& s) {
    if (!node.IsSequence() || node.size() == 0) {
      r_.problem(node, "unit_types", "expected a list of at least one unit type, got " + describe(node));
      return;
    }
    for (std::size_t i = 0; i < node.size(); ++i) {
      const std::string path = "unit_types[" + std::to_string(i) + "]";
      MapReader map(r_, node[i], path);
      world::UnitTypeSpec u;
      u.name = map.text("name", std::nullopt);
      if (!u.name.empty() && s.unit_type_index(u.name) >= 0) r_.problem(map.child("name"), path + ".name", "duplicate unit type '" + u.name + "'");
      u.description = map.text("description", std::string());
      u.officers = static_cast<int>(map.integer("officers", 1, 0, 20));
      u.clinicians = static_cast<int>(map.integer("clinicians", 0, 0, 20));
      u.can_arrest = map.flag("can_arrest", u.officers > 0);
      u.can_transport = map.flag("can_transport", true);
      u.cost_per_hour = map.number("cost_per_hour", std::nullopt, 0.0, 1e5);
      u.high_risk_force_multiplier = map.number("high_risk_force_multiplier", 3.0, 0.0, 100.0);
      u.backup_if_high_risk = map.number("backup_if_high_risk", 0.0, 0.0, 1.0);
      u.response_target_min = map.number("response_target_min", 0.0, 0.0, 1e5);
      u.phone = map.flag("phone", false);
      if (const YAML::Node handoff = map.child("ed_handoff_min"); handoff.IsDefined()) {
        u.ed_handoff = read_duration(r_, handoff, path + ".ed_handoff_min", 1.0);
      }
      u.roster = read_roster(r_, map.child("roster"), path + ".roster");
      const YAML::Node bases = map.child("base_zones");
      if (bases.IsDefined()) {
        MapReader b(r_, bases, path + ".base_zones");
        if (b.valid()) {
          u.base_weights.assign(s.zones.size(), 0.0);
          double total = 0.0;
          for (const auto& entry : bases) {
            const std::string zone = entry.first.Scalar();
            const int z = s.zone_index(zone);
            std::vector<std::string> zone_names;
            for (const auto& known : s.zones) zone_names.push_back(known.name);
            const std::string key_path = path + ".base_zones." + zone;
            if (z < 0) {
              const std::string suggestion = closest_match(zone, zone_names);
              r_.problem(entry.first, key_path,
                         "unknown zone '" + zone + "'" + (suggestion.empty() ? "" : " (did you mean '" + suggestion + "'?)"));
              continue;
            }
            const double w = read_number(r_, entry.second, key_path, 0.0, 1e9).value_or(0.0);
            u.base_weights[static_cast<std::size_t>(z)] = w;
            total += w;
          }
          if (total <= 0.0 && !s.zones.empty()) r_.problem(bases, path + ".base_zones", "expected at least one zone with a positive weight");
        }
        r_.know(key_pattern(path) + ".base_zones.<zone>");
      }
      // Time on scene: a default and per-call-type overrides.
      const YAML::Node scene = map.child("on_scene_min");
      {
        MapReader sm(r_, scene, path + ".on_scene_min");
        const DurationSpec fallback = read_duration(r_, sm.child("default"), path + ".on_scene_min.default", 1.0);
        for (std::size_t t = 0; t < kCrisisTypeCount; ++t) {
          const std::string name(kCrisisTypeNames[t]);
          u.on_scene[t] = read_duration(r_, sm.child(name), path + ".on_scene_min." + name, 1.0, fallback);
        }
        sm.finish();
      }
      const YAML::Node outcomes = map.child("outcomes");
      {
        MapReader om(r_, outcomes, path + ".outcomes");
        const world::OutcomeRow fallback = read_outcome_row(r_, om.child("default"), path + ".outcomes.default", nullptr);
        for (std::size_t t = 0; t < kCrisisTypeCount; ++t) {
          const std::string name(kCrisisTypeNames[t]);
          const YAML::Node row = om.child(name);
          u.outcomes[t] = row.IsDefined() ? read_outcome_row(r_, row, path + ".outcomes." + name, &fallback) : fallback;
        }
        om.finish();
      }
      map.finish();
      if (!u.can_arrest) {
        for (std::size_t t = 0; t < kCrisisTypeCount; ++t) {
          if (u.outcomes[t].disposition[static_cast<std::size_t>(world::Disposition::arrest)] > 0.0) {
            r_.problem(outcomes, path + ".outcomes", "unit type '" + u.name + "' has can_arrest: false but an arrest probability above 0 for " + std::string(kCrisisTypeNames[t]));
            break;
          }
        }
      }
      s.unit_types.push_back(std::move(u));
    }
  }

  void facility(MapReader& parent, const std::string& key, world::FacilitySpec& spec, const Scenario& s, bool required,
                DurationSpec fallback) {
    const YAML::Node node = parent.child(key);
    const std::string path = "facilities." + key;
    if (!node.IsDefined()) {
      if (required) r_.problem(node, path, "missing: expected {zone: NAME, handoff_min: {...}}");
      return;
    }
    MapReader map(r_, node, path);
    spec.zone = map.text("zone", std::nullopt);
    spec.handoff = read_duration(r_, map.child("handoff_min"), path + ".handoff_min", 1.0, fallback);
    if (key == "crisis_centre") spec.beds = static_cast<int>(map.integer("beds", 0, 0, 1000000));
    map.finish();
    if (!spec.zone.empty() && s.zone_index(spec.zone) < 0) {
      std::vector<std::string> zone_names;
      for (const auto& z : s.zones) zone_names.push_back(z.name);
      const std::string suggestion = closest_match(spec.zone, zone_names);
      r_.problem(map.child("zone"), path + ".zone",
                 "unknown zone '" + spec.zone + "'" + (suggestion.empty() ? "" : " (did you mean '" + suggestion + "'?)"));
    }
  }

  void read_facilities(const YAML::Node& node, Scenario& s) {
    MapReader map(r_, node, "facilities");
    if (!map.valid()) return;
    facility(map, "emergency_department", s.facilities.emergency_department, s, true, DurationSpec::lognormal(240.0, 180.0));
    facility(map, "jail", s.facilities.jail, s, true, DurationSpec::lognormal(75.0, 40.0));
    if (map.has("crisis_centre")) {
      world::FacilitySpec centre;
      facility(map, "crisis_centre", centre, s, false, DurationSpec::lognormal(15.0, 10.0));
      s.facilities.crisis_centre = centre;
    }
    map.finish();
  }

  void read_costs(const YAML::Node& node, Scenario& s) {
    if (!node.IsDefined()) return;
    MapReader map(r_, node, "costs");
    world::CostConfig& c = s.costs;
    c.currency = map.text("currency", std::string("USD"));
    if (c.currency.size() != 3 || !std::all_of(c.currency.begin(), c.currency.end(), [](char ch) { return ch >= 'A' && ch <= 'Z'; })) {
      r_.problem(map.child("currency"), "costs.currency", "expected a three-letter currency code such as USD or GBP, got \"" + c.currency + "\"");
    }
    c.ed_visit = map.number("ed_visit", 0.0, 0.0, 1e7);
    c.ed_detention = map.number("ed_detention", 0.0, 0.0, 1e7);
    c.arrest_booking = map.number("arrest_booking", 0.0, 0.0, 1e7);
    c.jail_day = map.number("jail_day", 0.0, 0.0, 1e7);
    c.crisis_centre_admission = map.number("crisis_centre_admission", 0.0, 0.0, 1e7);
    c.injury = map.number("injury", 0.0, 0.0, 1e8);
    c.overtime_multiplier = map.number("overtime_multiplier", 1.5, 0.0, 10.0);
    map.finish();
  }

  void read_targets(const YAML::Node& node, Scenario& s) {
    if (!node.IsDefined()) return;
    MapReader map(r_, node, "targets");
    const YAML::Node response = map.child("response_min");
    if (response.IsDefined()) {
      MapReader rm(r_, response, "targets.response_min");
      for (std::size_t p = 0; p < kPriorityCount; ++p) {
        s.targets.response_min[p] = rm.number("priority_" + std::to_string(p + 1), s.targets.response_min[p], 0.0, 1e5);
      }
      rm.finish();
    }
    map.finish();
  }

  void read_models(const YAML::Node& node, Scenario& s) {
    if (!node.IsDefined()) {
      r_.problem(node, "models", "missing: expected a list of response models, e.g. [police_only]; valid: " + registry_.names_joined());
      return;
    }
    if (!node.IsSequence() || node.size() == 0) {
      r_.problem(node, "models", "expected a list of response models, e.g. [police_only], got " + describe(node));
      return;
    }
    std::vector<std::string> valid;
    for (const auto* model : registry_.all()) valid.emplace_back(model->name());
    for (std::size_t i = 0; i < node.size(); ++i) {
      const std::string path = "models[" + std::to_string(i) + "]";
      world::ModelSelection selection;
      selection.key_path = path;
      YAML::Node params;
      if (node[i].IsScalar()) {
        selection.name = node[i].Scalar();
        r_.record(node[i], path);
      } else {
        MapReader m(r_, node[i], path);
        selection.name = m.text("name", std::nullopt);
        params = m.child("params");
        m.finish();
      }
      const bool duplicate = std::any_of(s.models.begin(), s.models.end(),
                                         [&](const world::ModelSelection& earlier) { return earlier.name == selection.name; });
      if (duplicate) {
        r_.problem(node[i], path, "duplicate model '" + selection.name + "': list each model once");
        continue;
      }
      const world::ResponseModel* model = registry_.find(selection.name);
      if (model == nullptr) {
        if (!selection.name.empty()) {
          const std::string suggestion = closest_match(selection.name, valid);
          r_.problem(node[i], path, "unknown model '" + selection.name + "'" +
                                        (suggestion.empty() ? "" : " (did you mean '" + suggestion + "'?)") +
                                        "; valid models: " + registry_.names_joined());
        }
        continue;
      }
      read_model_parameters(*model, params, path + ".params", selection.parameters);
      s.models.push_back(std::move(selection));
    }
  }

  void read_model_parameters(const world::ResponseModel& model, const YAML::Node& node, const std::string& path,
                             world::ModelParameters& out) {
    MapReader map(r_, node.IsDefined() && !node.IsNull() ? node : YAML::Node(YAML::NodeType::Map), path);
    for (const world::ParameterSpec& spec : model.parameters()) {
      const YAML::Node value = map.child(spec.name);
      r_.know("models[]." + std::string(model.name()) + "." + spec.name);
      if (!value.IsDefined()) {
        out.set(spec.name, spec.default_value);
        continue;
      }
      const std::string key = path + "." + spec.name;
      switch (spec.kind) {
        case world::ParameterSpec::Kind::number:
          out.set(spec.name, read_number(r_, value, key, spec.minimum, spec.maximum).value_or(std::get<double>(spec.default_value)));
          break;
        case world::ParameterSpec::Kind::flag:
          out.set(spec.name, read_flag(r_, value, key).value_or(std::get<bool>(spec.default_value)));
          break;
        case world::ParameterSpec::Kind::word:
          out.set(spec.name, read_text(r_, value, key).value_or(std::get<std::string>(spec.default_value)));
          break;
        case world::ParameterSpec::Kind::words: {
          std::vector<std::string> list;
          if (!value.IsSequence()) {
            r_.problem(value, key, "expected a list of words, got " + describe(value));
          } else {
            for (std::size_t i = 0; i < value.size(); ++i) {
              if (auto word = read_text(r_, value[i], key + "[" + std::to_string(i) + "]")) list.push_back(*word);
            }
          }
          out.set(spec.name, list);
          break;
        }
      }
    }
    map.finish();
  }

  std::vector<VariantSpec> read_variants(const YAML::Node& node) {
    std::vector<VariantSpec> variants;
    if (!node.IsDefined()) return variants;
    if (!node.IsSequence() || node.size() == 0) {
      r_.problem(node, "variants", "expected a list of variants such as {name: with_cit, set: {\"models\": \"[police_only, cit]\"}}");
      return variants;
    }
    for (std::size_t i = 0; i < node.size(); ++i) {
      const std::string path = "variants[" + std::to_string(i) + "]";
      MapReader map(r_, node[i], path);
      VariantSpec variant;
      variant.name = map.text("name", std::nullopt);
      const bool safe = !variant.name.empty() && std::all_of(variant.name.begin(), variant.name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
      });
      if (!variant.name.empty() && (!safe || variant.name.front() == '.')) {
        r_.problem(map.child("name"), path + ".name", "expected a name of letters, digits, '_', '-' or '.' (it names an output folder)");
      }
      variant.description = map.text("description", std::string());
      const YAML::Node set = map.child("set");
      if (set.IsDefined()) {
        MapReader sets(r_, set, path + ".set");
        if (sets.valid()) {
          for (const auto& entry : set) {
            r_.record(entry.first, path + ".set." + (entry.first.IsScalar() ? entry.first.Scalar() : std::string("?")));
            if (!entry.first.IsScalar()) {
              r_.problem(entry.first, path + ".set", "expected a scenario path such as unit_types[0].roster.constant, got " + describe(entry.first));
              continue;
            }
            YAML::Emitter emitter;
            emitter << YAML::Flow << entry.second;
            variant.overrides.push_back({entry.first.Scalar(), emitter.c_str()});
          }
        }
        r_.know(key_pattern(path) + ".set.<path>");
      }
      map.finish();
      for (const auto& other : variants) {
        if (other.name == variant.name) r_.problem(map.child("name"), path + ".name", "duplicate variant name '" + variant.name + "'");
      }
      variants.push_back(std::move(variant));
    }
    return variants;
  }

  YamlReader& r_;
  const world::ModelRegistry& registry_;
};

}  // namespace

Override parse_override(const std::string& text) {
  const auto equals = text.find('=');
  if (equals == std::string::npos || equals == 0) {
    throw InputError(InputProblem{"", 0, 0, "--set", "expected path=value (e.g. run.horizon_days=30), got \"" + text + "\""});
  }
  return {text.substr(0, equals), text.substr(equals + 1)};
}

std::uint64_t fnv1a(const std::string& bytes, std::uint64_t hash) {
  for (unsigned char c : bytes) {
    hash ^= c;
    hash *= 0x100000001B3ULL;
  }
  return hash;
}

LoadedScenario load_scenario(const std::string& path, const std::vector<Override>& overrides,
                             const world::ModelRegistry& registry, bool check_variants) {
  return load_scenario_text(read_yaml_file(path), path, overrides, registry, check_variants);
}

LoadedScenario load_scenario_text(const std::string& text, const std::string& path, const std::vector<Override>& overrides,
                                  const world::ModelRegistry& registry, bool check_variants) {
  if (text.find_first_not_of(" \t\r\n") == std::string::npos) {
    throw InputError(InputProblem{path, 1, 1, "", "the file is empty; expected a scenario (see docs/scenario-format.md)"});
  }
  YAML::Node root = load_yaml_text(text, path);
  require_document(root, path);
  YamlReader reader(path);
  std::uint64_t hash = fnv1a(text);
  for (const Override& o : overrides) {
    apply_override(root, o);
    reader.mark_overridden(o.path);
    hash = fnv1a("\n--set " + o.path + "=" + o.value, hash);
  }
  ScenarioReader scenario_reader(reader, registry);
  LoadedScenario loaded = scenario_reader.read(root);
  reader.throw_if_problems();
  // Each variant must be a valid scenario too: check its overrides now, not at compare time.
  std::vector<InputProblem> variant_problems;
  for (std::size_t v = 0; check_variants && v < loaded.variants.size(); ++v) {
    const VariantSpec& variant = loaded.variants[v];
    YAML::Node copy = YAML::Clone(root);
    YamlReader variant_reader(path);
    const std::string variant_path = "variants[" + std::to_string(v) + "]";
    try {
      for (const Override& o : variant.overrides) {
        try {
          apply_override(copy, o);
        } catch (const InputError& error) {
          InputProblem problem = reader.locate(variant_path + ".set." + o.path, error.problems().front().message);
          throw InputError(std::move(problem));
        }
        variant_reader.mark_overridden(o.path);
      }
      ScenarioReader again(variant_reader, registry);
      (void)again.read(copy);
    } catch (const InputError& error) {
      for (const InputProblem& p : error.problems()) variant_problems.push_back(p);
      continue;
    }
    for (const InputProblem& p : variant_reader.problems()) {
      // Problems under an override point at the variant's `set:` entry; others (which the
      // base already passed) cannot occur, but are reported as they are.
      std::string set_key = p.field;
      for (const Override& o : variant.overrides) {
        if (p.file == "--set " + o.path) set_key = o.path;
      }
      InputProblem located = reader.locate(variant_path + ".set." + set_key, p.field + ": " + p.message);
      located.field = variant_path + " ('" + variant.name + "')";
      variant_problems.push_back(std::move(located));
    }
  }
  if (!variant_problems.empty()) throw InputError(std::move(variant_problems));
  loaded.scenario.source_path = path;
  loaded.scenario.content_hash = hash;
  loaded.known_keys = reader.known_keys();
  if (loaded.scenario.run.warmup_days + loaded.scenario.run.horizon_days > kMaxHorizonDays) {
    throw InputError(reader.locate("run.horizon_days", "warm-up plus horizon exceed 3650 days"));
  }
  return loaded;
}

world::World load_world(const std::string& path, const std::vector<Override>& overrides, const world::ModelRegistry& registry) {
  LoadedScenario loaded = load_scenario(path, overrides, registry, /*check_variants=*/false);
  try {
    return world::build_world(loaded.scenario, registry);
  } catch (const InputError& error) {
    // Re-read only to find where the failing key sits in the file.
    YAML::Node root = load_yaml_file(path);
    YamlReader reader(path);
    for (const Override& o : overrides) {
      apply_override(root, o);
      reader.mark_overridden(o.path);
    }
    ScenarioReader again(reader, registry);
    (void)again.read(root);
    std::vector<InputProblem> located;
    for (const InputProblem& problem : error.problems()) {
      InputProblem p = reader.locate(problem.field, problem.message);
      located.push_back(std::move(p));
    }
    throw InputError(std::move(located));
  }
}

}  // namespace crisis::io
