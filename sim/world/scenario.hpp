#pragma once
/// \file
/// The validated scenario: typed configuration that the world is built from. Loaded and
/// checked by sim/scenario; immutable once built. Times in minutes unless a name says otherwise.

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <Eigen/Dense>

#include "engine/random.hpp"
#include "engine/sim_time.hpp"

namespace crisis::world {

using engine::kHoursPerWeek;
using engine::Minutes;

/// Behavioural-health crisis call types, as taken by the call-taker.
enum class CrisisType : std::uint8_t {
  suicidal,
  psychosis,
  welfare_check,
  intoxication,
  conflict,
  self_harm,
  violent_weapon,
};
inline constexpr std::size_t kCrisisTypeCount = 7;
inline constexpr std::array<std::string_view, kCrisisTypeCount> kCrisisTypeNames = {
    "suicidal", "psychosis", "welfare_check", "intoxication", "conflict", "self_harm", "violent_weapon"};

/// What happened to the person at the end of the response.
enum class Disposition : std::uint8_t {
  resolved,       ///< resolved on scene, nobody moved
  referral,       ///< referred to services, stays in the community
  crisis_centre,  ///< transported to a crisis stabilisation centre
  ed_voluntary,   ///< transported to the emergency department, voluntarily
  ed_detention,   ///< detained for assessment (US involuntary hold, UK Section 136)
  arrest,         ///< arrested and booked
};
inline constexpr std::size_t kDispositionCount = 6;
inline constexpr std::array<std::string_view, kDispositionCount> kDispositionNames = {
    "resolved", "referral", "crisis_centre", "ed_voluntary", "ed_detention", "arrest"};

/// Risk of harm, true or as perceived at call-taking.
inline constexpr std::size_t kRiskLevelCount = 3;
inline constexpr std::array<std::string_view, kRiskLevelCount> kRiskLevelNames = {"low", "moderate", "high"};

/// Call priorities: 1 emergency, 2 urgent, 3 routine.
inline constexpr std::size_t kPriorityCount = 3;

/// A positive random duration (minutes).
struct DurationSpec {
  enum class Kind : std::uint8_t { fixed, exponential, lognormal, gamma, weibull, uniform, triangular };
  Kind kind = Kind::fixed;
  double mean = 0.0;  ///< fixed value, or mean for exponential / lognormal / gamma
  double sd = 0.0;    ///< lognormal and gamma
  double shape = 0.0; ///< weibull
  double scale = 0.0; ///< weibull
  double low = 0.0;   ///< uniform, triangular
  double mode = 0.0;  ///< triangular
  double high = 0.0;  ///< uniform, triangular

  static DurationSpec fixed_value(double minutes) { return DurationSpec{Kind::fixed, minutes}; }
  static DurationSpec lognormal(double mean_min, double sd_min) {
    DurationSpec spec{Kind::lognormal, mean_min};
    spec.sd = sd_min;
    return spec;
  }
  static DurationSpec exponential(double mean_min) { return DurationSpec{Kind::exponential, mean_min}; }

