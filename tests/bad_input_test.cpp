// Bad input: every broken scenario or flag exits with code 2 at once, with a message that
// names the file, line:column, key path and what was expected; nothing crashes, hangs or
// leaves output behind (docs: STYLE.md "Input and errors", DESIGN.md "Contracts").
//
// Most cases mutate the shipped baseline in code (replace a line, insert a key) and write the
// result to a temporary folder; the few inputs easier to read as files are in tests/data/bad/.
// Expected line:column positions are computed from the mutated text, so edits to the baseline
// move them without breaking the tests. Every rejected case runs `crisis-sim run ... --out DIR`
// with DIR an empty folder and checks that DIR is still empty afterwards.
#include <doctest/doctest.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <future>
#include <iostream>
#include <iterator>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <unistd.h>

#include "test_support.hpp"
#include "app/cli.hpp"
#include "models/builtin_models.hpp"
#include "world/response_model.hpp"

namespace {

using crisis::testing::TemporaryFolder;

namespace fs = std::filesystem;

const std::string kSourceDir = CRISIS_SOURCE_DIR;
const std::string kBaselinePath = kSourceDir + "/scenarios/baseline_police.yaml";
const fs::path kFixtures = fs::path(kSourceDir) / "tests" / "data" / "bad";

/// "Well under a second": a rejection must not simulate, allocate a city or expand aliases.
constexpr double kFastSeconds = 0.5;
/// A case still running after this long hangs (or was wrongly accepted and is simulating).
constexpr std::chrono::seconds kHangLimit{60};

// ---- files and folders ----------------------------------------------------------------------

std::string read_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE_MESSAGE(in.good(), "cannot read " << path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_bytes(const fs::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
  REQUIRE_MESSAGE(out.good(), "cannot write " << path);
}

const std::string& baseline() {
  static const std::string text = read_bytes(kBaselinePath);
  return text;
}


/// Every path under `folder`, relative to it.
std::set<std::string> contents(const fs::path& folder) {
  std::set<std::string> names;
  for (const auto& entry : fs::recursive_directory_iterator(folder)) names.insert(fs::relative(entry.path(), folder).string());
  return names;
}

// ---- mutating the baseline ------------------------------------------------------------------

/// `text` with its first `from` replaced by `to`; fails when `from` is not there.
std::string replace_first(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  REQUIRE_MESSAGE(at != std::string::npos, "the scenario no longer contains \"" << from << "\": update this test");
  return text.replace(at, from.size(), to);
}

/// The baseline with its first `from` replaced by `to`.
std::string mutate(const std::string& from, const std::string& to) { return replace_first(baseline(), from, to); }

/// `text` without the top-level section `key:` (up to the next line starting with a letter).
std::string without_section(const std::string& text, const std::string& key) {
  auto begin = text.find("\n" + key + ":");
  REQUIRE_MESSAGE(begin != std::string::npos, "the scenario has no top-level '" << key << ":'");
  ++begin;
  std::size_t end = begin;
  while (true) {
    end = text.find('\n', end);
    if (end == std::string::npos) {
      end = text.size();
      break;
    }
    ++end;
    if (end < text.size() && std::isalpha(static_cast<unsigned char>(text[end]))) break;
  }
  return text.substr(0, begin) + text.substr(end);
}

/// `text` without every line that contains `needle` (at least one must).
std::string without_lines_containing(const std::string& text, const std::string& needle) {
  std::istringstream lines(text);
  std::string kept;
  int removed = 0;
  for (std::string line; std::getline(lines, line);) {
    if (line.find(needle) != std::string::npos) {
      ++removed;
    } else {
      kept += line + "\n";
    }
  }
  REQUIRE_MESSAGE(removed > 0, "no line contains \"" << needle << "\"");
  return kept;
}

/// "LINE:COLUMN" (1-based) of the `nth` occurrence of `needle` in `text`, `shift` columns on.
std::string where(const std::string& text, const std::string& needle, int shift = 0, int nth = 1) {
  std::size_t at = std::string::npos;
  for (int k = 0; k < nth; ++k) {
    at = text.find(needle, at == std::string::npos ? 0 : at + 1);
    REQUIRE_MESSAGE(at != std::string::npos, "\"" << needle << "\" occurs fewer than " << nth << " times");
  }
  const std::size_t newline = at == 0 ? std::string::npos : text.rfind('\n', at - 1);
  const std::size_t line_start = newline == std::string::npos ? 0 : newline + 1;
  const auto line = 1 + std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(at), '\n');
  const auto column = static_cast<long>(at - line_start) + 1 + shift;
  return std::to_string(line) + ":" + std::to_string(column);
}

/// A key path of `count` entries, e.g. repeat_path("[0]", "", 3) == "[0][0][0]".
std::string repeat_path(const std::string& entry, const std::string& separator, int count) {
  std::string path;
  for (int k = 0; k < count; ++k) path += (k == 0 ? "" : separator) + entry;
  return path;
}

/// Ten levels of ten aliases each: 10^10 scalars if anything expanded them.
std::string billion_laughs_flow() {
  std::string text = "[&l0 [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]";
  for (int level = 1; level < 10; ++level) {
    const std::string alias = "*l" + std::to_string(level - 1);
    text += ", &l" + std::to_string(level) + " [" + repeat_path(alias, ", ", 10) + "]";
  }
  return text + "]";
}

/// Block-style definitions lol0..lol9, each a list of nine aliases to the one before.
std::string billion_laughs_block() {
  std::string text = "lol0: &lol0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n";
  for (int level = 1; level < 10; ++level) {
    const std::string alias = "*lol" + std::to_string(level - 1);
    text += "lol" + std::to_string(level) + ": &lol" + std::to_string(level) + " [" + repeat_path(alias, ", ", 9) + "]\n";
  }
  return text;
}

std::string valid_model_names() {
  crisis::world::ModelRegistry registry;
  crisis::models::register_builtin_models(registry);
  return registry.names_joined();
}

// ---- running the command line ---------------------------------------------------------------

struct CliResult {
  int code = -1;
  std::string out;
  std::string err;
  double seconds = 0.0;
};

std::string joined(const std::vector<std::string>& words, const std::string& separator = " ") {
  std::string text;
  for (const auto& word : words) text += (text.empty() ? "" : separator) + word;
  return text;
}

/// run_cli() on a worker thread, timed; a call that does not return in kHangLimit is a hang,
/// reported before the test program stops (a hung thread cannot be cancelled).
CliResult invoke(const std::vector<std::string>& arguments) {
  auto task = std::async(std::launch::async, [arguments] {
    std::vector<const char*> argv = {"crisis-sim"};
    for (const auto& argument : arguments) argv.push_back(argument.c_str());
    std::ostringstream out;
    std::ostringstream err;
    CliResult result;
    const auto started = std::chrono::steady_clock::now();
    result.code = crisis::cli::run_cli(static_cast<int>(argv.size()), argv.data(), out, err);
    result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    result.out = out.str();
    result.err = err.str();
    return result;
  });
  if (task.wait_for(kHangLimit) != std::future_status::ready) {
    std::cerr << "bad_input_test: 'crisis-sim " << joined(arguments) << "' did not return within " << kHangLimit.count()
              << " s: it hangs, or it accepted bad input and is simulating. Stopping.\n";
    std::_Exit(EXIT_FAILURE);
  }
  return task.get();
}

/// What a rejection must print: a line "error: FILE:LINE:COLUMN: FIELD: ..." holding `words`.
struct Expected {
  std::string file;                ///< as given on the command line; "--set PATH" or "" for flags
  std::string location;            ///< "LINE:COLUMN", or "" when the problem has no line
  std::string field;               ///< key path or flag; "" for a problem with the whole file
  std::vector<std::string> words;  ///< what was wrong and what was expected
};

std::string head_of(const Expected& expected) {
  std::string head = "error: ";
  if (!expected.file.empty()) head += expected.file + (expected.location.empty() ? "" : ":" + expected.location) + ": ";
  if (!expected.field.empty()) head += expected.field + ": ";
  return head;
}

bool says(const std::string& err, const Expected& expected) {
  const std::string head = head_of(expected);
  std::istringstream lines(err);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind(head, 0) != 0) continue;
    if (std::all_of(expected.words.begin(), expected.words.end(),
                    [&](const std::string& word) { return line.find(word, head.size()) != std::string::npos; })) {
      return true;
    }
  }
  return false;
}

