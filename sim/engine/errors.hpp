#pragma once
/// \file
/// The error hierarchy. Library code throws these; only main() prints and picks exit codes.

#include <stdexcept>
#include <string>
#include <vector>

namespace crisis {

/// Base of every error crisis-sim throws on purpose.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// One problem with the user's input: where it is and what was expected.
struct InputProblem {
  std::string file;      ///< path as the user gave it; empty for flags
  int line = 0;          ///< 1-based; 0 when unknown
  int column = 0;        ///< 1-based; 0 when unknown
  std::string field;     ///< key path, e.g. "city.zones[2].population", or a flag name
  std::string message;   ///< what is wrong and what was expected

  /// "file:line:column: field: message", leaving out the parts that are unknown.
  [[nodiscard]] std::string to_string() const;
};

/// Bad input (scenario, data or flags): exit code 2. Carries every problem found.
class InputError : public Error {
 public:
  explicit InputError(std::vector<InputProblem> problems);
  explicit InputError(InputProblem problem) : InputError(std::vector<InputProblem>{std::move(problem)}) {}
  [[nodiscard]] const std::vector<InputProblem>& problems() const noexcept { return problems_; }

 private:
  std::vector<InputProblem> problems_;
};

/// A broken internal invariant (a bug): exit code 1. Says how to reproduce it.
class InvariantError : public Error {
 public:
  using Error::Error;
};

}  // namespace crisis
