#pragma once
/// \file
/// What each fuzz target does with one input, shared by the libFuzzer targets in this folder
/// and by tests/fuzz_regressions_test.cpp, which replays every saved crash through the same
/// code in the normal test suite.
///
/// The contract under test (DESIGN.md, "Contracts"): whatever the bytes, loading either
/// succeeds or throws crisis::InputError (exit code 2). Any other exception, a crash, a
/// sanitizer report, a hang or an out-of-memory is a bug.

#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "engine/errors.hpp"
#include "cad/cad.hpp"
#include "scenario/scenario_loader.hpp"
#include "models/builtin_models.hpp"
#include "world/response_model.hpp"
#include "world/world.hpp"

namespace crisis::fuzz {

/// The built-in models, registered once (as main() does).
inline const world::ModelRegistry& builtin_registry() {
  static const world::ModelRegistry registry = [] {
    world::ModelRegistry r;
    models::register_builtin_models(r);
    return r;
  }();
  return registry;
}

/// As `crisis-sim validate`: load the scenario (with `overrides`) and build its world, which
/// applies the models. Returns true when the input is accepted; false on InputError. Anything
/// else propagates, which is what makes the fuzzer stop and save the input.
inline bool load_and_build(const std::string& text, const std::string& label, const std::vector<io::Override>& overrides) {
  try {
    const io::LoadedScenario loaded = io::load_scenario_text(text, label, overrides, builtin_registry());
    (void)world::build_world(loaded.scenario, builtin_registry());
    return true;
  } catch (const InputError&) {
    return false;
  }
}

/// Target `scenario_loader`: the bytes are a scenario file.
inline bool replay_scenario(std::string_view bytes) { return load_and_build(std::string(bytes), "fuzz.yaml", {}); }

/// More --set flags than anyone types; keeps one input from taking seconds.
inline constexpr std::size_t kMaxOverrides = 64;

/// Target `set_override`: the bytes are lines of "path=value", each one --set flag, applied
/// to `baseline` (the text of scenarios/baseline_police.yaml) as the command line does.
inline bool replay_overrides(std::string_view bytes, const std::string& baseline) {
  std::vector<io::Override> overrides;
  try {
    std::size_t begin = 0;
    while (begin < bytes.size() && overrides.size() < kMaxOverrides) {
      std::size_t end = bytes.find('\n', begin);
      if (end == std::string_view::npos) end = bytes.size();
      const std::string line(bytes.substr(begin, end - begin));
      if (!line.empty()) overrides.push_back(io::parse_override(line));
      begin = end + 1;
    }
  } catch (const InputError&) {
    return false;  // a malformed flag: the command line stops here too
  }
  return load_and_build(baseline, "baseline_police.yaml", overrides);
}

/// Target `cad_import`: the bytes are a CAD export. When the first line is exactly the name
/// of a built-in schema (seattle, nopd, ...), it picks the schema and the rest is the CSV;
/// otherwise the whole input is read with the milwaukee schema (so plain CSV files seed it).
/// Imported as `crisis-sim fit` does, without a rejects file.
inline bool replay_cad(std::string_view bytes) {
  std::string schema = "milwaukee";
  const std::size_t newline = bytes.find('\n');
  if (newline != std::string_view::npos) {
    const std::string first(bytes.substr(0, newline));
    const auto names = io::cad::builtin_schemas();
    if (std::find(names.begin(), names.end(), first) != names.end()) {
      schema = first;
      bytes.remove_prefix(newline + 1);
    }
  }
  io::cad::ImportOptions options;
  options.schema = schema;
  try {
    (void)io::cad::import_calls_text(std::string(bytes), "fuzz.csv", options);
    return true;
  } catch (const InputError&) {
    return false;
  }
}

}  // namespace crisis::fuzz
