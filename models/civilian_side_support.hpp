#pragma once
/// \file
/// Checks shared by the civilian-side models (civilian_team, mobile_crisis, crisis_line): the
/// shape of the unit types they send and the perceived-risk ceiling parameter. Internal to
/// models/; unit-type lookup and dispatch-list edits come from police_side_support.hpp.

#include <cstddef>
#include <string>
#include <string_view>

#include "world/response_model.hpp"

namespace crisis::models::detail {

/// Index (0 low, 1 moderate) of the highest perceived risk a civilian unit is sent to, from
/// the word parameter `parameter`; InputError listing the valid words (low, moderate) otherwise.
[[nodiscard]] std::size_t risk_ceiling_from(const std::string& word, const std::string& parameter);

/// InputError on `parameter` unless unit type `type` is a civilian field unit: no officers,
/// cannot arrest, at least one clinician (medic, nurse or crisis worker), not a phone unit.
void require_civilian_field_unit(const world::ResponsePlan& plan, std::string_view model, const std::string& parameter,
                                 int type);

/// InputError on `parameter` unless unit type `type` answers by phone (phone: true), has at
/// least one clinician and no officers, and its outcome rows hold only resolved and referral.
void require_phone_unit(const world::ResponsePlan& plan, std::string_view model, const std::string& parameter,
                        int type);

/// InputError on `parameter` unless unit type `type` has sworn officers (the police fallback).
void require_police_unit(const world::ResponsePlan& plan, std::string_view model, const std::string& parameter,
                         int type);

}  // namespace crisis::models::detail
