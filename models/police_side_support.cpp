#include "models/police_side_support.hpp"

#include <algorithm>
#include <cstddef>

#include "engine/errors.hpp"

namespace crisis::models::detail {

using world::Disposition;
using world::DispatchOption;

namespace {

std::string joined(const auto& names) {
  std::string text;
  for (const auto& name : names) {
    if (!text.empty()) text += ", ";
    text += name;
  }
  return text;
}

bool holds(const std::vector<DispatchOption>& options, int type) {
  return std::any_of(options.begin(), options.end(), [&](const DispatchOption& o) { return o.unit_type == type; });
}

}  // namespace

std::string declared_unit_types(const world::ResponsePlan& plan) {
  std::vector<std::string> names;
  for (const auto& type : plan.unit_types) names.push_back(type.name);
  return joined(names);
}

int require_unit_type(const world::ResponsePlan& plan, std::string_view model, const std::string& parameter,
                      const std::string& type_name) {
  const int type = plan.unit_type_index(type_name);
  if (type < 0) {
    throw InputError(InputProblem{"", 0, 0, parameter,
                                  std::string(model) + " needs unit type '" + type_name + "' in unit_types; declared: " +
                                      declared_unit_types(plan)});
  }
  return type;
}

void require_patrol_on_crisis_calls(const world::ResponsePlan& plan, std::string_view model, const std::string& parameter,
                                    int patrol) {
  for (const auto& by_risk : plan.dispatch.crisis) {
    for (const auto& options : by_risk) {
      if (holds(options, patrol)) return;
    }
  }
  const std::string& name = plan.unit_types[static_cast<std::size_t>(patrol)].name;
  throw InputError(InputProblem{"", 0, 0, parameter,
                                std::string(model) + " needs police_only (or another model that sends unit type '" + name +
                                    "' to crisis calls) listed before it in models; no crisis call goes to '" + name +
                                    "' yet"});
}

void require_roster(const world::ResponsePlan& plan, std::string_view model, const std::string& parameter, int type) {
  const world::UnitTypeSpec& spec = plan.unit_types[static_cast<std::size_t>(type)];
  if (std::none_of(spec.roster.begin(), spec.roster.end(), [](int n) { return n > 0; })) {
    throw InputError(InputProblem{"", 0, 0, parameter,
                                  std::string(model) + " sends unit type '" + spec.name +
                                      "', but its roster has no unit on duty in any hour; give it a roster"});
  }
}

void prefer_before(std::vector<DispatchOption>& options, int preferred, world::Minutes wait_limit_min, int fallback) {
  if (holds(options, preferred)) return;
  for (std::size_t i = 0; i < options.size(); ++i) {
    if (options[i].unit_type != fallback) continue;
    options.insert(options.begin() + static_cast<std::ptrdiff_t>(i), DispatchOption{preferred, wait_limit_min});
    ++i;  // skip the fallback just moved along
  }
}

void join_tier(std::vector<DispatchOption>& options, int existing, int added) {
  if (holds(options, added)) return;
  for (std::size_t i = 0; i < options.size(); ++i) {
    if (options[i].unit_type != existing) continue;
    const world::Minutes wait = options[i].wait_limit;
    options[i].wait_limit = 0.0;
    options.insert(options.begin() + static_cast<std::ptrdiff_t>(i) + 1, DispatchOption{added, wait});
    ++i;
  }
}

std::array<bool, world::kCrisisTypeCount> crisis_types_from(const std::vector<std::string>& names, const std::string& parameter) {
  std::array<bool, world::kCrisisTypeCount> chosen{};
  if (names.empty()) {
    throw InputError(InputProblem{"", 0, 0, parameter, "expected at least one call type; valid: " + joined(world::kCrisisTypeNames)});
  }
  for (const std::string& name : names) {
    const auto found = std::find(world::kCrisisTypeNames.begin(), world::kCrisisTypeNames.end(), name);
    if (found == world::kCrisisTypeNames.end()) {
      throw InputError(InputProblem{"", 0, 0, parameter,
                                    "unknown call type '" + name + "'; valid: " + joined(world::kCrisisTypeNames)});
    }
    chosen[static_cast<std::size_t>(found - world::kCrisisTypeNames.begin())] = true;
  }
  return chosen;
}

std::array<bool, world::kRiskLevelCount> risk_levels_from(const std::vector<std::string>& names, const std::string& parameter) {
  std::array<bool, world::kRiskLevelCount> chosen{};
  if (names.empty()) {
    throw InputError(InputProblem{"", 0, 0, parameter, "expected at least one risk level; valid: " + joined(world::kRiskLevelNames)});
  }
  for (const std::string& name : names) {
    const auto found = std::find(world::kRiskLevelNames.begin(), world::kRiskLevelNames.end(), name);
    if (found == world::kRiskLevelNames.end()) {
      throw InputError(InputProblem{"", 0, 0, parameter,
                                    "unknown risk level '" + name + "'; valid: " + joined(world::kRiskLevelNames)});
    }
    chosen[static_cast<std::size_t>(found - world::kRiskLevelNames.begin())] = true;
  }
  return chosen;
}

std::vector<std::string> all_crisis_type_names() {
  return std::vector<std::string>(world::kCrisisTypeNames.begin(), world::kCrisisTypeNames.end());
}

std::vector<std::string> all_risk_level_names() {
  return std::vector<std::string>(world::kRiskLevelNames.begin(), world::kRiskLevelNames.end());
}

double apply_odds_ratio(double probability, double odds_ratio) {
  if (probability <= 0.0) return 0.0;
  if (probability >= 1.0) return 1.0;
  return odds_ratio * probability / (1.0 - probability + odds_ratio * probability);
}

world::OutcomeRow apply_outcome_odds_ratios(const world::OutcomeRow& row, const OutcomeOddsRatios& ratios) {
  constexpr auto kResolved = static_cast<std::size_t>(Disposition::resolved);
  constexpr auto kArrest = static_cast<std::size_t>(Disposition::arrest);
  constexpr auto kDetention = static_cast<std::size_t>(Disposition::ed_detention);
  // Compton et al. 2014 measured referral or transport to services (evidence.md section 5),
  // not involuntary holds: detention keeps the untrained row's probability (issue #14).
  constexpr std::array<std::size_t, 3> kReferralOrTransport = {
      static_cast<std::size_t>(Disposition::referral), static_cast<std::size_t>(Disposition::crisis_centre),
      static_cast<std::size_t>(Disposition::ed_voluntary)};

  world::OutcomeRow out = row;
  const double arrest = row.disposition[kArrest];
  const double detention = row.disposition[kDetention];
  double referral_or_transport = 0.0;
  for (std::size_t d : kReferralOrTransport) referral_or_transport += row.disposition[d];

  double new_arrest = apply_odds_ratio(arrest, ratios.arrest);
  double new_group = apply_odds_ratio(referral_or_transport, ratios.referral_or_transport);
  const double room = std::max(0.0, 1.0 - detention);
  if (new_arrest + new_group > room) {
    // Both groups grew past what detention leaves: scale them back, nothing is left for resolved.
    const double scale = new_arrest + new_group > 0.0 ? room / (new_arrest + new_group) : 0.0;
    new_arrest *= scale;
    new_group *= scale;
  }
  out.disposition[kArrest] = new_arrest;
  for (std::size_t d : kReferralOrTransport) {
    out.disposition[d] = referral_or_transport > 0.0 ? row.disposition[d] * new_group / referral_or_transport : 0.0;
  }
  out.disposition[kResolved] = std::max(0.0, 1.0 - new_arrest - new_group - detention);
  out.use_of_force = apply_odds_ratio(row.use_of_force, ratios.use_of_force);
  out.injury = apply_odds_ratio(row.injury, ratios.injury);
  return out;
}

}  // namespace crisis::models::detail
