// The scenario reference stays complete: every key pattern the loader accepts, every
// parameter of every registered model and every measure the world produces is written out,
// in `backticks`, in docs/scenario-format.md (STYLE.md, "Comments and docs").
// tests/data/full_scenario.yaml uses every section and value form, so loading it visits the
// loader's key patterns; every shipped scenario is checked as well.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "scenario/scenario_loader.hpp"
#include "models/builtin_models.hpp"

namespace {

const std::string kSourceDir = CRISIS_SOURCE_DIR;
const std::string kReference = kSourceDir + "/docs/scenario-format.md";

std::string read_whole_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE_MESSAGE(in.good(), "cannot read " << path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The text of every inline code span (`...`) outside fenced code blocks.
std::set<std::string> code_spans(const std::string& markdown) {
  std::set<std::string> spans;
  std::istringstream lines(markdown);
  std::string line;
  bool in_fence = false;
  while (std::getline(lines, line)) {
    const auto first = line.find_first_not_of(' ');
    if (first != std::string::npos && line.compare(first, 3, "```") == 0) {
      in_fence = !in_fence;
      continue;
    }
    if (in_fence) continue;
    std::size_t open = line.find('`');
    while (open != std::string::npos) {
      const std::size_t close = line.find('`', open + 1);
      if (close == std::string::npos) break;
      spans.insert(line.substr(open + 1, close - open - 1));
      open = line.find('`', close + 1);
    }
  }
  return spans;
}

// Scenarios whose keys and measures must be documented: the fixture that uses every form,
// then every shipped scenario, in name order.
std::vector<std::string> scenario_files() {
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(kSourceDir + "/scenarios")) {
    if (entry.is_regular_file() && entry.path().extension() == ".yaml") files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());
  files.insert(files.begin(), kSourceDir + "/tests/data/full_scenario.yaml");
  return files;
}

std::string joined(const std::set<std::string>& names) {
  std::string text;
  for (const auto& name : names) text += "\n  " + name;
  return text;
}

// True when `name` matches the documented `pattern`, where <zone> and <unit_type> stand for
// one of the names the scenario declares, and <group> for a resident group's name (any
// non-empty text). Other placeholders match nothing, so prose such as `<duration>.mean`
// cannot document a measure by accident.
bool matches(std::string_view pattern, std::string_view name, const std::vector<std::string>& zones,
             const std::vector<std::string>& unit_types) {
  const auto open = pattern.find('<');
  if (open == std::string_view::npos) return pattern == name;
  const auto close = pattern.find('>', open);
  if (close == std::string_view::npos) return pattern == name;
  if (name.substr(0, open) != pattern.substr(0, open)) return false;
  const std::string_view placeholder = pattern.substr(open + 1, close - open - 1);
  const std::string_view pattern_rest = pattern.substr(close + 1);
  const std::string_view name_rest = name.substr(open);
  const std::vector<std::string>* choices = placeholder == "zone" ? &zones : placeholder == "unit_type" ? &unit_types : nullptr;
  if (choices == nullptr && placeholder != "group") return false;
  for (std::size_t length = 1; length <= name_rest.size(); ++length) {
    const std::string_view filler = name_rest.substr(0, length);
    if (choices != nullptr && std::find(choices->begin(), choices->end(), filler) == choices->end()) continue;
    if (matches(pattern_rest, name_rest.substr(length), zones, unit_types)) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("every key pattern the scenario loader accepts is documented in docs/scenario-format.md") {
  const std::set<std::string> documented = code_spans(read_whole_file(kReference));
  crisis::world::ModelRegistry registry;
  crisis::models::register_builtin_models(registry);
  for (const std::string& path : scenario_files()) {
    CAPTURE(path);
    const crisis::io::LoadedScenario loaded = crisis::io::load_scenario(path, {}, registry);
    CHECK(!loaded.known_keys.empty());
    std::set<std::string> undocumented;
    for (const std::string& key : loaded.known_keys) {
      if (documented.count(key) == 0) undocumented.insert(key);
    }
    CHECK_MESSAGE(undocumented.empty(), "keys the loader accepts but docs/scenario-format.md does not document in `backticks`:"
                                            << joined(undocumented));
  }
}

TEST_CASE("every parameter of every registered model is documented in docs/scenario-format.md") {
  // Scenarios visit only the models they use; the loader accepts the parameters of all.
  const std::set<std::string> documented = code_spans(read_whole_file(kReference));
  crisis::world::ModelRegistry registry;
  crisis::models::register_builtin_models(registry);
  std::set<std::string> undocumented;
  for (const crisis::world::ResponseModel* model : registry.all()) {
    for (const crisis::world::ParameterSpec& spec : model->parameters()) {
      // The loader records a parameter by its model and by its path in the file.
      for (const std::string& key : {"models[]." + std::string(model->name()) + "." + spec.name, "models[].params." + spec.name}) {
        if (documented.count(key) == 0) undocumented.insert(key);
      }
    }
  }
  CHECK_MESSAGE(undocumented.empty(), "model parameters without a row in docs/scenario-format.md (section models):"
                                          << joined(undocumented));
}

TEST_CASE("the fixture scenario visits every section of the scenario format") {
  crisis::world::ModelRegistry registry;
  crisis::models::register_builtin_models(registry);
  const auto loaded = crisis::io::load_scenario(kSourceDir + "/tests/data/full_scenario.yaml", {}, registry);
  // One key from each optional section and value form; a fixture that lost one would let
  // the reference drift without this suite noticing.
  for (const char* key : {"city.travel.matrix_min", "residents.engagement.duration_days.distribution",
                          "residents.jail_stay_days.shape", "residents.crisis_centre_stay_days.mode",
                          "crises.call_processing_min.high", "background.priorities[].service_min.value",
                          "facilities.crisis_centre.handoff_min.mean", "background.profile.weekly", "crises.profile.daily",
                          "unit_types[].roster.shifts[].days", "unit_types[].base_zones.<zone>", "costs.crisis_centre_admission",
                          "targets.response_min.priority_3", "models[].police_only.unit_type", "variants[].set.<path>",
                          "residents.groups[].rate_multiplier"}) {
    CHECK_MESSAGE(loaded.known_keys.count(key) == 1, "tests/data/full_scenario.yaml no longer visits " << key);
  }
  CHECK(loaded.variants.size() == 2);
  CHECK(loaded.scenario.travel.matrix_min.has_value());
  CHECK(loaded.scenario.facilities.crisis_centre.has_value());
}

TEST_CASE("every measure the world produces is documented in docs/scenario-format.md") {
  const std::set<std::string> documented = code_spans(read_whole_file(kReference));
  // Placeholder patterns need literal text before the first placeholder: a bare `<group>`
  // in prose would otherwise match every name.
  std::vector<std::string> patterns;
  for (const std::string& span : documented) {
    const auto open = span.find('<');
    if (open != std::string::npos && open > 0) patterns.push_back(span);
  }
  crisis::world::ModelRegistry registry;
  crisis::models::register_builtin_models(registry);
  for (const std::string& path : scenario_files()) {
    CAPTURE(path);
    const crisis::world::World world = crisis::io::load_world(path, {}, registry);
    std::vector<std::string> zones;
    for (const auto& zone : world.scenario().zones) zones.push_back(zone.name);
    std::vector<std::string> unit_types;
    for (const auto& type : world.plan().unit_types) unit_types.push_back(type.name);
    std::set<std::string> undocumented;
    for (const std::string& name : world.measure_names()) {
      if (documented.count(name) != 0) continue;
      const bool by_pattern = std::any_of(patterns.begin(), patterns.end(), [&](const std::string& pattern) {
        return matches(pattern, name, zones, unit_types);
      });
      if (!by_pattern) undocumented.insert(name);
    }
    CHECK_MESSAGE(undocumented.empty(), "measures the world produces but docs/scenario-format.md does not document "
                                        "(per-zone and per-unit-type names may use `<zone>` and `<unit_type>`):"
                                            << joined(undocumented));
  }
}
