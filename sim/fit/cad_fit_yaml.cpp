#include "fit/cad_fit_yaml.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <numeric>

#include <fmt/format.h>

namespace crisis::io::cad::detail {
namespace {

std::string scalar_text(const YAML::Node& node) {
  if (node.IsNull()) return "null";
  const std::string& text = node.Scalar();
  // Emit it inside a flow sequence, so that quoting is right wherever it lands.
  YAML::Emitter emitter;
  emitter << YAML::Flow << YAML::BeginSeq << text << YAML::EndSeq;
  std::string out = emitter.c_str();
  return out.substr(1, out.size() - 2);
}

bool is_flat(const YAML::Node& node) {
  if (node.IsScalar() || node.IsNull()) return true;
  if (node.IsSequence()) {
    return std::all_of(node.begin(), node.end(), [](const YAML::Node& child) { return child.IsScalar() || child.IsNull(); });
  }
  if (node.IsMap()) {
    for (const auto& entry : node) {
      const YAML::Node& value = entry.second;
      if (value.IsMap()) return false;
      if (value.IsSequence() && !is_flat(value)) return false;
    }
    return true;
  }
  return false;
}

std::string flow_text(const YAML::Node& node) {
  if (node.IsScalar() || node.IsNull()) return scalar_text(node);
  std::string out;
  if (node.IsSequence()) {
    out.push_back('[');
    bool first = true;
    for (const auto& child : node) {
      if (!first) out.append(", ");
      first = false;
      out.append(flow_text(child));
    }
    out.push_back(']');
    return out;
  }
  out.push_back('{');
  bool first = true;
  for (const auto& entry : node) {
    if (!first) out.append(", ");
    first = false;
    out.append(scalar_text(entry.first)).append(": ").append(flow_text(entry.second));
  }
  out.push_back('}');
  return out;
}

std::string child_path(const std::string& path, const std::string& key) { return path.empty() ? key : path + "." + key; }

void write_node(std::string& out, const YAML::Node& node, const std::string& path, int indent, const Comments& comments);

void append_comment(std::string& out, const std::string& path, const Comments& comments) {
  const auto found = comments.find(path);
  if (found != comments.end()) out.append("  # ").append(found->second);
}

}  // namespace

void write_map(std::string& out, const YAML::Node& map, const std::string& path, int indent, const Comments& comments) {
  const std::string pad(static_cast<std::size_t>(indent), ' ');
  for (const auto& entry : map) {
    const std::string key = entry.first.Scalar();
    const std::string here = child_path(path, key);
    out.append(pad).append(scalar_text(entry.first)).append(":");
    // A flat value goes on one line, unless a value inside it carries its own comment.
    const auto below = comments.lower_bound(here + ".");
    const bool commented_inside = below != comments.end() && below->first.rfind(here + ".", 0) == 0;
    if (is_flat(entry.second) && !(entry.second.IsMap() && commented_inside)) {
      out.append(" ").append(flow_text(entry.second));
      append_comment(out, here, comments);
      out.push_back('\n');
    } else {
      append_comment(out, here, comments);
      out.push_back('\n');
      write_node(out, entry.second, here, indent + 2, comments);
    }
  }
}

namespace {

void write_node(std::string& out, const YAML::Node& node, const std::string& path, int indent, const Comments& comments) {
  const std::string pad(static_cast<std::size_t>(indent), ' ');
  if (node.IsMap()) {
    write_map(out, node, path, indent, comments);
    return;
  }
  if (node.IsSequence()) {
    std::size_t index = 0;
    for (const auto& child : node) {
      const std::string here = fmt::format("{}[{}]", path, index++);
      if (is_flat(child)) {
        out.append(pad).append("- ").append(flow_text(child));
        append_comment(out, here, comments);
        out.push_back('\n');
      } else if (child.IsMap()) {
        // "- " takes the place of the first entry's indentation.
        std::string inner;
        write_map(inner, child, here, indent + 2, comments);
        inner.replace(static_cast<std::size_t>(indent), 2, "- ");
        out.append(inner);
      } else {
        out.append(pad).append("-\n");
        write_node(out, child, here, indent + 2, comments);
      }
    }
    return;
  }
  out.append(pad).append(flow_text(node)).append("\n");
}

}  // namespace

std::string fixed2(double x) { return fmt::format("{:.2f}", x); }
std::string sig4(double x) {
  std::string text = fmt::format("{:.4g}", x);
  if (text.find('e') != std::string::npos) text = fmt::format("{:.1f}", x);
  return text;
}

/// Shares rounded to 6 decimals; the largest takes the rounding residual so they sum to 1.
std::vector<std::string> rounded_shares(const std::vector<double>& shares) {
  std::vector<long long> micros;
  for (const double s : shares) micros.push_back(std::llround(s * 1e6));
  const long long total = std::accumulate(micros.begin(), micros.end(), 0LL);
  const auto largest = static_cast<std::size_t>(std::max_element(micros.begin(), micros.end()) - micros.begin());
  micros[largest] += 1000000LL - total;
  std::vector<std::string> out;
  for (const long long m : micros) out.push_back(fmt::format("{}.{:06}", m / 1000000, m % 1000000));
  return out;
}

std::string describe_fit(const DurationFit& d) {
  const DistributionFit& best = d.best();
  const DistributionFit& other = &best == &d.gamma ? d.lognormal : d.gamma;
  return fmt::format("fitted: n={}, {} by ML (AIC {:.1f} vs {} {:.1f}), KS D={:.3f} p~{:.2g}; sample mean {:.1f} [{:.1f}, {:.1f}]",
                     d.n, best.family, best.aic, other.family, other.aic, best.ks_distance, best.ks_p_value,
                     d.sample_mean.value, d.sample_mean.low, d.sample_mean.high);
}

YAML::Node duration_node(const DurationFit& d) {
  const DistributionFit& best = d.best();
  YAML::Node node(YAML::NodeType::Map);
  node["distribution"] = best.family;
  node["mean"] = fixed2(best.mean);
  node["sd"] = fixed2(best.sd);
  return node;
}

/// Hour-of-week weights: weekly when there are enough calls, else hour-of-day × day-of-week.
YAML::Node profile_node(const ArrivalFit& arrivals, std::string& note) {
  YAML::Node node(YAML::NodeType::Map);
  constexpr std::int64_t kWeeklyMinimum = 20 * static_cast<std::int64_t>(world::kHoursPerWeek);
  if (arrivals.calls >= kWeeklyMinimum) {
    YAML::Node weekly(YAML::NodeType::Sequence);
    for (const auto& e : arrivals.per_week) weekly.push_back(sig4(std::isfinite(e.value) ? e.value : 0.0));
    node["weekly"] = weekly;
    note = fmt::format("fitted: calls per week in each hour of the week, n={} calls (Poisson 95% intervals in fit.json)", arrivals.calls);
    return node;
  }
  std::array<double, 24> hourly{};
  std::array<double, 7> daily{};
  for (std::size_t h = 0; h < world::kHoursPerWeek; ++h) {
    const double rate = std::isfinite(arrivals.per_week[h].value) ? arrivals.per_week[h].value : 0.0;
    hourly[h % 24] += rate;
    daily[h / 24] += rate;
  }
  YAML::Node hours(YAML::NodeType::Sequence);
  for (const double x : hourly) hours.push_back(sig4(x / 7.0));
  YAML::Node days(YAML::NodeType::Sequence);
  for (const double x : daily) days.push_back(sig4(x));
  node["hourly"] = hours;
  node["daily"] = days;
  note = fmt::format("fitted: hour-of-day x day-of-week calls per week, n={} calls (fewer than {} for a full weekly profile)",
                     arrivals.calls, kWeeklyMinimum);
  return node;
}

/// An outcome row from observed dispositions. A unit type that cannot arrest gets the
/// observed arrest share as its backup probability instead (police take over and decide).
YAML::Node outcome_row(const std::vector<ShareRow>& rows, const YAML::Node& base_row, bool can_arrest, std::string& note) {
  std::vector<double> shares(world::kDispositionCount, 0.0);
  std::int64_t total = 0;
  for (const auto& row : rows) total += row.count;
  for (const auto& row : rows) {
    const auto index = static_cast<std::size_t>(
        std::find(world::kDispositionNames.begin(), world::kDispositionNames.end(), row.label) - world::kDispositionNames.begin());
    if (index < shares.size()) shares[index] = static_cast<double>(row.count) / static_cast<double>(total);
  }
  constexpr std::size_t kArrest = static_cast<std::size_t>(world::Disposition::arrest);
  double arrest_share = 0.0;
  if (!can_arrest && shares[kArrest] > 0.0) {
    arrest_share = shares[kArrest];
    shares[kArrest] = 0.0;
    for (double& s : shares) s /= 1.0 - arrest_share;
  }
  const std::vector<std::string> text = rounded_shares(shares);
  YAML::Node node(YAML::NodeType::Map);
  for (std::size_t i = 0; i < world::kDispositionCount; ++i) {
    if (shares[i] > 0.0 || text[i] != "0.000000") node[std::string(world::kDispositionNames[i])] = text[i];
  }
  for (const char* event : {"use_of_force", "injury", "backup"}) {
    if (base_row && base_row.IsMap() && base_row[event]) node[event] = base_row[event].Scalar();
  }
  note = fmt::format("fitted: n={} mapped dispositions (Wilson intervals in fit_report.md)", total);
  if (!can_arrest) {
    // Set on every row, so that a row without arrests does not inherit the default's backup.
    node["backup"] = fmt::format("{:.4f}", arrest_share);
  }
  if (arrest_share > 0.0) {
    note += fmt::format("; the {:.1f}% ending in arrest become backup requests (this unit cannot arrest)", 100.0 * arrest_share);
  } else if (base_row && base_row.IsMap() && (base_row["use_of_force"] || base_row["injury"] || base_row["backup"])) {
    note += "; event probabilities from the base";
  }
  return node;
}

}  // namespace crisis::io::cad::detail
