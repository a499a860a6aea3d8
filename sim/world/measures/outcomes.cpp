// What became of the crisis calls: dispositions, force, injuries, repeats, backup, the line.

#include "world/measures/measure.hpp"

namespace crisis::world::detail {
namespace {

class Outcomes final : public MeasureAccumulator {
 public:
  explicit Outcomes(const World& /*world*/) {}

  static void declare(const World& /*world*/, std::vector<MeasureColumn>& columns) {
    const std::string unit = "per 1000 crisis calls";
    for (std::size_t d = 0; d < kDispositionCount; ++d) {
      columns.push_back({"per_1000." + std::string(kDispositionNames[d]), unit, "crisis calls ending in this disposition"});
    }
    columns.push_back({"per_1000.ed_transports", unit, "ed_voluntary + ed_detention"});
    columns.push_back({"per_1000.use_of_force", unit, "crisis calls on which force was used"});
    columns.push_back({"per_1000.injuries", unit, "crisis calls with an injury"});
    columns.push_back({"per_1000.repeat_crises", unit, "crisis calls within 90 days of the resident's previous one"});
    columns.push_back({"per_1000.backup_requests", unit, "crisis calls on which the first unit asked for backup"});
    columns.push_back({"per_1000.resolved_by_phone", unit, "crisis calls the crisis line resolved by phone"});
    columns.push_back({"per_1000.abandoned_line_calls", unit, "line calls whose caller gave up waiting"});
    columns.push_back({"share_clinician_involved", "share", "crisis calls on which a unit with clinicians worked"});
  }

  void on_call_closed(const Call& call, double /*now*/, std::size_t /*group*/) override {
    if (!counted_crisis(call)) return;
    calls_ += 1;
    if (call.disposition >= 0) dispositions_[static_cast<std::size_t>(call.disposition)] += 1;
    if (call.use_of_force) use_of_force_ += 1;
    if (call.injury) injuries_ += 1;
    if (call.repeat) repeat_crises_ += 1;
    if (call.clinician_involved) clinician_involved_ += 1;
    if (call.backup_requested) backup_requests_ += 1;
    if (call.resolved_by_phone) resolved_by_phone_ += 1;
    if (call.abandoned) abandoned_ += 1;
  }

  void finish(const EndOfRun& /*end*/, double* out) override {
    for (std::size_t d = 0; d < kDispositionCount; ++d) *out++ = per_thousand(dispositions_[d], calls_);
    const auto ed = static_cast<std::size_t>(Disposition::ed_voluntary);
    const auto detention = static_cast<std::size_t>(Disposition::ed_detention);
    *out++ = per_thousand(dispositions_[ed] + dispositions_[detention], calls_);
    *out++ = per_thousand(use_of_force_, calls_);
    *out++ = per_thousand(injuries_, calls_);
    *out++ = per_thousand(repeat_crises_, calls_);
    *out++ = per_thousand(backup_requests_, calls_);
    *out++ = per_thousand(resolved_by_phone_, calls_);
    *out++ = per_thousand(abandoned_, calls_);
    *out++ = share(clinician_involved_, calls_);
  }

 private:
  double calls_ = 0;
  std::array<double, kDispositionCount> dispositions_{};
  double use_of_force_ = 0, injuries_ = 0, repeat_crises_ = 0, clinician_involved_ = 0;
  double backup_requests_ = 0, resolved_by_phone_ = 0, abandoned_ = 0;
};

}  // namespace

std::unique_ptr<const MeasureFamily> outcome_measures() { return std::make_unique<FamilyOf<Outcomes>>(); }

}  // namespace crisis::world::detail
