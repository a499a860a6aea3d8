// Crisis Intervention Team (Memphis model): a share of patrol officers trained in crisis
// intervention, preferred for crisis calls. Mechanics and sources: docs/methods/cit.md.
// Registered in models/builtin_models.cpp.

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>
#include <numeric>

#include "engine/errors.hpp"
#include "models/police_side_support.hpp"
#include "world/response_model.hpp"

namespace crisis::models {
namespace {

using world::ParameterSpec;

std::string with_one_decimal(double value) {
  char text[64];
  std::snprintf(text, sizeof text, "%.1f", value);
  return text;
}

class Cit final : public world::ResponseModel {
 public:
  std::string_view name() const override { return "cit"; }
  std::string_view description() const override {
    return "Crisis Intervention Team: a share of patrol officers trained in crisis intervention, preferred for crisis calls";
  }
  std::vector<ParameterSpec> parameters() const override {
    using Kind = ParameterSpec::Kind;
    return {
        ParameterSpec{"patrol_type", Kind::word, std::string("patrol"), 0, 0, "",
                      "the patrol unit type (from unit_types, sent by police_only) whose officers are trained"},
        ParameterSpec{"unit_type", Kind::word, std::string("cit"), 0, 0, "",
                      "name of the unit type this model adds for the trained officers"},
        // Compton et al. 2008: states aim to train ~20% of officers (evidence.md section 5).
        ParameterSpec{"share_trained", Kind::number, 0.20, 0.0, 1.0, "share",
                      "share of patrol units on duty in each hour that are CIT-trained"},
        // ASSUMPTION: a short wait; longer waits raise the CIT share and the response time.
        ParameterSpec{"wait_limit_min", Kind::number, 5.0, 0.0, 1440.0, "min",
                      "how long a crisis call waits for a CIT officer before an untrained one is also acceptable"},
        // Compton et al. 2014, 1,063 encounters (evidence.md section 5).
        ParameterSpec{"arrest_odds_ratio", Kind::number, 0.47, 0.01, 100.0, "odds ratio",
                      "odds of arrest, CIT-trained vs untrained officer"},
        ParameterSpec{"referral_transport_odds_ratio", Kind::number, 1.70, 0.01, 100.0, "odds ratio",
                      "odds of referral or transport to services, CIT-trained vs untrained"},
        // ASSUMPTION: Compton 2014's OR 2.00 for verbal engagement as the highest force,
        // read as OR 1/2.00 for any physical force.
        ParameterSpec{"use_of_force_odds_ratio", Kind::number, 0.50, 0.01, 100.0, "odds ratio",
                      "odds of use of force, CIT-trained vs untrained"},
        // Taheri 2016: no detectable effect on officer safety (evidence.md section 5).
        ParameterSpec{"injury_odds_ratio", Kind::number, 1.0, 0.01, 100.0, "odds ratio",
                      "odds of an injury, CIT-trained vs untrained"},
        ParameterSpec{"training_hours", Kind::number, 40.0, 0.0, 1000.0, "h per officer",
                      "initial CIT course length (Compton et al. 2008: 40 h)"},
        ParameterSpec{"amortisation_years", Kind::number, 5.0, 0.1, 50.0, "years",
                      "years over which the initial course is amortised (ASSUMPTION: officer turnover)"},
        ParameterSpec{"refresher_hours_per_year", Kind::number, 8.0, 0.0, 500.0, "h per officer per year",
                      "annual refresher training (ASSUMPTION)"},
        // 8,760 h a year / 1,960 productive hours per officer (evidence.md section 10, D).
        ParameterSpec{"relief_factor", Kind::number, 8760.0 / 1960.0, 1.0, 20.0, "FTE per 24/7 post",
                      "officers employed per officer post staffed around the clock"},
        ParameterSpec{"training_cost_per_hour", Kind::number, 0.0, 0.0, 1e5, "currency/h",
                      "cost of one officer-hour of training (backfill and tuition); 0 = the patrol unit's "
                      "cost_per_hour divided by its officers"},
    };
  }

