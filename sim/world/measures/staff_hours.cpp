// Staff time spent on crisis calls, in hours.

#include "world/measures/measure.hpp"

namespace crisis::world::detail {
namespace {

class StaffHours final : public MeasureAccumulator {
 public:
  explicit StaffHours(const World& /*world*/) {}

  static void declare(const World& /*world*/, std::vector<MeasureColumn>& columns) {
    columns.push_back({"officer_hours.crisis", "h", "busy time of every unit on crisis calls x officers"});
    columns.push_back({"officer_hours.per_crisis_call", "h / call", "officer_hours.crisis / crisis_calls"});
    columns.push_back({"officer_hours.ed_wait", "h", "the part of officer_hours.crisis spent waiting for the ED hand-off"});
    columns.push_back({"clinician_hours.crisis", "h", "busy time of every unit on crisis calls x clinicians"});
  }

  void on_call_closed(const Call& call, double /*now*/, std::size_t /*group*/) override {
    if (!counted_crisis(call)) return;
    calls_ += 1;
    officer_minutes_ += call.officer_minutes;
    clinician_minutes_ += call.clinician_minutes;
    officer_minutes_ed_wait_ += call.ed_wait_officer_minutes;
  }

  void finish(const EndOfRun& /*end*/, double* out) override {
    *out++ = officer_minutes_ / 60.0;
    *out++ = calls_ > 0 ? officer_minutes_ / 60.0 / calls_ : kNaN;
    *out++ = officer_minutes_ed_wait_ / 60.0;
    *out++ = clinician_minutes_ / 60.0;
  }

 private:
  double calls_ = 0, officer_minutes_ = 0, officer_minutes_ed_wait_ = 0, clinician_minutes_ = 0;
};

}  // namespace

std::unique_ptr<const MeasureFamily> staff_hours_measures() { return std::make_unique<FamilyOf<StaffHours>>(); }

}  // namespace crisis::world::detail
