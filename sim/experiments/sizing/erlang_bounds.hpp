#pragma once
/// \file
/// Queueing bounds on the pilot's offered load (sim/engine/queueing.hpp): what Erlang B and C
/// predict for a sized type at a mix, the guide that steers the search, and the lower bound
/// (c > A in every sized block of a type whose calls wait). Internal to crisis_sizing.

#include <cstddef>
#include <string>
#include <vector>

#include "experiments/sizing/sizing.hpp"
#include "experiments/sizing/sizing_search.hpp"

namespace crisis::io::detail {

/// Erlang's delay and loss for the sized types of `result`, whose offered-load blocks the
/// pilot has measured. Holds a reference: `result` must outlive it.
class ErlangGuide final : public SearchGuide {
 public:
  explicit ErlangGuide(const SizingResult& result) : result_(result) {}
  /// Call-weighted Erlang C (and B, for overflow types) over the type's sized blocks.
  [[nodiscard]] ErlangPrediction predict(std::size_t type, const std::vector<int>& units) const;
  /// Erlang's "calls x minutes of waiting" per week; overflow types: Erlang B's lost calls x
  /// their wait limit (the calls they cannot take go elsewhere, they do not queue).
  [[nodiscard]] double delay_index(std::size_t type, const std::vector<int>& units) const override;
  /// c > A in every sized block of every type whose calls all wait.
  [[nodiscard]] bool stable(const std::vector<int>& units) const override;
  [[nodiscard]] std::string unstable_note() const override;

 private:
  const SizingResult& result_;
};

/// The fewest units per variable with c > A in every sized block of each type whose calls
/// wait: a small covering problem, solved greedily (the unit that removes the most hours of
/// deficit per `unit_cost`), then trimmed. Empty, with `message` saying where, when even the
/// ranges' maxima leave c <= A somewhere.
std::vector<int> erlang_lower_bound(const SizingResult& result, const std::vector<double>& unit_cost,
                                    std::string& message);

}  // namespace crisis::io::detail
