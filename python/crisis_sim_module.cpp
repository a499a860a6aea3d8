// crisis_sim._core: the C++ side of the Python package crisis_sim (python/crisis_sim/).
//
// It calls exactly what the command line calls (load_world / run_world / summary_json,
// run_comparison / comparison_json, replications_csv), so a Python run and a CLI run with the
// same scenario, overrides and seed give the same numbers. The GIL is released while the
// simulation runs, so other Python threads keep going. Tables are built in Python (pandas).

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "crisis/build_info.hpp"
#include "engine/errors.hpp"
#include "experiments/compare.hpp"
#include "results/results_writer.hpp"
#include "scenario/scenario_loader.hpp"
#include "yaml/yaml_reader.hpp"
#include "models/builtin_models.hpp"

namespace py = pybind11;

namespace {

using OverrideList = std::vector<std::pair<std::string, std::string>>;

const crisis::world::ModelRegistry& registry() {
  static const crisis::world::ModelRegistry instance = [] {
    crisis::world::ModelRegistry built;
    crisis::models::register_builtin_models(built);
    return built;
  }();
  return instance;
}

/// The same checks the CLI makes on --set and the scenario path (cli.cpp: overrides_from).
std::vector<crisis::io::Override> to_overrides(const std::string& scenario, const OverrideList& pairs) {
  if (crisis::io::invalid_utf8_offset(scenario) != std::string::npos) {
    throw crisis::InputError(crisis::InputProblem{scenario, 0, 0, "", "the path is not valid UTF-8 text; rename the file"});
  }
  std::vector<crisis::io::Override> overrides;
  for (const auto& [path, value] : pairs) {
    // Through parse_override, like "--set path=value", so the same paths are refused.
    overrides.push_back(crisis::io::parse_override(path + "=" + value));
    if (crisis::io::invalid_utf8_offset(value) != std::string::npos) {
      throw crisis::InputError(crisis::InputProblem{"", 0, 0, "--set " + path, "the value is not valid UTF-8 text"});
    }
  }
  return overrides;
}

/// summary.json's text and, when asked, replications.csv's.
std::pair<std::string, std::string> run(const std::string& scenario, const OverrideList& pairs, int threads,
                                        bool with_replications) {
  const std::vector<crisis::io::Override> overrides = to_overrides(scenario, pairs);
  py::gil_scoped_release release;
  const crisis::world::World world = crisis::io::load_world(scenario, overrides, registry());
  const auto& settings = world.scenario().run;
  const crisis::io::RunResults results =
      crisis::io::run_world(world, settings.seed, static_cast<std::size_t>(settings.replications), threads, false);
  return {crisis::io::summary_json(results).dump(), with_replications ? crisis::io::replications_csv(results) : std::string()};
}

/// comparison.json's text.
std::string compare(const std::string& scenario, const OverrideList& pairs, const std::string& models, int threads) {
  const std::vector<crisis::io::Override> overrides = to_overrides(scenario, pairs);
  py::gil_scoped_release release;
  std::vector<crisis::io::VariantSpec> variants;
  if (!models.empty()) variants = crisis::io::variants_from_models(models, registry());
  const crisis::io::Comparison comparison =
      crisis::io::run_comparison(scenario, overrides, std::move(variants), registry(), threads, false);
  return crisis::io::comparison_json(comparison).dump();
}

/// Check a scenario as `crisis-sim validate` does (the scenario and its variants).
void validate(const std::string& scenario, const OverrideList& pairs) {
  const std::vector<crisis::io::Override> overrides = to_overrides(scenario, pairs);
  py::gil_scoped_release release;
  (void)crisis::io::load_world(scenario, overrides, registry());
  (void)crisis::io::load_scenario(scenario, overrides, registry());
}

std::vector<std::pair<std::string, std::string>> models() {
  std::vector<std::pair<std::string, std::string>> list;
  for (const crisis::world::ResponseModel* model : registry().all()) list.emplace_back(model->name(), model->description());
  return list;
}

}  // namespace

PYBIND11_MODULE(_core, m) {
  m.doc() = "crisis-sim's simulation core; use the crisis_sim package, which returns pandas tables";
  m.attr("__version__") = crisis::build::kVersion;

  // Bad input: the message is what the CLI prints, one line per problem
  // ("file:line:column: field: what was expected"), without its "error: " prefix.
  static py::exception<crisis::InputError> input_error(m, "InputError", PyExc_ValueError);
  py::register_exception_translator([](std::exception_ptr thrown) {
    try {
      if (thrown) std::rethrow_exception(thrown);
    } catch (const crisis::InputError& error) {
      std::string message;
      for (const auto& problem : error.problems()) {
        if (!message.empty()) message.push_back('\n');
        message += problem.to_string();
      }
      input_error(message.c_str());
    }
  });

  m.def("run", &run, py::arg("scenario"), py::arg("overrides"), py::arg("threads"), py::arg("with_replications"),
        "Run a scenario; returns (summary.json text, replications.csv text or '').");
  m.def("compare", &compare, py::arg("scenario"), py::arg("overrides"), py::arg("models"), py::arg("threads"),
        "Run the scenario's variants (or --models ones) paired; returns comparison.json's text.");
  m.def("validate", &validate, py::arg("scenario"), py::arg("overrides"), "Check a scenario; raises InputError.");
  m.def("models", &models, "The response models: (name, description) pairs.");
}
