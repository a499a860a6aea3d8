#include "experiments/sizing/erlang_bounds.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "engine/queueing.hpp"
#include "experiments/sizing/sizing_calendar.hpp"

namespace crisis::io::detail {

using world::Roster;

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

}  // namespace

ErlangPrediction ErlangGuide::predict(std::size_t t, const std::vector<int>& units) const {
  const SizedUnitType& type = result_.types[t];
  const Roster roster = result_.roster(t, units);
  ErlangPrediction prediction;
  double weight = 0.0, waiting = 0.0, wait = 0.0, lost = 0.0;
  for (const OfferedLoadBlock& block : type.blocks) {
    if (!block.sized) continue;
    const int servers = roster[static_cast<std::size_t>(block.start_hour_of_week)];
    const double calls = block.calls_per_hour * block.hours;
    const engine::ErlangC queue = engine::erlang_c(block.offered_erlangs, servers);
    if (block.offered_erlangs > 0.0) {
      prediction.peak_occupancy =
          std::max(prediction.peak_occupancy, servers > 0 ? block.offered_erlangs / servers : kInf);
    }
    weight += calls;
    waiting += calls * queue.probability_of_wait;
    wait += calls > 0.0 ? calls * queue.mean_wait_in_services * block.mean_busy_min : 0.0;
    lost += calls * engine::erlang_b(block.offered_erlangs, servers);
  }
  if (weight > 0.0) {
    prediction.probability_of_wait = waiting / weight;
    prediction.mean_wait_min = wait / weight;
    prediction.lost_share = lost / weight;
  }
  return prediction;
}

double ErlangGuide::delay_index(std::size_t t, const std::vector<int>& units) const {
  const SizedUnitType& type = result_.types[t];
  const Roster roster = result_.roster(t, units);
  double index = 0.0;
  for (const OfferedLoadBlock& block : type.blocks) {
    if (!block.sized || block.offered_erlangs <= 0.0) continue;
    const int servers = roster[static_cast<std::size_t>(block.start_hour_of_week)];
    const double calls = block.calls_per_hour * block.hours;
    if (type.overflow) {
      index += calls * engine::erlang_b(block.offered_erlangs, servers) * std::max(1.0, type.wait_limit_min);
    } else {
      const engine::ErlangC queue = engine::erlang_c(block.offered_erlangs, servers);
      if (!queue.stable) return kInf;
      index += calls * queue.mean_wait_in_services * block.mean_busy_min;
    }
  }
  return index;
}

bool ErlangGuide::stable(const std::vector<int>& units) const {
  for (std::size_t t = 0; t < result_.types.size(); ++t) {
    if (!result_.types[t].overflow && !std::isfinite(delay_index(t, units))) return false;
  }
  return true;
}

std::string ErlangGuide::unstable_note() const {
  return "Erlang C: offered load at or above the units on duty in some block (utilisation >= 1)";
}

// Several shifts can cover one block, hence a covering problem rather than c = floor(A) + 1.
std::vector<int> erlang_lower_bound(const SizingResult& result, const std::vector<double>& unit_cost,
                                    std::string& message) {
  std::vector<int> units;
  for (const SizingVariable& v : result.spec.variables) units.push_back(v.min);
  for (std::size_t t = 0; t < result.types.size(); ++t) {
    const SizedUnitType& type = result.types[t];
    auto deficits = [&](const std::vector<int>& mix) {
      const Roster roster = result.roster(t, mix);
      std::vector<int> deficit;
      for (const OfferedLoadBlock& block : type.blocks) {
        deficit.push_back(
            std::max(0, block.lower_bound_units - roster[static_cast<std::size_t>(block.start_hour_of_week)]));
      }
      return deficit;
    };
    for (;;) {
      const std::vector<int> deficit = deficits(units);
      if (std::all_of(deficit.begin(), deficit.end(), [](int d) { return d == 0; })) break;
      double best_score = 0.0;
      std::size_t best = result.spec.variables.size();
      for (std::size_t v : type.variables) {
        if (units[v] >= result.spec.variables[v].max) continue;
        double covered = 0.0;
        for (std::size_t b = 0; b < type.blocks.size(); ++b) {
          const int per_unit = result.coverage[v][static_cast<std::size_t>(type.blocks[b].start_hour_of_week)];
          covered += std::min(deficit[b], per_unit) * type.blocks[b].hours;
        }
        const double score = covered / std::max(unit_cost[v], 1e-9);
        if (covered > 0.0 && score > best_score) {
          best_score = score;
          best = v;
        }
      }
      if (best == result.spec.variables.size()) {
        // No variable can close a deficit: even the ranges' maxima leave c <= A somewhere.
        for (std::size_t b = 0; b < type.blocks.size(); ++b) {
          if (deficit[b] == 0) continue;
          const OfferedLoadBlock& block = type.blocks[b];
          std::vector<int> maxima;
          for (const SizingVariable& v : result.spec.variables) maxima.push_back(v.max);
          message = fmt::format(
              "no feasible mix within the ranges: {}'s offered load is {:.2f} Erlangs in {} +{} h (pilot at the "
              "ranges' "
              "maxima), and the ranges allow at most {} units on duty there; with c <= A the queue grows without bound",
              type.name, block.offered_erlangs, hour_of_week_label(block.start_hour_of_week), block.hours,
              result.roster(t, maxima)[static_cast<std::size_t>(block.start_hour_of_week)]);
          break;
        }
        return {};
      }
      units[best] += 1;
    }
    // Trim: drop units, dearest first, while every block still has c > A.
    std::vector<std::size_t> order = type.variables;
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return unit_cost[a] > unit_cost[b]; });
    for (std::size_t v : order) {
      while (units[v] > result.spec.variables[v].min) {
        units[v] -= 1;
        const std::vector<int> deficit = deficits(units);
        if (std::any_of(deficit.begin(), deficit.end(), [](int d) { return d > 0; })) {
          units[v] += 1;
          break;
        }
      }
    }
  }
  return units;
}

/// The search (docs/sizing.md, "Method"):
/// 1. ladders: per type, from its lower bound, add one unit at a time where Erlang's
///    delay falls most per cost, up to the ranges' maxima;
/// 2. climb: from the lower bounds, step up the ladder of the type whose step cuts the
///    targets' shortfall most per cost (steps grow by a secant estimate);

}  // namespace crisis::io::detail
