#pragma once
/// \file
/// Internals of the sweep's design (sweep_design.cpp): the number handling the sweep file
/// reader, the points and the database share. The public design API (range_values,
/// latin_hypercube, SweepPoints) is in sweep.hpp.

#include <optional>
#include <string>

#include "experiments/sweep/sweep.hpp"

namespace crisis::io::detail {

/// A finite number, the whole text (a leading + allowed) ("+3", "1e2" and "0.5" are numbers; "3 cars" is not).
std::optional<double> parse_number(const std::string& text);

/// A number as a parameter value: its --set text is the shortest round-trip text.
SweepValue number_value(double value);

/// Finite, within 9e15 and equal to its rounding: stored as an INTEGER (18, not 18.0).
bool is_whole(double value);

}  // namespace crisis::io::detail