/// Runs `crisis-sim ARGUMENTS... --out FOLDER/out` and checks the bad-input contract: exit 2,
/// the expected message, quick, nothing on stdout, FOLDER/out still empty, no other new files.
void check_rejected(const TemporaryFolder& folder, std::vector<std::string> arguments, const Expected& expected) {
  const fs::path out_dir = folder.path() / "out";
  fs::create_directories(out_dir);
  const std::set<std::string> before = contents(folder.path());
  arguments.push_back("--out");
  arguments.push_back(out_dir.string());
  const CliResult result = invoke(arguments);
  INFO("command: crisis-sim " << joined(arguments));
  INFO("stderr:\n" << result.err);
  CHECK(result.code == 2);
  CHECK_MESSAGE(says(result.err, expected),
                "expected a line starting \"" << head_of(expected) << "\" with \"" << joined(expected.words, "\", \"") << "\"");
  CHECK(result.err.find("internal error") == std::string::npos);
  CHECK(result.out.empty());
  CHECK(result.seconds < kFastSeconds);
  CHECK(fs::is_empty(out_dir));
  CHECK(contents(folder.path()) == before);
}

/// Writes `text` to a scenario file, runs `crisis-sim COMMAND FILE FLAGS...` and checks the
/// contract; `expected.file` is filled in with the file's path.
void reject_scenario(const std::string& text, Expected expected, const std::vector<std::string>& flags = {},
                     const std::string& command = "run") {
  TemporaryFolder folder;
  const fs::path file = folder.path() / "scenario.yaml";
  write_bytes(file, text);
  expected.file = file.string();
  std::vector<std::string> arguments = {command, file.string()};
  arguments.insert(arguments.end(), flags.begin(), flags.end());
  check_rejected(folder, arguments, expected);
}

