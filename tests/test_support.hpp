#pragma once
/// \file
/// Helpers shared by the test suites: a temporary folder and a captured run of the CLI.

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <system_error>
#include <vector>

#include <unistd.h>

#include "app/cli.hpp"

namespace crisis::testing {

/// A fresh folder under the system temporary directory, removed on scope exit.
class TemporaryFolder {
 public:
  explicit TemporaryFolder(const std::string& label = "test") {
    static int counter = 0;
    path_ = std::filesystem::temp_directory_path() /
            ("crisis-" + label + "-" + std::to_string(::getpid()) + "-" + std::to_string(++counter));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  TemporaryFolder(const TemporaryFolder&) = delete;
  TemporaryFolder& operator=(const TemporaryFolder&) = delete;
  ~TemporaryFolder() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  [[nodiscard]] const std::filesystem::path& path() const noexcept { return path_; }
  /// Write `text` to `name` in the folder; returns the file's path.
  [[nodiscard]] std::string write(const std::string& name, const std::string& text) const {
    const std::filesystem::path file = path_ / name;
    std::ofstream(file, std::ios::binary) << text;
    return file.string();
  }

 private:
  std::filesystem::path path_;
};

/// What one run of the command line produced.
struct CliResult {
  int code = -1;
  std::string out;
  std::string err;
};

/// crisis-sim ARGUMENTS..., in process, with stdout and stderr captured.
inline CliResult run_cli_captured(const std::vector<std::string>& arguments) {
  std::vector<const char*> argv = {"crisis-sim"};
  for (const auto& argument : arguments) argv.push_back(argument.c_str());
  std::ostringstream out;
  std::ostringstream err;
  CliResult result;
  result.code = crisis::cli::run_cli(static_cast<int>(argv.size()), argv.data(), out, err);
  result.out = out.str();
  result.err = err.str();
  return result;
}

}  // namespace crisis::testing
