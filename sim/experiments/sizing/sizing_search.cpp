#include "experiments/sizing/sizing_search.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

namespace crisis::io {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

}  // namespace

SizingSearch::SizingSearch(SearchProblem problem, const SearchGuide& guide, Evaluator& evaluator, Observer observer)
    : problem_(std::move(problem)), guide_(guide), evaluator_(evaluator), observer_(std::move(observer)) {}

/// A target is met when its 95% bound (upper for <=, lower for >=) satisfies it; the
/// shortfall sums each missed target's relative miss, 1 for a bound that is not finite.
SizingCandidate SizingSearch::judge(std::vector<int> units, const std::string& phase,
                                    const Evaluation& evaluation) const {
  SizingCandidate candidate;
  candidate.id = static_cast<int>(candidates_.size());
  candidate.phase = phase;
  candidate.units = std::move(units);
  candidate.staff_cost_annual = evaluation.staff_cost_annual;
  if (evaluation.runnable) candidate.objective = evaluation.objective;
  candidate.feasible = candidate.runnable = evaluation.runnable;
  for (std::size_t j = 0; j < problem_.targets.size(); ++j) {
    const SizingTarget& target = problem_.targets[j];
    TargetValue value;
    if (evaluation.runnable) value.summary = evaluation.targets[j];
    value.confident_value = target.at_most ? value.summary.high : value.summary.low;
    value.met = std::isfinite(value.confident_value) &&
                (target.at_most ? value.confident_value <= target.bound : value.confident_value >= target.bound);
    const double scale = std::fabs(target.bound) > 0.0 ? std::fabs(target.bound) : 1.0;
    if (!std::isfinite(value.confident_value)) {
      candidate.shortfall += 1.0;
    } else if (!value.met) {
      candidate.shortfall += std::fabs(value.confident_value - target.bound) / scale;
    }
    candidate.feasible = candidate.feasible && value.met;
    candidate.targets.push_back(value);
  }
  if (!candidate.runnable) candidate.shortfall = kInf;
  // Only a recorded pilot can be such a mix: evaluate() does not evaluate them.
  if (candidate.runnable && !guide_.stable(candidate.units)) {
    candidate.feasible = false;
    candidate.note = guide_.unstable_note();
  }
  if (!evaluation.note.empty()) candidate.note = evaluation.note;
  return candidate;
}

std::size_t SizingSearch::add(SizingCandidate candidate) {
  const std::size_t index = candidates_.size();
  evaluated_[candidate.units] = index;
  candidates_.push_back(std::move(candidate));
  if (observer_) observer_(candidates_.back(), evaluations_);
  return index;
}

const SizingCandidate& SizingSearch::record(std::vector<int> units, const std::string& phase,
                                            const Evaluation& evaluation) {
  evaluations_ += 1;
  return at(add(judge(std::move(units), phase, evaluation)));
}

std::optional<std::size_t> SizingSearch::evaluate(const std::vector<int>& units, const std::string& phase) {
  if (const auto found = evaluated_.find(units); found != evaluated_.end()) return found->second;
  if (!guide_.stable(units)) return std::nullopt;
  if (evaluations_ >= problem_.max_evaluations) {
    budget_spent_ = true;
    return std::nullopt;
  }
  evaluations_ += 1;
  const Evaluation evaluation = evaluator_.evaluate(units);
  return add(judge(units, phase, evaluation));
}

bool SizingSearch::better(const SizingCandidate& a, const SizingCandidate& b) const {
  if (a.objective.mean != b.objective.mean) return a.objective.mean < b.objective.mean;
  if (a.staff_cost_annual != b.staff_cost_annual) return a.staff_cost_annual < b.staff_cost_annual;
  return a.id < b.id;
}

/// The variable of type `t` whose next unit buys the most delay per cost; with no delay left
/// to buy, the cheapest; `min.size()` when every one is at its maximum.
std::size_t SizingSearch::next_unit(std::size_t t, const std::vector<int>& mix) const {
  const std::size_t none = problem_.min.size();
  std::size_t best = none;
  double best_ratio = 0.0;
  std::size_t cheapest = none;
  const double now = guide_.delay_index(t, mix);
  for (std::size_t v : problem_.types[t]) {
    if (mix[v] >= problem_.max[v]) continue;
    std::vector<int> next = mix;
    next[v] += 1;
    const double gain = now - guide_.delay_index(t, next);
    const double ratio = gain / std::max(problem_.unit_cost[v], 1e-9);
    if (gain > 1e-12 && ratio > best_ratio) {
      best_ratio = ratio;
      best = v;
    }
    if (cheapest == none || problem_.unit_cost[v] < problem_.unit_cost[cheapest]) cheapest = v;
  }
  return best != none ? best : cheapest;
}