/// Runs `crisis-sim run BASELINE FLAGS...` and checks the contract.
void reject_flags(const std::vector<std::string>& flags, const Expected& expected) {
  TemporaryFolder folder;
  std::vector<std::string> arguments = {"run", kBaselinePath};
  arguments.insert(arguments.end(), flags.begin(), flags.end());
  check_rejected(folder, arguments, expected);
}

/// Writes `text` to a scenario file and checks that `crisis-sim validate` accepts it.
void accept_scenario(const std::string& text) {
  TemporaryFolder folder;
  const fs::path file = folder.path() / "scenario.yaml";
  write_bytes(file, text);
  const CliResult result = invoke({"validate", file.string()});
  INFO("stderr:\n" << result.err);
  CHECK(result.code == 0);
  CHECK(result.out.find("valid scenario 'baseline_police'") != std::string::npos);
  CHECK(result.err.empty());
}

}  // namespace

// ---- YAML syntax --------------------------------------------------------------------------------

TEST_CASE("syntax: a '[' that is never closed is pointed at, with its key") {
  const std::string text = mutate("horizon_days: 365", "horizon_days: [365");
  reject_scenario(text, {"", where(text, "[365"), "run.horizon_days", {"YAML syntax error", "'['", "never closed", "expected ']'"}});
}

TEST_CASE("syntax: a '[' closed by '}' inside a zone") {
  const std::string text = mutate("{name: north,", "{name: north, [");
  reject_scenario(text, {"", where(text, "north, [", 7), "city.zones[2]", {"YAML syntax error", "closed by '}'", "expected ']'"}});
}

TEST_CASE("syntax: a '{' never closed in the model list") {
  const std::string text = mutate("  - police_only", "  - {name: police_only");
  reject_scenario(text, {"", where(text, "{name: police_only"), "models[0]", {"YAML syntax error", "'{'", "never closed"}});
}

TEST_CASE("syntax: a second ':' on a line") {
  const std::string text = mutate("  seed: 20261127", "  seed: : 20261127");
  reject_scenario(text, {"", where(text, "seed: :", 6), "run.seed", {"YAML syntax error", "illegal map value"}});
}

TEST_CASE("syntax: a tab used for indentation") {
  const std::string text = mutate("  warmup_days: 14", "\twarmup_days: 14");
  reject_scenario(text, {"", where(text, "\twarmup_days"), "run.warmup_days", {"tab", "indentation", "expected spaces"}});
}

TEST_CASE("syntax: a quote that is never closed (yaml-cpp would swallow the rest of the file)") {
  const std::string text = mutate("name: baseline_police", "name: \"baseline_police");
  reject_scenario(text, {"", where(text, "\"baseline_police"), "name", {"YAML syntax error", "never closed", "closing quote"}});
}

TEST_CASE("syntax: stray text before the first key") {
  const std::string text = mutate("name: baseline_police", "stray words\n# a comment\nname: baseline_police");
  reject_scenario(text, {"", where(text, "stray words"), "", {"stray text", "expected 'key: value' lines"}});
}

TEST_CASE("syntax: a second YAML document after the scenario") {
  const std::string text = baseline() + "---\nname: second_scenario\n";
  reject_scenario(text, {"", where(text, "---\nname: second"), "", {"second YAML document", "one document per file"}});
}

TEST_CASE("syntax: a ',' outside any bracket before the first key (yaml-cpp 0.7 alone loops for ever; found by fuzzing)") {
  const std::string text = mutate("name: baseline_police", ",\nname: baseline_police");
  reject_scenario(text, {"", where(text, ",\nname"), "", {"YAML syntax error", "unexpected ','", "outside any bracket"}});
}

TEST_CASE("syntax: a file that is only a ','") {
  reject_scenario(",\n", {"", "1:1", "", {"YAML syntax error", "unexpected ','"}});
}

// ---- not a scenario at all ----------------------------------------------------------------------

