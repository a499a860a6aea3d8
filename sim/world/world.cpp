#include "world/world.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>
#include <string>

#include "engine/distributions.hpp"
#include "engine/errors.hpp"
#include "world/measures/measure.hpp"

namespace crisis::world {

// ---- scenario helpers ------------------------------------------------------------------

double DurationSpec::sample(engine::RandomStream& rng) const noexcept {
  switch (kind) {
    case Kind::fixed: return mean;
    case Kind::exponential: return engine::sample_exponential(rng, mean);
    case Kind::lognormal: return engine::sample_lognormal(rng, mean, sd);
    case Kind::gamma: {
      const double shape_k = (mean * mean) / (sd * sd);
      return engine::sample_gamma(rng, shape_k, mean / shape_k);
    }
    case Kind::weibull: return engine::sample_weibull(rng, shape, scale);
    case Kind::uniform: return engine::sample_uniform(rng, low, high);
    case Kind::triangular: return engine::sample_triangular(rng, low, mode, high);
  }
  return mean;
}

double DurationSpec::expected() const noexcept {
  switch (kind) {
    case Kind::weibull: return scale * std::tgamma(1.0 + 1.0 / shape);
    case Kind::uniform: return 0.5 * (low + high);
    case Kind::triangular: return (low + mode + high) / 3.0;
    default: return mean;
  }
}

const ParameterValue& ModelParameters::at(const std::string& name) const {
  const auto found = values_.find(name);
  if (found == values_.end()) throw InvariantError("model parameter '" + name + "' was not filled in");
  return found->second;
}
double ModelParameters::number(const std::string& name) const { return std::get<double>(at(name)); }
bool ModelParameters::flag(const std::string& name) const { return std::get<bool>(at(name)); }
const std::string& ModelParameters::word(const std::string& name) const { return std::get<std::string>(at(name)); }
const std::vector<std::string>& ModelParameters::words(const std::string& name) const {
  return std::get<std::vector<std::string>>(at(name));
}

int Scenario::zone_index(std::string_view zone_name) const {
  for (std::size_t i = 0; i < zones.size(); ++i) {
    if (zones[i].name == zone_name) return static_cast<int>(i);
  }
  return -1;
}

int Scenario::unit_type_index(std::string_view type_name) const {
  for (std::size_t i = 0; i < unit_types.size(); ++i) {
    if (unit_types[i].name == type_name) return static_cast<int>(i);
  }
  return -1;
}

int ResponsePlan::add_unit_type(UnitTypeSpec type) {
  unit_types.push_back(std::move(type));
  backup_options.emplace_back();
  backup_give_up_min.push_back(std::numeric_limits<double>::infinity());
  return static_cast<int>(unit_types.size()) - 1;
}

int ResponsePlan::unit_type_index(std::string_view type_name) const {
  for (std::size_t i = 0; i < unit_types.size(); ++i) {
    if (unit_types[i].name == type_name) return static_cast<int>(i);
  }
  return -1;
}

// ---- registry ----------------------------------------------------------------------------

void ModelRegistry::add(std::unique_ptr<ResponseModel> model) {
  if (find(model->name()) != nullptr) throw InvariantError("model registered twice: " + std::string(model->name()));
  models_.push_back(std::move(model));
}

const ResponseModel* ModelRegistry::find(std::string_view name) const {
  for (const auto& model : models_) {
    if (model->name() == name) return model.get();
  }
  return nullptr;
}

const ResponseModel& ModelRegistry::get(std::string_view name) const {
  if (const ResponseModel* model = find(name)) return *model;
  throw InputError(InputProblem{"", 0, 0, "model", "unknown model '" + std::string(name) + "'; valid models: " + names_joined()});
}

std::vector<const ResponseModel*> ModelRegistry::all() const {
  std::vector<const ResponseModel*> list;
  for (const auto& model : models_) list.push_back(model.get());
  std::sort(list.begin(), list.end(), [](auto* a, auto* b) { return a->name() < b->name(); });
  return list;
}

std::string ModelRegistry::names_joined() const {
  std::string text;
  for (const ResponseModel* model : all()) {
    if (!text.empty()) text += ", ";
    text += model->name();
  }
  return text;
}

// ---- world ---------------------------------------------------------------------------------

std::vector<std::uint16_t> apportion_sequence(const std::vector<double>& weights, std::size_t count) {
  std::vector<std::uint16_t> sequence;
  sequence.reserve(count);
  std::vector<double> assigned(weights.size(), 0.0);
  for (std::size_t item = 0; item < count; ++item) {
    std::size_t best = 0;
    double best_quotient = -1.0;
    for (std::size_t i = 0; i < weights.size(); ++i) {
      const double quotient = weights[i] / (2.0 * assigned[i] + 1.0);
      if (quotient > best_quotient) {  // strict: ties go to the lower index
        best_quotient = quotient;
        best = i;
      }
    }
    assigned[best] += 1.0;
    sequence.push_back(static_cast<std::uint16_t>(best));
  }
  return sequence;
}

World::World(Scenario scenario, ResponsePlan plan) : scenario_(std::move(scenario)), plan_(std::move(plan)) {
  const std::size_t zones = scenario_.zones.size();
  const auto& travel = scenario_.travel;
  if (travel.matrix_min) {
    travel_mean_min = *travel.matrix_min;
  } else {
    travel_mean_min.resize(static_cast<Eigen::Index>(zones), static_cast<Eigen::Index>(zones));
    for (std::size_t i = 0; i < zones; ++i) {
      for (std::size_t j = 0; j < zones; ++j) {
        const double dx = scenario_.zones[i].x_km - scenario_.zones[j].x_km;
        const double dy = scenario_.zones[i].y_km - scenario_.zones[j].y_km;
        const double km = i == j ? travel.within_zone_km : std::hypot(dx, dy) * travel.circuity;
        travel_mean_min(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) = km / travel.speed_kmh * 60.0;
      }
    }
  }

  std::vector<double> population(zones);
  resident_share_by_zone.assign(zones, 0.0);
  double weighted_total = 0.0;
  for (std::size_t z = 0; z < zones; ++z) {
    population[z] = scenario_.zones[z].population;
    weighted_total += scenario_.zones[z].population * scenario_.zones[z].prevalence;
  }
  for (std::size_t z = 0; z < zones; ++z) {
    resident_share_by_zone[z] =
        weighted_total > 0.0 ? scenario_.zones[z].population * scenario_.zones[z].prevalence / weighted_total : 0.0;
  }

  zone_population = population;
  window_start_min = scenario_.run.warmup_days * engine::kMinutesPerDay;
  window_end_min = window_start_min + scenario_.run.horizon_days * engine::kMinutesPerDay;
  if (scenario_.replay.enabled) {
    // A replayed period sits on the real calendar: the clock starts at the Monday 00:00 before
    // it (so hour-of-week rosters line up), and its warm-up is the history replayed before it.
    window_start_min = scenario_.replay.window_start_min;
    window_end_min = scenario_.replay.window_end_min;
    double previous = 0.0;
    for (const ReplayCall& call : scenario_.replay.calls) {
      // sim/scenario builds these; a bad one is a bug there, not bad input.
      if (!(call.at >= previous && call.at < window_end_min) || call.zone < -1 || call.zone >= static_cast<std::int32_t>(zones) ||
          call.priority > kPriorityCount || call.type < -1 || call.type >= static_cast<std::int8_t>(kCrisisTypeCount)) {
        throw InvariantError("replayed call at t=" + std::to_string(call.at) + " min is out of order, outside the period or out of range");
      }
      previous = call.at;
    }
  }

  for (const UnitTypeSpec& type : plan_.unit_types) {
    const int most = *std::max_element(type.roster.begin(), type.roster.end());
    unit_count.push_back(most);
    const std::vector<double>& weights = type.base_weights.empty() ? population : type.base_weights;
    unit_base_zone.push_back(apportion_sequence(weights, static_cast<std::size_t>(most)));
    double on_duty = 0.0;
    const std::size_t first_cell = on_duty_minutes_by_hour_of_week.size();
    on_duty_minutes_by_hour_of_week.resize(first_cell + engine::kHoursPerWeek, 0.0);
    for (double t = window_start_min; t < window_end_min; t += engine::kMinutesPerHour) {
      const auto hour = static_cast<std::size_t>(engine::hour_of_week(t));
      on_duty += type.roster[hour] * engine::kMinutesPerHour;
      on_duty_minutes_by_hour_of_week[first_cell + hour] += type.roster[hour] * engine::kMinutesPerHour;
    }
    on_duty_minutes_in_window.push_back(on_duty);
  }

  facility_zone = {scenario_.zone_index(scenario_.facilities.emergency_department.zone),
                   scenario_.zone_index(scenario_.facilities.jail.zone),
                   scenario_.facilities.crisis_centre ? scenario_.zone_index(scenario_.facilities.crisis_centre->zone) : -1};

  layout_ = detail::lay_out_measures(*this);
}

World build_world(const Scenario& scenario, const ModelRegistry& registry) {
  ResponsePlan plan;
  for (const UnitTypeSpec& type : scenario.unit_types) plan.add_unit_type(type);
  for (const ModelSelection& selection : scenario.models) {
    const ResponseModel& model = registry.get(selection.name);
    try {
      model.apply(scenario, selection.parameters, plan);
    } catch (const InputError& error) {
      std::vector<InputProblem> problems = error.problems();
      for (auto& problem : problems) {
        problem.field = selection.key_path + (problem.field.empty() ? "" : ".params." + problem.field);
      }
      throw InputError(std::move(problems));
    }
    plan.applied_models.push_back(selection.name);
  }
  // A unit type that no rule of the active models sends is not deployed: its roster is
  // emptied so that it costs nothing (e.g. the civilian vans in a police-only variant).
  std::set<int> used;
  auto use = [&](const std::vector<DispatchOption>& options) {
    for (const DispatchOption& option : options) used.insert(option.unit_type);
  };
  for (const auto& by_risk : plan.dispatch.crisis) {
    for (const auto& options : by_risk) use(options);
  }
  for (const auto& options : plan.dispatch.background) use(options);
  // The line and what it sends count only when calls reach the line (issue #14: a mobile
  // team sent only after the phone, in a variant without a line, answered nothing and cost).
  const bool line_reached = plan.routing.crisis_line_unit_type >= 0 && plan.routing.share_to_crisis_line > 0.0;
  if (line_reached) {
    for (const auto& by_risk : plan.routing.after_phone) {
      for (const auto& options : by_risk) use(options);
    }
    used.insert(plan.routing.crisis_line_unit_type);
  }
  for (std::size_t t = 0; t < plan.unit_types.size(); ++t) {
    if (used.count(static_cast<int>(t)) != 0) use(plan.backup_options[t]);
  }
  for (std::size_t t = 0; t < plan.unit_types.size(); ++t) {
    if (used.count(static_cast<int>(t)) == 0) plan.unit_types[t].roster.fill(0);
  }
  // Every crisis call and background priority needs somewhere to go.
  std::vector<InputProblem> problems;
  auto check = [&](const std::vector<DispatchOption>& options, const std::string& what) {
    bool staffed = false;
    for (const DispatchOption& option : options) {
      const Roster& roster = plan.unit_types[static_cast<std::size_t>(option.unit_type)].roster;
      staffed = staffed || std::any_of(roster.begin(), roster.end(), [](int n) { return n > 0; });
    }
    if (!staffed) {
      problems.push_back({"", 0, 0, "models",
                          "no model sends a unit that is ever on duty to " + what +
                              "; add a model (e.g. police_only) or give the unit type a roster"});
    }
  };
  for (std::size_t t = 0; t < kCrisisTypeCount; ++t) {
    if (scenario.crises.types[t].share <= 0.0) continue;
    for (std::size_t r = 0; r < kRiskLevelCount; ++r) {
      check(plan.dispatch.crisis[t][r], std::string(kCrisisTypeNames[t]) + " calls at " + std::string(kRiskLevelNames[r]) + " perceived risk");
      if (!problems.empty()) break;
    }
    if (!problems.empty()) break;
  }
  if (scenario.background.calls_per_day > 0.0) {
    for (std::size_t p = 0; p < kPriorityCount && problems.empty(); ++p) {
      if (scenario.background.priority_share[p] > 0.0) check(plan.dispatch.background[p], "background priority " + std::to_string(p + 1) + " calls");
    }
  }
  if (!problems.empty()) throw InputError(std::move(problems));
  return World(scenario, std::move(plan));
}

}  // namespace crisis::world