std::vector<int> SizingSearch::mix_at(const std::vector<std::size_t>& levels) const {
  std::vector<int> mix = lower_bound_;
  for (std::size_t t = 0; t < problem_.types.size(); ++t) {
    for (std::size_t v : problem_.types[t]) mix[v] = ladder_mixes_[t][levels[t]][v];
  }
  return mix;
}

/// 1. Ladders: per type, from the lower bound, add one unit at a time where the guide's
/// delay falls most per cost, up to the ranges' maxima.
void SizingSearch::build_ladders(const std::vector<int>& lower_bound) {
  lower_bound_ = lower_bound;
  ladder_mixes_.assign(problem_.types.size(), {});
  for (std::size_t t = 0; t < problem_.types.size(); ++t) {
    std::vector<int> mix = lower_bound;
    ladder_mixes_[t].push_back(mix);
    for (;;) {
      const std::size_t next = next_unit(t, mix);
      if (next == problem_.min.size()) break;
      mix[next] += 1;
      ladder_mixes_[t].push_back(mix);
    }
  }
}

/// 2. Climb: from the lower bounds, step up the ladder of the type whose step cuts the
/// targets' shortfall most per cost (steps grow by a secant estimate). False when the search
/// must stop (budget spent, or every ladder topped out without a feasible mix).
bool SizingSearch::climb(std::vector<std::size_t>& levels) {
  const std::size_t types = problem_.types.size();
  std::optional<std::size_t> current = evaluate(mix_at(levels), "lower_bound");
  if (!current) return false;
  std::vector<std::size_t> steps(types, 1);
  while (!at(*current).feasible) {
    struct Option {
      std::size_t type;
      std::size_t step;
      std::size_t candidate;
      double ratio;
    };
    std::vector<Option> options;
    for (std::size_t t = 0; t < types; ++t) {
      const std::size_t top = ladder_mixes_[t].size() - 1;
      if (levels[t] >= top) continue;
      const std::size_t step = std::min(steps[t], top - levels[t]);
      std::vector<std::size_t> next = levels;
      next[t] += step;
      const std::optional<std::size_t> candidate = evaluate(mix_at(next), "search");
      if (!candidate) {
        if (budget_spent_) return false;
        continue;
      }
      const SizingCandidate& before = at(*current);
      const SizingCandidate& after = at(*candidate);
      double ratio = -kInf;
      if (after.runnable && !before.runnable) {
        ratio = kInf;
      } else if (after.runnable) {
        ratio =
            (before.shortfall - after.shortfall) / std::max(after.staff_cost_annual - before.staff_cost_annual, 1e-9);
      }
      options.push_back({t, step, *candidate, ratio});
    }
    // A feasible step ends the climb (the cheapest, if several); otherwise the best ratio.
    const Option* chosen = nullptr;
    for (const Option& option : options) {
      if (at(option.candidate).feasible &&
          (chosen == nullptr || at(option.candidate).staff_cost_annual < at(chosen->candidate).staff_cost_annual)) {
        chosen = &option;
      }
    }
    if (chosen == nullptr) {
      for (const Option& option : options) {
        if (option.ratio > 0.0 && (chosen == nullptr || option.ratio > chosen->ratio)) chosen = &option;
      }
    }
    if (chosen == nullptr) {
      // No step helped: look further up every ladder, or stop at the tops.
      bool grew = false;
      for (std::size_t t = 0; t < types; ++t) {
        const std::size_t room = ladder_mixes_[t].size() - 1 - levels[t];
        if (steps[t] < room) {
          steps[t] = std::min(room, steps[t] * 2);
          grew = true;
        }
      }
      if (!grew) return false;
      continue;
    }
    const double gain = at(*current).shortfall - at(chosen->candidate).shortfall;
    levels[chosen->type] += chosen->step;
    current = chosen->candidate;
    if (!at(*current).feasible && std::isfinite(gain) && gain > 0.0) {
      // Secant: as many levels again as the last step's gain per level says are needed.
      const double per_level = gain / static_cast<double>(chosen->step);
      const double needed = std::ceil(at(*current).shortfall / per_level);
      steps[chosen->type] = static_cast<std::size_t>(std::clamp(needed, 1.0, 4.0 * static_cast<double>(chosen->step)));
    }
  }
  return true;
}

