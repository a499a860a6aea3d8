// Per unit type: utilisation, overtime, crisis calls answered first, response and own target.

#include "world/measures/measure.hpp"

namespace crisis::world::detail {
namespace {

class Units final : public MeasureAccumulator {
 public:
  explicit Units(const World& world)
      : world_(world),
        busy_minutes_(world.plan().unit_types.size(), 0.0),
        overtime_minutes_(world.plan().unit_types.size(), 0.0),
        answered_(world.plan().unit_types.size(), 0.0),
        within_target_(world.plan().unit_types.size(), 0.0),
        response_(world.plan().unit_types.size()) {}

  static void declare(const World& world, std::vector<MeasureColumn>& columns) {
    for (const UnitTypeSpec& type : world.plan().unit_types) {
      columns.push_back({"utilisation." + type.name, "share", "busy time in the window / rostered on-duty time in the window"});
      columns.push_back({"overtime_hours." + type.name, "h", "time busy after the shift ended, in the window"});
      columns.push_back({"crisis_calls_answered." + type.name, "calls", "attended crisis calls whose first unit on scene was of this type"});
      columns.push_back({"response_min.mean.unit." + type.name, "min", "mean response time of those calls"});
      if (type.response_target_min > 0) {
        columns.push_back({"share_within_unit_target." + type.name, "share", "share of those calls reached within the type's target"});
      }
    }
  }

  void on_unit_busy(std::size_t type, double start, double end) override {
    busy_minutes_[type] += window_overlap(start, end, world_.window_start_min, world_.window_end_min);
  }
  void on_overtime(std::size_t type, double start, double end) override {
    overtime_minutes_[type] += window_overlap(start, end, world_.window_start_min, world_.window_end_min);
  }

  void on_call_closed(const Call& call, double /*now*/, std::size_t /*group*/) override {
    if (!counted_crisis(call)) return;
    const double response = call.on_scene - call.arrival;
    if (!std::isfinite(response)) return;
    const auto type = static_cast<std::size_t>(call.field_type);
    answered_[type] += 1;
    response_[type].add(response);
    const double target = world_.plan().unit_types[type].response_target_min;
    if (target > 0 && response <= target) within_target_[type] += 1;
  }

  void finish(const EndOfRun& /*end*/, double* out) override {
    for (std::size_t t = 0; t < busy_minutes_.size(); ++t) {
      const double on_duty = world_.on_duty_minutes_in_window[t];
      *out++ = on_duty > 0 ? busy_minutes_[t] / on_duty : kNaN;
      *out++ = overtime_minutes_[t] / 60.0;
      *out++ = answered_[t];
      *out++ = response_[t].mean();
      if (world_.plan().unit_types[t].response_target_min > 0) *out++ = share(within_target_[t], static_cast<double>(response_[t].count()));
    }
  }

  [[nodiscard]] std::string invariant_problem() const override {
    std::string problem;  // the last type found
    for (std::size_t t = 0; t < busy_minutes_.size(); ++t) {
      if (busy_minutes_[t] > world_.on_duty_minutes_in_window[t] + overtime_minutes_[t] + 1e-6) {
        problem = "unit type " + world_.plan().unit_types[t].name + " was busy longer than on duty plus overtime";
      }
    }
    return problem;
  }

 private:
  const World& world_;
  std::vector<double> busy_minutes_, overtime_minutes_, answered_, within_target_;
  std::vector<engine::RunningStats> response_;
};

}  // namespace

std::unique_ptr<const MeasureFamily> unit_measures() { return std::make_unique<FamilyOf<Units>>(); }

}  // namespace crisis::world::detail
