// The sizing search (sim/experiments/sizing/sizing_search.hpp) driven by a fake evaluator: a
// closed-form cost and service function in place of the simulator, so the least-cost feasible
// mix is known by brute force and every run takes microseconds.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <map>
#include <vector>

#include "experiments/sizing/sizing_search.hpp"

namespace {

using crisis::engine::ReplicationSummary;
using crisis::io::Evaluation;
using crisis::io::SearchChoice;
using crisis::io::SearchProblem;
using crisis::io::SizingCandidate;
using crisis::io::SizingSearch;
using crisis::io::SizingTarget;

constexpr double kInf = std::numeric_limits<double>::infinity();

/// A mean with a 95% interval of +-0.1 around it.
ReplicationSummary around(double mean) {
  ReplicationSummary s;
  s.count = 10;
  s.mean = mean;
  s.half_width = std::isfinite(mean) ? 0.1 : kInf;
  s.low = mean - s.half_width;
  s.high = mean + s.half_width;
  return s;
}

/// Two unit types: type 0 has one variable (x0), type 1 two (x1, x2; x2 is cheaper and does
/// the same work). Wait of type 0 = 10 / x0, of type 1 = 12 / (x1 + x2); cost 100 x0 + 60 x1
/// + 40 x2 a year, which is also the objective.
double wait_0(const std::vector<int>& x) { return x[0] > 0 ? 10.0 / x[0] : kInf; }
double wait_1(const std::vector<int>& x) { return x[1] + x[2] > 0 ? 12.0 / (x[1] + x[2]) : kInf; }
double cost(const std::vector<int>& x) { return 100.0 * x[0] + 60.0 * x[1] + 40.0 * x[2]; }

class FormulaEvaluator final : public crisis::io::Evaluator {
 public:
  Evaluation evaluate(const std::vector<int>& units) override {
    calls[units] += 1;
    Evaluation e;
    e.staff_cost_annual = cost(units);
    e.objective = around(cost(units));
    e.objective.low = e.objective.high = e.objective.mean;
    e.targets = {around(wait_0(units)), around(wait_1(units))};
    return e;
  }
  std::map<std::vector<int>, int> calls;  ///< how often each mix was asked for
};

/// A guide shaped like the formulas; type 0's queue has no bound without a unit. Type 1's
/// delay stays finite at no units, so that its cheaper variable ranks first from the start.
class FormulaGuide final : public crisis::io::SearchGuide {
 public:
  double delay_index(std::size_t type, const std::vector<int>& units) const override {
    return type == 0 ? wait_0(units) : 12.0 / (1 + units[1] + units[2]);
  }
  bool stable(const std::vector<int>& units) const override { return units[0] > 0; }
  std::string unstable_note() const override { return "no unit of type 0"; }
};

SizingTarget at_most(const std::string& measure, double bound) {
  SizingTarget target;
  target.measure = measure;
  target.at_most = true;
  target.bound = bound;
  return target;
}

/// Targets: wait_0 <= 2.2 (x0 >= 5 with the +0.1 bound) and wait_1 <= 3.1 (x1 + x2 >= 4).
SearchProblem problem(int max_2 = 8) {
  SearchProblem p;
  p.min = {1, 0, 0};
  p.max = {10, 8, max_2};
  p.unit_cost = {100.0, 60.0, 40.0};
  p.types = {{0}, {1, 2}};
  p.targets = {at_most("wait_0", 2.2), at_most("wait_1", 3.1)};
  p.max_evaluations = 40;
  return p;
}

bool feasible(const SearchProblem& p, const std::vector<int>& x) {
  const double values[] = {wait_0(x) + 0.1, wait_1(x) + 0.1};
  for (std::size_t j = 0; j < p.targets.size(); ++j) {
    if (!std::isfinite(values[j]) || values[j] > p.targets[j].bound) return false;
  }
  return true;
}

/// The least-cost feasible mix by trying every mix in the ranges; empty when none is feasible.
std::vector<int> brute_force(const SearchProblem& p) {
  std::vector<int> best;
  for (int a = p.min[0]; a <= p.max[0]; ++a) {
    for (int b = p.min[1]; b <= p.max[1]; ++b) {
      for (int c = p.min[2]; c <= p.max[2]; ++c) {
        const std::vector<int> x{a, b, c};
        if (feasible(p, x) && (best.empty() || cost(x) < cost(best))) best = x;
      }
    }
  }
  return best;
}

struct Run {
  SearchChoice choice;
  std::vector<SizingCandidate> candidates;
  std::map<std::vector<int>, int> calls;
  int evaluations = 0;
  bool budget_spent = false;
};

/// As crisis-sim does it: the pilot at the ranges' maxima is recorded, then the search runs
/// from the lower bound {1, 0, 0}.
Run search(const SearchProblem& p) {
  FormulaGuide guide;
  FormulaEvaluator evaluator;
  SizingSearch search(p, guide, evaluator);
  search.record(p.max, "pilot", evaluator.evaluate(p.max));
  Run run;
  run.choice = search.run(p.min);
  run.evaluations = search.evaluations();
  run.budget_spent = search.budget_spent();
  run.candidates = search.take_candidates();
  run.calls = evaluator.calls;
  return run;
}

const SizingCandidate& chosen(const Run& run) {
  REQUIRE(run.choice.chosen >= 0);
  return run.candidates[static_cast<std::size_t>(run.choice.chosen)];
}

}  // namespace

