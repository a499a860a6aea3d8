// The crisis line: how long callers waited and how many were answered.

#include "world/measures/measure.hpp"

namespace crisis::world::detail {
namespace {

class CrisisLine final : public MeasureAccumulator {
 public:
  explicit CrisisLine(const World& /*world*/) {}

  static void declare(const World& /*world*/, std::vector<MeasureColumn>& columns) {
    columns.push_back({"crisis_line.wait_min.mean", "min", "mean wait from ready to a line clinician answering"});
    columns.push_back({"crisis_line.calls_answered", "calls", "crisis calls a line clinician picked up"});
  }

  void on_line_answered(const Call& call, double now) override {
    if (!call.in_window) return;
    wait_.add(now - call.ready);
    answered_ += 1;
  }

  void finish(const EndOfRun& /*end*/, double* out) override {
    *out++ = wait_.mean();
    *out++ = answered_;
  }

 private:
  engine::RunningStats wait_;
  double answered_ = 0;
};

}  // namespace

std::unique_ptr<const MeasureFamily> crisis_line_measures() { return std::make_unique<FamilyOf<CrisisLine>>(); }

}  // namespace crisis::world::detail
