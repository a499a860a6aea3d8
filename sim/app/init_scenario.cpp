#include "app/init_scenario.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

#include <fmt/format.h>

#include "engine/errors.hpp"
#include "results/results_writer.hpp"
#include "yaml/yaml_reader.hpp"

namespace crisis::cli {

using io::format_number;
using io::join;
namespace {

// The shipped scenarios' city, which init scales: about 175,000 residents on 12 x 10 km
// (scenarios/baseline_police.yaml, Eugene-like; ev §1).
constexpr double kBaselinePopulation = 175000.0;
constexpr double kResidentsPerKm2 = kBaselinePopulation / 120.0;  // D: 175,000 on 120 km2

/// `per_baseline` scaled from the baseline city to `population`, rounded, at least 1.
int scaled_units(double per_baseline, double population) {
  return std::max(1, static_cast<int>(std::lround(per_baseline * population / kBaselinePopulation)));
}

/// A number with at most one decimal, as a YAML value.
std::string one_decimal(double value) { return format_number(std::round(value * 10.0) / 10.0); }

std::string roster_line(int start_hour, int hours, int units) {
  return fmt::format("        - {{start_hour: {}, hours: {}, units: {}}}\n", start_hour, hours, units);
}

bool has(const InitAnswers& answers, const std::string& model) {
  return std::find(answers.models.begin(), answers.models.end(), model) != answers.models.end();
}

/// The flow-style entry of `model` in a models list, with the parameters init sets.
std::string model_entry(const std::string& model) {
  if (model == "cit") return "{name: cit, params: {share_trained: 0.25, wait_limit_min: 5}}";
  if (model == "civilian_team") {
    return "{name: civilian_team, params: {unit_type: civilian_van, max_perceived_risk: moderate, wait_limit_min: 30}}";
  }
  if (model == "mobile_crisis") {
    return "{name: mobile_crisis, params: {unit_type: mobile_team, wait_limit_min: 30, from_911: true, "
           "call_types: [suicidal, psychosis, welfare_check], max_perceived_risk: moderate}}";
  }
  return "{name: crisis_line, params: {unit_type: line_clinician, share_to_line: 0.4, patience_min: 5, abandoned_call_911: 0.5}}";
}

std::string model_description(const std::string& model) {
  if (model == "cit") return "25% of patrol officers CIT-trained; crisis calls wait up to 5 min for one";
  if (model == "civilian_team") return "civilian crisis vans (CAHOOTS-style) take low- and moderate-risk crises";
  if (model == "mobile_crisis") return "mobile crisis teams of two clinicians, also sent from 911";
  return "a 988 crisis line answers 40% of crises first and resolves most by phone";
}

std::string header(const InitAnswers& a) {
  const double crises_per_year = a.population * 0.055 * 1.15;
  std::string text = fmt::format(
      "# {name}: written by `crisis-sim init` for a US city of {population:.0f} residents in {zones}.\n"
      "# Demand follows from the population, as in the Crisis Now calculator: 5.5% of residents\n"
      "# with needs x 1.15 crises a year = about {crises:.0f} crisis calls a year ({per_day:.1f} a day).\n"
      "# Every other number is scaled from the shipped scenarios (scenarios/baseline_police.yaml,\n"
      "# about 175,000 residents), cites shared/evidence.md (\"ev §N\"; \"D\" = derived by arithmetic)\n"
      "# or is marked ASSUMPTION: replace ASSUMPTIONs with your city's figures where you have them\n"
      "# (docs/scenario-format.md documents every key; `crisis-sim fit` fits one to a CAD export).\n"
      "#\n"
      "#   crisis-sim validate {name}.yaml\n"
      "#   crisis-sim compare {name}.yaml --out results/{name}\n"
      "#   crisis-sim report results/{name}\n",
      fmt::arg("name", a.name), fmt::arg("population", a.population),
      fmt::arg("zones", a.zones == 1 ? std::string("one zone") : fmt::format("{} zones", a.zones)),
      fmt::arg("crises", crises_per_year), fmt::arg("per_day", crises_per_year / 365.0));
  text += fmt::format("name: {}\ndescription: >\n  {} residents, {}; police only compared with {}.\n\n", a.name,
                      format_number(a.population), a.zones == 1 ? "one zone" : fmt::format("{} zones", a.zones),
                      a.models.empty() ? std::string("nothing else yet (add --models)") : join(a.models, ", "));
  text +=
      "run:\n"
      "  horizon_days: 365        # one year, the unit budgets are set in\n"
      "  warmup_days: 14          # ASSUMPTION: two weeks fills the queues and resident states\n"
      "  replications: 10         # ASSUMPTION: raise it when the intervals are too wide\n"
      "  seed: 1\n\n";
  return text;
}

/// city: the zones on a grid of square cells, the population split evenly.
std::string city(const InitAnswers& a, std::vector<std::string>& names) {
  const int n = a.zones;
  const double area_km2 = a.population / kResidentsPerKm2;
  const double side_km = std::sqrt(area_km2);
  const int columns = static_cast<int>(std::ceil(std::sqrt(static_cast<double>(n))));
  const int rows = (n + columns - 1) / columns;
  std::string text = fmt::format(
      "city:\n"
      "  # {:.0f} km2 at the baseline's density, 1,458 residents per km2 (175,000 on 120 km2, D);\n"
      "  # zones on a grid with the population split evenly and equal prevalence: ASSUMPTION.\n"
      "  # Put your zones' names, populations and centres (x_km, y_km) here.\n"
      "  zones:\n",
      area_km2);
  const auto base = static_cast<long long>(a.population) / n;
  long long remainder = static_cast<long long>(a.population) - base * n;
  for (int i = 0; i < n; ++i) {
    const std::string name = n == 1 ? std::string("city") : fmt::format("zone_{}", i + 1);
    names.push_back(name);
    const long long people = base + (remainder-- > 0 ? 1 : 0);
    const double x = (i % columns + 0.5) * side_km / columns;
    const double y = (i / columns + 0.5) * side_km / rows;
    text += fmt::format("    - {{name: {}, population: {}, x_km: {}, y_km: {}, prevalence: 1.0}}\n", name, people,
                        one_decimal(x), one_decimal(y));
  }
  const double within_km = std::max(0.5, 0.52 * std::sqrt(area_km2 / n));
  text += fmt::format(
      "  travel:\n"
      "    speed_kmh: 40          # ASSUMPTION: urban driving with lights on priority calls\n"
      "    circuity: 1.3          # ASSUMPTION: road distance over straight-line distance\n"
      "    within_zone_km: {}     # D: the baseline's 2 km in ~15 km2 zones, scaled with the zone's size\n"
      "    noise_cv: 0.3          # ASSUMPTION: trip-to-trip variation\n\n",
      one_decimal(within_km));
  return text;
}

// The residents, the crises and the background calls, as scenarios/crisis_now.yaml; only the
// background volume depends on the city (scaled below).
constexpr const char* kResidentsAndCrises = R"(residents:
  # Serious mental illness 5.5% of US adults (NIMH, not in evidence.md): ASSUMPTION; ~10% of
  # police calls for service are crises (ev §4); 1.15 crises a year each gives the baseline's
  # ~11,000 a year for 175,000 residents (ev §1, D).
  share_with_needs: 0.055
  crises_per_year: 1.15
  frailty_shape: 0.5       # ASSUMPTION: gamma frailty; a few residents have many crises
  ed_stay_hours: {mean: 8, sd: 6}          # ASSUMPTION
  detention_stay_days: {mean: 8.4, sd: 6}  # inpatient stays 7.4-11.1 days, Stensland 2012 (ev §10)
  jail_stay_days: {mean: 5, sd: 10}        # ASSUMPTION; US average 23 days (Vera, ev §10) is for all bookings
  crisis_centre_stay_days: {mean: 1, sd: 1}  # ASSUMPTION: stabilisation units keep people about a day
  engagement:
    after_referral: 0.3        # ASSUMPTION
    after_crisis_centre: 0.5   # ASSUMPTION
    after_ed: 0.15             # ASSUMPTION
    rate_multiplier: 0.6       # ASSUMPTION: treatment lowers the crisis rate by 40%
    duration_days: {mean: 90, sd: 60}  # ASSUMPTION

crises:
  # Milwaukee hour-of-day shape (shared/data/milwaukee, D), as every shipped scenario.
  profile:
    hourly: [0.82, 0.64, 0.46, 0.71, 0.51, 0.48, 0.55, 0.37, 0.48, 0.84, 1.15, 1.45,
             1.12, 1.04, 1.04, 1.59, 2.38, 1.26, 1.32, 1.54, 1.28, 1.26, 0.93, 0.79]
  triage_accuracy: 0.8                 # ASSUMPTION: 80% of calls triaged at the right risk
  call_processing_min: {mean: 3, sd: 2}  # ASSUMPTION: call answer to dispatch decision
  # Call-type mix: ASSUMPTION (Vera/Two Sigma classes, shared/data/mappings).
  types:
    suicidal:       {share: 0.20, priority: 1, risk: [0.30, 0.45, 0.25]}
    psychosis:      {share: 0.20, priority: 2, risk: [0.40, 0.40, 0.20]}
    welfare_check:  {share: 0.30, priority: 3, risk: [0.75, 0.20, 0.05]}
    intoxication:   {share: 0.10, priority: 2, risk: [0.55, 0.35, 0.10]}
    conflict:       {share: 0.12, priority: 2, risk: [0.40, 0.40, 0.20]}
    self_harm:      {share: 0.05, priority: 1, risk: [0.10, 0.40, 0.50]}
    violent_weapon: {share: 0.03, priority: 1, risk: [0.00, 0.20, 0.80]}

)";

std::string background(const InitAnswers& a) {
  return fmt::format(R"(background:
  # The city's other police calls: the baseline's 271 a day for 175,000 residents (EPD's
  # public-initiated calls, ev §1, D), scaled to the population (D). US agencies see 1-2 calls
  # per resident a year in all (ev §4, Lum 2022).
  calls_per_day: {}
  profile:
    hourly: [1.13, 1.00, 0.81, 0.58, 0.51, 0.50, 0.58, 0.58, 0.93, 0.91, 0.88, 1.24,
             1.34, 1.33, 1.21, 1.14, 1.47, 1.27, 1.15, 1.21, 1.22, 1.17, 1.01, 0.84]
  call_processing_min: {{mean: 3, sd: 2}}  # ASSUMPTION
  # CAP/LEAP priority shares (ev §4); service times ASSUMPTION (ev §12.2 illustration).
  priorities:
    - {{share: 0.20, service_min: {{mean: 60, sd: 45}}}}
    - {{share: 0.45, service_min: {{mean: 45, sd: 35}}}}
    - {{share: 0.35, service_min: {{mean: 35, sd: 30}}}}

)",
                     one_decimal(std::max(0.1, 271.0 * a.population / kBaselinePopulation)));
}

