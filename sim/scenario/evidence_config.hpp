#pragma once
/// \file
/// One `evidence:` entry of a scenario (issue #14): a published figure the scenario should
/// reproduce. sim/scenario reads it (sections/evidence_sections.cpp); `crisis-sim check` runs
/// it (experiments/evidence.hpp). It sits beside the scenario, not in world::Scenario: the
/// simulation never sees it.

#include <string>

namespace crisis::io {

struct EvidenceEntry {
  enum class Statistic { value, difference, ratio };
  std::string name;       ///< what is checked, in words
  std::string measure;    ///< a measure name, or a derived one (experiments/evidence.hpp)
  std::string divide_by;  ///< "" or a second measure of the same variant: measure / divide_by
  std::string variant;    ///< "" = the scenario's first variant (or the scenario itself)
  std::string reference;  ///< `compare_with`: the other variant of a difference or ratio
  Statistic statistic = Statistic::value;
  double low = 0.0;  ///< the published range; low == high for a single figure
  double high = 0.0;
  double tolerance = 0.0;      ///< relative: the range is widened by tolerance x |bound| each side
  double tolerance_abs = 0.0;  ///< absolute, in the measure's unit, added to the relative widening
  std::string source;          ///< an evidence.md section or a citation
  std::string note;
  int line = 0;  ///< where the entry is written (1-based), for problems found when it is run
  int column = 0;
};

}  // namespace crisis::io
