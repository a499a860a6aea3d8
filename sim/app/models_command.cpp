#include "app/models_command.hpp"

#include <ostream>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

namespace crisis::cli {

Command add_models_command(CLI::App& app) {
  CLI::App* command = app.add_subcommand("models", "List the response models with their descriptions");
  return {command, [](const world::ModelRegistry& registry, std::ostream& out, std::ostream& /*err*/) {
            for (const world::ResponseModel* model : registry.all()) {
              out << fmt::format("{:<16} {}\n", model->name(), model->description());
            }
            return 0;
          }};
}

}  // namespace crisis::cli
