#include "scenario/scenario_parts.hpp"

// The unit_types: section: each type's crew, costs, roster, base zones, time on scene and
// outcomes.

#include <algorithm>
#include <cmath>

#include "engine/limits.hpp"

namespace crisis::io::detail {

using world::DurationSpec;
using world::Scenario;
using world::kCrisisTypeCount;
using world::kCrisisTypeNames;
using world::kDispositionCount;
using world::kDispositionNames;
using engine::kMaxUnitsOnDuty;

namespace {

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

// `base_zones:` of unit type `path`: a weight per zone name; unknown names get a suggestion.
void read_base_zones(YamlReader& reader, const YAML::Node& bases, const std::string& path, const Scenario& s,
                     world::UnitTypeSpec& u) {
  MapReader b(reader, bases, path + ".base_zones");
  if (b.valid()) {
    u.base_weights.assign(s.zones.size(), 0.0);
    double total = 0.0;
    for (const auto& entry : bases) {
      const std::string zone = entry.first.Scalar();
      const int z = s.zone_index(zone);
      const std::string key_path = path + ".base_zones." + zone;
      if (z < 0) {
        reader.problem(entry.first, key_path, "unknown zone '" + zone + "'" + did_you_mean(zone, zone_names(s)));
        continue;
      }
      const double w = read_number(reader, entry.second, key_path, 0.0, 1e9).value_or(0.0);
      u.base_weights[static_cast<std::size_t>(z)] = w;
      total += w;
    }
    if (total <= 0.0 && !s.zones.empty()) reader.problem(bases, path + ".base_zones", "expected at least one zone with a positive weight");
  }
  reader.know(key_pattern(path) + ".base_zones.<zone>");
}

// `on_scene_min:` of unit type `path`: a default duration and per-call-type overrides.
void read_on_scene(YamlReader& reader, const YAML::Node& scene, const std::string& path, world::UnitTypeSpec& u) {
  MapReader sm(reader, scene, path + ".on_scene_min");
  const DurationSpec fallback = read_duration(reader, sm.child("default"), path + ".on_scene_min.default", 1.0);
  for (std::size_t t = 0; t < kCrisisTypeCount; ++t) {
    const std::string name(kCrisisTypeNames[t]);
    u.on_scene[t] = read_duration(reader, sm.child(name), path + ".on_scene_min." + name, 1.0, fallback);
  }
  sm.finish();
}

// `outcomes:` of unit type `path`: a default row and per-call-type rows inheriting from it.
void read_outcomes(YamlReader& reader, const YAML::Node& outcomes, const std::string& path, world::UnitTypeSpec& u) {
  MapReader om(reader, outcomes, path + ".outcomes");
  const world::OutcomeRow fallback = read_outcome_row(reader, om.child("default"), path + ".outcomes.default", nullptr);
  for (std::size_t t = 0; t < kCrisisTypeCount; ++t) {
    const std::string name(kCrisisTypeNames[t]);
    const YAML::Node row = om.child(name);
    u.outcomes[t] = row.IsDefined() ? read_outcome_row(reader, row, path + ".outcomes." + name, &fallback) : fallback;
  }
  om.finish();
}

}  // namespace

void read_unit_types(YamlReader& reader, const YAML::Node& node, Scenario& s) {
  if (!node.IsSequence() || node.size() == 0) {
    reader.problem(node, "unit_types", "expected a list of at least one unit type, got " + describe(node));
    return;
  }
  for (std::size_t i = 0; i < node.size(); ++i) {
    const std::string path = "unit_types[" + std::to_string(i) + "]";
    MapReader map(reader, node[i], path);
    world::UnitTypeSpec u;
    u.name = map.text("name", std::nullopt);
    if (!u.name.empty() && s.unit_type_index(u.name) >= 0) reader.problem(map.child("name"), path + ".name", "duplicate unit type '" + u.name + "'");
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
      u.ed_handoff = read_duration(reader, handoff, path + ".ed_handoff_min", 1.0);
    }
    u.roster = read_roster(reader, map.child("roster"), path + ".roster");
    const YAML::Node bases = map.child("base_zones");
    if (bases.IsDefined()) read_base_zones(reader, bases, path, s, u);
    // Time on scene: a default and per-call-type overrides.
    read_on_scene(reader, map.child("on_scene_min"), path, u);
    const YAML::Node outcomes = map.child("outcomes");
    read_outcomes(reader, outcomes, path, u);
    map.finish();
    if (!u.can_arrest) {
      for (std::size_t t = 0; t < kCrisisTypeCount; ++t) {
        if (u.outcomes[t].disposition[static_cast<std::size_t>(world::Disposition::arrest)] > 0.0) {
          reader.problem(outcomes, path + ".outcomes", "unit type '" + u.name + "' has can_arrest: false but an arrest probability above 0 for " + std::string(kCrisisTypeNames[t]));
          break;
        }
      }
    }
    s.unit_types.push_back(std::move(u));
  }
}

}  // namespace crisis::io::detail