  void apply(const world::Scenario&, const world::ModelParameters& parameters, world::ResponsePlan& plan) const override {
    const int patrol = detail::require_unit_type(plan, name(), "patrol_type", parameters.word("patrol_type"));
    detail::require_patrol_on_crisis_calls(plan, name(), "patrol_type", patrol);
    const std::string& cit_name = parameters.word("unit_type");
    if (plan.unit_type_index(cit_name) >= 0) {
      throw InputError(InputProblem{"", 0, 0, "unit_type",
                                    "cit adds unit type '" + cit_name + "', but a unit type of that name already exists (" +
                                        detail::declared_unit_types(plan) + "); choose another name"});
    }
    const double share = parameters.number("share_trained");
    const auto patrol_index = static_cast<std::size_t>(patrol);

    // The trained officers: patrol's cars, bases, times and costs, with the odds ratios
    // applied to its outcome rows (docs/methods/cit.md).
    world::UnitTypeSpec cit = plan.unit_types[patrol_index];
    const world::Roster patrol_roster = cit.roster;
    cit.name = cit_name;
    cit.description = "CIT-trained " + plan.unit_types[patrol_index].name + " officers";
    const detail::OutcomeOddsRatios ratios{parameters.number("arrest_odds_ratio"),
                                           parameters.number("referral_transport_odds_ratio"),
                                           parameters.number("use_of_force_odds_ratio"), parameters.number("injury_odds_ratio")};
    for (auto& row : cit.outcomes) row = detail::apply_outcome_odds_ratios(row, ratios);
    // Split every hour's patrol units: round(share x n) are trained, patrol keeps the rest,
    // so the two rosters always sum to the original.
    for (std::size_t h = 0; h < cit.roster.size(); ++h) {
      cit.roster[h] = static_cast<int>(std::lround(share * patrol_roster[h]));
    }
    const world::Roster cit_roster = cit.roster;
    const int cit_index = plan.add_unit_type(std::move(cit));  // invalidates references into unit_types
    const auto cit_slot = static_cast<std::size_t>(cit_index);
    for (std::size_t h = 0; h < patrol_roster.size(); ++h) plan.unit_types[patrol_index].roster[h] -= cit_roster[h];

    // With nobody trained (share_trained 0, as in a sweep's first point) the plan stays
    // police-only: a preference for a unit type that is never on duty would only add waits.
    if (std::none_of(cit_roster.begin(), cit_roster.end(), [](int n) { return n > 0; })) return;

    // Crisis calls prefer a CIT officer; background calls take the nearest officer of either.
    const double wait = parameters.number("wait_limit_min");
    for (auto& by_risk : plan.dispatch.crisis) {
      for (auto& options : by_risk) detail::prefer_before(options, cit_index, wait, patrol);
    }
    for (auto& by_risk : plan.routing.after_phone) {
      for (auto& options : by_risk) detail::prefer_before(options, cit_index, wait, patrol);
    }
    for (auto& options : plan.dispatch.background) detail::join_tier(options, patrol, cit_index);
    // A call for a second officer takes the nearest of either; CIT officers ask for the same
    // units patrol does, and wait as long.
    for (std::size_t t = 0; t < plan.unit_types.size(); ++t) {
      if (t != cit_slot) detail::join_tier(plan.backup_options[t], patrol, cit_index);
    }
    plan.backup_options[cit_slot] = plan.backup_options[patrol_index];
    plan.backup_give_up_min[cit_slot] = plan.backup_give_up_min[patrol_index];

    // Training: officers trained = share x patrol FTE; each costs the amortised course plus
    // the annual refresher, at the hourly cost of an officer.
    const world::UnitTypeSpec& patrol_spec = plan.unit_types[patrol_index];
    const double mean_posts = std::accumulate(patrol_roster.begin(), patrol_roster.end(), 0.0) /
                              static_cast<double>(patrol_roster.size()) * patrol_spec.officers;
    const double officers_trained = share * mean_posts * parameters.number("relief_factor");
    double hourly = parameters.number("training_cost_per_hour");
    if (hourly <= 0.0) hourly = patrol_spec.cost_per_hour / std::max(1, patrol_spec.officers);
    const double hours_per_year =
        parameters.number("training_hours") / parameters.number("amortisation_years") + parameters.number("refresher_hours_per_year");
    plan.fixed_costs.push_back(world::FixedCost{
        cit_name + " training: " + with_one_decimal(officers_trained) + " officers x " + with_one_decimal(hours_per_year) +
            " h/year x " + with_one_decimal(hourly) + "/h",
        officers_trained * hours_per_year * hourly});
  }
};

}  // namespace

std::unique_ptr<world::ResponseModel> make_cit() { return std::make_unique<Cit>(); }

}  // namespace crisis::models
