#pragma once
/// \file
/// Scenario YAML -> validated, immutable world::Scenario.

#include <set>
#include <string>
#include <vector>

#include "engine/errors.hpp"
#include "scenario/evidence_config.hpp"
#include "world/response_model.hpp"
#include "world/scenario.hpp"
#include "world/world.hpp"

namespace crisis::io {

/// A "--set path=value" override, e.g. "run.horizon_days=30" or "city.zones[0].population=5e4".
struct Override {
  std::string path;
  std::string value;
};

/// Parse "path=value"; InputError naming the flag when malformed.
Override parse_override(const std::string& text);

/// Whether `problem` is about the value that the override of `path` gave: the loader names
/// such problems by the flag ("--set PATH") in their file or field. Sweeps and sizing, whose
/// files generate overrides, use it to point the problem at their own file's line instead.
bool problem_from_override(const InputProblem& problem, const std::string& path);

/// A named variant: overrides applied on top of the base scenario (issue: compare).
struct VariantSpec {
  std::string name;
  std::string description;
  std::vector<Override> overrides;
};

struct LoadedScenario {
  world::Scenario scenario;
  std::vector<VariantSpec> variants;  ///< from the scenario's `variants:` section
  std::vector<EvidenceEntry> evidence;  ///< the `evidence:` entries, for crisis-sim check
  std::set<std::string> known_keys;   ///< every key pattern the loader accepts here
};

/// Load, apply overrides, validate everything and collect every problem into one InputError.
/// `registry` validates model names and their parameters.
/// `check_variants`: also check that every variant's `set:` applies and gives a valid
/// scenario. Off when the overrides already are one variant's (a run of that variant).
LoadedScenario load_scenario(const std::string& path, const std::vector<Override>& overrides,
                             const world::ModelRegistry& registry, bool check_variants = true);

/// As load_scenario, from text already in memory; `file_label` names it in messages.
/// (Used by the fuzzers and by tools that generate scenarios.)
LoadedScenario load_scenario_text(const std::string& text, const std::string& file_label,
                                  const std::vector<Override>& overrides, const world::ModelRegistry& registry,
                                  bool check_variants = true);

/// Load and build a runnable world in one step; model errors point into the file. Variants
/// are not checked here (the overrides may be a variant's own): `validate` checks them.
world::World load_world(const std::string& path, const std::vector<Override>& overrides,
                        const world::ModelRegistry& registry);

/// FNV-1a 64-bit hash, used to identify scenario content in outputs.
std::uint64_t fnv1a(const std::string& bytes, std::uint64_t hash = 0xCBF29CE484222325ULL);

}  // namespace crisis::io
