#pragma once
/// \file
/// The Evaluator crisis-sim sizes with: each mix is the scenario with the mix's rosters as
/// overrides, run with the scenario's seed (common random numbers: every candidate sees the
/// same calls). Internal to crisis_sizing.

#include <vector>

#include "experiments/sizing/sizing_search.hpp"
#include "experiments/sizing/variable_mapping.hpp"

namespace crisis::io::detail {

/// The objective's and targets' summaries over `measures` (one vector per replication); a
/// mix with no replications is not runnable.
Evaluation summarize_measures(const std::vector<std::vector<double>>& measures, const MeasureIndices& indices,
                              double staff_cost_annual);

class SimulationEvaluator final : public Evaluator {
 public:
  /// Holds references: all three must outlive it.
  SimulationEvaluator(const SizingInputs& inputs, const SizingResult& result, const MeasureIndices& indices)
      : inputs_(inputs), result_(result), indices_(indices) {}
  /// A mix the scenario rejects (an InputError) is not runnable, with the error as its note.
  Evaluation evaluate(const std::vector<int>& units) override;

 private:
  const SizingInputs& inputs_;
  const SizingResult& result_;
  const MeasureIndices& indices_;
};

}  // namespace crisis::io::detail
