// Property test of the documented ranges (issue #13): values drawn for the scenario's numeric
// keys from the types and ranges docs/scenario-format.md gives them (the table
// tests/docs_keys_test.cpp reads), plus edge and absurd values, set on the baseline with
// --set. `validate`, then (when valid) a one-day run, must end in exit 0 or 2 within a time
// and memory budget: anything else (an internal error, a crash, a hang, running out of
// memory) fails. CI runs a short smoke; scripts/property_ranges.sh runs it for as long as asked
// (CRISIS_PROPERTY_SECONDS) with a seed of its own (CRISIS_PROPERTY_SEED).
#include <doctest/doctest.h>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include <sys/wait.h>

#include "test_support.hpp"

namespace {

const std::string kSourceDir = CRISIS_SOURCE_DIR;
const std::string kBaseline = kSourceDir + "/scenarios/baseline_police.yaml";

/// One numeric key of the reference: its --set path (list entries as [0]) and documented range.
struct NumericKey {
  std::string path;
  std::string type;  ///< "number", "whole number", "probability" or "duration"
  double low = 0.0;
  double high = 0.0;
};

std::string trim(std::string text) {
  const auto first = text.find_first_not_of(' ');
  const auto last = text.find_last_not_of(' ');
  return first == std::string::npos ? "" : text.substr(first, last - first + 1);
}

// "0 to 1,000,000", "−500 to 500", "0.01 to 100": false when the range is not two numbers.
bool parse_range(std::string text, double& low, double& high) {
  std::string plain;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text.compare(i, 3, "\xE2\x88\x92") == 0) {  // U+2212 minus sign
      plain += '-';
      i += 2;
    } else if (text[i] != ',') {
      plain += text[i];
    }
  }
  const auto to = plain.find(" to ");
  if (to == std::string::npos) return false;
  char* end = nullptr;
  const std::string a = trim(plain.substr(0, to));
  const std::string b = trim(plain.substr(to + 4));
  low = std::strtod(a.c_str(), &end);
  if (end != a.c_str() + a.size()) return false;
  high = std::strtod(b.c_str(), &end);
  return end == b.c_str() + b.size() && low <= high;
}

/// The numeric keys of docs/scenario-format.md's tables, models' parameters and placeholders left out.
std::vector<NumericKey> documented_numeric_keys() {
  std::ifstream in(kSourceDir + "/docs/scenario-format.md");
  std::vector<NumericKey> keys;
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("| `", 0) != 0) continue;
    std::vector<std::string> cells;
    std::stringstream row(line.substr(1));
    std::string cell;
    while (std::getline(row, cell, '|')) cells.push_back(trim(cell));
    if (cells.size() < 5) continue;
    std::string path = cells[0];
    if (path.size() < 3 || path.front() != '`' || path.back() != '`') continue;
    path = path.substr(1, path.size() - 2);
    if (path.find('<') != std::string::npos || path.rfind("models", 0) == 0 || path.rfind("variants", 0) == 0 ||
        path.rfind("replay", 0) == 0 || path.find(' ') != std::string::npos) {
      continue;
    }
    for (std::size_t at = path.find("[]"); at != std::string::npos; at = path.find("[]")) path.replace(at, 2, "[0]");
    NumericKey key{path, cells[1], 0.0, 0.0};
    if (key.type == "duration") {
      key.low = 0.0;
      key.high = 5.256e6;
    } else if ((key.type == "number" || key.type == "whole number" || key.type == "probability") &&
               parse_range(cells[4], key.low, key.high)) {
    } else {
      continue;
    }
    keys.push_back(key);
  }
  return keys;
}

