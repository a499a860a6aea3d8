#include "scenario/scenario_parts.hpp"

// The dispatch: section (issue #14): how dispatchers and call-takers behave. Every key is
// optional and the defaults are error-free call-taking, full routing compliance and no
// urgent call held for a specialist.

#include <array>
#include <string>

namespace crisis::io::detail {
namespace {

using world::kCrisisTypeCount;
using world::kCrisisTypeNames;

// A share by crisis type: {default: x, suicidal: y, ...}; types not named take `default`.
void read_share_by_type(YamlReader& reader, const YAML::Node& node, const std::string& path,
                        std::array<double, kCrisisTypeCount>& out) {
  if (!node.IsDefined()) {
    reader.know(key_pattern(path) + ".default");
    for (const auto name : kCrisisTypeNames) reader.know(key_pattern(path) + "." + std::string(name));
    return;
  }
  MapReader map(reader, node, path);
  const double fallback = map.number("default", out[0], 0.0, 1.0);
  for (std::size_t t = 0; t < kCrisisTypeCount; ++t) out[t] = map.number(std::string(kCrisisTypeNames[t]), fallback, 0.0, 1.0);
  map.finish();
}

}  // namespace

void read_dispatch(YamlReader& reader, const YAML::Node& node, world::Scenario& s) {
  world::DispatchConfig& d = s.dispatch;
  if (!node.IsDefined()) {
    for (const char* key : {"hold_urgent_for_specialist", "crisis_coded_as_other", "other_coded_as_crisis",
                            "police_attend_priorities"}) {
      reader.know(std::string("dispatch.") + key);
    }
    read_share_by_type(reader, node, "dispatch.compliance", d.compliance);
    read_share_by_type(reader, node, "dispatch.police_would_attend", d.police_would_attend);
    return;
  }
  MapReader map(reader, node, "dispatch");
  d.hold_urgent_for_specialist = map.flag("hold_urgent_for_specialist", false);
  d.crisis_coded_as_other = map.number("crisis_coded_as_other", 0.0, 0.0, 1.0);
  d.other_coded_as_crisis = map.number("other_coded_as_crisis", 0.0, 0.0, 1.0);
  read_share_by_type(reader, map.child("compliance"), "dispatch.compliance", d.compliance);
  read_share_by_type(reader, map.child("police_would_attend"), "dispatch.police_would_attend", d.police_would_attend);
  const YAML::Node priorities = map.child("police_attend_priorities");
  if (priorities.IsDefined()) {
    const auto values = read_number_list(reader, priorities, "dispatch.police_attend_priorities", 0, 1.0, 3.0);
    d.police_attend_priorities = {false, false, false};
    for (double p : values) {
      if (p != static_cast<double>(static_cast<int>(p))) {
        reader.problem(priorities, "dispatch.police_attend_priorities", "expected whole priorities 1, 2 or 3, got " + std::to_string(p));
      } else {
        d.police_attend_priorities[static_cast<std::size_t>(p) - 1] = true;
      }
    }
  }
  map.finish();
}

}  // namespace crisis::io::detail
