#pragma once
/// \file
/// Sizing: the least-cost mix of units that meets service targets with 95% confidence
/// (`crisis-sim size SIZING.yaml`, docs/sizing.md). Queueing bounds (Erlang C on the offered
/// load measured in one pilot simulation) prune and rank the candidate mixes; simulation under
/// common random numbers (the same seed for every candidate) confirms them.

#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/statistics.hpp"
#include "scenario/scenario_loader.hpp"
#include "world/response_model.hpp"
#include "world/scenario.hpp"
#include "yaml/yaml_reader.hpp"

namespace crisis::io {

/// Staff per post staffed 24 hours a day, 7 days a week: 8,760 hours a year over 1,960
/// productive hours per full-time employee (evidence.md section 10) = 4.47.
inline constexpr double kDefaultReliefFactor = 8760.0 / 1960.0;
/// Hours in a year (365 days), for annual hours and costs from a weekly roster.
inline constexpr double kHoursPerYear = 8760.0;

/// How a sized unit type's number on duty is varied.
enum class SizingForm : std::uint8_t {
  constant,  ///< the type's `roster.constant`
  shifts,    ///< each of the type's `roster.shifts[].units`
  blocks,    ///< units on duty in blocks of hours given in the sizing file (the roster becomes weekly)
};

/// One decision variable: the units of one shift, the constant, or one block of hours.
struct SizingVariable {
  std::string unit_type;
  int scenario_type_index = -1;  ///< in the scenario's unit_types
  SizingForm form = SizingForm::constant;
  int index = 0;               ///< shift or block number within its type (0 for constant)
  int start_hour = 0;          ///< blocks: hour of the day the block starts
  int hours = 0;               ///< blocks: length in hours (1 to 24)
  std::array<bool, 7> days{};  ///< blocks: days on which the block starts, Monday first
  int min = 0;                 ///< fewest units on duty it may have
  int max = 0;                 ///< most units on duty it may have
  std::string key_path;        ///< in the sizing file, e.g. "vary[0].shifts[1]"
  /// Column name in outputs: "patrol.shifts[1]", "van.constant", "van.blocks[0]".
  [[nodiscard]] std::string name() const;
};

/// A service target: `measure` at most (or at least) `bound`, met when the 95% interval's
/// upper (or lower) end satisfies it.
struct SizingTarget {
  std::string measure;
  bool at_most = true;
  double bound = 0.0;
  std::string key_path;  ///< "targets[0]"
  /// "<=" or ">="
  [[nodiscard]] std::string relation() const;
  /// "response_min.p90 <= 20"
  [[nodiscard]] std::string text() const;
};

/// A validated sizing file.
struct SizingSpec {
  std::string path;  ///< the sizing file, as given
  std::uint64_t content_hash = 0;
  std::string description;
  std::string scenario_path;  ///< resolved against the sizing file's folder
  double relief_factor = kDefaultReliefFactor;
  std::string objective = "cost.annual";     ///< measure whose mean is minimised
  int max_evaluations = 40;                  ///< simulations, the pilot included
  std::vector<Override> scenario_overrides;  ///< the file's `set:` entries, in file order
  std::vector<SizingVariable> variables;     ///< unit types in file order, then shifts / blocks
  std::vector<SizingTarget> targets;
  /// Locations of the file's keys (for errors found once the scenario is built) and the key
  /// patterns the file may use (docs/sizing.md documents each; a test checks).
  YamlReader reader{""};
};

/// Read and check a sizing file: its schema, the scenario it names, the unit types and their
/// roster forms. Every problem is collected into one InputError with file:line:column.
SizingSpec load_sizing(const std::string& path);

struct SizingOptions {
  std::vector<Override> overrides;                   ///< --set and the run flags, applied after the file's `set:`
  int threads = 0;                                   ///< 0 = all cores; results do not depend on it
  std::function<void(const std::string&)> progress;  ///< one line per simulation, when set
};

/// Offered load of one sized unit type in one block of hours (constant units on duty), from
/// the pilot simulation.
struct OfferedLoadBlock {
  int start_hour_of_week = 0;  ///< 0 = Monday 00:00
  int hours = 0;
  bool sized = false;  ///< some variable changes the units on duty here
  double calls_per_hour = 0.0;
  double mean_busy_min = 0.0;  ///< unit busy time per call: travel, scene, transport, hand-off
  double offered_erlangs = 0.0;
  int lower_bound_units = 0;  ///< fewest units on duty with c > A (0 for overflow types)
};

/// A unit type whose numbers the sizing varies.
struct SizedUnitType {
  std::string name;
  double cost_per_hour = 0.0;
  int staff_per_unit = 1;  ///< officers + clinicians (at least 1)
  SizingForm form = SizingForm::constant;
  std::vector<std::size_t> variables;  ///< indices into SizingSpec::variables
  world::Roster fixed{};               ///< units on duty that no variable sets
  /// Calls it cannot take in time go to another type after a wait limit (civilian vans, a
  /// crisis line): Erlang B's lost calls rank it, and c <= A is allowed.
  bool overflow = false;
  double wait_limit_min = 0.0;
  std::vector<OfferedLoadBlock> blocks;
};

/// What a queueing formula predicts for one sized type at one mix.
struct ErlangPrediction {
  double probability_of_wait = 0.0;  ///< call-weighted Erlang C P(wait > 0); 1 where c <= A
  double mean_wait_min = 0.0;        ///< call-weighted Erlang C Wq; +inf where c <= A
  double lost_share = 0.0;           ///< overflow types: call-weighted Erlang B loss
  double peak_occupancy = 0.0;       ///< largest A / c over the sized blocks
};

/// A target's value at one candidate.
struct TargetValue {
  engine::ReplicationSummary summary;
  double confident_value = 0.0;  ///< upper 95% bound for <=, lower for >=
  bool met = false;
};

/// One simulated candidate mix.
struct SizingCandidate {
  int id = 0;              ///< evaluation order, from 0
  std::string phase;       ///< pilot, lower_bound, search, trim, refine
  std::vector<int> units;  ///< per variable
  bool runnable = true;    ///< false when the scenario rejects the mix (e.g. a model needs a roster)
  std::string note;
  double staff_cost_annual = 0.0;  ///< sized types: on-duty hours x cost_per_hour, a year
  double fte = 0.0;                ///< sized types: staff needed, relief factor included
  engine::ReplicationSummary objective;
  std::vector<TargetValue> targets;
  bool feasible = false;                 ///< runnable and every target met with confidence
  double shortfall = 0.0;                ///< sum over targets of the relative miss of the confident value
  std::vector<ErlangPrediction> erlang;  ///< per sized type
};

struct SizingResult {
  SizingSpec spec;
  std::string scenario_name;
  std::uint64_t scenario_hash = 0;
  std::uint64_t seed = 0;
  int replications = 0;
  double horizon_days = 0.0;
  double warmup_days = 0.0;
  std::vector<std::string> models;
  std::vector<SizedUnitType> types;
  std::vector<world::Roster> coverage;      ///< per variable: units on duty per unit of it, by hour of week
  std::vector<int> lower_bound;             ///< per variable, from Erlang C (empty when there is none)
  std::vector<SizingCandidate> candidates;  ///< in evaluation order
  int chosen = -1;                          ///< index into candidates; -1 when no mix is feasible
  int binding_target = -1;                  ///< the target with the least slack at the chosen (or best) mix
  std::string message;                      ///< one line: what was found

  [[nodiscard]] bool feasible() const noexcept { return chosen >= 0; }
  /// Units on duty of sized type `type` by hour of week under `units`.
  [[nodiscard]] world::Roster roster(std::size_t type, const std::vector<int>& units) const;
};

/// Pilot, bounds, search and confirmation (docs/sizing.md, "Method"). Deterministic: the same
/// sizing file, scenario, overrides and seed give the same result whatever `threads` is.
/// InputError for problems found once the scenario is built (unknown measure names, a type no
/// model sends, fewer than 2 replications), located in the sizing file.
SizingResult run_sizing(const SizingSpec& spec, const SizingOptions& options, const world::ModelRegistry& registry);

nlohmann::ordered_json sizing_json(const SizingResult& result);
std::string sizing_table(const SizingResult& result);
/// One row per candidate, cheapest staffing first.
std::string frontier_csv(const SizingResult& result);
/// frontier.csv, then sizing.json (last: its presence means the set is complete).
void write_sizing_outputs(const std::string& directory, const SizingResult& result);

}  // namespace crisis::io
