#pragma once
/// \file
/// Plan edits shared by the police-side models (cit, street_triage, co_responder): looking
/// up unit types with helpful errors, inserting a preferred unit type into dispatch lists,
/// and the odds-ratio arithmetic on outcome rows. Internal to models/.

#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "world/response_model.hpp"

namespace crisis::models::detail {

/// Declared unit types of the plan, joined by ", " (for error messages).
[[nodiscard]] std::string declared_unit_types(const world::ResponsePlan& plan);

/// Index of unit type `type_name`; InputError on field `parameter` naming the model and
/// listing the declared unit types when there is none.
[[nodiscard]] int require_unit_type(const world::ResponsePlan& plan, std::string_view model, const std::string& parameter,
                                    const std::string& type_name);

/// InputError unless some crisis dispatch list already sends `patrol` (which police_only, or
/// another model that puts patrol on crisis calls, does). `parameter` names the patrol param.
void require_patrol_on_crisis_calls(const world::ResponsePlan& plan, std::string_view model, const std::string& parameter,
                                    int patrol);

/// InputError on `parameter` unless unit type `type` is on duty in at least one hour.
void require_roster(const world::ResponsePlan& plan, std::string_view model, const std::string& parameter, int type);

/// In front of every `fallback` option, put `preferred` with wait limit `wait_limit_min`: the
/// call waits that long for a `preferred` unit before a `fallback` unit is also acceptable
/// (0 = one tier, nearest of either). Lists already holding `preferred` are left alone.
void prefer_before(std::vector<world::DispatchOption>& options, int preferred, world::Minutes wait_limit_min, int fallback);

/// Put `added` in the same tier as every `existing` option: the nearest unit of either is
/// sent. Lists already holding `added` are left alone.
void join_tier(std::vector<world::DispatchOption>& options, int existing, int added);

/// The crisis types named in the list parameter `parameter`; InputError listing the valid
/// names on an unknown one or an empty list.
[[nodiscard]] std::array<bool, world::kCrisisTypeCount> crisis_types_from(const std::vector<std::string>& names,
                                                                          const std::string& parameter);

/// The perceived-risk levels named in `parameter` (low, moderate, high); InputError as above.
[[nodiscard]] std::array<bool, world::kRiskLevelCount> risk_levels_from(const std::vector<std::string>& names,
                                                                        const std::string& parameter);

/// All crisis-type names, the default of the call_types parameters.
[[nodiscard]] std::vector<std::string> all_crisis_type_names();

/// All perceived-risk level names, the default of the risk_levels parameters.
[[nodiscard]] std::vector<std::string> all_risk_level_names();

/// The probability whose odds are `odds_ratio` times the odds of `probability`:
/// OR p / (1 - p + OR p). Exact at 0 and 1.
[[nodiscard]] double apply_odds_ratio(double probability, double odds_ratio);

/// Odds ratios to apply to an outcome row (1 = unchanged).
struct OutcomeOddsRatios {
  double arrest = 1.0;
  double referral_or_transport = 1.0;  ///< referral, crisis_centre, ed_voluntary, ed_detention together
  double use_of_force = 1.0;
  double injury = 1.0;
};

/// `row` with the odds ratios applied. The arrest probability and the combined probability of
/// referral-or-transport each get their odds multiplied (the four transport/referral
/// dispositions keep their shares within that group); `resolved` takes what is left, so the
/// marginal odds ratios hold exactly. Only when the two groups would exceed 1 (possible when
/// both ratios are above 1) is the row renormalised, and the ratios then hold approximately.
/// Use of force and injury get their odds multiplied; the backup probability is unchanged.
[[nodiscard]] world::OutcomeRow apply_outcome_odds_ratios(const world::OutcomeRow& row, const OutcomeOddsRatios& ratios);

}  // namespace crisis::models::detail
