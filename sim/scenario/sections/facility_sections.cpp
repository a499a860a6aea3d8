#include "scenario/scenario_parts.hpp"

// The facilities: and costs: sections.

#include <algorithm>

namespace crisis::io::detail {

using world::DurationSpec;
using world::Scenario;

namespace {

void facility(YamlReader& reader, MapReader& parent, const std::string& key, world::FacilitySpec& spec,
              const Scenario& s, bool required,
              DurationSpec fallback) {
  const YAML::Node node = parent.child(key);
  const std::string path = "facilities." + key;
  if (!node.IsDefined()) {
    if (required) reader.problem(node, path, "missing: expected {zone: NAME, handoff_min: {...}}");
    return;
  }
  MapReader map(reader, node, path);
  spec.zone = map.text("zone", std::nullopt);
  spec.handoff = read_duration(reader, map.child("handoff_min"), path + ".handoff_min", 1.0, fallback);
  if (key == "crisis_centre") spec.beds = static_cast<int>(map.integer("beds", 0, 0, 1000000));
  map.finish();
  if (!spec.zone.empty() && s.zone_index(spec.zone) < 0) {
    reader.problem(map.child("zone"), path + ".zone",
                   "unknown zone '" + spec.zone + "'" + did_you_mean(spec.zone, zone_names(s)));
  }
}

}  // namespace

void read_facilities(YamlReader& reader, const YAML::Node& node, Scenario& s) {
  MapReader map(reader, node, "facilities");
  if (!map.valid()) return;
  facility(reader, map, "emergency_department", s.facilities.emergency_department, s, true, DurationSpec::lognormal(240.0, 180.0));
  facility(reader, map, "jail", s.facilities.jail, s, true, DurationSpec::lognormal(75.0, 40.0));
  if (map.has("crisis_centre")) {
    world::FacilitySpec centre;
    facility(reader, map, "crisis_centre", centre, s, false, DurationSpec::lognormal(15.0, 10.0));
    s.facilities.crisis_centre = centre;
  }
  map.finish();
}

void read_costs(YamlReader& reader, const YAML::Node& node, Scenario& s) {
  if (!node.IsDefined()) return;
  MapReader map(reader, node, "costs");
  world::CostConfig& c = s.costs;
  c.currency = map.text("currency", std::string("USD"));
  if (c.currency.size() != 3 || !std::all_of(c.currency.begin(), c.currency.end(), [](char ch) { return ch >= 'A' && ch <= 'Z'; })) {
    reader.problem(map.child("currency"), "costs.currency", "expected a three-letter currency code such as USD or GBP, got \"" + c.currency + "\"");
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

}  // namespace crisis::io::detail
