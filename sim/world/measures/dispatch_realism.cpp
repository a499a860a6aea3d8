// Dispatch as dispatchers do it (issue #14): the wait in queue and the share queued by
// priority, the first specialist's arrival beside the first unit's, call-taking errors,
// routing compliance on eligible calls, and the police responses truly avoided.

#include "world/measures/measure.hpp"

namespace crisis::world::detail {
namespace {

class DispatchRealism final : public MeasureAccumulator {
 public:
  explicit DispatchRealism(const World& world) : world_(world) {}

  static void declare(const World& /*world*/, std::vector<MeasureColumn>& columns) {
    for (std::size_t p = 0; p < kPriorityCount; ++p) {
      const std::string priority = "priority_" + std::to_string(p + 1);
      columns.push_back({"queue_wait_min.mean." + priority, "min",
                         "mean wait from ready to dispatch of 911 crisis calls at this priority (0 when not queued)"});
      columns.push_back({"queue_wait_min.p90." + priority, "min", "90th percentile of that wait"});
      columns.push_back({"share_queued." + priority, "share", "crisis calls at this priority that waited for a unit"});
    }
    columns.push_back({"specialist_arrival_min.mean", "min",
                       "mean time from arrival to the first specialist on scene (a clinician unit or a preferred type), "
                       "over crisis calls a specialist reached"});
    columns.push_back({"specialist_arrival_min.p90", "min", "90th percentile of the specialist's arrival"});
    columns.push_back({"share_specialist_after_first_unit", "share",
                       "crisis calls a specialist reached after another unit was already on scene"});
    columns.push_back({"crisis_calls_coded_as_other", "calls", "crisis calls the call-taker coded as ordinary police calls (sent as such)"});
    columns.push_back({"other_calls_coded_as_crisis", "calls", "ordinary police calls the call-taker coded as crises (sent by the crisis rules)"});
    columns.push_back({"eligible_calls", "calls", "crisis calls whose dispatch list prefers an alternative before its last tier"});
    columns.push_back({"share_eligible_offered", "share", "eligible calls the dispatcher offered to the alternative (dispatch.compliance)"});
    columns.push_back({"eligible_served_by_alternative", "calls", "eligible calls whose first unit came from a preferred tier"});
    columns.push_back({"eligible_not_served_by_alternative", "calls", "eligible calls the alternative did not serve"});
    columns.push_back({"police_responses_avoided", "calls",
                       "expected crisis calls police would have attended (dispatch.police_would_attend) that no officer attended"});
    columns.push_back({"share_police_responses_avoided", "share",
                       "police_responses_avoided / the calls police would have attended (crisis, expected, plus other police calls)"});
  }

  void on_call_closed(const Call& call, double /*now*/, std::size_t /*group*/) override {
    if (!call.in_window) return;
    const DispatchConfig& config = world_.scenario().dispatch;
    if (call.kind == CallKind::background) {
      police_would_attend_ += 1;
      if (call.miscoded) other_coded_as_crisis_ += 1;
      return;
    }
    if (call.kind != CallKind::crisis) return;
    const std::size_t p = call.priority - 1u;
    calls_by_priority_[p] += 1;
    if (call.queued) queued_by_priority_[p] += 1;
    if (!call.from_line && call.stage == Stage::field && std::isfinite(call.dispatched)) {
      wait_by_priority_[p].push_back(call.dispatched - call.ready);
    }
    if (std::isfinite(call.specialist_on_scene)) {
      specialist_.push_back(call.specialist_on_scene - call.arrival);
      if (call.specialist_on_scene > call.on_scene) specialist_after_first_ += 1;
    }
    crisis_calls_ += 1;
    if (call.miscoded) crisis_coded_as_other_ += 1;
    if (call.eligible) {
      eligible_ += 1;
      if (!call.not_offered) offered_ += 1;
      if (call.served_by_alternative) {
        served_ += 1;
      } else {
        not_served_ += 1;
      }
    }
    const double would_attend = config.police_attend_priorities[p] ? config.police_would_attend[call.type] : 0.0;
    police_would_attend_ += would_attend;
    const bool answered = std::isfinite(call.on_scene) || call.resolved_by_phone;
    if (answered && !call.police_attended) avoided_ += would_attend;
  }

  void finish(const EndOfRun& /*end*/, double* out) override {
    for (std::size_t p = 0; p < kPriorityCount; ++p) {
      *out++ = mean_of(wait_by_priority_[p]);
      *out++ = quantile_of(wait_by_priority_[p], 0.9);
      *out++ = share(queued_by_priority_[p], calls_by_priority_[p]);
    }
    *out++ = mean_of(specialist_);
    *out++ = quantile_of(specialist_, 0.9);
    *out++ = share(specialist_after_first_, crisis_calls_);
    *out++ = crisis_coded_as_other_;
    *out++ = other_coded_as_crisis_;
    *out++ = eligible_;
    *out++ = share(offered_, eligible_);
    *out++ = served_;
    *out++ = not_served_;
    *out++ = avoided_;
    *out++ = share(avoided_, police_would_attend_);
  }

 private:
  const World& world_;
  std::array<std::vector<double>, kPriorityCount> wait_by_priority_;
  std::array<double, kPriorityCount> calls_by_priority_{};
  std::array<double, kPriorityCount> queued_by_priority_{};
  std::vector<double> specialist_;
  double specialist_after_first_ = 0, crisis_calls_ = 0, crisis_coded_as_other_ = 0, other_coded_as_crisis_ = 0;
  double eligible_ = 0, offered_ = 0, served_ = 0, not_served_ = 0, avoided_ = 0, police_would_attend_ = 0;
};

}  // namespace

std::unique_ptr<const MeasureFamily> dispatch_realism_measures() { return std::make_unique<FamilyOf<DispatchRealism>>(); }

}  // namespace crisis::world::detail
