#pragma once
/// \file
/// Where the importer's inputs come from: a built-in schema or mapping (compiled in from cad/)
/// or a file the user names, with the checks every input file gets. Internal to sim/cad.

#include <string>
#include <string_view>
#include <vector>

namespace crisis::io::cad::detail {

/// The checks every input file gets before it is read: exists, regular, readable. InputError
/// naming `what` otherwise.
void check_input_file(const std::string& path, const std::string& what);

/// Names of the built-in files of a kind ("schemas" or "mappings"), in name order.
[[nodiscard]] std::vector<std::string> builtin_names(std::string_view kind);

/// A built-in name or a file: the text, the label messages use, and the name.
struct Source {
  std::string text;
  std::string label;
  std::string name;
};

/// The built-in `kind` file named `spec`, else the file at `spec` (at most 64 MiB). An unknown
/// name that does not look like a path is an InputError on `flag` listing the built-in names.
[[nodiscard]] Source resolve(std::string_view kind, const std::string& spec, const std::string& flag,
                             const std::string& what);

}  // namespace crisis::io::cad::detail
