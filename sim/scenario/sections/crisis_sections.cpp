#include "scenario/scenario_parts.hpp"

// The crises: and background: sections: the crisis call mix and the other calls units answer.

#include <cmath>

namespace crisis::io::detail {

using world::DurationSpec;
using world::Scenario;
using world::kCrisisTypeCount;
using world::kCrisisTypeNames;
using world::kPriorityCount;

void read_crises(YamlReader& reader, const YAML::Node& node, Scenario& s) {
  world::CrisisConfig& c = s.crises;
  c.profile.fill(1.0);
  c.call_processing = DurationSpec::fixed_value(0.0);
  if (!node.IsDefined()) {
    reader.problem(node, "crises", "missing: expected the crisis call mix (see docs/scenario-format.md)");
    return;
  }
  MapReader map(reader, node, "crises");
  c.profile = read_profile(reader, map.child("profile"), "crises.profile");
  c.triage_accuracy = map.number("triage_accuracy", 0.8, 0.0, 1.0);
  c.calls_per_day = map.number("calls_per_day", 0.0, 0.0, 1e6);
  c.call_processing = read_duration(reader, map.child("call_processing_min"), "crises.call_processing_min", 1.0, c.call_processing);
  const YAML::Node types = map.child("types");
  MapReader t(reader, types, "crises.types");
  double total = 0.0;
  for (std::size_t i = 0; i < kCrisisTypeCount; ++i) {
    const std::string name(kCrisisTypeNames[i]);
    const YAML::Node type = t.child(name);
    const std::string path = "crises.types." + name;
    if (!type.IsDefined()) {
      reader.know(key_pattern(path) + ".share");
      reader.know(key_pattern(path) + ".priority");
      reader.know(key_pattern(path) + ".risk");
      continue;
    }
    MapReader spec(reader, type, path);
    world::CrisisTypeSpec& ct = c.types[i];
    ct.share = spec.number("share", std::nullopt, 0.0, 1.0);
    ct.priority = static_cast<int>(spec.integer("priority", 2, 1, 3));
    const YAML::Node risk = spec.child("risk");
    if (risk.IsDefined()) {
      const auto values = read_number_list(reader, risk, path + ".risk", 3, 0.0, 1.0);
      if (values.size() == 3) {
        const double sum = values[0] + values[1] + values[2];
        if (std::fabs(sum - 1.0) > 1e-6) reader.problem(risk, path + ".risk", "expected P(low, moderate, high) summing to 1, got a sum of " + std::to_string(sum));
        std::copy(values.begin(), values.end(), ct.risk.begin());
      }
    }
    spec.finish();
    total += ct.share;
  }
  t.finish();
  if (t.valid() && std::fabs(total - 1.0) > 1e-6) {
    reader.problem(types, "crises.types", "call-type shares sum to " + std::to_string(total) + "; expected 1");
  }
  map.finish();
}

void read_background(YamlReader& reader, const YAML::Node& node, Scenario& s) {
  world::BackgroundConfig& b = s.background;
  b.profile.fill(1.0);
  for (auto& service : b.service) service = DurationSpec::lognormal(45.0, 35.0);
  b.call_processing = DurationSpec::fixed_value(0.0);
  if (!node.IsDefined()) return;
  MapReader map(reader, node, "background");
  b.calls_per_day = map.number("calls_per_day", 0.0, 0.0, 1e6);
  b.profile = read_profile(reader, map.child("profile"), "background.profile");
  b.call_processing = read_duration(reader, map.child("call_processing_min"), "background.call_processing_min", 1.0, b.call_processing);
  const YAML::Node priorities = map.child("priorities");
  if (priorities.IsDefined()) {
    if (!priorities.IsSequence() || priorities.size() != kPriorityCount) {
      reader.problem(priorities, "background.priorities", "expected a list of 3 entries (priorities 1, 2, 3), got " + describe(priorities));
    } else {
      double total = 0.0;
      for (std::size_t p = 0; p < kPriorityCount; ++p) {
        const std::string path = "background.priorities[" + std::to_string(p) + "]";
        MapReader entry(reader, priorities[p], path);
        b.priority_share[p] = entry.number("share", std::nullopt, 0.0, 1.0);
        b.service[p] = read_duration(reader, entry.child("service_min"), path + ".service_min", 1.0, b.service[p]);
        entry.finish();
        total += b.priority_share[p];
      }
      if (std::fabs(total - 1.0) > 1e-6) reader.problem(priorities, "background.priorities", "priority shares sum to " + std::to_string(total) + "; expected 1");
    }
  }
  map.finish();
}

}  // namespace crisis::io::detail
