// The backtest's verdict (issue #15; docs/cad-fit.md, "Backtest"): for each compared quantity,
// within tolerance or the likely cause among those the data-quality pass found.
#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "fit/cad_backtest.hpp"

namespace crisis::io::cad {
namespace {

constexpr double kVolumeTolerance = 0.10;      // relative difference of calls a day
constexpr double kTimingTolerance = 0.15;      // two-sample KS distance
constexpr double kHourTolerance = 0.15;        // total variation over the 168 hours of the week
constexpr double kDispositionTolerance = 0.08; // total variation over the dispositions
constexpr double kBusyRatio = 1.25;            // held-out calls open at once against the fit period's

std::string interval_text(const Estimate& e, int decimals) {
  if (!std::isfinite(e.value)) return "-";
  return fmt::format("{:.{}f} [{:.{}f}, {:.{}f}]", e.value, decimals, e.low, decimals, e.high, decimals);
}

/// The causes the data-quality pass found that bear on `what`, as one clause each.
std::vector<std::string> causes(const BacktestResult& r, bool volume, bool hours, bool codes, bool staffing) {
  std::vector<std::string> out;
  const DataQuality& q = r.quality;
  if (volume && q.volume.is_break) {
    out.push_back(fmt::format("the volume changed on {} ({:.2f} -> {:.2f} calls a day, all rows)", fit_date_text(q.volume.date),
                              q.volume.rate_before, q.volume.rate_after));
  }
  if (hours && q.hours.is_shift) {
    out.push_back(fmt::format("the hours of the day shifted (total variation {:.2f} before and from {})", q.hours.total_variation,
                              fit_date_text(q.hours.halves_split)));
  }
  if (codes) {
    for (const auto& code : q.codes) {
      if (code.column != "disposition" || !(code.new_late || code.grew || (!code.mapped && code.share >= 0.01))) continue;
      out.push_back(fmt::format("disposition \"{}\" {} ({} of the later calls){}", code.code,
                                code.new_late ? "appeared late" : code.grew ? "grew" : "is unmapped", fmt::format("{:.1f}%", 100.0 * code.share_second),
                                code.mapped ? "" : ", unmapped"));
      if (out.size() >= 3) break;
    }
  }
  if (staffing && std::isfinite(r.heldout_mean_busy) && std::isfinite(r.fit.crisis_concurrency.mean_busy) &&
      r.heldout_mean_busy > kBusyRatio * r.fit.crisis_concurrency.mean_busy) {
    out.push_back(fmt::format("the held-out period kept {:.2f} crisis calls open at once on average against {:.2f} in the fit "
                              "period: staffing beyond the fitted roster",
                              r.heldout_mean_busy, r.fit.crisis_concurrency.mean_busy));
  }
  return out;
}

std::string sentence(bool within, const std::string& tolerance, const std::vector<std::string>& found) {
  if (within) return "within tolerance (" + tolerance + ")";
  if (found.empty()) {
    return "outside tolerance (" + tolerance + ") and the data-quality pass found no change to explain it: the model misses it";
  }
  std::string out = "outside tolerance (" + tolerance + "); likely cause: " + found.front();
  for (std::size_t i = 1; i < found.size(); ++i) out += "; also " + found[i];
  return out;
}

}  // namespace

std::vector<BacktestVerdict> backtest_verdicts(const BacktestResult& r) {
  std::vector<BacktestVerdict> out;
  const auto volume = [&](const char* name, const Estimate& observed, const Estimate& simulated, int decimals) {
    BacktestVerdict v;
    v.quantity = name;
    v.observed = interval_text(observed, decimals);
    v.simulated = interval_text(simulated, decimals);
    const double relative = observed.value > 0 ? simulated.value / observed.value - 1.0 : kNoValue;
    v.distance = std::isfinite(relative) ? fmt::format("{:+.1f}%", 100.0 * relative) : "-";
    const bool overlap = simulated.low <= observed.high && observed.low <= simulated.high;
    v.within = overlap || (std::isfinite(relative) && std::abs(relative) <= kVolumeTolerance);
    v.sentence = sentence(v.within, fmt::format("intervals overlap or within {:.0f}%", 100.0 * kVolumeTolerance),
                          causes(r, true, false, false, false));
    out.push_back(v);
  };
  volume("crisis calls a day", r.observed_per_day, r.simulated_per_day, 2);
  if (r.heldout_background_calls > 0) {
    volume("other police calls a day", r.observed_background_per_day, r.simulated_background_per_day, 1);
  }
  for (const auto& t : r.timings) {
    BacktestVerdict v;
    v.quantity = std::string(kStageNames[static_cast<std::size_t>(t.stage)]) + "_min median";
    v.observed = fmt::format("{:.1f} (n {})", t.observed_quantiles[2], t.observed_n);
    v.simulated = fmt::format("{:.1f} (n {})", t.simulated_quantiles[2], t.simulated_n);
    v.distance = fmt::format("KS D {:.3f}", t.ks_distance);
    v.within = !(t.ks_distance > kTimingTolerance);
    v.sentence = sentence(v.within, fmt::format("KS D at most {:.2f}", kTimingTolerance), causes(r, true, true, false, true));
    out.push_back(v);
  }
  {
    BacktestVerdict v;
    v.quantity = "hour of week";
    v.observed = fmt::format("{} calls", r.heldout_calls);
    v.simulated = "shares pooled over the replications";
    v.distance = fmt::format("total variation {:.3f}", r.hour_of_week.total_variation);
    v.within = !(r.hour_of_week.total_variation > kHourTolerance);
    v.sentence = sentence(v.within, fmt::format("total variation at most {:.2f}", kHourTolerance), causes(r, false, true, false, false));
    out.push_back(v);
  }
  if (r.dispositions.not_compared.empty()) {
    BacktestVerdict v;
    v.quantity = "dispositions";
    double n = 0;
    for (const double c : r.dispositions.observed) n += c;
    v.observed = fmt::format("{:.0f} mapped", n);
    v.simulated = "shares pooled over the replications";
    v.distance = fmt::format("total variation {:.3f}", r.dispositions.total_variation);
    v.within = !(r.dispositions.total_variation > kDispositionTolerance);
    v.sentence = sentence(v.within, fmt::format("total variation at most {:.2f}", kDispositionTolerance), causes(r, false, false, true, false));
    out.push_back(v);
  }
  return out;
}

}  // namespace crisis::io::cad