/// 3. Trim: per type, bisect down its ladder to the lowest level still feasible (two passes,
/// as lowering one type can let another go lower). False when the budget ran out.
bool SizingSearch::trim(std::vector<std::size_t>& levels) {
  for (int pass = 0; pass < 2; ++pass) {
    bool changed = false;
    for (std::size_t t = 0; t < problem_.types.size(); ++t) {
      long long high = static_cast<long long>(levels[t]);
      long long low = -1;  // highest level known to miss a target
      for (long long level = high - 1; level >= 0; --level) {
        std::vector<std::size_t> probe = levels;
        probe[t] = static_cast<std::size_t>(level);
        const auto found = evaluated_.find(mix_at(probe));
        if (found != evaluated_.end() && !at(found->second).feasible) {
          low = level;
          break;
        }
      }
      while (high - low > 1) {
        const long long middle = low + (high - low) / 2;
        std::vector<std::size_t> probe = levels;
        probe[t] = static_cast<std::size_t>(middle);
        const std::optional<std::size_t> candidate = evaluate(mix_at(probe), "trim");
        if (!candidate && budget_spent_) return false;
        if (candidate && at(*candidate).feasible) {
          high = middle;
        } else {
          low = middle;
        }
      }
      if (static_cast<std::size_t>(high) != levels[t]) {
        levels[t] = static_cast<std::size_t>(high);
        changed = true;
      }
    }
    if (!changed) break;
  }
  return true;
}

/// 4. Refine: try removing single units (least delay added per saving first) and adding the
/// next ladder unit of each type, keeping any feasible mix with a lower objective.
void SizingSearch::refine(std::vector<int> best) {
  for (;;) {
    const std::size_t here = evaluated_.at(best);
    struct Removal {
      std::vector<int> units;
      double damage_per_saving;
    };
    std::vector<Removal> removals;
    for (std::size_t t = 0; t < problem_.types.size(); ++t) {
      for (std::size_t v : problem_.types[t]) {
        if (best[v] <= problem_.min[v]) continue;
        std::vector<int> fewer = best;
        fewer[v] -= 1;
        if (!guide_.stable(fewer)) continue;
        const double damage = guide_.delay_index(t, fewer) - guide_.delay_index(t, best);
        removals.push_back({fewer, damage / std::max(problem_.unit_cost[v], 1e-9)});
      }
    }
    std::stable_sort(removals.begin(), removals.end(),
                     [](const Removal& a, const Removal& b) { return a.damage_per_saving < b.damage_per_saving; });
    std::vector<std::vector<int>> moves;
    for (const Removal& removal : removals) moves.push_back(removal.units);
    // More units can lower the objective too, when they save outcome costs.
    for (std::size_t t = 0; t < problem_.types.size(); ++t) {
      const std::size_t next = next_unit(t, best);
      if (next == problem_.min.size()) continue;
      std::vector<int> more = best;
      more[next] += 1;
      moves.push_back(more);
    }
    bool moved = false;
    for (const std::vector<int>& move : moves) {
      const std::optional<std::size_t> candidate = evaluate(move, "refine");
      if (!candidate) {
        if (budget_spent_) return;
        continue;
      }
      if (at(*candidate).feasible && better(at(*candidate), at(here))) {
        best = move;
        moved = true;
        break;
      }
    }
    if (!moved) return;
  }
}

void SizingSearch::search(const std::vector<int>& lower_bound) {
  build_ladders(lower_bound);
  std::vector<std::size_t> levels(problem_.types.size(), 0);
  if (!climb(levels)) return;
  if (!trim(levels)) return;
  refine(mix_at(levels));
}

SearchChoice SizingSearch::run(const std::vector<int>& lower_bound) {
  if (!candidates_.empty() && !candidates_.front().feasible) {
    // More units do not make service worse: if the ranges' maxima miss a target, every mix does.
    (void)evaluate(lower_bound, "lower_bound");
  } else {
    search(lower_bound);
  }
  return choose();
}

SearchChoice SizingSearch::choose() const {
  SearchChoice choice;
  const SizingCandidate* chosen = nullptr;
  for (const SizingCandidate& c : candidates_) {
    if (c.feasible && (chosen == nullptr || better(c, *chosen))) chosen = &c;
  }
  const SizingCandidate* reference = chosen;
  if (chosen != nullptr) {
    choice.chosen = chosen->id;
  } else {
    for (const SizingCandidate& c : candidates_) {
      if (c.runnable && (reference == nullptr || c.shortfall < reference->shortfall)) reference = &c;
    }
  }
  if (reference != nullptr && !problem_.targets.empty()) {
    double least = kInf;
    for (std::size_t j = 0; j < problem_.targets.size(); ++j) {
      const SizingTarget& target = problem_.targets[j];
      const double value = reference->targets[j].confident_value;
      const double scale = std::fabs(target.bound) > 0.0 ? std::fabs(target.bound) : 1.0;
      const double slack =
          std::isfinite(value) ? (target.at_most ? target.bound - value : value - target.bound) / scale : -kInf;
      if (choice.binding_target < 0 || slack < least) {
        least = slack;
        choice.binding_target = static_cast<int>(j);
      }
    }
  }
  return choice;
}

}  // namespace crisis::io
