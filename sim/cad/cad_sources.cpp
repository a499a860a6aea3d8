#include "cad/cad_sources.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "cad/cad.hpp"
#include "cad/cad_builtin_files.hpp"
#include "cad/cad_text.hpp"
#include "engine/errors.hpp"
#include "results/results_writer.hpp"

namespace crisis::io::cad {
namespace detail {
namespace {

namespace fs = std::filesystem;

std::string read_small_file(const std::string& path, const std::string& what) {
  check_input_file(path, what);
  constexpr std::uintmax_t kMaxBytes = 64u << 20;
  std::error_code error;
  const auto size = fs::file_size(path, error);
  if (!error && size > kMaxBytes)
    throw InputError(InputProblem{path, 0, 0, "", "is larger than 64 MiB; expected " + what});
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(InputProblem{path, 0, 0, "", "cannot be read (permission?)"});
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

const detail::BuiltinFile* find_builtin(std::string_view kind, const std::string& name) {
  for (const auto& file : detail::builtin_files()) {
    if (file.kind == kind && file.name == name) return &file;
  }
  return nullptr;
}

}  // namespace

void check_input_file(const std::string& path, const std::string& what) {
  if (path.empty()) throw InputError(InputProblem{"", 0, 0, "", "the path of the " + what + " is empty"});
  std::error_code error;
  const auto status = fs::status(path, error);
  if (error || !fs::exists(status)) throw InputError(InputProblem{path, 0, 0, "", "no such file; expected " + what});
  if (fs::is_directory(status)) throw InputError(InputProblem{path, 0, 0, "", "is a directory; expected " + what});
  if (!fs::is_regular_file(status))
    throw InputError(InputProblem{path, 0, 0, "", "is not a regular file; expected " + what});
}

std::vector<std::string> builtin_names(std::string_view kind) {
  std::vector<std::string> names;
  for (const auto& file : detail::builtin_files()) {
    if (file.kind == kind) names.emplace_back(file.name);
  }
  return names;
}

Source resolve(std::string_view kind, const std::string& spec, const std::string& flag, const std::string& what) {
  if (const auto* builtin = find_builtin(kind, spec)) {
    return {std::string(builtin->text), "built-in " + std::string(builtin->path), spec};
  }
  const bool looks_like_path = spec.find('/') != std::string::npos || spec.find('.') != std::string::npos;
  if (!looks_like_path) {
    const auto names = builtin_names(kind);
    throw InputError(InputProblem{"", 0, 0, flag,
                                  "unknown " + what + " '" + spec + "'" + did_you_mean(spec, names) + "; built-in " +
                                      std::string(kind) + ": " + join(names, ", ") + ", or the path of a " + what +
                                      " file"});
  }
  Source source{read_small_file(spec, "a " + what + " file"), spec, fs::path(spec).stem().string()};
  return source;
}

}  // namespace detail

std::vector<std::string> builtin_schemas() { return detail::builtin_names("schemas"); }
std::vector<std::string> builtin_mappings() { return detail::builtin_names("mappings"); }

}  // namespace crisis::io::cad
