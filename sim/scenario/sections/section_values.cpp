#include "scenario/scenario_parts.hpp"

// Values several sections share: durations, hour-of-week profiles, zone names.

#include <algorithm>
#include <iomanip>
#include <limits>
#include <sstream>

#include "engine/limits.hpp"

namespace crisis::io::detail {

using world::DurationSpec;
using world::Scenario;

DurationSpec read_duration(YamlReader& reader, const YAML::Node& node, const std::string& path, double unit_minutes,
                           std::optional<DurationSpec> fallback) {
  if (!node.IsDefined()) {
    if (!fallback) reader.problem(node, path, "missing: expected a duration such as {mean: 30, sd: 20}");
    return fallback.value_or(DurationSpec{});
  }
  if (node.IsScalar()) {
    const auto value = read_number(reader, node, path, 0.0, engine::kMaxDurationMin / unit_minutes);
    return DurationSpec::fixed_value(value.value_or(0.0) * unit_minutes);
  }
  MapReader map(reader, node, path);
  if (!map.valid()) return DurationSpec{};
  const std::string kind = map.choice("distribution", std::string("lognormal"),
                                      {"fixed", "exponential", "lognormal", "gamma", "weibull", "uniform", "triangular"});
  DurationSpec spec;
  const double longest = engine::kMaxDurationMin / unit_minutes;  // in the key's own unit
  auto positive = [&](const std::string& key) { return map.number(key, std::nullopt, 0.0, longest) * unit_minutes; };
  if (kind == "fixed") {
    spec.kind = DurationSpec::Kind::fixed;
    spec.mean = positive("value");
  } else if (kind == "exponential") {
    spec.kind = DurationSpec::Kind::exponential;
    spec.mean = positive("mean");
  } else if (kind == "lognormal" || kind == "gamma") {
    spec.kind = kind == "lognormal" ? DurationSpec::Kind::lognormal : DurationSpec::Kind::gamma;
    spec.mean = positive("mean");
    spec.sd = positive("sd");
    if (spec.mean <= 0.0 && map.has("mean")) reader.problem(map.child("mean"), path + ".mean", "expected a mean > 0");
    if (kind == "gamma" && spec.sd <= 0.0 && map.has("sd")) reader.problem(map.child("sd"), path + ".sd", "expected an sd > 0 for a gamma");
  } else if (kind == "weibull") {
    spec.kind = DurationSpec::Kind::weibull;
    spec.shape = map.number("shape", std::nullopt, engine::kMinWeibullShape, engine::kMaxWeibullShape);
    spec.scale = positive("scale");
  } else if (kind == "uniform") {
    spec.kind = DurationSpec::Kind::uniform;
    spec.low = positive("low");
    spec.high = positive("high");
    if (spec.high < spec.low) reader.problem(node, path, "expected low <= high");
  } else if (kind == "triangular") {
    spec.kind = DurationSpec::Kind::triangular;
    spec.low = positive("low");
    spec.mode = positive("mode");
    spec.high = positive("high");
    if (!(spec.low <= spec.mode && spec.mode <= spec.high)) reader.problem(node, path, "expected low <= mode <= high");
  }
  map.finish();
  // Every parameter may be in range and the mean still beyond any run (a Weibull's).
  if (reader.ok() && !(spec.expected() <= engine::kMaxDurationMin)) {
    std::ostringstream mean;
    mean << std::setprecision(4) << spec.expected() / unit_minutes;
    reader.problem(node, path, "expected a distribution whose mean is at most " + std::to_string(static_cast<long long>(longest)) +
                                   " (the longest run, in the key's unit), got a mean of " + mean.str());
  }
  return spec;
}

// Hourly (24) x daily (7), or weekly (168).
world::WeekProfile read_profile(YamlReader& reader, const YAML::Node& node, const std::string& path) {
  world::WeekProfile profile;
  profile.fill(1.0);
  if (!node.IsDefined()) return profile;
  MapReader map(reader, node, path);
  if (!map.valid()) return profile;
  const YAML::Node weekly = map.child("weekly");
  const YAML::Node hourly = map.child("hourly");
  const YAML::Node daily = map.child("daily");
  if (weekly.IsDefined()) {
    if (hourly.IsDefined() || daily.IsDefined()) reader.problem(weekly, path + ".weekly", "give either weekly or hourly/daily, not both");
    const auto values = read_number_list(reader, weekly, path + ".weekly", 168, 0.0, 1e9);
    if (!values.empty()) std::copy(values.begin(), values.end(), profile.begin());
  } else {
    std::vector<double> hours(24, 1.0);
    std::vector<double> days(7, 1.0);
    if (hourly.IsDefined()) hours = read_number_list(reader, hourly, path + ".hourly", 24, 0.0, 1e9);
    if (daily.IsDefined()) days = read_number_list(reader, daily, path + ".daily", 7, 0.0, 1e9);
    if (hours.size() == 24 && days.size() == 7) {
      for (std::size_t h = 0; h < 168; ++h) profile[h] = days[h / 24] * hours[h % 24];
    }
  }
  map.finish();
  double total = 0.0;
  for (double w : profile) total += w;
  if (!(total > 0.0)) {
    reader.problem(node, path, "expected at least one positive weight");
    profile.fill(1.0);
    return profile;
  }
  for (double& w : profile) w *= 168.0 / total;
  return profile;
}

std::vector<std::string> zone_names(const Scenario& s) {
  std::vector<std::string> names;
  for (const auto& zone : s.zones) names.push_back(zone.name);
  return names;
}

}  // namespace crisis::io::detail
