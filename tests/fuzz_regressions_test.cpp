// Inputs that once crashed a fuzz target (scripts/fuzz.sh), replayed in the normal suite
// through the same code the fuzzers run (tests/fuzz/fuzz_inputs.hpp): each must now be
// rejected with crisis::InputError or accepted, never crash or throw anything else.
//
//   tests/fuzz/regressions/*               scenario files  (target scenario_loader)
//   tests/fuzz/regressions/set_override/*  lines of --set path=value  (target set_override)
//   tests/fuzz/regressions/cad_import/*    CAD exports                 (target cad_import)
//
// Under scripts/sanitize.sh this suite also runs with ASan and UBSan, as the fuzzers do.
#include <doctest/doctest.h>

#include <algorithm>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "tests/fuzz/fuzz_inputs.hpp"

namespace {

namespace fs = std::filesystem;

const fs::path kRegressions = fs::path(CRISIS_SOURCE_DIR) / "tests" / "fuzz" / "regressions";

std::string read_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE_MESSAGE(in.good(), "cannot read " << path.string());
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/// The regular files directly in `folder`, in name order (so failures read the same each run).
std::vector<fs::path> files_in(const fs::path& folder) {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(folder)) {
    if (entry.is_regular_file()) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

/// Run `replay`; fail naming the file when it throws (InputError is caught inside).
template <class Replay>
void expect_no_crash(const fs::path& file, Replay&& replay) {
  INFO("input: " << file.string());
  try {
    (void)replay();
  } catch (const std::exception& error) {
    FAIL_CHECK("threw something other than crisis::InputError: " << error.what());
  } catch (...) {
    FAIL_CHECK("threw something that is not even a std::exception");
  }
}

}  // namespace

TEST_CASE("every scenario that once crashed the scenario_loader fuzzer is now rejected or accepted cleanly") {
  const std::vector<fs::path> files = files_in(kRegressions);
  REQUIRE_FALSE(files.empty());
  for (const fs::path& file : files) {
    const std::string bytes = read_bytes(file);
    expect_no_crash(file, [&] { return crisis::fuzz::replay_scenario(bytes); });
  }
}

TEST_CASE("every --set input that once crashed the set_override fuzzer is now rejected or accepted cleanly") {
  const std::vector<fs::path> files = files_in(kRegressions / "set_override");
  REQUIRE_FALSE(files.empty());
  const std::string baseline = read_bytes(fs::path(CRISIS_SOURCE_DIR) / "scenarios" / "baseline_police.yaml");
  for (const fs::path& file : files) {
    const std::string bytes = read_bytes(file);
    expect_no_crash(file, [&] { return crisis::fuzz::replay_overrides(bytes, baseline); });
  }
}

TEST_CASE("the fuzz replay accepts the shipped baseline and rejects junk with an input error") {
  const std::string baseline = read_bytes(fs::path(CRISIS_SOURCE_DIR) / "scenarios" / "baseline_police.yaml");
  CHECK(crisis::fuzz::replay_scenario(baseline));
  CHECK_FALSE(crisis::fuzz::replay_scenario("name: [unclosed"));
  CHECK(crisis::fuzz::replay_overrides("run.horizon_days=30\n", baseline));
  CHECK_FALSE(crisis::fuzz::replay_overrides("run.horizon_days=-1\n", baseline));
  CHECK_FALSE(crisis::fuzz::replay_overrides("no equals sign\n", baseline));
}

TEST_CASE("every CAD export that once crashed the cad_import fuzzer is now rejected or accepted cleanly") {
  const std::vector<fs::path> files = files_in(kRegressions / "cad_import");
  REQUIRE_FALSE(files.empty());
  for (const fs::path& file : files) {
    const std::string bytes = read_bytes(file);
    expect_no_crash(file, [&] { return crisis::fuzz::replay_cad(bytes); });
  }
}

TEST_CASE("the CAD fuzz replay accepts every seed and rejects junk with an input error") {
  for (const fs::path& file : files_in(fs::path(CRISIS_SOURCE_DIR) / "tests" / "fuzz" / "cad_import")) {
    INFO("seed: " << file.string());
    CHECK(crisis::fuzz::replay_cad(read_bytes(file)));
  }
  CHECK_FALSE(crisis::fuzz::replay_cad(""));
  CHECK_FALSE(crisis::fuzz::replay_cad("seattle\nnot,a,seattle,header\n1,2,3,4\n"));
}