std::string patrol(const InitAnswers& a) {
  std::string text = R"(unit_types:
  - name: patrol
    description: one-officer patrol car
    officers: 1
    cost_per_hour: 58      # $113,500 a year over 1,960 productive hours (ev §10, S/D)
    # The baseline's 18, 22 and 16 cars for 175,000 residents, scaled to the population (D);
    # the baseline sized them for ~60% utilisation (ASSUMPTION). Put your roster here.
    roster:
      shifts:
)";
  text += roster_line(6, 10, scaled_units(18, a.population));
  text += roster_line(14, 10, scaled_units(22, a.population));
  text += roster_line(22, 10, scaled_units(16, a.population));
  text += R"(    # Median 43 min on scene for mental-health calls (ev §8).
    on_scene_min:
      default: {mean: 60, sd: 55}
      welfare_check: {mean: 40, sd: 35}     # ASSUMPTION: shorter
      violent_weapon: {mean: 90, sd: 70}    # Staffordshire 51-90 min with >= 2 officers (ev §8)
    # ASSUMPTION within Steadman 2000 and Toronto (ev §4-5), as the shipped scenarios.
    outcomes:
      default:        {resolved: 0.45, referral: 0.15, ed_voluntary: 0.10, ed_detention: 0.22, arrest: 0.08, use_of_force: 0.02, injury: 0.01}
      suicidal:       {resolved: 0.25, referral: 0.13, ed_voluntary: 0.15, ed_detention: 0.45, arrest: 0.02}
      psychosis:      {resolved: 0.30, referral: 0.14, ed_voluntary: 0.10, ed_detention: 0.38, arrest: 0.08}
      welfare_check:  {resolved: 0.70, referral: 0.13, ed_voluntary: 0.07, ed_detention: 0.08, arrest: 0.02}
      intoxication:   {resolved: 0.53, referral: 0.10, ed_voluntary: 0.15, ed_detention: 0.07, arrest: 0.15}
      conflict:       {resolved: 0.55, referral: 0.12, ed_voluntary: 0.03, ed_detention: 0.08, arrest: 0.22}
      self_harm:      {resolved: 0.10, referral: 0.10, ed_voluntary: 0.25, ed_detention: 0.53, arrest: 0.02}
      violent_weapon: {resolved: 0.20, referral: 0.05, ed_voluntary: 0.02, ed_detention: 0.28, arrest: 0.45, use_of_force: 0.12, injury: 0.04}
    high_risk_force_multiplier: 3   # ASSUMPTION
)";
  return text;
}

