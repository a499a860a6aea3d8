#pragma once
/// \file
/// The parts of the scenario loader (internal to sim/scenario): the readers of the scenario's
/// sections, one group per file in sections/, and the overrides, variants and hash. Each
/// reads its part of the YAML into the scenario and records every problem with the reader; none
/// throws for bad input. The order the whole scenario calls them in is the order its problems
/// are reported in (read_scenario, scenario_reader.cpp).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "scenario/scenario_loader.hpp"
#include "yaml/yaml_reader.hpp"

namespace crisis::io::detail {

// ---- values several sections share (section_values.cpp) -----------------------------------

/// A duration given in `unit_minutes` per unit (1 for *_min keys, 60 for hours, 1440 for days):
/// a plain number (fixed) or {distribution, mean, sd, ...}. Missing: `fallback`, or a problem.
world::DurationSpec read_duration(YamlReader& reader, const YAML::Node& node, const std::string& path,
                                  double unit_minutes, std::optional<world::DurationSpec> fallback = std::nullopt);
/// An hour-of-week profile, normalised to mean 1; flat when absent.
world::WeekProfile read_profile(YamlReader& reader, const YAML::Node& node, const std::string& path);
/// The scenario's zone names in order, for "did you mean" suggestions.
std::vector<std::string> zone_names(const world::Scenario& s);

// ---- city and residents (city_sections.cpp) -------------------------------------------------

void read_run(YamlReader& reader, const YAML::Node& node, world::Scenario& s);
void read_city(YamlReader& reader, const YAML::Node& node, world::Scenario& s);
/// Needs the zones (read_city first): it checks the number of resident agents.
void read_residents(YamlReader& reader, const YAML::Node& node, world::Scenario& s);

// ---- crises and background calls (crisis_sections.cpp) --------------------------------------

void read_crises(YamlReader& reader, const YAML::Node& node, world::Scenario& s);
void read_background(YamlReader& reader, const YAML::Node& node, world::Scenario& s);

// ---- dispatchers and call-takers (dispatch_sections.cpp) -------------------------------------

/// The `dispatch:` section (issue #14): wait limits for urgent calls, call-taking error,
/// routing compliance and the counterfactual of police attendance.
void read_dispatch(YamlReader& reader, const YAML::Node& node, world::Scenario& s);

// ---- unit types and their rosters (unit_sections.cpp) ---------------------------------------

/// Needs the zones (base_zones names them).
void read_unit_types(YamlReader& reader, const YAML::Node& node, world::Scenario& s);

// ---- facilities and costs (facility_sections.cpp) -------------------------------------------

/// Needs the zones (each facility sits in one).
void read_facilities(YamlReader& reader, const YAML::Node& node, world::Scenario& s);
void read_costs(YamlReader& reader, const YAML::Node& node, world::Scenario& s);

// ---- models and targets (model_sections.cpp) -------------------------------------------------

void read_targets(YamlReader& reader, const YAML::Node& node, world::Scenario& s);
/// The evidence: list (sections/evidence_sections.cpp); variant names are checked when run.
void read_evidence(YamlReader& reader, const YAML::Node& node, std::vector<EvidenceEntry>& evidence);
/// Model names are checked against `registry`, their parameters against each model's specs.
void read_models(YamlReader& reader, const YAML::Node& node, const world::ModelRegistry& registry, world::Scenario& s);

// ---- the whole scenario (scenario_reader.cpp) ------------------------------------------------

/// Every section of `root` in a fixed order, then the variants; problems go to `reader`.
LoadedScenario read_scenario(YamlReader& reader, const world::ModelRegistry& registry, const YAML::Node& root);

// ---- variants (scenario_variants.cpp) --------------------------------------------------------

/// The `variants:` list: names and their `set:` overrides (not yet applied).
std::vector<VariantSpec> read_variants(YamlReader& reader, const YAML::Node& node);
/// Apply each variant's overrides to a copy of `root` and read it again: every problem found,
/// each located at the variant's `set:` entry through `base` (the base scenario's reader).
std::vector<InputProblem> check_variants(const YamlReader& base, const world::ModelRegistry& registry,
                                         const YAML::Node& root, const std::vector<VariantSpec>& variants);

// ---- overrides (scenario_overrides.cpp) ------------------------------------------------------

/// Set the value at `override_spec.path` in `root`, creating mappings on the way; InputError
/// naming the flag when the path or the value is bad.
void apply_override(YAML::Node& root, const Override& override_spec);

// ---- the work budget (work_budget.cpp) -------------------------------------------------------

/// Estimate the events and memory `s` (with `variants` variants) asks for and report, at the
/// key that drives it, any beyond the budget (engine/limits.hpp × run.work_budget).
void check_work_budget(YamlReader& reader, const world::Scenario& s, std::size_t variants);

// ---- the scenario hash (scenario_hash.cpp) ---------------------------------------------------

/// The content hash outputs record: FNV-1a of the file's text, then of each override in order.
std::uint64_t scenario_content_hash(const std::string& text, const std::vector<Override>& overrides);

}  // namespace crisis::io::detail
