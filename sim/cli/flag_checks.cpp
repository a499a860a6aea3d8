#include "cli/flag_checks.hpp"

#include <charconv>
#include <cstdint>
#include <system_error>

namespace crisis::cli {

std::string check_seed(const std::string& input) {
  std::int64_t value = 0;
  const auto [end, error] = std::from_chars(input.data(), input.data() + input.size(), value);
  if (error != std::errc() || end != input.data() + input.size() || value < 0) {
    return "expected a whole number from 0 to 9223372036854775807, got \"" + input + "\"";
  }
  return {};
}

}  // namespace crisis::cli
