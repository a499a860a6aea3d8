#pragma once
/// \file
/// A call-type mapping: what kind of demand each raw call type of an export is
/// (cad/mappings/*.csv, or a user's CSV with columns raw_call_type, category, crisis_type,
/// source, comment; docs/cad-import.md). Internal to sim/cad.

#include <map>
#include <optional>
#include <string>

#include "cad/cad.hpp"
#include "cad/cad_sources.hpp"

namespace crisis::io::cad::detail {

/// What one raw call type maps to.
struct MappingEntry {
  Category category = Category::other_police;
  std::optional<world::CrisisType> crisis_type;
};

/// A mapping as read; raw call types match ignoring case and spacing.
struct Mapping {
  std::string name;
  std::map<std::string, MappingEntry> entries;  ///< by lookup_key of raw_call_type
};

/// Reads and checks a mapping (read by the same CSV reader as the exports); InputError
/// listing every bad row with its line and column.
[[nodiscard]] Mapping parse_mapping(const Source& source);

}  // namespace crisis::io::cad::detail
