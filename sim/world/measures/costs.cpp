// Costs: staff (rostered hours plus overtime), outcomes, fixed, and their totals.

#include "world/measures/measure.hpp"

namespace crisis::world::detail {
namespace {

class Costs final : public MeasureAccumulator {
 public:
  explicit Costs(const World& world) : world_(world), overtime_minutes_(world.plan().unit_types.size(), 0.0) {}

  static void declare(const World& /*world*/, std::vector<MeasureColumn>& columns) {
    columns.push_back({"cost.staff", "currency", "rostered on-duty hours x cost_per_hour, plus overtime at the overtime multiplier"});
    columns.push_back({"cost.outcomes", "currency", "ED visits, detentions, arrests, crisis-centre admissions and injuries"});
    columns.push_back({"cost.total", "currency", "cost.staff + cost.outcomes + cost.fixed"});
    columns.push_back({"cost.annual", "currency / year", "cost.total x 365 / horizon_days"});
    columns.push_back({"cost.fixed", "currency", "the models' annual fixed costs x horizon_days / 365"});
    columns.push_back({"cost.per_crisis_call", "currency / call", "(staff time on crisis calls + cost.outcomes) / crisis_calls"});
  }

  void on_overtime(std::size_t type, double start, double end) override {
    overtime_minutes_[type] += window_overlap(start, end, world_.window_start_min, world_.window_end_min);
  }
  void on_outcome_cost(const Call& call, double amount) override {
    if (call.in_window) outcome_cost_ += amount;
  }
  void on_call_closed(const Call& call, double /*now*/, std::size_t /*group*/) override {
    if (!counted_crisis(call)) return;
    crisis_calls_ += 1;
    staff_cost_crisis_ += call.staff_cost;
  }

  void finish(const EndOfRun& /*end*/, double* out) override {
    const Scenario& scenario = world_.scenario();
    const ResponsePlan& plan = world_.plan();
    const double days = scenario.run.horizon_days;
    double staff_cost = 0.0;
    for (std::size_t t = 0; t < plan.unit_types.size(); ++t) {
      const double per_minute = plan.unit_types[t].cost_per_hour / 60.0;
      staff_cost += world_.on_duty_minutes_in_window[t] * per_minute + overtime_minutes_[t] * per_minute * scenario.costs.overtime_multiplier;
    }
    double fixed = 0.0;
    for (const FixedCost& cost : plan.fixed_costs) fixed += cost.annual * days / 365.0;
    *out++ = staff_cost;
    *out++ = outcome_cost_;
    *out++ = staff_cost + outcome_cost_ + fixed;
    *out++ = (staff_cost + outcome_cost_ + fixed) * 365.0 / days;
    *out++ = fixed;
    *out++ = crisis_calls_ > 0 ? (staff_cost_crisis_ + outcome_cost_) / crisis_calls_ : kNaN;
  }

 private:
  const World& world_;
  std::vector<double> overtime_minutes_;
  double outcome_cost_ = 0, crisis_calls_ = 0, staff_cost_crisis_ = 0;
};

}  // namespace

std::unique_ptr<const MeasureFamily> cost_measures() { return std::make_unique<FamilyOf<Costs>>(); }

}  // namespace crisis::world::detail
