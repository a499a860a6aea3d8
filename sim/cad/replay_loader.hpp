#pragma once
/// \file
/// The scenario's `replay:` section (issue #5): arrivals taken from a CAD export instead of
/// the random processes. Turns the export's calls (sim/cad/cad.hpp) into world::ReplayCall on
/// the simulation clock; sim/world never sees a CAD file.

#include <optional>
#include <string>

#include <yaml-cpp/yaml.h>

#include "yaml/yaml_reader.hpp"
#include "world/scenario.hpp"

namespace crisis::io {

/// Read `replay` (a node of the scenario's root map; nothing happens when it is undefined)
/// into `scenario.replay`, after run, city and residents were read. `key` is where the
/// `replay` key itself is, for problems of the section as a whole. `run_node` is the
/// scenario's `run` section (undefined when absent): a horizon set there must agree with
/// the replayed period. Problems (a missing file, a bad period, an unknown schema, ...) are
/// reported to `reader` at the replay key's line and column.
void read_replay(YamlReader& reader, const YAML::Node& replay, const YAML::Mark& key, const YAML::Node& run_node,
                 world::Scenario& scenario);

/// A replay time ("2025-03-03", "2025-03-03 06:30"; dates are read by cad::parse_timestamp),
/// minutes since 1970-01-01 00:00 on the export's own clock, as "2025-03-03 06:30".
std::string format_replay_time(double minutes);

/// One line on what a scenario replays, for people (stderr of run and compare, validate):
/// the file and period, the calls replayed, and the calls whose area named no zone, with
/// the most frequent such areas. Empty when the scenario replays nothing.
std::string replay_note(const world::ReplayConfig& replay);

}  // namespace crisis::io