/// The civilian vans and mobile teams: `per_day_hours` unit-hours a day in the baseline city,
/// scaled to the population and spread over the teams' hours.
std::string team_roster(const InitAnswers& a, double per_day_hours) {
  const int units = std::max(1, static_cast<int>(std::lround(per_day_hours * a.population / kBaselinePopulation / a.team_hours)));
  return "    roster:\n      shifts:\n" + roster_line(a.team_start_hour, a.team_hours, units);
}

std::string van(const InitAnswers& a) {
  return R"(
  - name: civilian_van
    description: civilian crisis van, a medic and a crisis worker (CAHOOTS-style, ev §1)
    officers: 0
    clinicians: 2            # medic + crisis worker (ev §1, G)
    can_arrest: false
    can_transport: true
    # Eugene's 2022 contract $820,586 over 11,315 van-hours a year = $72.5 per van-hour (ev §1, D).
    cost_per_hour: 72.5
    # CAHOOTS' 31 van-hours a day (one van 24 h, one 7 h; ev §1, G) for ~175,000 residents,
    # scaled to the population and spread over the hours given to init (D, ASSUMPTION).
)" + team_roster(a, 31.0) +
         R"(    # ~28-36 min per call including travel (ev §1 and §13, D, U); ASSUMPTION around that.
    on_scene_min:
      default: {mean: 22, sd: 18}
      welfare_check: {mean: 15, sd: 12}
    # ASSUMPTION (eugene_cahoots.yaml): most resolved on scene or by a ride to services; no
    # holds or arrests; backup calibrated to CAHOOTS' ~0.6-1.0% of calls (ev §1, U).
    outcomes:
      default:        {resolved: 0.50, referral: 0.25, crisis_centre: 0.20, ed_voluntary: 0.05, backup: 0.001}
      welfare_check:  {resolved: 0.68, referral: 0.22, crisis_centre: 0.08, ed_voluntary: 0.02, backup: 0.001}
    backup_if_high_risk: 0.25       # ASSUMPTION (eugene_cahoots.yaml)
    high_risk_force_multiplier: 3   # ASSUMPTION; the van's use-of-force rate is 0
)";
}

