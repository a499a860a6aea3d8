#pragma once
/// \file
/// The fitted scenario's YAML: fitted values as nodes, and the document written with a comment
/// after every fitted value (yaml-cpp's emitter cannot place comments). Internal to sim/fit.

#include <map>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "fit/cad_fit.hpp"

namespace crisis::io::cad::detail {

/// Key path ("city.zones[2]", "unit_types[0].roster") -> the comment written after its value.
using Comments = std::map<std::string, std::string>;

/// Appends the entries of `map` at `indent` spaces as block YAML: flat values (scalars, lists
/// of scalars, maps of those) on one line, each key path's comment after its value.
void write_map(std::string& out, const YAML::Node& map, const std::string& path, int indent, const Comments& comments);

/// A number with 2 decimals ("3.14"): coordinates, duration parameters.
[[nodiscard]] std::string fixed2(double x);
/// A number with 4 significant digits, never in exponent form: rates and prevalences.
[[nodiscard]] std::string sig4(double x);

/// Shares rounded to 6 decimals; the largest takes the rounding residual so they sum to 1.
[[nodiscard]] std::vector<std::string> rounded_shares(const std::vector<double>& shares);

/// The comment for a fitted duration: n, the chosen family and its AIC against the other, KS.
[[nodiscard]] std::string describe_fit(const DurationFit& d);
/// A duration as the scenario reads it: the better family, mean and sd in minutes.
[[nodiscard]] YAML::Node duration_node(const DurationFit& d);

/// Hour-of-week weights: weekly when there are enough calls, else hour-of-day x day-of-week;
/// `note` gets the comment.
[[nodiscard]] YAML::Node profile_node(const ArrivalFit& arrivals, std::string& note);

/// An outcome row from observed dispositions. A unit type that cannot arrest gets the
/// observed arrest share as its backup probability instead (police take over and decide).
[[nodiscard]] YAML::Node outcome_row(const std::vector<ShareRow>& rows, const YAML::Node& base_row, bool can_arrest,
                                     std::string& note);

}  // namespace crisis::io::cad::detail
