// Per zone: crisis call rates, response, arrests and ED transports.

#include "world/measures/measure.hpp"

namespace crisis::world::detail {
namespace {

class Zones final : public MeasureAccumulator {
 public:
  explicit Zones(const World& world)
      : world_(world),
        calls_(world.scenario().zones.size(), 0.0),
        arrests_(world.scenario().zones.size(), 0.0),
        ed_(world.scenario().zones.size(), 0.0),
        response_(world.scenario().zones.size()) {}

  static void declare(const World& world, std::vector<MeasureColumn>& columns) {
    for (const Zone& zone : world.scenario().zones) {
      columns.push_back({"zone." + zone.name + ".crisis_calls_per_1000_residents", "calls / 1000 residents / year",
                         "crisis calls from the zone per 1,000 of its population, annualised"});
      columns.push_back({"zone." + zone.name + ".response_min.mean", "min", "mean response time of the zone's attended crisis calls"});
    }
    for (const Zone& zone : world.scenario().zones) {
      columns.push_back({"zone." + zone.name + ".per_1000.arrest", "per 1000 crisis calls", "the zone's crisis calls ending in arrest"});
      columns.push_back({"zone." + zone.name + ".per_1000.ed_transports", "per 1000 crisis calls", "the zone's crisis calls ending at the ED"});
    }
  }

  void on_call_closed(const Call& call, double /*now*/, std::size_t /*group*/) override {
    if (!counted_crisis(call)) return;
    const double response = call.on_scene - call.arrival;
    calls_[call.zone] += 1;
    if (std::isfinite(response)) response_[call.zone].add(response);
    if (call.disposition == static_cast<std::int8_t>(Disposition::arrest)) arrests_[call.zone] += 1;
    if (call.disposition == static_cast<std::int8_t>(Disposition::ed_voluntary) ||
        call.disposition == static_cast<std::int8_t>(Disposition::ed_detention)) {
      ed_[call.zone] += 1;
    }
  }

  void finish(const EndOfRun& /*end*/, double* out) override {
    const double days = world_.scenario().run.horizon_days;
    for (std::size_t z = 0; z < calls_.size(); ++z) {
      const double population = world_.scenario().zones[z].population;
      *out++ = population > 0 ? 1000.0 * calls_[z] / population * 365.0 / days : kNaN;
      *out++ = response_[z].mean();
    }
    for (std::size_t z = 0; z < calls_.size(); ++z) {
      *out++ = per_thousand(arrests_[z], calls_[z]);
      *out++ = per_thousand(ed_[z], calls_[z]);
    }
  }

 private:
  const World& world_;
  std::vector<double> calls_, arrests_, ed_;
  std::vector<engine::RunningStats> response_;
};

}  // namespace

std::unique_ptr<const MeasureFamily> zone_measures() { return std::make_unique<FamilyOf<Zones>>(); }

}  // namespace crisis::world::detail
