#include "experiments/sweep/sweep_design.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <numeric>

#include <fmt/format.h>

#include "engine/random.hpp"
#include "results/results_writer.hpp"

namespace crisis::io {
namespace detail {

std::optional<double> parse_number(const std::string& text) {
  double value = 0.0;
  const char* first = text.data();
  const char* last = text.data() + text.size();
  if (first != last && *first == '+') ++first;
  const auto [end, error] = std::from_chars(first, last, value);
  if (error != std::errc() || end != last || first == last || !std::isfinite(value)) return std::nullopt;
  return value;
}

SweepValue number_value(double value) { return SweepValue{value, format_number(value)}; }

bool is_whole(double value) { return std::isfinite(value) && std::abs(value) < 9.0e15 && value == std::round(value); }

}  // namespace detail

namespace {

// Stream purposes of the hypercube's draws; the entity is the parameter's index.
enum HypercubePurpose : std::uint64_t { kPermutation = 1, kJitter = 2 };

using detail::number_value;

/// 0.1 * 3 is 0.30000000000000004: grid values read better (and match what people type)
/// when snapped to 12 significant digits, far below any tolerance a model cares about.
double tidy(double value) {
  const std::string text = fmt::format("{:.12g}", value);
  return detail::parse_number(text).value_or(value);
}

}  // namespace

std::vector<double> range_values(double from, double to, std::optional<double> step, std::optional<std::size_t> count) {
  std::vector<double> values;
  if (count) {
    if (*count == 0) return values;
    if (*count == 1) return {from};
    const double denominator = static_cast<double>(*count - 1);
    for (std::size_t i = 0; i < *count; ++i) {
      values.push_back(i + 1 == *count ? to : tidy(from + (to - from) * static_cast<double>(i) / denominator));
    }
  } else if (step && *step > 0.0 && to >= from) {
    const auto n = static_cast<std::size_t>(std::floor((to - from) / *step + 1e-9)) + 1;
    for (std::size_t i = 0; i < n; ++i) values.push_back(std::min(to, tidy(from + static_cast<double>(i) * *step)));
  }
  return values;
}

std::vector<double> latin_hypercube(std::size_t points, std::size_t dimensions, std::uint64_t seed) {
  std::vector<double> cube(points * dimensions);
  const double n = static_cast<double>(points);
  std::vector<std::uint32_t> stratum(points);
  for (std::size_t j = 0; j < dimensions; ++j) {
    // Fisher-Yates with unbiased bounded draws: a uniformly random stratum for every point.
    std::iota(stratum.begin(), stratum.end(), 0u);
    engine::RandomStream permutation(engine::StreamKey{seed, 0, j, kPermutation});
    for (std::size_t i = points; i > 1; --i) {
      const std::uint32_t k = permutation.below(static_cast<std::uint32_t>(i));
      std::swap(stratum[i - 1], stratum[k]);
    }
    engine::RandomStream jitter(engine::StreamKey{seed, 0, j, kJitter});
    for (std::size_t i = 0; i < points; ++i) {
      const double low = static_cast<double>(stratum[i]) / n;
      const double high = static_cast<double>(stratum[i] + 1) / n;
      // low + u/n rounds up to `high` for u within 1e-16 of 1; keep the point in its stratum.
      cube[i * dimensions + j] = std::min(low + jitter.uniform() / n, std::nextafter(high, 0.0));
    }
  }
  return cube;
}
// ---- points ----------------------------------------------------------------------------------

SweepPoints::SweepPoints(const SweepDefinition& definition) : definition_(&definition) {
  if (definition.design == SweepDesign::latin_hypercube) {
    count_ = definition.hypercube_points;
    unit_cube_ = latin_hypercube(count_, definition.parameters.size(), definition.hypercube_seed);
  } else {
    count_ = 1;
    for (const SweepParameter& parameter : definition.parameters) count_ *= parameter.values.size();
  }
}

std::vector<SweepValue> SweepPoints::point(std::size_t point) const {
  const auto& parameters = definition_->parameters;
  std::vector<SweepValue> values(parameters.size());
  if (definition_->design == SweepDesign::latin_hypercube) {
    for (std::size_t j = 0; j < parameters.size(); ++j) {
      const SweepParameter& p = parameters[j];
      const double value = p.from + unit_cube_[point * parameters.size() + j] * (p.to - p.from);
      values[j] = number_value(p.integer ? std::round(value) : value);
    }
    return values;
  }
  // Mixed radix, the last parameter fastest.
  for (std::size_t j = parameters.size(); j-- > 0;) {
    const std::size_t size = parameters[j].values.size();
    values[j] = parameters[j].values[point % size];
    point /= size;
  }
  return values;
}

std::vector<Override> SweepPoints::overrides(std::size_t point) const {
  std::vector<Override> all = definition_->overrides;
  const std::vector<SweepValue> values = this->point(point);
  for (std::size_t j = 0; j < values.size(); ++j) all.push_back({definition_->parameters[j].path, values[j].text});
  return all;
}

std::vector<std::size_t> SweepPoints::check_points() const {
  std::vector<std::size_t> list{0};
  const auto& parameters = definition_->parameters;
  if (definition_->design == SweepDesign::latin_hypercube) {
    for (std::size_t j = 0; j < parameters.size() && count_ > 0; ++j) {
      std::size_t lowest = 0;
      std::size_t highest = 0;
      for (std::size_t i = 1; i < count_; ++i) {
        if (unit_cube_[i * parameters.size() + j] < unit_cube_[lowest * parameters.size() + j]) lowest = i;
        if (unit_cube_[i * parameters.size() + j] > unit_cube_[highest * parameters.size() + j]) highest = i;
      }
      list.push_back(lowest);
      list.push_back(highest);
    }
  } else {
    std::size_t stride = 1;
    for (std::size_t j = parameters.size(); j-- > 0;) {
      for (std::size_t v = 1; v < parameters[j].values.size(); ++v) list.push_back(v * stride);
      stride *= parameters[j].values.size();
    }
  }
  std::sort(list.begin(), list.end());
  list.erase(std::unique(list.begin(), list.end()), list.end());
  return list;
}
}  // namespace crisis::io
