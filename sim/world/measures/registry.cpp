// The table of measure families. Their order is the output's column order, part of the
// contract that goldens, compare JSON and reports check: add a family where its columns go.

#include "world/measures/measure.hpp"

namespace crisis::world::detail {

// One line per family: X(factory), the factory defined in the family's own file.
#define CRISIS_MEASURE_FAMILIES(X) \
  X(calls_and_response_measures)   \
  X(dispatch_realism_measures)     \
  X(outcome_measures)              \
  X(staff_hours_measures)          \
  X(background_measures)           \
  X(unit_measures)                 \
  X(crisis_line_measures)          \
  X(cost_measures)                 \
  X(zone_measures)                 \
  X(group_measures)                \
  X(resident_measures)             \
  X(unserved_measures)

#define CRISIS_DECLARE_FAMILY(factory) std::unique_ptr<const MeasureFamily> factory();
CRISIS_MEASURE_FAMILIES(CRISIS_DECLARE_FAMILY)
#undef CRISIS_DECLARE_FAMILY

const std::vector<std::unique_ptr<const MeasureFamily>>& measure_families() {
  static const std::vector<std::unique_ptr<const MeasureFamily>> families = [] {
    std::vector<std::unique_ptr<const MeasureFamily>> list;
#define CRISIS_ADD_FAMILY(factory) list.push_back(factory());
    CRISIS_MEASURE_FAMILIES(CRISIS_ADD_FAMILY)
#undef CRISIS_ADD_FAMILY
    return list;
  }();
  return families;
}

MeasureLayout lay_out_measures(const World& world) {
  MeasureLayout layout;
  std::vector<MeasureColumn> columns;
  for (const auto& family : measure_families()) {
    layout.family_first.push_back(columns.size());
    family->declare(world, columns);
  }
  layout.family_first.push_back(columns.size());
  for (MeasureColumn& column : columns) {
    layout.names.push_back(std::move(column.name));
    layout.units.push_back(std::move(column.unit));
    layout.docs.push_back(std::move(column.doc));
  }
  return layout;
}

}  // namespace crisis::world::detail
