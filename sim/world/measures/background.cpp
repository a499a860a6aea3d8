// Background (other police) calls: response, targets, queueing and wait for dispatch.

#include "world/measures/measure.hpp"

namespace crisis::world::detail {
namespace {

class Background final : public MeasureAccumulator {
 public:
  explicit Background(const World& world) : world_(world) {}

  static void declare(const World& /*world*/, std::vector<MeasureColumn>& columns) {
    columns.push_back({"background.response_min.mean", "min", "mean response time of background calls"});
    columns.push_back({"background.response_min.p90", "min", "90th percentile response time of background calls"});
    for (std::size_t p = 0; p < kPriorityCount; ++p) {
      const std::string priority = "priority_" + std::to_string(p + 1);
      columns.push_back({"background.response_min.mean." + priority, "min", "mean background response time at this priority"});
      columns.push_back({"background.response_min.p90." + priority, "min", "90th percentile background response time at this priority"});
    }
    columns.push_back({"background.share_past_target", "share", "background calls slower than their priority's target"});
    columns.push_back({"background.share_queued", "share", "background calls that waited for a unit"});
    columns.push_back({"background.wait_min.mean", "min", "mean wait from ready to dispatch of background calls"});
  }

  void on_call_closed(const Call& call, double /*now*/, std::size_t /*group*/) override {
    if (!call.in_window || call.kind != CallKind::background) return;
    const double response = call.on_scene - call.arrival;
    calls_ += 1;
    response_.push_back(response);
    response_by_priority_[call.priority - 1u].push_back(response);
    wait_.add(call.dispatched - call.ready);
    if (response > world_.scenario().targets.response_min[call.priority - 1u]) past_target_ += 1;
    if (call.queued) queued_ += 1;
  }

  void finish(const EndOfRun& /*end*/, double* out) override {
    *out++ = mean_of(response_);
    *out++ = quantile_of(response_, 0.9);
    for (std::size_t p = 0; p < kPriorityCount; ++p) {
      *out++ = mean_of(response_by_priority_[p]);
      *out++ = quantile_of(response_by_priority_[p], 0.9);
    }
    *out++ = share(past_target_, calls_);
    *out++ = share(queued_, calls_);
    *out++ = wait_.mean();
  }

 private:
  const World& world_;
  double calls_ = 0, past_target_ = 0, queued_ = 0;
  std::vector<double> response_;
  std::array<std::vector<double>, kPriorityCount> response_by_priority_;
  engine::RunningStats wait_;
};

}  // namespace

std::unique_ptr<const MeasureFamily> background_measures() { return std::make_unique<FamilyOf<Background>>(); }

}  // namespace crisis::world::detail
