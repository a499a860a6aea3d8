#pragma once
/// \file
/// The scenario that `crisis-sim init` writes: a whole, commented, valid scenario for a US city
/// from a few answers (population, zones, response models, the teams' hours), in the style of
/// the Crisis Now calculator: demand follows from the population. Every number cites
/// shared/evidence.md (as "ev §N") or a shipped scenario it is scaled from, or is marked
/// ASSUMPTION. The variants (police only, each model alone, all together) are ready to compare.

#include <string>
#include <vector>

namespace crisis::cli {

/// The answers init asks for.
struct InitAnswers {
  std::string name = "my_city";
  double population = 0.0;  ///< residents, 1,000 to 20,000,000
  int zones = 1;            ///< 1 (one zone for the whole city) to 64, laid out on a grid
  /// Response models beside police_only, in this order of the variants: any of cit,
  /// civilian_team, mobile_crisis, crisis_line.
  std::vector<std::string> models;
  int team_start_hour = 0;  ///< when the civilian vans and mobile teams start (0-23)
  int team_hours = 24;      ///< how long they are on duty each day (1-24)
};

/// The models init can write, in the order their variants appear.
const std::vector<std::string>& init_model_names();

/// Parse `--hours`: "24/7" or "24" (around the clock) or "START-END" in whole hours ("8-20",
/// "18-2" across midnight). Throws InputError naming `--hours`.
void parse_team_hours(const std::string& text, InitAnswers& answers);

/// Check `answers` (InputError with the flag for each bad one), sorted models, no duplicates.
void check_init_answers(InitAnswers& answers);

/// The scenario's YAML text.
std::string init_scenario_yaml(const InitAnswers& answers);

}  // namespace crisis::cli
