#pragma once
/// \file
/// Flag handling that several commands share.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "scenario/scenario_loader.hpp"

namespace crisis::cli {

/// --seed takes what run.seed takes: a whole number from 0 to 2^63 - 1 (CLI11 alone would wrap
/// "-5" round to 18446744073709551611). "" when `input` is one, else what was expected.
std::string check_seed(const std::string& input);

/// The --set flags and the run flags as scenario overrides, in the order every command applies
/// them: each --set (its value checked to be UTF-8 text, as outputs are), then the horizon,
/// warm-up, replications and seed that were given.
std::vector<io::Override> run_overrides(const std::vector<std::string>& sets, std::optional<double> horizon_days,
                                        std::optional<double> warmup_days, std::optional<int> replications,
                                        std::optional<std::uint64_t> seed);

}  // namespace crisis::cli