std::string mobile_team(const InitAnswers& a) {
  return R"(
  - name: mobile_team
    description: mobile crisis team, two clinicians (Crisis Now, ev §9)
    officers: 0
    clinicians: 2
    can_arrest: false
    can_transport: true
    cost_per_hour: 94        # two clinicians at ~$47/h (PSSRU £37/h at 1.27 $/£, ev §10, G; ASSUMPTION rate)
    response_target_min: 60  # mobile crisis standard <= 1 h urban (Mississippi rule, ev §9, G)
    # crisis_now.yaml's two teams around the clock (48 team-hours a day, ASSUMPTION) for
    # ~175,000 residents, scaled to the population over the hours given to init (D).
)" + team_roster(a, 48.0) +
         R"(    on_scene_min:              # ASSUMPTION, within 1.7-2.2 h per call with travel (ev §13, D)
      default: {mean: 60, sd: 40}
      welfare_check: {mean: 45, sd: 30}
    # Arizona: ~70% of dispatches resolved in the field (ev §9, G); the split is ASSUMPTION.
    outcomes:
      default:        {resolved: 0.42, referral: 0.30, crisis_centre: 0.20, ed_voluntary: 0.05, ed_detention: 0.03, backup: 0.01}
    backup_if_high_risk: 0.5        # ASSUMPTION
    high_risk_force_multiplier: 3   # ASSUMPTION
)";
}

