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
constexpr double kHourTolerance = 0.10;        // total variation over the 168 hours of the week, beyond sampling
constexpr double kDispositionTolerance = 0.05; // total variation over the dispositions, beyond sampling
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
  if (volume) {
    // Measured directly: the held-out period's rate against the fit period's.
    const Estimate& fitted = r.fit.crisis_arrivals.per_day;
    const Estimate& held_out = r.observed_per_day;
    const bool apart = held_out.low > fitted.high || fitted.low > held_out.high;
    if (!q.volume.is_break && apart && fitted.value > 0 && std::abs(held_out.value / fitted.value - 1.0) > kVolumeTolerance) {
      out.push_back(fmt::format("the held-out period had {:.2f} crisis calls a day against {:.2f} in the fit period (a trend or a "
                                "change the change-point test did not isolate)",
                                held_out.value, fitted.value));
    }
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

/// The total variation distance that `n` draws from `shares` show against the shares
/// themselves by chance alone: ½ Σ E|p̂ − p| ≈ ½ Σ √(2 p (1 − p) / (π n)) (normal
/// approximation). Hour-of-week cells are many and thin: 800 calls over 168 hours differ from
/// their own rates by about 0.18 with no model error at all.
double sampling_total_variation(double n, const std::vector<double>& shares) {
  if (!(n > 0)) return 0.0;
  double sum = 0.0;
  for (const double p : shares) {
    if (std::isfinite(p) && p > 0) sum += std::sqrt(2.0 * p * (1.0 - p) / (3.141592653589793 * n));
  }
  return sum / 2.0;
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
  const auto categorical = [&](const char* name, const CategoricalComparison& c, double tolerance, bool hours, bool codes) {
    BacktestVerdict v;
    v.quantity = name;
    double n = 0;
    for (const double x : c.observed) n += x;
    v.observed = fmt::format("{:.0f} calls", n);
    v.simulated = "shares pooled over the replications";
    const double noise = sampling_total_variation(n, c.simulated_share);
    v.distance = fmt::format("total variation {:.3f} ({:.3f} expected from sampling alone)", c.total_variation, noise);
    v.within = !(c.total_variation - noise > tolerance);
    v.sentence = sentence(v.within, fmt::format("total variation beyond sampling at most {:.2f}", tolerance),
                          causes(r, false, hours, codes, false));
    out.push_back(v);
  };
  categorical("hour of week", r.hour_of_week, kHourTolerance, true, false);
  if (r.dispositions.not_compared.empty()) categorical("dispositions", r.dispositions, kDispositionTolerance, false, true);
  return out;
}

}  // namespace crisis::io::cad
