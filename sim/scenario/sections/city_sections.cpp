#include "scenario/scenario_parts.hpp"

// The run:, city: and residents: sections.

#include <cmath>
#include <limits>
#include <unordered_set>

#include "engine/limits.hpp"

namespace crisis::io::detail {

using world::DurationSpec;
using world::Scenario;
using engine::kMaxAgents;
using engine::kMaxHorizonDays;
using engine::kMaxPopulation;
using engine::kMaxReplications;

namespace {

// One entry of city.zones (its name is checked for duplicates by the caller).
world::Zone read_zone(MapReader& zone) {
  world::Zone z;
  z.name = zone.text("name", std::nullopt);
  z.population = zone.number("population", std::nullopt, 0.0, kMaxPopulation);
  z.x_km = zone.number("x_km", 0.0, -engine::kMaxCoordinateKm, engine::kMaxCoordinateKm);
  z.y_km = zone.number("y_km", 0.0, -engine::kMaxCoordinateKm, engine::kMaxCoordinateKm);
  z.prevalence = zone.number("prevalence", 1.0, 0.0, 100.0);
  zone.finish();
  return z;
}

// One entry of residents.groups (its name is checked for duplicates by the caller).
world::ResidentGroup read_group(MapReader& gm) {
  world::ResidentGroup group;
  group.name = gm.text("name", std::nullopt);
  group.share = gm.number("share", std::nullopt, 0.0, 1.0);
  group.rate_multiplier = gm.number("rate_multiplier", 1.0, 0.0, 100.0);
  gm.finish();
  return group;
}

}  // namespace

void read_run(YamlReader& reader, const YAML::Node& node, Scenario& s) {
  if (!node.IsDefined()) return;
  MapReader map(reader, node, "run");
  s.run.horizon_days = map.number("horizon_days", 365.0, 1.0 / 24.0, kMaxHorizonDays);
  s.run.warmup_days = map.number("warmup_days", 14.0, 0.0, kMaxHorizonDays);
  s.run.replications = static_cast<int>(map.integer("replications", 10, 1, kMaxReplications));
  s.run.seed = static_cast<std::uint64_t>(map.integer("seed", 1, 0, std::numeric_limits<long long>::max()));
  s.run.work_budget = map.number("work_budget", 1.0, 0.001, engine::kMaxWorkBudget);
  map.finish();
}

void read_city(YamlReader& reader, const YAML::Node& node, Scenario& s) {
  MapReader map(reader, node, "city");
  if (!map.valid()) return;
  const YAML::Node zones = map.child("zones");
  if (!zones.IsSequence() || zones.size() == 0) {
    reader.problem(zones.IsDefined() ? zones : node, "city.zones", "expected a list of at least one zone");
  } else if (zones.size() > 60000) {
    reader.problem(zones, "city.zones", "expected at most 60000 zones");
  } else {
    double population = 0.0;
    std::unordered_set<std::string> names;  // a linear search per zone is quadratic at 60,000 zones
    for (std::size_t i = 0; i < zones.size(); ++i) {
      const std::string path = "city.zones[" + std::to_string(i) + "]";
      MapReader zone(reader, zones[i], path);
      const world::Zone z = read_zone(zone);
      if (!z.name.empty() && !names.insert(z.name).second) reader.problem(zone.child("name"), path + ".name", "duplicate zone name '" + z.name + "'");
      population += z.population;
      s.zones.push_back(z);
    }
    if (population > kMaxPopulation) reader.problem(zones, "city.zones", "total population above 50,000,000: expected a city");
  }
  const YAML::Node travel = map.child("travel");
  if (travel.IsDefined()) {
    MapReader t(reader, travel, "city.travel");
    s.travel.speed_kmh = t.number("speed_kmh", 40.0, engine::kMinSpeedKmh, engine::kMaxSpeedKmh);
    s.travel.circuity = t.number("circuity", 1.3, 1.0, 5.0);
    s.travel.within_zone_km = t.number("within_zone_km", 1.5, 0.0, 100.0);
    s.travel.noise_cv = t.number("noise_cv", 0.25, 0.0, 3.0);
    const YAML::Node matrix = t.child("matrix_min");
    if (matrix.IsDefined()) {
      const std::size_t n = s.zones.size();
      if (!matrix.IsSequence() || matrix.size() != n) {
        reader.problem(matrix, "city.travel.matrix_min", "expected " + std::to_string(n) + " rows (one per zone), got " + describe(matrix));
      } else {
        Eigen::MatrixXd m(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(n));
        bool good = true;
        for (std::size_t i = 0; i < n; ++i) {
          const auto row = read_number_list(reader, matrix[i], "city.travel.matrix_min[" + std::to_string(i) + "]", n, 0.0, 1e5);
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

void read_residents(YamlReader& reader, const YAML::Node& node, Scenario& s) {
  world::ResidentConfig& c = s.residents;
  // Defaults, all marked as assumptions in docs/scenario-format.md.
  c.ed_stay = DurationSpec::lognormal(8 * 60.0, 6 * 60.0);
  c.detention_stay = DurationSpec::lognormal(3 * 1440.0, 3 * 1440.0);
  c.jail_stay = DurationSpec::lognormal(5 * 1440.0, 10 * 1440.0);
  c.crisis_centre_stay = DurationSpec::lognormal(1 * 1440.0, 1 * 1440.0);
  c.engagement_duration = DurationSpec::lognormal(90 * 1440.0, 60 * 1440.0);
  if (!node.IsDefined()) return;
  MapReader map(reader, node, "residents");
  c.share_with_needs = map.number("share_with_needs", 0.05, 0.0, 1.0);
  c.crises_per_year = map.number("crises_per_year", 1.0, 0.0, 365.0);
  c.frailty_shape = map.number("frailty_shape", 0.5, 0.01, 1000.0);
  const YAML::Node groups = map.child("groups");
  if (groups.IsDefined()) {
    if (!groups.IsSequence() || groups.size() == 0 || groups.size() > 32) {
      reader.problem(groups, "residents.groups", "expected a list of 1 to 32 groups such as {name: unhoused, share: 0.3}, got " + describe(groups));
    } else {
      double total = 0.0;
      for (std::size_t g = 0; g < groups.size(); ++g) {
        const std::string path = "residents.groups[" + std::to_string(g) + "]";
        MapReader gm(reader, groups[g], path);
        const world::ResidentGroup group = read_group(gm);
        for (const auto& other : c.groups) {
          if (other.name == group.name) reader.problem(gm.child("name"), path + ".name", "duplicate group name '" + group.name + "'");
        }
        total += group.share;
        c.groups.push_back(group);
      }
      if (std::fabs(total - 1.0) > 1e-6) reader.problem(groups, "residents.groups", "group shares sum to " + std::to_string(total) + "; expected 1");
    }
  }
  c.ed_stay = read_duration(reader, map.child("ed_stay_hours"), "residents.ed_stay_hours", 60.0, c.ed_stay);
  c.detention_stay = read_duration(reader, map.child("detention_stay_days"), "residents.detention_stay_days", 1440.0, c.detention_stay);
  c.jail_stay = read_duration(reader, map.child("jail_stay_days"), "residents.jail_stay_days", 1440.0, c.jail_stay);
  c.crisis_centre_stay = read_duration(reader, map.child("crisis_centre_stay_days"), "residents.crisis_centre_stay_days", 1440.0, c.crisis_centre_stay);
  const YAML::Node engagement = map.child("engagement");
  if (engagement.IsDefined()) {
    MapReader e(reader, engagement, "residents.engagement");
    c.engagement_after_referral = e.number("after_referral", c.engagement_after_referral, 0.0, 1.0);
    c.engagement_after_crisis_centre = e.number("after_crisis_centre", c.engagement_after_crisis_centre, 0.0, 1.0);
    c.engagement_after_ed = e.number("after_ed", c.engagement_after_ed, 0.0, 1.0);
    c.engaged_rate_multiplier = e.number("rate_multiplier", c.engaged_rate_multiplier, 0.0, 10.0);
    c.engagement_duration = read_duration(reader, e.child("duration_days"), "residents.engagement.duration_days", 1440.0, c.engagement_duration);
    e.finish();
  }
  map.finish();
  double population = 0.0;
  for (const auto& zone : s.zones) population += zone.population * zone.prevalence;
  if (population * c.share_with_needs > kMaxAgents) {
    reader.problem(node, "residents.share_with_needs",
               "the city would have " + std::to_string(static_cast<long long>(population * c.share_with_needs)) +
                   " resident agents, more than the 20,000,000 this machine can hold; lower the population or the share");
  }
}

}  // namespace crisis::io::detail