  double sample(engine::RandomStream& rng) const noexcept;
  /// The distribution's mean (minutes).
  [[nodiscard]] double expected() const noexcept;
};

/// Weights by hour of week (0 = Monday 00:00), normalised to average 1.
using WeekProfile = std::array<double, kHoursPerWeek>;

/// Units of a type on duty in each hour of the week.
using Roster = std::array<int, kHoursPerWeek>;

struct Zone {
  std::string name;
  double population = 0.0;
  double x_km = 0.0;
  double y_km = 0.0;
  double prevalence = 1.0;  ///< multiplier on the share of residents with behavioural-health needs
};

struct TravelConfig {
  double speed_kmh = 40.0;
  double circuity = 1.3;          ///< road distance / straight-line distance
  double within_zone_km = 1.5;    ///< mean distance of a trip that starts and ends in one zone
  double noise_cv = 0.25;         ///< coefficient of variation of the lognormal noise on each trip
  std::optional<Eigen::MatrixXd> matrix_min;  ///< mean travel times, zones x zones; replaces distance/speed
};

/// A group of residents, for equity measures (e.g. by housing status or ethnicity).
struct ResidentGroup {
  std::string name;
  double share = 0.0;            ///< of residents with needs
  double rate_multiplier = 1.0;  ///< on the personal crisis rate
};

struct ResidentConfig {
  std::vector<ResidentGroup> groups;  ///< empty = one group
  double share_with_needs = 0.05;  ///< of the population: residents materialised as agents
  double crises_per_year = 1.0;    ///< mean personal crisis rate
  double frailty_shape = 0.5;      ///< gamma shape of the personal rate multiplier (mean 1)
  DurationSpec ed_stay;            ///< time at the ED after a voluntary transport
  DurationSpec detention_stay;     ///< time held after a detention
  DurationSpec jail_stay;          ///< time in jail after an arrest
  DurationSpec crisis_centre_stay; ///< time in the crisis centre
  double engagement_after_referral = 0.3;      ///< P(engaging in treatment) after a referral
  double engagement_after_crisis_centre = 0.5; ///< ... after a crisis-centre stay
  double engagement_after_ed = 0.15;           ///< ... after an ED visit or detention
  double engaged_rate_multiplier = 0.6;        ///< crisis rate while engaged, relative to own base rate
  DurationSpec engagement_duration;            ///< how long engagement lasts
};

struct CrisisTypeSpec {
  double share = 0.0;  ///< of crisis calls
  int priority = 2;    ///< 1..3, before triage raises it
  std::array<double, kRiskLevelCount> risk{1.0, 0.0, 0.0};  ///< P(true risk level)
};

struct CrisisConfig {
  WeekProfile profile{};
  std::array<CrisisTypeSpec, kCrisisTypeCount> types{};
  double triage_accuracy = 0.8;  ///< P(perceived risk == true risk); errors move one level
  DurationSpec call_processing;  ///< call answer to dispatch decision
  /// Flat Poisson arrivals (issue #14): crisis calls a day over `profile`, each from a resident
  /// drawn by zone population, in place of the residents' own rates; 0 = the residents' rates.
  double calls_per_day = 0.0;
};

/// How dispatchers and call-takers behave (the `dispatch:` section, issue #14). The defaults
/// are what dispatchers do (no urgent call held for a specialist) and error-free call-taking.
struct DispatchConfig {
  /// Priority-1 and perceived high-risk calls may wait for a preferred specialist; false =
  /// they are sent the first free unit of any acceptable tier at once.
  bool hold_urgent_for_specialist = false;
  /// P(a crisis call is coded as an ordinary police call and sent by the background rules).
  double crisis_coded_as_other = 0.0;
  /// P(an ordinary police call is coded as a crisis and sent by the crisis rules).
  double other_coded_as_crisis = 0.0;
  /// P(a dispatcher offers an eligible call to the preferred alternative), by crisis type; an
  /// eligible call is one whose dispatch list prefers some unit type before the last tier.
  std::array<double, kCrisisTypeCount> compliance{1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0};
  /// P(police would have attended the call without the alternative), by crisis type, and the
  /// priorities at which they would: the counterfactual of police responses avoided.
  std::array<double, kCrisisTypeCount> police_would_attend{1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0};
  std::array<bool, 3> police_attend_priorities{true, true, true};
};

struct BackgroundConfig {
  double calls_per_day = 0.0;
  WeekProfile profile{};
  std::array<double, kPriorityCount> priority_share{0.2, 0.5, 0.3};
  std::array<DurationSpec, kPriorityCount> service;  ///< time on scene by priority
  DurationSpec call_processing;
};

/// Probabilities of each disposition, and of events during the response.
struct OutcomeRow {
  std::array<double, kDispositionCount> disposition{1.0, 0, 0, 0, 0, 0};
  double use_of_force = 0.0;
  double injury = 0.0;
  double backup = 0.0;  ///< P(the unit asks for a second unit on scene)
};

struct UnitTypeSpec {
  std::string name;
  std::string description;
  int officers = 1;     ///< sworn officers in the unit
  int clinicians = 0;   ///< clinicians, medics or crisis workers in the unit
  bool can_arrest = true;
  bool can_transport = true;
  bool answers_background = false;  ///< takes the city's non-crisis police calls
  bool phone = false;               ///< answers by phone (crisis-line clinicians): no travel, no scene
  double cost_per_hour = 0.0;       ///< whole unit, per on-duty hour
  double backup_if_high_risk = 0.0; ///< P(asks for backup) when the true risk turns out high
  double response_target_min = 0.0; ///< the unit's own response-time target; 0 = none
  /// Hand-off time at the ED for this unit type, when it differs from the facility's (e.g. a
  /// civilian team's voluntary drop-off is not an officer's wait with a detained person).
  std::optional<DurationSpec> ed_handoff;
  Roster roster{};
  std::vector<double> base_weights;  ///< by zone; empty = by population
  std::array<DurationSpec, kCrisisTypeCount> on_scene;
  std::array<OutcomeRow, kCrisisTypeCount> outcomes;
  double high_risk_force_multiplier = 3.0;  ///< use-of-force and injury odds when true risk is high
};

struct FacilitySpec {
  std::string zone;
  DurationSpec handoff;  ///< time the unit waits at the door before it is free
  int beds = 0;          ///< 0 = unlimited
};

struct FacilitiesConfig {
  FacilitySpec emergency_department;
  FacilitySpec jail;
  std::optional<FacilitySpec> crisis_centre;
};

struct CostConfig {
  std::string currency = "USD";  ///< ISO 4217 code every cost in the scenario is in
  double ed_visit = 0.0;
  double ed_detention = 0.0;
  double arrest_booking = 0.0;
  double jail_day = 0.0;
  double crisis_centre_admission = 0.0;
  double injury = 0.0;
  double overtime_multiplier = 1.5;
};

struct TargetsConfig {
  std::array<double, kPriorityCount> response_min{15.0, 30.0, 60.0};
};

struct RunConfig {
  double horizon_days = 365.0;
  double warmup_days = 14.0;
  int replications = 10;
  std::uint64_t seed = 1;
  double work_budget = 1.0;  ///< multiplies the default work budget (engine/limits.hpp) the loader checks
};

/// One call replayed from a real dispatch history (issue #5). sim/world knows nothing of CAD
/// files: sim/cad turns an export into these. Only the arrival is replayed; how the call is
/// answered and what happens is simulated as usual.
struct ReplayCall {
  Minutes at = 0.0;           ///< arrival, minutes from the start of the simulation (0 = a Monday 00:00)
  bool crisis = true;         ///< a crisis call (behavioural health, welfare check), else an other-police call
  std::int8_t type = -1;      ///< CrisisType of a crisis call; -1 = drawn from crises.types shares
  std::uint8_t priority = 0;  ///< 1..3 as the call-taker gave it; 0 = as the simulation decides
  std::int32_t zone = -1;     ///< index into zones; -1 = the area matched no zone: drawn by population
};

/// Arrivals taken from history instead of the random processes.
struct ReplayConfig {
  bool enabled = false;
  bool background = false;        ///< other-police calls replayed too (else simulated as usual)
  std::vector<ReplayCall> calls;  ///< sorted by `at`; crisis and other-police calls together
  Minutes window_start_min = 0.0; ///< the period's start on the simulation clock (after lead-in)
  Minutes window_end_min = 0.0;   ///< the period's end (exclusive)
  // What was replayed, for the outputs.
  std::string source;             ///< the CAD file
  std::string schema;
  std::string mapping;
  std::int64_t rows_rejected = 0;  ///< rows the importer could not use (see its rejects)
  std::string period_start;       ///< "2025-03-03 00:00", the export's local clock
  std::string period_end;         ///< exclusive
  std::string clock_origin;       ///< the Monday 00:00 the simulation clock starts at
  std::int64_t warmup_calls = 0;  ///< replayed before the period (loads the system, not counted)
  std::int64_t unmatched_calls = 0;  ///< calls whose area named no zone
  std::map<std::string, std::int64_t> unmatched_areas;  ///< area -> calls
};

/// A model's parameter value: a number, a flag, a word or a list of words.
using ParameterValue = std::variant<double, bool, std::string, std::vector<std::string>>;

/// The parameters given to one model, checked against its ParameterSpec list.
class ModelParameters {
 public:
  void set(std::string name, ParameterValue value) { values_[std::move(name)] = std::move(value); }
  [[nodiscard]] double number(const std::string& name) const;
  [[nodiscard]] bool flag(const std::string& name) const;
  [[nodiscard]] const std::string& word(const std::string& name) const;
  [[nodiscard]] const std::vector<std::string>& words(const std::string& name) const;
  [[nodiscard]] bool has(const std::string& name) const { return values_.count(name) != 0; }
  [[nodiscard]] const std::map<std::string, ParameterValue>& all() const { return values_; }

 private:
  const ParameterValue& at(const std::string& name) const;
  std::map<std::string, ParameterValue> values_;
};

struct ModelSelection {
  std::string name;
  ModelParameters parameters;
  std::string key_path;  ///< where it was declared, e.g. "models[1]", for error messages
};

struct Scenario {
  std::string name;
  std::string description;
  std::string source_path;  ///< file it was loaded from
  std::uint64_t content_hash = 0;  ///< FNV-1a of the file and the overrides
  RunConfig run;
  std::vector<Zone> zones;
  TravelConfig travel;
  ResidentConfig residents;
  CrisisConfig crises;
  BackgroundConfig background;
  std::vector<UnitTypeSpec> unit_types;
  FacilitiesConfig facilities;
  CostConfig costs;
  TargetsConfig targets;
  DispatchConfig dispatch;
  std::vector<ModelSelection> models;
  ReplayConfig replay;  ///< arrivals from history; off unless the scenario has a `replay` key

  [[nodiscard]] int zone_index(std::string_view zone_name) const;     ///< -1 when absent
  [[nodiscard]] int unit_type_index(std::string_view type_name) const; ///< -1 when absent
};

}  // namespace crisis::world