TEST_CASE("file: empty") { reject_scenario("", {"", "1:1", "", {"empty", "expected a scenario"}}); }

TEST_CASE("file: whitespace only") { reject_scenario(" \n\t\n   \r\n\n", {"", "1:1", "", {"empty", "expected a scenario"}}); }

TEST_CASE("file: comments only") {
  reject_scenario("# a scenario will go here\n# one day\n", {"", "1:1", "", {"only comments", "expected a scenario"}});
}

TEST_CASE("file: a list at the top level instead of a mapping") {
  reject_scenario("- police_only\n- cit\n", {"", "1:1", "(top level)", {"expected a mapping of keys to values", "a list of 2"}});
}

TEST_CASE("file: binary junk (fixture)") {
  TemporaryFolder folder;
  const std::string file = (kFixtures / "binary_junk.yaml").string();
  check_rejected(folder, {"run", file}, {file, "1:1", "", {"not valid UTF-8"}});
}

TEST_CASE("file: saved as UTF-16 (fixture)") {
  TemporaryFolder folder;
  const std::string file = (kFixtures / "utf16.yaml").string();
  check_rejected(folder, {"run", file}, {file, "1:1", "", {"UTF-16", "save it as UTF-8"}});
}

TEST_CASE("file: a NUL byte inside a value") {
  const std::string text = mutate("  seed: 20261127", std::string("  seed: 2026") + '\0' + "1127");
  reject_scenario(text, {"", where(text, std::string(1, '\0')), "run.seed", {"NUL byte", "expected YAML text"}});
}

TEST_CASE("file: invalid UTF-8 (a Latin-1 byte) inside a value") {
  const std::string text = mutate("name: baseline_police", "name: baseline_\xE9police");
  reject_scenario(text, {"", where(text, "\xE9"), "name", {"not valid UTF-8", "save it as UTF-8"}});
}

TEST_CASE("file: a UTF-8 sequence cut off at the end of the file") {
  const std::string text = baseline() + "# caf\xC3";
  reject_scenario(text, {"", where(text, "\xC3"), "", {"not valid UTF-8"}});
}

TEST_CASE("file: a directory given as the scenario") {
  TemporaryFolder folder;
  const fs::path directory = folder.path() / "scenarios.yaml";
  fs::create_directories(directory);
  check_rejected(folder, {"run", directory.string()}, {directory.string(), "", "", {"is a directory", "expected a scenario YAML file"}});
}

TEST_CASE("file: missing") {
  TemporaryFolder folder;
  const std::string file = (folder.path() / "no_such_scenario.yaml").string();
  check_rejected(folder, {"run", file}, {file, "", "", {"no such file"}});
}

TEST_CASE("file: an empty path") {
  TemporaryFolder folder;
  check_rejected(folder, {"run", ""}, {"", "", "scenario", {"path is empty", "expected a scenario YAML file"}});
}

TEST_CASE("file: a path that is not UTF-8 (it would go into summary.json)") {
  TemporaryFolder folder;
  const std::string file = (folder.path() / "caf\xE9.yaml").string();
  write_bytes(file, baseline());
  check_rejected(folder, {"run", file}, {file, "", "", {"path is not valid UTF-8"}});
}

// ---- wrong types --------------------------------------------------------------------------------

TEST_CASE("type: text where a number belongs") {
  const std::string text = mutate("population: 15000,", "population: lots,");
  reject_scenario(text, {"", where(text, "lots"), "city.zones[0].population", {"expected a number", "got \"lots\""}});
}

TEST_CASE("type: a list where a mapping belongs") {
  const std::string text = mutate("ed_stay_hours: {mean: 8, sd: 6}", "ed_stay_hours: [8, 6]");
  reject_scenario(text, {"", where(text, "[8, 6]"), "residents.ed_stay_hours", {"expected a mapping", "got a list of 2"}});
}

TEST_CASE("type: a mapping where a list belongs") {
  const std::string text = mutate("models:\n  - police_only", "models: {police_only: true}");
  reject_scenario(text, {"", where(text, "{police_only"), "models", {"expected a list of response models", "got a mapping"}});
}

TEST_CASE("type: a list where text belongs") {
  const std::string text = mutate("name: baseline_police", "name: [baseline, police]");
  reject_scenario(text, {"", where(text, "[baseline"), "name", {"expected a word or text", "got a list of 2"}});
}

TEST_CASE("type: a fraction where a whole number belongs") {
  const std::string text = mutate("officers: 1", "officers: 1.5");
  reject_scenario(text, {"", where(text, "officers: 1.5", 10), "unit_types[0].officers", {"expected a whole number", "got \"1.5\""}});
}

// ---- numbers ------------------------------------------------------------------------------------