/// splitmix64: the test's own generator (no std::*_distribution, whose output varies).
struct Draws {
  std::uint64_t state;
  std::uint64_t next() {
    std::uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  std::size_t below(std::size_t n) { return static_cast<std::size_t>(next() % n); }
};

std::string number_text(double value) {
  std::ostringstream text;
  text.precision(17);
  text << value;
  return text.str();
}

/// A value for `key`: in range most of the time (uniform or log-uniform), else an edge or an absurd value.
std::string draw_value(const NumericKey& key, Draws& draws) {
  static const std::vector<std::string> kAbsurd = {"5e-324", "1e-320", "1e308", "-1e308", "-1", ".nan", ".inf", "~", "!weird 1",
                                                   "1e300", "0"};
  const double pick = draws.uniform();
  if (pick < 0.2) return kAbsurd[draws.below(kAbsurd.size())];
  if (key.type == "duration" && pick < 0.45) {
    const double mean = std::exp(draws.uniform() * 16.0 - 2.0);
    switch (draws.below(4)) {
      case 0: return "{mean: " + number_text(mean) + ", sd: " + number_text(mean * draws.uniform() * 10) + "}";
      case 1: return "{distribution: exponential, mean: " + number_text(mean) + "}";
      case 2: return "{distribution: weibull, shape: " + number_text(0.05 + draws.uniform() * 5) + ", scale: " + number_text(mean) + "}";
      default: return "{distribution: gamma, mean: " + number_text(mean) + ", sd: " + number_text(mean * (0.01 + draws.uniform())) + "}";
    }
  }
  double value = 0.0;
  if (pick < 0.3) value = key.low;
  else if (pick < 0.4) value = key.high;
  else if (key.low > 0 && key.high / key.low > 1000) value = key.low * std::pow(key.high / key.low, draws.uniform());
  else if (key.low >= 0 && key.high > 1000) value = std::pow(key.high + 1, draws.uniform()) - 1;
  else value = key.low + (key.high - key.low) * draws.uniform();
  if (key.type == "whole number") value = std::round(value);
  return number_text(value);
}

// AddressSanitizer reserves terabytes of address space for its shadow memory, so under it a
// virtual-memory limit aborts every run (exit 134): the ASan build checks time and exit codes
// only, and the Release build (ctest, scripts/property_ranges.sh) checks memory too.
#if defined(__SANITIZE_ADDRESS__)
constexpr bool kAddressSanitizer = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kAddressSanitizer = true;
#else
constexpr bool kAddressSanitizer = false;
#endif
#else
constexpr bool kAddressSanitizer = false;
#endif

/// Exit status of crisis-sim ARGUMENTS under a time and memory limit (124: timed out).
int run_limited(const std::vector<std::string>& arguments, int seconds, long memory_kib) {
  const std::string memory_limit = kAddressSanitizer ? std::string() : "ulimit -v " + std::to_string(memory_kib) + "; ";
  std::string command = memory_limit + "timeout " + std::to_string(seconds) + " '" + CRISIS_SIM_BINARY + "'";
  for (const auto& argument : arguments) command += " '" + argument + "'";
  command += " >/dev/null 2>&1";
  const int status = std::system(command.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/// Draw and check cases until `cases` are done or `seconds` have passed; the failures, as command lines.
std::vector<std::string> check_ranges(std::uint64_t seed, int cases, double seconds) {
  const std::vector<NumericKey> keys = documented_numeric_keys();
  REQUIRE(keys.size() > 50);  // the reference's tables were read
  Draws draws{seed};
  std::vector<std::string> failures;
  const auto started = std::chrono::steady_clock::now();
  for (int c = 0; c < cases; ++c) {
    if (std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count() > seconds) break;
    std::vector<std::string> sets;
    const std::size_t count = 1 + draws.below(3);
    for (std::size_t k = 0; k < count; ++k) {
      const NumericKey& key = keys[draws.below(keys.size())];
      sets.push_back("--set");
      sets.push_back(key.path + "=" + draw_value(key, draws));
    }
    std::vector<std::string> validate = {"validate", kBaseline};
    validate.insert(validate.end(), sets.begin(), sets.end());
    int code = run_limited(validate, 60, 2'000'000);
    std::vector<std::string> attempted = validate;
    if (code == 0) {
      attempted = {"run", kBaseline, "--horizon-days", "1", "--warmup-days", "0", "--replications", "1", "--quiet"};
      attempted.insert(attempted.end(), sets.begin(), sets.end());
      code = run_limited(attempted, 120, 4'000'000);
    }
    if (code != 0 && code != 2) {
      std::string line = "exit " + std::to_string(code) + ": crisis-sim";
      for (const auto& argument : attempted) line += " '" + argument + "'";
      failures.push_back(line);
    }
  }
  return failures;
}

std::uint64_t env_number(const char* name, std::uint64_t fallback) {
  const char* text = std::getenv(name);
  return text != nullptr && *text != '\0' ? std::strtoull(text, nullptr, 10) : fallback;
}

}  // namespace

TEST_CASE("the reference's numeric keys are found with their ranges") {
  const std::vector<NumericKey> keys = documented_numeric_keys();
  CHECK(keys.size() > 50);
  bool speed = false;
  for (const auto& key : keys) {
    if (key.path == "city.travel.speed_kmh") speed = key.type == "number" && key.low == 5.0 && key.high == 300.0;
  }
  CHECK(speed);
}

TEST_CASE("values drawn from the documented ranges end in exit 0 or 2 within the budget (smoke)") {
  // CRISIS_PROPERTY_SECONDS > 0 is the long run (scripts/property_ranges.sh); otherwise a smoke.
  const std::uint64_t long_seconds = env_number("CRISIS_PROPERTY_SECONDS", 0);
  const std::uint64_t seed = env_number("CRISIS_PROPERTY_SEED", 20261206);
  const int cases = long_seconds > 0 ? 1'000'000'000 : static_cast<int>(env_number("CRISIS_PROPERTY_CASES", 24));
  const double seconds = long_seconds > 0 ? static_cast<double>(long_seconds) : 1e9;
  const std::vector<std::string> failures = check_ranges(seed, cases, seconds);
  std::string report;
  for (const auto& failure : failures) report += "\n  " + failure;
  CHECK_MESSAGE(failures.empty(), "cases that ended in neither 0 nor 2:" << report);
}
