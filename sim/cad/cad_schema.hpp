#pragma once
/// \file
/// A CAD schema: which of an export's columns hold what crisis-sim reads, how its times are
/// written and what its codes mean (cad/schemas/*.yaml, or a user's YAML file; the keys are
/// documented in docs/cad-import.md). Internal to sim/cad.

#include <array>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cad/cad.hpp"
#include "cad/cad_sources.hpp"

namespace crisis::io::cad::detail {

/// The time stages a schema may map, in the order a call passes them.
inline constexpr std::array<std::string_view, 4> kStageNames = {"created", "dispatched", "arrived", "closed"};
enum Stage : std::size_t { kCreated, kDispatched, kArrived, kClosed };

/// A schema as read: column names, formats and code maps (codes by lookup_key).
struct Schema {
  std::string name;
  char delimiter = ',';
  bool latin1 = false;
  std::array<std::string, 4> stage_columns;    ///< "" when the export lacks the stage
  std::vector<std::string> call_type_columns;  ///< first non-empty value is the call type
  std::string priority_column, area_column, unit_column, disposition_column;
  std::string call_id_column;  ///< "" = every row is a call; else rows repeating an id are one call's other units
  std::array<std::vector<std::string>, 4> time_formats;  ///< per stage; empty = ISO
  bool date_only_midnight = false;
  double max_stage_hours = 48;
  std::vector<std::string> private_columns;
  std::map<std::string, int> priority_map;                                   ///< by lookup_key
  std::map<std::string, std::optional<world::Disposition>> disposition_map;  ///< by lookup_key
  std::string default_mapping;  ///< a built-in name, or a path relative to the schema file (resolved by the importer)
  int default_mapping_line = 0;    ///< 1-based place of default_mapping's value in the schema file (0 when absent)
  int default_mapping_column = 0;
  Category default_category = Category::other_police;
};

/// Reads and checks a schema; InputError listing every problem (file:line:column, key path).
[[nodiscard]] Schema parse_schema(const Source& source);

}  // namespace crisis::io::cad::detail