std::string line_clinician(const InitAnswers& a) {
  const int units = scaled_units(1, a.population);
  return R"(
  - name: line_clinician
    description: crisis-line call-taker (a clinician answering 988 calls); the line runs 24/7
    phone: true
    officers: 0
    clinicians: 1
    can_transport: false
    cost_per_hour: 47        # UK CMHT £37/h, 2013-14 (PSSRU, ev §10, G) at 1.27 $/£ (ASSUMPTION)
    # crisis_now.yaml's one call-taker around the clock and one more 14:00-22:00 for ~175,000
    # residents (ASSUMPTION), scaled to the population (D).
    roster:
      shifts:
)" + roster_line(0, 24, units) +
         roster_line(14, 8, units) + R"(    on_scene_min:
      default: {mean: 20, sd: 15}   # ASSUMPTION: phone time per answered call
    outcomes:
      default: {resolved: 0.60, referral: 0.40}   # ASSUMPTION (Maricopa: <1% to a higher level of care, ev §9, G)
)";
}

std::string facilities_and_costs(const InitAnswers& a, const std::vector<std::string>& zones) {
  const std::string& hub = zones.front();
  std::string text = fmt::format(R"(
facilities:
  # All in the first zone: ASSUMPTION; put your hospital, jail and crisis centre in their zones.
  emergency_department:
    zone: {0}
    handoff_min: {{mean: 240, sd: 180}}   # ~4 h officer wait in the ER (ev §5, U; ev §8)
  jail:
    zone: {0}
    handoff_min: {{mean: 90, sd: 45}}     # 240 - 150 min (TAC, ev §8, D)
)",
                                 hub);
  if (has(a, "civilian_team") || has(a, "mobile_crisis")) {
    text += fmt::format(R"(  crisis_centre:
    # Crisis stabilisation facility (Crisis Now, ev §9); ~15 min drop-off (CIT International,
    # ev §5, G/U); crisis_now.yaml's 16 beds for ~175,000 residents, scaled (D, ASSUMPTION).
    zone: {}
    handoff_min: {{mean: 15, sd: 10}}
    beds: {}
)",
                        hub, std::max(4, scaled_units(16, a.population)));
  }
  text += R"(
costs:
  ed_visit: 520            # ED visit with a mental/substance diagnosis, HCUP #257 (ev §10)
  ed_detention: 6500       # inpatient stay ~$5,700-8,500 (Stensland 2012, ev §10, D)
  arrest_booking: 400      # ASSUMPTION: booking and processing
  jail_day: 126.06         # Sacramento County (ev §10, S)
  crisis_centre_admission: 800   # ASSUMPTION: about one inpatient day, $770-830 (Stensland 2012, ev §10, D)
  injury: 5000             # ASSUMPTION: medical and claims cost of an injury
  overtime_multiplier: 1.5 # ASSUMPTION: time and a half

targets:
  response_min: {priority_1: 10, priority_2: 20, priority_3: 60}   # ASSUMPTION

)";
  return text;
}

