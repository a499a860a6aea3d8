#pragma once
/// \file
/// What `crisis-sim fit` and `crisis-sim backtest` share (docs/cad-fit.md): their flags, and
/// how they read dates, name the fitted scenario, find the base scenario and make the output
/// folder.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "cad/cad.hpp"

namespace CLI {
class App;
}

namespace crisis::cli {

/// The flags of fit and backtest as parsed.
struct FitFlags {
  std::string csv;
  std::string schema;
  std::string mapping;
  std::string out_dir;
  std::string base;
  std::string from;   ///< keep calls created at or after this date
  std::string to;     ///< keep calls created before this date
  std::string split;  ///< backtest: fit before, compare from
  std::string until;  ///< backtest: end of the held-out period
  std::string name;
  std::optional<std::uint64_t> seed;
  std::optional<int> replications;
  int threads = 1;
  bool quiet = false;
};

/// The flags fit and backtest both take, in the order --help lists them.
void add_cad_flags(CLI::App& command, FitFlags& flags, const char* replications_help);

/// "YYYY-MM-DD" or "YYYY-MM-DD HH:MM[:SS]" (or with T) as a CAD timestamp, read as the importer
/// reads ISO stamps; InputError naming `flag` otherwise.
io::cad::Timestamp parse_date_flag(const std::string& text, const std::string& flag);

/// --base when given, else the shipped scenario for `schema`: from the working folder when run
/// in a checkout, else from the source tree.
std::string resolve_base(const FitFlags& flags, const std::string& schema);

/// --name when given, else the CAD file's stem with `suffix`; InputError unless it is usable
/// as a file name (letters, digits, _ - ., not starting with .).
std::string scenario_name(const FitFlags& flags, const char* suffix);

/// The output folder's files, written first into a hidden sibling folder and moved into the
/// output folder only when the command succeeds: a failed fit or backtest leaves no partial
/// output, no rejects.csv and no empty folder (issue #15).
class StagedOutput {
 public:
  explicit StagedOutput(const std::string& out_dir);
  StagedOutput(const StagedOutput&) = delete;
  StagedOutput& operator=(const StagedOutput&) = delete;
  ~StagedOutput();
  /// Where to write a file now.
  [[nodiscard]] std::string staged(const std::string& file) const;
  /// Where the file ends up.
  [[nodiscard]] std::string final_path(const std::string& file) const;
  /// Moves every staged file into the output folder (created now), each by one rename.
  void commit() const;

 private:
  std::string out_;
  std::filesystem::path staging_;
};

}  // namespace crisis::cli