TEST_CASE("number: a negative population") {
  const std::string text = mutate("population: 15000,", "population: -15000,");
  reject_scenario(text, {"", where(text, "-15000"), "city.zones[0].population", {"expected a number from 0", "got \"-15000\""}});
}

TEST_CASE("number: a zero speed") {
  const std::string text = mutate("speed_kmh: 40", "speed_kmh: 0");
  reject_scenario(text, {"", where(text, "speed_kmh: 0", 11), "city.travel.speed_kmh", {"expected a number from 5", "got \"0\""}});
}

TEST_CASE("number: NaN") {
  const std::string text = mutate("share_with_needs: 0.055", "share_with_needs: .nan");
  reject_scenario(text, {"", where(text, ".nan"), "residents.share_with_needs", {"expected a number", "got \".nan\""}});
}

TEST_CASE("number: infinity") {
  const std::string text = mutate("calls_per_day: 271", "calls_per_day: .inf");
  reject_scenario(text, {"", where(text, ".inf"), "background.calls_per_day", {"expected a number", "got \".inf\""}});
}

TEST_CASE("number: beyond the range of a double") {
  const std::string text = mutate("cost_per_hour: 58", "cost_per_hour: 1e999");
  reject_scenario(text, {"", where(text, "1e999"), "unit_types[0].cost_per_hour", {"expected a number", "got \"1e999\""}});
}

TEST_CASE("number: a whole number beyond 64 bits") {
  const std::string text = mutate("replications: 20", "replications: 99999999999999999999999");
  reject_scenario(text, {"", where(text, "9999"), "run.replications", {"expected a whole number", "99999999999999999999999"}});
}

// ---- missing required keys ----------------------------------------------------------------------

TEST_CASE("missing: name") {
  const std::string text = without_lines_containing(baseline(), "name: baseline_police");
  reject_scenario(text, {"", where(text, "description: >"), "name", {"missing", "expected text"}});
}

TEST_CASE("missing: city") {
  const std::string text = without_section(baseline(), "city");
  reject_scenario(text, {"", where(text, "name: baseline_police"), "city", {"missing", "expected a mapping"}});
}

TEST_CASE("missing: city.zones") {
  const std::string text = without_lines_containing(baseline(), "    - {name: ");
  reject_scenario(text, {"", where(text, "zones:"), "city.zones", {"expected a list of at least one zone"}});
}

TEST_CASE("missing: a zone's population") {
  const std::string text = mutate("{name: north,       population: 25000, ", "{name: north, ");
  reject_scenario(text, {"", where(text, "{name: north"), "city.zones[2].population", {"missing", "expected a number"}});
}

TEST_CASE("missing: unit_types") {
  const std::string text = without_section(baseline(), "unit_types");
  reject_scenario(text, {"", where(text, "name: baseline_police"), "unit_types", {"expected a list of at least one unit type"}});
}

TEST_CASE("missing: crises") {
  const std::string text = without_section(baseline(), "crises");
  reject_scenario(text, {"", where(text, "name: baseline_police"), "crises", {"missing", "crisis call mix"}});
}

TEST_CASE("missing: facilities") {
  const std::string text = without_section(baseline(), "facilities");
  reject_scenario(text, {"", where(text, "name: baseline_police"), "facilities", {"missing", "expected a mapping"}});
}

TEST_CASE("missing: models, and the message lists the valid ones") {
  const std::string text = without_section(baseline(), "models");
  reject_scenario(text, {"", where(text, "name: baseline_police"), "models", {"missing", "valid: " + valid_model_names()}});
}

// ---- unknown keys and names ---------------------------------------------------------------------

TEST_CASE("unknown key at the top level, with a suggestion") {
  const std::string text = mutate("description: >", "descriptoin: >");
  reject_scenario(text, {"", where(text, "descriptoin"), "descriptoin", {"unknown key", "did you mean 'description'?"}});
}

TEST_CASE("unknown key in run, with a suggestion") {
  const std::string text = mutate("  warmup_days: 14", "  warmup_dayz: 14");
  reject_scenario(text, {"", where(text, "warmup_dayz"), "run.warmup_dayz", {"unknown key", "did you mean 'warmup_days'?"}});
}

TEST_CASE("unknown key in a zone, with a suggestion") {
  const std::string text = mutate("prevalence: 0.9}", "prevalnce: 0.9}");
  reject_scenario(text, {"", where(text, "prevalnce"), "city.zones[3].prevalnce", {"unknown key", "did you mean 'prevalence'?"}});
}

TEST_CASE("unknown key four levels deep, with a suggestion") {
  const std::string text = mutate("welfare_check: {mean: 40, sd: 35}", "welfare_check: {mean: 40, sdd: 35}");
  reject_scenario(text, {"", where(text, "sdd"), "unit_types[0].on_scene_min.welfare_check.sdd",
                         {"unknown key", "did you mean 'sd'?", "valid keys here: distribution, mean, sd"}});
}

