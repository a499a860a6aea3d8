#pragma once
/// \file
/// The search for the least-cost mix that meets every target with 95% confidence
/// (docs/sizing.md, "Method"), as pure code: it sees mixes (units per variable), the measures
/// an Evaluator returns for them, and the closed-form guide that ranks them. It runs no
/// simulation and reads no file, so tests drive it with a formula in place of the simulator.

#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/statistics.hpp"
#include "experiments/sizing/sizing.hpp"

namespace crisis::io {

/// What evaluating one mix gives: the objective's and each target measure's mean and 95%
/// interval, and the mix's staff cost.
struct Evaluation {
  bool runnable = true;  ///< false when the mix cannot be run at all; `note` says why
  std::string note;
  double staff_cost_annual = 0.0;                   ///< what the mix's units cost a year
  engine::ReplicationSummary objective;             ///< the measure the search minimises
  std::vector<engine::ReplicationSummary> targets;  ///< per target, in SearchProblem::targets order
};

/// Evaluates mixes: in crisis-sim a simulation under common random numbers (sizing.cpp), in
/// tests a closed-form function. Called at most once per distinct mix.
class Evaluator {
 public:
  virtual ~Evaluator() = default;
  /// `units` has one number per variable, each within its range.
  virtual Evaluation evaluate(const std::vector<int>& units) = 0;
};

/// Cheap closed-form knowledge that steers the search (Erlang C on the pilot's offered load
/// in crisis-sim): which units help most, and which mixes cannot work at all.
class SearchGuide {
 public:
  virtual ~SearchGuide() = default;
  /// Delay left in unit type `type` at `units`, in any unit: lower is better, +inf when the
  /// type's queue grows without bound. Only differences between mixes matter.
  [[nodiscard]] virtual double delay_index(std::size_t type, const std::vector<int>& units) const = 0;
  /// False when no run of the mix can meet the targets (a queue without bound): it is not
  /// evaluated, and the pilot at such a mix is infeasible whatever its finite run showed.
  [[nodiscard]] virtual bool stable(const std::vector<int>& units) const = 0;
  /// The note on a pilot that `stable` rules out.
  [[nodiscard]] virtual std::string unstable_note() const = 0;
};

/// The decision variables and what is asked of them.
struct SearchProblem {
  std::vector<int> min;                         ///< per variable: fewest units
  std::vector<int> max;                         ///< per variable: most units
  std::vector<double> unit_cost;                ///< per variable: one unit's cost a year (ranks units)
  std::vector<std::vector<std::size_t>> types;  ///< variables of each unit type, which the guide scores
  std::vector<SizingTarget> targets;            ///< met when the 95% bound satisfies them
  int max_evaluations = 40;                     ///< evaluations, a recorded pilot included
};

/// The answer: the chosen candidate and the target with the least room.
struct SearchChoice {
  int chosen = -1;          ///< index into the candidates; -1 when none is feasible
  int binding_target = -1;  ///< the least slack at the chosen mix, or at the closest when none is feasible
};

/// Greedy marginal-cost search with trimming and refinement over an Evaluator, with a cache of
/// the mixes evaluated. Deterministic: the same problem, guide and evaluations give the same
/// candidates in the same order.
class SizingSearch {
 public:
  /// Called after each candidate is added, with the evaluations made so far.
  using Observer = std::function<void(const SizingCandidate&, int evaluations)>;

  SizingSearch(SearchProblem problem, const SearchGuide& guide, Evaluator& evaluator, Observer observer = {});

  /// Add a mix evaluated elsewhere (the pilot), counted against the budget.
  const SizingCandidate& record(std::vector<int> units, const std::string& phase, const Evaluation& evaluation);
  /// Evaluate a mix, or find it among those evaluated; its index in the candidates. Nothing
  /// when the budget is spent or the guide rules the mix out.
  std::optional<std::size_t> evaluate(const std::vector<int>& units, const std::string& phase);
  /// From a recorded pilot at the ranges' maxima and the lower bound (one number per variable):
  /// if the pilot misses, more units cannot help, so only the lower bound is evaluated;
  /// otherwise the search runs. Then the choice.
  SearchChoice run(const std::vector<int>& lower_bound);
  /// The cheapest feasible candidate by objective (then staff cost, then order) and the binding target.
  [[nodiscard]] SearchChoice choose() const;

  [[nodiscard]] const std::vector<SizingCandidate>& candidates() const noexcept { return candidates_; }
  [[nodiscard]] std::vector<SizingCandidate> take_candidates() { return std::move(candidates_); }
  [[nodiscard]] int evaluations() const noexcept { return evaluations_; }
  [[nodiscard]] bool budget_spent() const noexcept { return budget_spent_; }

 private:
  SizingCandidate judge(std::vector<int> units, const std::string& phase, const Evaluation& evaluation) const;
  std::size_t add(SizingCandidate candidate);
  const SizingCandidate& at(std::size_t index) const { return candidates_[index]; }
  bool better(const SizingCandidate& a, const SizingCandidate& b) const;
  std::size_t next_unit(std::size_t type, const std::vector<int>& mix) const;
  std::vector<int> mix_at(const std::vector<std::size_t>& levels) const;
  void build_ladders(const std::vector<int>& lower_bound);
  bool climb(std::vector<std::size_t>& levels);
  bool trim(std::vector<std::size_t>& levels);
  void refine(std::vector<int> best);
  void search(const std::vector<int>& lower_bound);

  SearchProblem problem_;
  const SearchGuide& guide_;
  Evaluator& evaluator_;
  Observer observer_;
  std::vector<SizingCandidate> candidates_;
  std::map<std::vector<int>, std::size_t> evaluated_;
  std::vector<int> lower_bound_;
  std::vector<std::vector<std::vector<int>>> ladder_mixes_;  // per type, per level: the mix
  int evaluations_ = 0;
  bool budget_spent_ = false;
};

}  // namespace crisis::io
