// Call counts and crisis response times: overall, by priority and by crisis type.

#include "world/measures/measure.hpp"

namespace crisis::world::detail {
namespace {

class CallsAndResponse final : public MeasureAccumulator {
 public:
  explicit CallsAndResponse(const World& world) : world_(world) {}

  static void declare(const World& /*world*/, std::vector<MeasureColumn>& columns) {
    columns.push_back({"crisis_calls", "calls", "crisis calls in the window"});
    columns.push_back({"crisis_calls_per_day", "calls / day", "crisis_calls / run.horizon_days"});
    columns.push_back({"background_calls", "calls", "background (other police) calls in the window"});
    columns.push_back({"response_min.mean", "min", "mean response time of the attended crisis calls"});
    columns.push_back({"response_min.p50", "min", "median response time of the attended crisis calls"});
    columns.push_back({"response_min.p90", "min", "90th percentile response time of the attended crisis calls"});
    columns.push_back({"share_past_target", "share", "attended crisis calls slower than their priority's target"});
    columns.push_back({"share_queued", "share", "crisis calls that waited for a unit"});
    for (std::size_t p = 0; p < kPriorityCount; ++p) {
      const std::string priority = "priority_" + std::to_string(p + 1);
      columns.push_back({"response_min.mean." + priority, "min", "mean crisis response time at this priority"});
      columns.push_back({"response_min.p90." + priority, "min", "90th percentile crisis response time at this priority"});
    }
    for (std::size_t t = 0; t < kCrisisTypeCount; ++t) {
      const std::string type_name(kCrisisTypeNames[t]);
      columns.push_back({"calls." + type_name, "calls", "crisis calls of this type"});
      columns.push_back({"response_min.mean." + type_name, "min", "mean response time for this crisis type"});
      columns.push_back({"response_min.p90." + type_name, "min", "90th percentile response time for this crisis type"});
    }
  }

  void on_call_closed(const Call& call, double /*now*/, std::size_t /*group*/) override {
    if (!call.in_window) return;
    if (call.kind == CallKind::background) background_calls_ += 1;
    if (call.kind != CallKind::crisis) return;
    const double response = call.on_scene - call.arrival;  // NaN when no unit went out
    crisis_calls_ += 1;
    calls_by_type_[call.type] += 1;
    if (std::isfinite(response)) {
      response_.push_back(response);
      response_by_type_[call.type].push_back(response);
      response_by_priority_[call.priority - 1u].push_back(response);
      if (response > world_.scenario().targets.response_min[call.priority - 1u]) past_target_ += 1;
    }
    if (call.queued) queued_ += 1;
  }

  void finish(const EndOfRun& /*end*/, double* out) override {
    *out++ = crisis_calls_;
    *out++ = crisis_calls_ / world_.scenario().run.horizon_days;
    *out++ = background_calls_;
    *out++ = mean_of(response_);
    *out++ = quantile_of(response_, 0.5);
    *out++ = quantile_of(response_, 0.9);
    *out++ = share(past_target_, static_cast<double>(response_.size()));
    *out++ = share(queued_, crisis_calls_);
    for (std::size_t p = 0; p < kPriorityCount; ++p) {
      *out++ = mean_of(response_by_priority_[p]);
      *out++ = quantile_of(response_by_priority_[p], 0.9);
    }
    for (std::size_t t = 0; t < kCrisisTypeCount; ++t) {
      *out++ = calls_by_type_[t];
      *out++ = mean_of(response_by_type_[t]);
      *out++ = quantile_of(response_by_type_[t], 0.9);
    }
  }

 private:
  const World& world_;
  double crisis_calls_ = 0, background_calls_ = 0, past_target_ = 0, queued_ = 0;
  std::vector<double> response_;
  std::array<std::vector<double>, kCrisisTypeCount> response_by_type_;
  std::array<std::vector<double>, kPriorityCount> response_by_priority_;
  std::array<double, kCrisisTypeCount> calls_by_type_{};
};

}  // namespace

std::unique_ptr<const MeasureFamily> calls_and_response_measures() { return std::make_unique<FamilyOf<CallsAndResponse>>(); }

}  // namespace crisis::world::detail
