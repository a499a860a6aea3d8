// Per resident group: calls, response, arrests, force, ED transports, clinician involvement.

#include "world/measures/measure.hpp"

namespace crisis::world::detail {
namespace {

class Groups final : public MeasureAccumulator {
 public:
  explicit Groups(const World& world) {
    const std::size_t groups = world.scenario().residents.groups.size();
    for (auto* counts : {&calls_, &arrests_, &force_, &ed_, &clinician_}) counts->assign(groups, 0.0);
    response_.resize(groups);
  }

  static void declare(const World& world, std::vector<MeasureColumn>& columns) {
    const std::string rate = "per 1000 crisis calls";
    for (const ResidentGroup& group : world.scenario().residents.groups) {
      const std::string prefix = "group." + group.name + ".";
      columns.push_back({prefix + "crisis_calls", "calls", "crisis calls from the group's residents"});
      columns.push_back({prefix + "response_min.mean", "min", "mean response time of the group's attended crisis calls"});
      columns.push_back({prefix + "per_1000.arrest", rate, "the group's crisis calls ending in arrest"});
      columns.push_back({prefix + "per_1000.use_of_force", rate, "the group's crisis calls on which force was used"});
      columns.push_back({prefix + "per_1000.ed_transports", rate, "the group's crisis calls ending at the ED"});
      columns.push_back({prefix + "share_clinician_involved", "share", "the group's crisis calls on which a clinician worked"});
    }
  }

  void on_call_closed(const Call& call, double /*now*/, std::size_t group) override {
    if (!counted_crisis(call) || calls_.empty()) return;
    const double response = call.on_scene - call.arrival;
    calls_[group] += 1;
    if (std::isfinite(response)) response_[group].add(response);
    if (call.disposition == static_cast<std::int8_t>(Disposition::arrest)) arrests_[group] += 1;
    if (call.disposition == static_cast<std::int8_t>(Disposition::ed_voluntary) ||
        call.disposition == static_cast<std::int8_t>(Disposition::ed_detention)) {
      ed_[group] += 1;
    }
    if (call.use_of_force) force_[group] += 1;
    if (call.clinician_involved) clinician_[group] += 1;
  }

  void finish(const EndOfRun& /*end*/, double* out) override {
    for (std::size_t g = 0; g < calls_.size(); ++g) {
      *out++ = calls_[g];
      *out++ = response_[g].mean();
      *out++ = per_thousand(arrests_[g], calls_[g]);
      *out++ = per_thousand(force_[g], calls_[g]);
      *out++ = per_thousand(ed_[g], calls_[g]);
      *out++ = share(clinician_[g], calls_[g]);
    }
  }

 private:
  std::vector<double> calls_, arrests_, force_, ed_, clinician_;
  std::vector<engine::RunningStats> response_;
};

}  // namespace

std::unique_ptr<const MeasureFamily> group_measures() { return std::make_unique<FamilyOf<Groups>>(); }

}  // namespace crisis::world::detail
