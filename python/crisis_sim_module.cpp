// crisis_sim._core: the C++ side of the Python package crisis_sim (python/crisis_sim/).
//
// It calls the functions the commands call (run_scenario, compare_scenario, validate_scenario
// in sim/app, with the overrides checked as the CLI checks --set), so a Python run and a CLI
// run with the same scenario, overrides and seed give the same numbers. The GIL is released
// while the simulation runs, so other Python threads keep going. Tables are built in Python
// (pandas).

#include <cstdint>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "app/compare_command.hpp"
#include "app/flags.hpp"
#include "app/run_command.hpp"
#include "app/validate_command.hpp"
#include "crisis/build_info.hpp"
#include "engine/errors.hpp"
#include "models/builtin_models.hpp"
#include "results/export_tables.hpp"
#include "results/results_writer.hpp"

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

/// The flags a CLI run would have: `scenario`, each override as --set path=value (so the same
/// paths and values are refused, with the same messages) and `threads`.
crisis::cli::SimulationFlags flags_for(const std::string& scenario, const OverrideList& pairs, int threads) {
  crisis::cli::SimulationFlags flags;
  flags.input = scenario;
  flags.threads = threads;
  for (const auto& [path, value] : pairs) flags.sets.push_back(path + "=" + value);
  return flags;
}

/// {measure: {label, unit}} as JSON text: the words and units the DataFrames' label and unit
/// columns show (the workbook's, crisis::io::measure_label).
std::string labels_json(const std::vector<std::string>& measures, const std::vector<const crisis::world::World*>& worlds,
                        const std::string& currency) {
  nlohmann::ordered_json labels = nlohmann::ordered_json::object();
  for (const std::string& measure : measures) {
    const crisis::io::MeasureLabel label = crisis::io::measure_label(measure, worlds, currency);
    labels[measure] = {{"label", label.label}, {"unit", label.unit}};
  }
  return labels.dump();
}

/// summary.json's text, replications.csv's when asked, and the measures' labels.
std::tuple<std::string, std::string, std::string> run(const std::string& scenario, const OverrideList& pairs, int threads,
                                                      bool with_replications) {
  const crisis::cli::SimulationFlags flags = flags_for(scenario, pairs, threads);
  py::gil_scoped_release release;
  const crisis::cli::ScenarioRun run = crisis::cli::run_scenario(flags, registry());
  return {crisis::io::summary_json(run.results).dump(),
          with_replications ? crisis::io::replications_csv(run.results) : std::string(),
          labels_json(run.results.measure_names, {&run.world}, run.results.currency)};
}

/// comparison.json's text and the measures' labels.
std::pair<std::string, std::string> compare(const std::string& scenario, const OverrideList& pairs, const std::string& models,
                                            int threads) {
  const crisis::cli::SimulationFlags flags = flags_for(scenario, pairs, threads);
  py::gil_scoped_release release;
  std::vector<crisis::world::World> worlds;
  const crisis::io::Comparison comparison = crisis::cli::compare_scenario(flags, models, registry(), &worlds);
  std::vector<const crisis::world::World*> pointers;
  for (const auto& world : worlds) pointers.push_back(&world);
  return {crisis::io::comparison_json(comparison).dump(),
          labels_json(comparison.measure_names, pointers, comparison.variants.front().results.currency)};
}

/// Check a scenario as `crisis-sim validate` does (the scenario and its variants).
void validate(const std::string& scenario, const OverrideList& pairs) {
  const crisis::cli::SimulationFlags flags = flags_for(scenario, pairs, 0);
  py::gil_scoped_release release;
  (void)crisis::cli::validate_scenario(flags, registry());
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
        "Run a scenario; returns (summary.json text, replications.csv text or '', labels JSON text).");
  m.def("compare", &compare, py::arg("scenario"), py::arg("overrides"), py::arg("models"), py::arg("threads"),
        "Run the scenario's variants (or --models ones) paired; returns (comparison.json text, labels JSON text).");
  m.def("validate", &validate, py::arg("scenario"), py::arg("overrides"), "Check a scenario; raises InputError.");
  m.def("models", &models, "The response models: (name, description) pairs.");
}
