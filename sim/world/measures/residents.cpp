// The residents' state at the end of the run.

#include "world/measures/measure.hpp"

namespace crisis::world::detail {
namespace {

class Residents final : public MeasureAccumulator {
 public:
  explicit Residents(const World& /*world*/) {}

  static void declare(const World& /*world*/, std::vector<MeasureColumn>& columns) {
    columns.push_back({"residents.engaged_share_at_end", "share", "residents engaged with care at the end of the run"});
  }

  void finish(const EndOfRun& end, double* out) override { *out = end.engaged_share; }
};

}  // namespace

std::unique_ptr<const MeasureFamily> resident_measures() { return std::make_unique<FamilyOf<Residents>>(); }

}  // namespace crisis::world::detail
