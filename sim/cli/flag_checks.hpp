#pragma once
/// \file
/// Checks of flag values that several commands share.

#include <string>

namespace crisis::cli {

/// --seed takes what run.seed takes: a whole number from 0 to 2^63 - 1 (CLI11 alone would wrap
/// "-5" round to 18446744073709551611). "" when `input` is one, else what was expected.
std::string check_seed(const std::string& input);

}  // namespace crisis::cli