std::string models_and_variants(const InitAnswers& a) {
  std::string text = "# `crisis-sim run` runs every model chosen together; `crisis-sim compare` runs the variants.\n";
  text += "# The models' parameters are ASSUMPTIONs from the shipped scenarios (docs/methods/).\nmodels:\n  - police_only\n";
  for (const std::string& model : a.models) text += "  - " + model_entry(model) + "\n";
  text += "\n# The first variant is the reference every other is compared with.\nvariants:\n";
  text += "  - name: police_only\n    description: today's response, police only\n    set:\n      models: [police_only]\n";
  if (a.models.size() == 1) {
    text += fmt::format("  - name: {}\n    description: {}\n", a.models.front(), model_description(a.models.front()));
    return text;
  }
  for (const std::string& model : a.models) {
    text += fmt::format("  - name: {}\n    description: {}\n    set:\n      models: [police_only, {}]\n", model,
                        model_description(model), model_entry(model));
  }
  if (!a.models.empty()) text += "  - name: all_models\n    description: " + join(a.models, ", ") + " together\n";
  return text;
}

}  // namespace

const std::vector<std::string>& init_model_names() {
  static const std::vector<std::string> names = {"cit", "civilian_team", "mobile_crisis", "crisis_line"};
  return names;
}

void parse_team_hours(const std::string& text, InitAnswers& answers) {
  const auto fail = [&text]() {
    throw InputError(InputProblem{"", 0, 0, "--hours",
                                  "expected 24/7 or START-END in whole hours (e.g. 8-20, or 18-2 across midnight), got \"" +
                                      text + "\""});
  };
  if (text == "24/7" || text == "24") {
    answers.team_start_hour = 0;
    answers.team_hours = 24;
    return;
  }
  const std::size_t dash = text.find('-');
  if (dash == std::string::npos) fail();
  int start = -1;
  int end = -1;
  const auto read = [](const std::string& part, int& value) {
    const auto [at, error] = std::from_chars(part.data(), part.data() + part.size(), value);
    return error == std::errc() && at == part.data() + part.size();
  };
  if (!read(text.substr(0, dash), start) || !read(text.substr(dash + 1), end)) fail();
  if (start < 0 || start > 23 || end < 0 || end > 24 || start == end % 24) fail();
  answers.team_start_hour = start;
  answers.team_hours = (end - start + 24) % 24;
  if (answers.team_hours == 0) answers.team_hours = 24;
}

void check_init_answers(InitAnswers& answers) {
  std::vector<InputProblem> problems;
  if (!(answers.population >= 1000.0 && answers.population <= 20e6)) {
    problems.push_back({"", 0, 0, "--population",
                        fmt::format("expected residents from 1000 to 20000000, got {}", format_number(answers.population))});
  }
  if (answers.zones < 1 || answers.zones > 64) {
    problems.push_back({"", 0, 0, "--zones", fmt::format("expected 1 (the whole city as one zone) to 64, got {}", answers.zones)});
  }
  const auto valid_name = std::all_of(answers.name.begin(), answers.name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
  if (answers.name.empty() || !valid_name) {
    problems.push_back({"", 0, 0, "--name", "expected letters, digits, _ and -, got \"" + answers.name + "\""});
  }
  const std::vector<std::string>& valid = init_model_names();
  std::vector<std::string> ordered;
  for (const std::string& model : answers.models) {
    if (model == "police_only") continue;  // always there, as the reference
    if (std::find(valid.begin(), valid.end(), model) == valid.end()) {
      problems.push_back({"", 0, 0, "--models",
                          "init cannot write model '" + model + "'" + io::did_you_mean(model, valid) + "; it writes " +
                              join(valid, ", ") + " (police_only is always there)"});
    }
  }
  for (const std::string& model : valid) {
    if (std::find(answers.models.begin(), answers.models.end(), model) != answers.models.end()) ordered.push_back(model);
  }
  if (!problems.empty()) throw InputError(std::move(problems));
  answers.models = ordered;
}

std::string init_scenario_yaml(const InitAnswers& answers) {
  std::vector<std::string> zones;
  std::string text = header(answers);
  text += city(answers, zones);
  text += kResidentsAndCrises;
  text += background(answers);
  text += patrol(answers);
  if (has(answers, "civilian_team")) text += van(answers);
  if (has(answers, "mobile_crisis")) text += mobile_team(answers);
  if (has(answers, "crisis_line")) text += line_clinician(answers);
  text += facilities_and_costs(answers, zones);
  text += models_and_variants(answers);
  return text;
}

}  // namespace crisis::cli
