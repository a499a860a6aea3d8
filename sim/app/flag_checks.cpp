#include "app/flag_checks.hpp"

#include <charconv>
#include <system_error>

#include <fmt/format.h>

#include "engine/errors.hpp"
#include "yaml/yaml_reader.hpp"

namespace crisis::cli {

std::string check_seed(const std::string& input) {
  std::int64_t value = 0;
  const auto [end, error] = std::from_chars(input.data(), input.data() + input.size(), value);
  if (error != std::errc() || end != input.data() + input.size() || value < 0) {
    return "expected a whole number from 0 to 9223372036854775807, got \"" + input + "\"";
  }
  return {};
}

std::vector<io::Override> run_overrides(const std::vector<std::string>& sets, std::optional<double> horizon_days,
                                        std::optional<double> warmup_days, std::optional<int> replications,
                                        std::optional<std::uint64_t> seed) {
  std::vector<io::Override> overrides;
  for (const auto& text : sets) {
    overrides.push_back(io::parse_override(text));
    if (io::invalid_utf8_offset(text) != std::string::npos) {
      throw InputError(InputProblem{"", 0, 0, "--set " + overrides.back().path, "the value is not valid UTF-8 text"});
    }
  }
  if (horizon_days) overrides.push_back({"run.horizon_days", fmt::format("{}", *horizon_days)});
  if (warmup_days) overrides.push_back({"run.warmup_days", fmt::format("{}", *warmup_days)});
  if (replications) overrides.push_back({"run.replications", std::to_string(*replications)});
  if (seed) overrides.push_back({"run.seed", std::to_string(*seed)});
  return overrides;
}

}  // namespace crisis::cli
