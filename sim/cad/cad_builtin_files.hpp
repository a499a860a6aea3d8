#pragma once
/// \file
/// The built-in CAD schemas and call-type mappings (cad/ in the source tree), compiled into
/// the binary by cmake/embed_cad_files.cmake. Internal to the importer.

#include <cstddef>
#include <string_view>
#include <vector>

namespace crisis::io::cad::detail {

struct BuiltinFile {
  std::string_view kind;  ///< "schemas" or "mappings"
  std::string_view name;  ///< file name without extension: the name users give
  std::string_view path;  ///< path in the source tree, for messages ("cad/schemas/seattle.yaml")
  std::string_view text;
};

/// Every built-in file, schemas first, each kind in name order.
const std::vector<BuiltinFile>& builtin_files();

}  // namespace crisis::io::cad::detail
