// fit_report.md: the data, every fit with its parameters, intervals and goodness of fit, the
// zones, and what the scenario took from the data and from the base (docs/cad-fit.md).
#include <array>
#include <cmath>
#include <filesystem>

#include <fmt/format.h>

#include "fit/cad_fit.hpp"

namespace crisis::io::cad {
namespace {

std::string interval_text(const Estimate& e, int decimals) {
  if (!std::isfinite(e.value)) return "-";
  return fmt::format("{:.{}f} [{:.{}f}, {:.{}f}]", e.value, decimals, e.low, decimals, e.high, decimals);
}

void share_table(std::string& out, const std::vector<ShareRow>& rows) {
  out.append("| | calls | share (Wilson 95%) |\n| --- | ---: | --- |\n");
  for (const auto& row : rows) out.append(fmt::format("| {} | {} | {} |\n", row.label, row.count, interval_text(row.share, 3)));
}

/// Rows read, used and rejected, the window, and the reasons.
void data_section(std::string& out, const FitResult& fit) {
  const ImportSummary& s = fit.summary;
  out.append("## Data\n\n| | |\n| --- | ---: |\n");
  out.append(fmt::format("| rows read | {} |\n| rows used | {} |\n| rows rejected | {} |\n| rows outside the period | {} |\n",
                         s.rows_read, s.rows_used, s.rows_rejected, s.rows_outside_period));
  const std::size_t gaps = fit.coverage.gap_days().size();
  out.append(fmt::format("| fitted window | {} to {} ({:.1f} days{}) |\n", fit_date_text(fit.window_start),
                         fit_date_text(fit.window_end - 1.0), fit.days,
                         gaps > 0 ? fmt::format(" covered; {} without rows left out", gaps) : std::string()));
  for (std::size_t c = 0; c < kCategoryCount; ++c) {
    out.append(fmt::format("| {} calls in the window | {} |\n", kCategoryNames[c], fit.arrivals[c].calls));
  }
  if (!s.rejected_by_reason.empty()) {
    out.append("\nRejected rows by reason (each is in rejects.csv):\n\n");
    for (const auto& [reason, count] : s.rejected_by_reason) out.append(fmt::format("- {}: {}\n", reason, count));
  }
  if (!s.stages_emptied.empty()) {
    out.append("\nTime stamps emptied in used rows (the stage is left out of the duration fits):\n\n");
    for (const auto& [note, count] : s.stages_emptied) out.append(fmt::format("- {}: {}\n", note, count));
  }
}

/// Calls per day by category, and the busiest and quietest hours.
void arrivals_section(std::string& out, const FitResult& fit) {
  out.append("\n## Arrivals\n\nCalls per day over the window, with exact Poisson 95% intervals. The hour-of-week rates "
             "(calls in that hour per week, each with its interval) are in `fit.json` under `arrivals`.\n\n"
             "| category | calls | per day |\n| --- | ---: | --- |\n");
  for (std::size_t c = 0; c < kCategoryCount; ++c) {
    out.append(fmt::format("| {} | {} | {} |\n", kCategoryNames[c], fit.arrivals[c].calls, interval_text(fit.arrivals[c].per_day, 2)));
  }
  out.append(fmt::format("| crisis (behavioural health + welfare) | {} | {} |\n", fit.crisis_arrivals.calls,
                         interval_text(fit.crisis_arrivals.per_day, 2)));
  // The busiest and quietest hours of the week for crisis calls.
  if (fit.crisis_arrivals.calls > 0) {
    std::size_t busiest = 0;
    std::size_t quietest = 0;
    for (std::size_t h = 1; h < world::kHoursPerWeek; ++h) {
      if (fit.crisis_arrivals.per_week[h].value > fit.crisis_arrivals.per_week[busiest].value) busiest = h;
      if (fit.crisis_arrivals.per_week[h].value < fit.crisis_arrivals.per_week[quietest].value) quietest = h;
    }
    static constexpr std::array<const char*, 7> kDays = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
    out.append(fmt::format("\nCrisis calls per week: busiest hour {} {:02}:00 at {}; quietest {} {:02}:00 at {}.\n",
                           kDays[busiest / 24], busiest % 24, interval_text(fit.crisis_arrivals.per_week[busiest], 2),
                           kDays[quietest / 24], quietest % 24, interval_text(fit.crisis_arrivals.per_week[quietest], 2)));
  }
}

/// Every duration fit: both families, AIC and KS.
void durations_section(std::string& out, const FitResult& fit) {
  out.append("\n## Durations\n\nMaximum-likelihood lognormal and gamma fits, in minutes; the lower AIC is chosen (bold). "
             "KS is the one-sample Kolmogorov-Smirnov distance to the fitted CDF; its p-value treats the parameters as "
             "known, while they were estimated from the same data, so it is too large (Lilliefors): read it as an upper "
             "bound. With hundreds of values, small departures from either family give small p-values. Values of 0 "
             "(below the export's one-minute resolution) are fitted as 0.5 min; values above "
             + fmt::format("{:.0f}", fit.options.max_duration_min) + " min are left out. Groups with fewer than "
             + std::to_string(fit.options.min_observations) + " values are not fitted.\n\n");
  out.append("| stage | group | n | mean (t 95%) | median | p90 | lognormal mu, sigma | AIC | KS D (p) | gamma shape (95%), scale | AIC | KS D (p) |\n"
             "| --- | --- | ---: | --- | ---: | ---: | --- | ---: | --- | --- | ---: | --- |\n");
  for (const auto& d : fit.durations) {
    const bool gamma_best = &d.best() == &d.gamma;
    auto bold = [](bool on, const std::string& text) { return on ? "**" + text + "**" : text; };
    out.append(fmt::format(
        "| {} | {} | {} | {} | {:.1f} | {:.1f} | {} | {:.1f} | {:.3f} ({:.2g}) | {} | {:.1f} | {:.3f} ({:.2g}) |\n",
        kStageNames[static_cast<std::size_t>(d.stage)], d.group, d.n, interval_text(d.sample_mean, 1), d.sample_median,
        d.sample_p90, bold(!gamma_best, fmt::format("{:.3f}, {:.3f}", d.lognormal.parameter_1, d.lognormal.parameter_2)),
        d.lognormal.aic, d.lognormal.ks_distance, d.lognormal.ks_p_value,
        bold(gamma_best, fmt::format("{:.3f} [{:.3f}, {:.3f}], {:.2f}", d.gamma.parameter_1, d.gamma.parameter_1_interval.low,
                                     d.gamma.parameter_1_interval.high, d.gamma.parameter_2)),
        d.gamma.aic, d.gamma.ks_distance, d.gamma.ks_p_value));
  }
  if (fit.durations.empty()) out.append("| - | no stage had enough time-stamped calls | | | | | | | | | | |\n");
}

/// Crisis types, dispositions, priorities and concurrency.
void shares_section(std::string& out, const FitResult& fit) {
  out.append("\n## Crisis-type mix\n\n");
  if (fit.crisis_types.empty()) {
    out.append("No crisis types in the data (the mapping gave none): the base's mix is kept.\n");
  } else {
    share_table(out, fit.crisis_types);
  }
  out.append("\n## Dispositions\n\nMapped dispositions (the schema's disposition map), by category.\n");
  for (std::size_t c = 0; c < kCategoryCount; ++c) {
    if (fit.dispositions[c].empty()) continue;
    out.append(fmt::format("\n### {}\n\n", kCategoryNames[c]));
    share_table(out, fit.dispositions[c]);
  }
  for (const auto& [type, rows] : fit.crisis_dispositions_by_type) {
    out.append(fmt::format("\n### crisis calls of type {}\n\n", world::kCrisisTypeNames[static_cast<std::size_t>(type)]));
    share_table(out, rows);
  }
  if (!fit.background_priorities.empty()) {
    out.append("\n## Priorities of other police calls\n\n");
    share_table(out, fit.background_priorities);
  }
  out.append("\n## Concurrency\n\n");
  out.append(fmt::format("Crisis calls open at once (dispatched -> closed): {} calls with both stamps, mean {:.2f} open.\n",
                         fit.crisis_concurrency.calls, fit.crisis_concurrency.mean_busy));
  out.append(fmt::format("All calls: {} with both stamps, mean {:.2f} open.\n", fit.all_concurrency.calls, fit.all_concurrency.mean_busy));
}

/// The zone rule, and the areas with their fitted population share and prevalence.
void zones_section(std::string& out, const FitResult& fit, const ScenarioFit& scenario) {
  out.append("\n## Zones\n\n");
  {
    const AreaZones& a = fit.areas;
    out.append(fmt::format("Rule: the export's areas become the zones when {} to {} areas with at least {} calls each hold at least "
                           "{:.0f}% of the fitted calls; empty and placeholder areas (e.g. \"Unknown\") never count.\n\n",
                           kMinAreaZones, kMaxAreaZones, kMinAreaCalls, 100.0 * kMinAreaCoverage));
    for (const auto& note : scenario.zone_notes) out.append(note + "\n");
    out.append(fmt::format("\nArea column `{}`: {} distinct areas, {} of {} calls with an empty or placeholder area.\n",
                           a.area_column.empty() ? "-" : a.area_column, a.distinct_areas, a.empty_area_calls, a.calls));
    if (!a.zones.empty()) {
      const bool used = a.used && std::isfinite(scenario.zone_prevalence_scale);
      out.append(used ? fmt::format("Population share and prevalence are ASSUMPTIONS fitted from the calls (the export has no population): "
                                    "prevalence = the base's mean {:.3f} x the area's share of crisis calls / its share of all calls, "
                                    "clamped to x[{}, {}]. {} calls ({}) in empty or rare areas are spread by these shares.\n\n",
                                    scenario.zone_prevalence_scale, kMinRelativePrevalence, kMaxRelativePrevalence,
                                    a.calls - a.calls_in_zones, fmt::format("{:.1f}%", a.calls > 0 ? 100.0 * static_cast<double>(a.calls - a.calls_in_zones) / static_cast<double>(a.calls) : 0.0))
                      : std::string("\nAreas with enough calls (not used as zones):\n\n"));
      out.append("| zone | area | calls | crisis calls | population share | crisis share | prevalence | simulated crisis share |\n"
                 "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |\n");
      for (std::size_t i = 0; i < a.zones.size(); ++i) {
        const AreaZone& z = a.zones[i];
        const std::string prevalence = used ? fmt::format("{:.4g}{}", scenario.zone_prevalence_scale * z.relative_prevalence, z.clamped ? " (clamped)" : "")
                                            : std::string("-");
        const std::string simulated = used && i < scenario.simulated_crisis_share_by_zone.size() && std::isfinite(scenario.simulated_crisis_share_by_zone[i])
                                          ? fmt::format("{:.3f}", scenario.simulated_crisis_share_by_zone[i])
                                          : std::string("-");
        out.append(fmt::format("| {} | {} | {} | {} | {:.3f} | {} | {} | {} |\n", used ? z.zone : "-", z.area, z.calls, z.crisis_calls,
                               z.population_share, std::isfinite(z.crisis_share) ? fmt::format("{:.3f}", z.crisis_share) : "-",
                               prevalence, simulated));
      }
    }
  }
}

/// The calibration checks, and what was fitted and what kept from the base.
void scenario_section(std::string& out, const ScenarioFit& scenario) {
  out.append("\n## The scenario\n\n");
  out.append(fmt::format("Responding unit type: `{}`. Calibration: {} round(s) of runs.\n\n", scenario.responding_unit_type,
                         scenario.calibration_rounds));
  if (std::isfinite(scenario.disposition_coverage) && scenario.disposition_coverage < kMinDispositionCoverage) {
    out.append(fmt::format("Outcome rows are kept from the base: only {:.1f}% of the crisis calls have a mapped disposition "
                           "(at least {:.0f}% are needed, or the mapped codes would bias the row).\n\n",
                           100.0 * scenario.disposition_coverage, 100.0 * kMinDispositionCoverage));
  }
  out.append("| check | fitted | simulated |\n| --- | ---: | ---: |\n");
  out.append(fmt::format("| crisis calls a day | {:.2f} | {:.2f} (95% [{:.2f}, {:.2f}], {} replications of {:.0f} days; tolerance ±{:.0f}%) |\n",
                         scenario.target_crisis_per_day, scenario.simulated_crisis_per_day, scenario.simulated_crisis_interval.low,
                         scenario.simulated_crisis_interval.high, scenario.verification_replications, scenario.calibration_days,
                         100.0 * kCalibrationTolerance));
  if (std::isfinite(scenario.target_background_per_day)) {
    out.append(fmt::format("| background calls a day | {:.1f} | {:.1f} |\n", scenario.target_background_per_day,
                           scenario.simulated_background_per_day));
  }
  if (std::isfinite(scenario.observed_travel_mean)) {
    out.append(fmt::format("| mean travel of `{}` (min) | {:.1f} | {:.1f} |\n", scenario.responding_unit_type,
                           scenario.observed_travel_mean, scenario.simulated_travel_mean));
  }
  out.append("\n### Fitted or calibrated from the data\n\n");
  for (const auto& line : scenario.fitted) out.append("- `" + line.substr(0, line.find(':')) + "`:" + line.substr(line.find(':') + 1) + "\n");
  out.append("\n### From the base scenario\n\n");
  for (const auto& key : scenario.from_base) out.append("- `" + key.substr(0, key.find(' ')) + "`" + (key.find(' ') == std::string::npos ? "" : key.substr(key.find(' '))) + "\n");
}

}  // namespace

std::string fit_report_markdown(const FitResult& fit, const ScenarioFit& scenario) {
  const ImportSummary& s = fit.summary;
  std::string out;
  out.append("# Fit report\n\n");
  out.append(fmt::format("Input `{}`, schema `{}`, mapping `{}`. Only counts, aggregates and fitted parameters appear here.\n\n",
                         std::filesystem::path(s.input_path).filename().string(), s.schema_name,
                         s.mapping_name.empty() ? "default" : s.mapping_name));
  data_section(out, fit);
  out.append(data_quality_markdown(fit.quality));
  arrivals_section(out, fit);
  durations_section(out, fit);
  shares_section(out, fit);
  zones_section(out, fit, scenario);
  scenario_section(out, scenario);
  return out;
}

}  // namespace crisis::io::cad