TEST_CASE("unknown key in an outcome row, with a suggestion") {
  const std::string text = mutate("{resolved: 0.40, referral: 0.18", "{resolved: 0.40, referal: 0.18");
  reject_scenario(text, {"", where(text, "referal"), "unit_types[0].outcomes.suicidal.referal", {"unknown key", "did you mean 'referral'?"}});
}

TEST_CASE("unknown key given with --set, with a suggestion") {
  reject_flags({"--set", "run.horizon_dayz=30"},
               {"--set run.horizon_dayz", "", "run.horizon_dayz", {"unknown key", "did you mean 'horizon_days'?"}});
}

TEST_CASE("unknown model name: suggestion and the list of valid models") {
  const std::string text = mutate("  - police_only", "  - police_onyl");
  reject_scenario(text, {"", where(text, "police_onyl"), "models[0]",
                         {"unknown model 'police_onyl'", "did you mean 'police_only'?", "valid models: " + valid_model_names()}});
}

TEST_CASE("unknown zone in facilities") {
  const std::string text = mutate("    zone: west_univ", "    zone: west_uni");
  reject_scenario(text, {"", where(text, "west_uni\n"), "facilities.emergency_department.zone",
                         {"unknown zone 'west_uni'", "did you mean 'west_univ'?"}});
}

TEST_CASE("unknown zone in a unit type's base zones") {
  const std::string text = mutate("    cost_per_hour: 58\n", "    cost_per_hour: 58\n    base_zones: {downtwn: 1}\n");
  reject_scenario(text, {"", where(text, "downtwn"), "unit_types[0].base_zones.downtwn", {"unknown zone 'downtwn'", "did you mean 'downtown'?"}});
}

// ---- probabilities ------------------------------------------------------------------------------

TEST_CASE("probabilities: call-type shares that do not sum to one") {
  const std::string text = mutate("suicidal:       {share: 0.20", "suicidal:       {share: 0.25");
  reject_scenario(text, {"", where(text, "suicidal:       {share"), "crises.types", {"shares sum to 1.05", "expected 1"}});
}

TEST_CASE("probabilities: an outcome row that does not sum to one") {
  const std::string text = mutate("suicidal:       {resolved: 0.40, referral: 0.18", "suicidal:       {resolved: 0.40, referral: 0.28");
  reject_scenario(text, {"", where(text, "{resolved: 0.40, referral: 0.28"), "unit_types[0].outcomes.suicidal", {"sum to 1.1", "expected 1"}});
}

TEST_CASE("probabilities: a risk list that does not sum to one") {
  const std::string text = mutate("risk: [0.30, 0.45, 0.25]", "risk: [0.30, 0.45, 0.35]");
  reject_scenario(text, {"", where(text, "[0.30, 0.45, 0.35]"), "crises.types.suicidal.risk", {"summing to 1", "sum of 1.1"}});
}

TEST_CASE("probabilities: background priority shares that do not sum to one") {
  const std::string text = mutate("{share: 0.20, service_min", "{share: 0.30, service_min");
  reject_scenario(text, {"", where(text, "- {share: 0.30"), "background.priorities", {"priority shares sum to 1.1", "expected 1"}});
}

// ---- sizes and horizons -------------------------------------------------------------------------

TEST_CASE("roster: an empty list of shifts") {
  const std::string text = replace_first(without_lines_containing(baseline(), "- {start_hour:"), "      shifts:\n", "      shifts: []\n");
  reject_scenario(text, {"", where(text, "[]"), "unit_types[0].roster.shifts", {"expected a list of shifts"}});
}

TEST_CASE("horizon: horizon_days 0") {
  const std::string text = mutate("horizon_days: 365", "horizon_days: 0");
  reject_scenario(text, {"", where(text, "horizon_days: 0", 14), "run.horizon_days", {"expected a number from", "to 3650", "got \"0\""}});
}

TEST_CASE("horizon: horizon_days 99999") {
  const std::string text = mutate("horizon_days: 365", "horizon_days: 99999");
  reject_scenario(text, {"", where(text, "99999"), "run.horizon_days", {"expected a number from", "to 3650", "got \"99999\""}});
}

TEST_CASE("horizon: warm-up plus horizon beyond ten years") {
  const std::string text = mutate("horizon_days: 365", "horizon_days: 3640");
  reject_scenario(text, {"", where(text, "3640"), "run.horizon_days", {"exceed 3650 days"}});
}

TEST_CASE("horizon: --horizon-days 0") {
  reject_flags({"--horizon-days", "0"}, {"", "", "--horizon-days", {"0", "not in range"}});
}

