#include "engine/errors.hpp"

namespace crisis {

std::string InputProblem::to_string() const {
  std::string text;
  if (!file.empty()) {
    text.append(file);
    if (line > 0) {
      text.append(":").append(std::to_string(line)).append(":").append(std::to_string(column));
    }
    text.append(": ");
  }
  if (!field.empty()) text.append(field).append(": ");
  text.append(message);
  return text;
}

namespace {
std::string join(const std::vector<InputProblem>& problems) {
  std::string text;
  for (const auto& problem : problems) {
    if (!text.empty()) text += "\n";
    text += problem.to_string();
  }
  return text;
}
}  // namespace

InputError::InputError(std::vector<InputProblem> problems) : Error(join(problems)), problems_(std::move(problems)) {}

}  // namespace crisis
