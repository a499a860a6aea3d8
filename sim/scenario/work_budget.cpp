#include "scenario/scenario_parts.hpp"

// The work budget (issue #13): a valid scenario must end in reasonable time and memory. The
// estimates are deliberately simple (an order of magnitude, from the scenario alone), and each
// problem names the key that drives it, so the user knows what to lower, or raises
// run.work_budget. Limits and their reasons: engine/limits.hpp; docs/guarantees.md#work-budget.

#include <iomanip>
#include <sstream>

#include "engine/limits.hpp"

namespace crisis::io::detail {
namespace {

// `value` with `digits` significant digits ("1.2e+10", "380").
std::string rounded(double value, int digits) {
  std::ostringstream text;
  text << std::setprecision(digits) << value;
  return text.str();
}

std::string gib(double bytes) {
  std::ostringstream text;
  text << std::fixed << std::setprecision(1) << bytes / (1024.0 * 1024.0 * 1024.0) << " GiB";
  return text.str();
}

const char* const kRaise = "; lower it, or raise run.work_budget (docs/guarantees.md#work-budget)";

}  // namespace

void check_work_budget(YamlReader& reader, const world::Scenario& s, std::size_t variants) {
  const double budget = s.run.work_budget;
  double needs_weighted = 0.0;  // residents, weighted by their zone's prevalence
  for (const auto& zone : s.zones) needs_weighted += zone.population * zone.prevalence;
  const double agents = needs_weighted * s.residents.share_with_needs;
  const double crisis_per_day = agents * s.residents.crises_per_year / 365.0;
  const double background_per_day = s.background.calls_per_day;
  const double days = s.run.warmup_days + s.run.horizon_days;
  const double calls_per_replication = days * (crisis_per_day + background_per_day);
  const std::string calls_key = crisis_per_day >= background_per_day ? "residents.crises_per_year" : "background.calls_per_day";

  const double events_per_replication = calls_per_replication * engine::kEventsPerCall;
  const double events = events_per_replication * static_cast<double>(s.run.replications);
  const double event_budget = engine::kWorkBudgetEvents * budget;
  if (events > event_budget) {
    // Replications multiply what one replication does: blame them when one alone fits.
    const std::string key = events_per_replication <= event_budget ? "run.replications" : calls_key;
    reader.problem_at(YAML::Mark::null_mark(), key,
                      "the run would simulate about " + rounded(events, 2) + " events (" + std::to_string(s.run.replications) +
                          " replications x " + rounded(days, 6) + " days x " + rounded(crisis_per_day + background_per_day, 3) +
                          " calls a day), beyond the work budget of " + rounded(event_budget, 2) + " events" + kRaise);
  }

  // Memory: one travel matrix per world (the base and each variant, as compare holds them
  // all), plus one replication's agents and calls, all open at once in the worst case.
  const double zones = static_cast<double>(s.zones.size());
  const double matrix_bytes = zones * zones * sizeof(double) * (1.0 + static_cast<double>(variants));
  const double agent_bytes = agents * engine::kBytesPerAgent;
  const double call_bytes = calls_per_replication * engine::kBytesPerOpenCall;
  const double bytes = matrix_bytes + agent_bytes + call_bytes;
  const double byte_budget = engine::kWorkBudgetBytes * budget;
  if (bytes > byte_budget) {
    std::string key = "city.zones";
    std::string driver = "a travel matrix of " + std::to_string(s.zones.size()) + " x " + std::to_string(s.zones.size()) +
                         " zones for " + std::to_string(1 + variants) + " world(s)";
    if (agent_bytes >= matrix_bytes && agent_bytes >= call_bytes) {
      key = "residents.share_with_needs";
      driver = rounded(agents, 3) + " resident agents";
    } else if (call_bytes >= matrix_bytes) {
      key = calls_key;
      driver = rounded(calls_per_replication, 3) + " calls in one replication, which an overloaded system holds open at once";
    }
    reader.problem_at(YAML::Mark::null_mark(), key,
                      "the run would need about " + gib(bytes) + " of memory (" + driver + "), beyond the work budget of " +
                          gib(byte_budget) + kRaise);
  }
}

}  // namespace crisis::io::detail