TEST_CASE("population: a city above 50 million is refused before anything is allocated") {
  const std::string text = mutate("  zones:\n", "  zones:\n    - {name: metro_a, population: 30000000}\n    - {name: metro_b, population: 30000000}\n");
  reject_scenario(text, {"", where(text, "- {name: metro_a"), "city.zones", {"total population above 50,000,000", "expected a city"}});
}

TEST_CASE("population: more resident agents than memory allows is refused before allocating them") {
  const std::string text = replace_first(mutate("population: 15000,", "population: 40000000,"), "share_with_needs: 0.055",
                                         "share_with_needs: 0.5");
  reject_scenario(text, {"", where(text, "share_with_needs:"), "residents.share_with_needs",
                         {"resident agents", "more than the 20,000,000"}});
}

// ---- aliases and nesting ------------------------------------------------------------------------

TEST_CASE("aliases: billion laughs file (fixture) is answered at once") {
  TemporaryFolder folder;
  const std::string file = (kFixtures / "billion_laughs.yaml").string();
  const std::string text = read_bytes(file);
  check_rejected(folder, {"run", file}, {file, where(text, "lol9:"), "lol9", {"unknown key"}});
}

TEST_CASE("aliases: billion laughs aliased where the loader reads a list") {
  const std::string text = replace_first(mutate("name: baseline_police\n", "name: baseline_police\n" + billion_laughs_block()),
                                         "    hourly: [0.82", "    hourly: *lol9\n    unused: [0.82");
  reject_scenario(text, {"", where(text, "&lol9 ["), "crises.profile.hourly", {"expected a list of 24 numbers", "got a list of 9"}});
}

TEST_CASE("aliases: billion laughs in a --set value") {
  reject_flags({"--set", "description=" + billion_laughs_flow()}, {"--set description", "", "description", {"expected a word or text"}});
}

TEST_CASE("aliases: an alias to an undefined anchor") {
  const std::string text = mutate("  replications: 20", "  replications: *reps");
  reject_scenario(text, {"", where(text, "*reps"), "run.replications", {"YAML syntax error", "anchor is not defined"}});
}

TEST_CASE("nesting: 5,000 nested flow lists") {
  const std::string text = baseline() + "deep: " + std::string(5000, '[') + std::string(5000, ']') + "\n";
  reject_scenario(text, {"", where(text, "deep: ", 6 + 64), "deep", {"nesting deeper than 64 levels"}});
}

TEST_CASE("nesting: 2,000 nested block mappings") {
  std::string text;
  for (int level = 0; level < 2000; ++level) text += std::string(static_cast<std::size_t>(level), ' ') + "k:\n";
  reject_scenario(text, {"", "65:65", repeat_path("k", ".", 65), {"nesting deeper than 64 levels"}});
}

TEST_CASE("nesting: 3,000 nested block lists, one dash a line") {
  std::string text;
  for (int level = 0; level < 3000; ++level) text += std::string(static_cast<std::size_t>(level), ' ') + "-\n";
  reject_scenario(text, {"", "65:65", repeat_path("[0]", "", 65), {"nesting deeper than 64 levels"}});
}

TEST_CASE("nesting: 3,000 nested lists on one line") {
  std::string text;
  for (int level = 0; level < 3000; ++level) text += "- ";
  reject_scenario(text + "x\n", {"", "1:129", repeat_path("[0]", "", 65), {"nesting deeper than 64 levels"}});
}

// ---- duplicates ---------------------------------------------------------------------------------

TEST_CASE("duplicate: a key repeated in run") {
  const std::string text = mutate("  seed: 20261127", "  seed: 20261127\n  replications: 5");
  reject_scenario(text, {"", where(text, "replications: 5"), "run.replications", {"duplicate key"}});
}

TEST_CASE("duplicate: a top-level key repeated at the end") {
  const std::string text = baseline() + "name: another_name\n";
  reject_scenario(text, {"", where(text, "name: another_name"), "name", {"duplicate key"}});
}

TEST_CASE("duplicate: two zones with one name") {
  const std::string text = mutate("{name: north,", "{name: downtown,");
  reject_scenario(text, {"", where(text, "{name: downtown,", 7, 2), "city.zones[2].name", {"duplicate zone name 'downtown'"}});
}

// ---- flags --------------------------------------------------------------------------------------

TEST_CASE("flags: an unknown flag") { reject_flags({"--frobnicate"}, {"", "", "", {"--frobnicate", "not expected"}}); }

TEST_CASE("flags: an unknown command") {
  TemporaryFolder folder;
  check_rejected(folder, {"simulate", kBaselinePath}, {"", "", "", {"unknown command 'simulate'", "commands: run"}});
}