TEST_CASE("the search finds the least-cost feasible mix that brute force finds") {
  const SearchProblem p = problem();
  REQUIRE(brute_force(p) == std::vector<int>{5, 0, 4});
  const Run run = search(p);
  CHECK(chosen(run).units == brute_force(p));
  CHECK(chosen(run).feasible);
  CHECK(chosen(run).staff_cost_annual == 660.0);
  CHECK_FALSE(run.budget_spent);
  // Far fewer evaluations than the 810 mixes brute force tries.
  CHECK(run.evaluations < 40);
  CHECK(run.candidates.front().phase == "pilot");
}

TEST_CASE("the search keeps every mix within its ranges, and a tight range moves the answer") {
  const SearchProblem p = problem(2);  // x2 at most 2: x1 must make up the rest
  REQUIRE(brute_force(p) == std::vector<int>{5, 2, 2});
  const Run run = search(p);
  CHECK(chosen(run).units == brute_force(p));
  for (const SizingCandidate& c : run.candidates) {
    INFO("candidate " << c.id);
    for (std::size_t v = 0; v < c.units.size(); ++v) {
      CHECK(c.units[v] >= p.min[v]);
      CHECK(c.units[v] <= p.max[v]);
    }
  }
}

TEST_CASE("the search evaluates each mix once and counts the pilot in its budget") {
  const Run run = search(problem());
  for (const auto& [mix, count] : run.calls) CHECK(count == 1);
  CHECK(run.evaluations == static_cast<int>(run.candidates.size()));
  CHECK(run.calls.size() == run.candidates.size());
}

TEST_CASE("targets no mix in the ranges meets: no choice, the lower bound checked, every candidate infeasible") {
  SearchProblem p = problem();
  p.targets[0].bound = 0.5;  // x0 >= 25, past its maximum of 10
  REQUIRE(brute_force(p).empty());
  const Run run = search(p);
  CHECK(run.choice.chosen == -1);
  CHECK(run.choice.binding_target == 0);
  REQUIRE(run.candidates.size() == 2);  // the pilot at the maxima and the lower bound
  CHECK(run.candidates[1].units == p.min);
  for (const SizingCandidate& c : run.candidates) CHECK_FALSE(c.feasible);
}

TEST_CASE("the search stops when its budget is spent and says so") {
  SearchProblem p = problem();
  p.max_evaluations = 3;
  const Run run = search(p);
  CHECK(run.budget_spent);
  CHECK(run.evaluations == 3);
  CHECK(run.candidates.size() == 3);
}

TEST_CASE("the search is deterministic: the same problem gives the same candidates in the same order") {
  const Run one = search(problem());
  const Run two = search(problem());
  REQUIRE(one.candidates.size() == two.candidates.size());
  for (std::size_t i = 0; i < one.candidates.size(); ++i) {
    CHECK(one.candidates[i].units == two.candidates[i].units);
    CHECK(one.candidates[i].phase == two.candidates[i].phase);
  }
  CHECK(one.choice.chosen == two.choice.chosen);
  CHECK(one.choice.binding_target == two.choice.binding_target);
}

TEST_CASE("a pilot the guide rules out is infeasible whatever its measures say, with the guide's note") {
  FormulaGuide guide;
  FormulaEvaluator evaluator;
  SizingSearch search(problem(), guide, evaluator);
  const SizingCandidate& pilot = search.record({0, 8, 8}, "pilot", evaluator.evaluate({0, 8, 8}));
  CHECK_FALSE(pilot.feasible);
  CHECK(pilot.note == "no unit of type 0");
  CHECK_FALSE(search.evaluate({0, 4, 4}, "search").has_value());  // never evaluated
  CHECK(evaluator.calls.count({0, 4, 4}) == 0);
}
