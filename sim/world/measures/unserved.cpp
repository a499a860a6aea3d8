// Calls an overloaded system never finished. A replication stops taking arrivals at the end
// of the window and runs on for at most kDrainDays (replication.cpp) to finish the calls
// already open; calls still open then are counted here instead of ending the run, so an
// overloaded scenario is a result the user can read (issue #13), not a crash.

#include "world/measures/measure.hpp"

namespace crisis::world::detail {
namespace {

class Unserved final : public MeasureAccumulator {
 public:
  explicit Unserved(const World& /*world*/) {}

  static void declare(const World& /*world*/, std::vector<MeasureColumn>& columns) {
    columns.push_back({"calls_open_at_end", "calls",
                       "calls (any kind) that arrived in the window and were still open when the run stopped, 60 days after "
                       "the window; 0 unless the system is overloaded"});
    columns.push_back({"crisis_calls_unserved", "calls",
                       "crisis calls that arrived in the window and had no unit sent when the run stopped"});
  }

  void finish(const EndOfRun& end, double* out) override {
    out[0] = end.calls_open_at_end;
    out[1] = end.crisis_calls_unserved;
  }
};

}  // namespace

std::unique_ptr<const MeasureFamily> unserved_measures() { return std::make_unique<FamilyOf<Unserved>>(); }

}  // namespace crisis::world::detail