TEST_CASE("flags: --replications 0") { reject_flags({"--replications", "0"}, {"", "", "--replications", {"0", "not in range 1"}}); }

TEST_CASE("flags: --threads -1") { reject_flags({"--threads", "-1"}, {"", "", "--threads", {"-1", "not in range 0"}}); }

TEST_CASE("flags: --format xml") { reject_flags({"--format", "xml"}, {"", "", "--format", {"xml", "table", "json"}}); }

TEST_CASE("flags: --seed -5 is refused, not wrapped round to a huge seed") {
  reject_flags({"--seed", "-5"}, {"", "", "--seed", {"expected a whole number from 0", "\"-5\""}});
}

TEST_CASE("flags: --calls without --out") {
  const CliResult result = invoke({"run", kBaselinePath, "--calls"});
  INFO("stderr:\n" << result.err);
  CHECK(result.code == 2);
  CHECK(says(result.err, {"", "", "--calls", {"needs --out DIR"}}));
  CHECK(result.out.empty());
  CHECK(result.seconds < kFastSeconds);
}

TEST_CASE("flags: --set without '='") {
  reject_flags({"--set", "run.horizon_days"}, {"", "", "--set", {"expected path=value", "\"run.horizon_days\""}});
}

TEST_CASE("flags: --set into a list past its end") {
  reject_flags({"--set", "city.zones[99].population=5000"}, {"", "", "--set city.zones[99].population", {"index 99", "past the end"}});
}

TEST_CASE("flags: --set with a value of the wrong type names --set and the path") {
  reject_flags({"--set", "run.horizon_days=abc"}, {"--set run.horizon_days", "", "run.horizon_days", {"expected a number", "got \"abc\""}});
}

TEST_CASE("flags: --set below a plain value") {
  reject_flags({"--set", "name.first=x"}, {"", "", "--set name.first", {"cannot descend into a plain value"}});
}

TEST_CASE("flags: --set with a value that is not UTF-8 (it would go into summary.json)") {
  reject_flags({"--set", "name=caf\xE9"}, {"", "", "--set name", {"not valid UTF-8"}});
}

TEST_CASE("flags: --set with a list index beyond 64 bits") {
  reject_flags({"--set", "city.zones[99999999999999999999].x_km=5"},
               {"", "", "--set city.zones[99999999999999999999].x_km", {"past the end"}});
}

TEST_CASE("flags: --set with a value nested 5,000 deep") {
  reject_flags({"--set", "description=" + std::string(5000, '[')}, {"", "", "--set description", {"nesting"}});
}

// ---- variants and models ------------------------------------------------------------------------

TEST_CASE("variants: a set path past the end of a list is located in the file") {
  const std::string text = mutate("      unit_types[0].roster.shifts[0].units: 16", "      unit_types[9].roster.shifts[0].units: 16");
  reject_scenario(text, {"", where(text, "unit_types[9]"), "variants[1].set.unit_types[9].roster.shifts[0].units", {"past the end"}},
                  {"--replications", "1", "--horizon-days", "1"}, "compare");
}

TEST_CASE("models: the same model listed twice") {
  const std::string text = mutate("  - police_only", "  - police_only\n  - police_only");
  reject_scenario(text, {"", where(text, "police_only", 0, 2), "models[1]", {"police_only"}}, {"--replications", "1", "--horizon-days", "1"});
}

// ---- line ends and byte-order marks -------------------------------------------------------------

TEST_CASE("CRLF line ends: an error is still located at the right line and column") {
  std::string text = mutate("population: 15000,", "population: lots,");
  const std::string location = where(text, "lots");
  std::string crlf;
  for (char c : text) crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
  reject_scenario(crlf, {"", location, "city.zones[0].population", {"expected a number", "got \"lots\""}});
}

TEST_CASE("works: the baseline saved with a UTF-8 byte-order mark") { accept_scenario("\xEF\xBB\xBF" + baseline()); }

TEST_CASE("works: the baseline saved with CRLF line ends") {
  std::string crlf;
  for (char c : baseline()) crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
  accept_scenario(crlf);
}

TEST_CASE("works: the baseline with a byte-order mark and CRLF line ends") {
  std::string crlf = "\xEF\xBB\xBF";
  for (char c : baseline()) crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
  accept_scenario(crlf);
}

TEST_CASE("works: an anchor and an alias used sensibly") {
  const std::string anchored = mutate("  call_processing_min: {mean: 3, sd: 2}  # ASSUMPTION: call answer",
                                      "  call_processing_min: &processing {mean: 3, sd: 2}  # ASSUMPTION: call answer");
  // The first plain call_processing_min left is background's.
  accept_scenario(replace_first(anchored, "  call_processing_min: {mean: 3, sd: 2}", "  call_processing_min: *processing"));
}
