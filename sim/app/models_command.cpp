#include "app/models_command.hpp"

#include <ostream>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "app/flags.hpp"

namespace crisis::cli {

namespace {

/// models takes no flags.
struct NoFlags {};

int list_models(const NoFlags& /*flags*/, const world::ModelRegistry& registry, std::ostream& out, std::ostream& /*err*/) {
  for (const world::ResponseModel* model : registry.all()) {
    out << fmt::format("{:<16} {}\n", model->name(), model->description());
  }
  return 0;
}

}  // namespace

Command add_models_command(CLI::App& app) {
  return make_command<NoFlags>(
      app, "models", "List the response models with their descriptions",
      [](CLI::App& command, NoFlags& /*flags*/) {
        add_examples(command, {"crisis-sim models", "crisis-sim compare scenarios/baseline_police.yaml --models police_only,cit"});
      },
      list_models);
}

}  // namespace crisis::cli
