// Fitting CAD calls: arrivals by hour of week, durations by stage and group, shares,
// concurrency and zones from areas; fit.json (docs/cad-fit.md). The statistics are in
// cad_fit_statistics.cpp.
#include "fit/cad_fit.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>

#include <fmt/format.h>

#include "engine/errors.hpp"
#include "engine/statistics.hpp"
#include "results/results_writer.hpp"

namespace crisis::io::cad {
namespace {

constexpr double kMinutesPerDay = 1440.0;

double sample_quantile(std::vector<double> values, double probability) {
  return engine::quantile(values, probability);
}

/// Mean with a Student-t 95% interval, and the sd.
Estimate mean_interval(std::span<const double> values, double* sd_out) {
  const engine::ReplicationSummary summary = engine::summarize_replications(values);
  if (sd_out != nullptr) *sd_out = summary.sd;
  return {summary.mean, summary.low, summary.high};
}

std::vector<ShareRow> share_rows(const std::map<std::string, std::int64_t>& counts) {
  std::int64_t total = 0;
  for (const auto& [label, count] : counts) total += count;
  std::vector<ShareRow> rows;
  for (const auto& [label, count] : counts) rows.push_back({label, count, wilson_interval(count, total)});
  return rows;
}

std::vector<ShareRow> disposition_rows(const std::vector<const CallRecord*>& calls) {
  std::map<std::string, std::int64_t> counts;
  for (const CallRecord* call : calls) {
    if (call->disposition) counts[std::string(world::kDispositionNames[static_cast<std::size_t>(*call->disposition)])] += 1;
  }
  // In the simulator's order, not alphabetical.
  std::vector<ShareRow> ordered;
  const std::vector<ShareRow> rows = share_rows(counts);
  for (const auto name : world::kDispositionNames) {
    for (const auto& row : rows) {
      if (row.label == name) ordered.push_back(row);
    }
  }
  return ordered;
}

ArrivalFit arrival_fit(const std::vector<const CallRecord*>& calls, const std::array<double, world::kHoursPerWeek>& exposure_weeks, double days) {
  ArrivalFit fit;
  std::array<std::int64_t, world::kHoursPerWeek> counts{};
  for (const CallRecord* call : calls) counts[static_cast<std::size_t>(hour_of_week(call->created))] += 1;
  for (std::size_t h = 0; h < world::kHoursPerWeek; ++h) {
    fit.calls += counts[h];
    const Estimate interval = poisson_interval(static_cast<double>(counts[h]));
    const double weeks = exposure_weeks[h];
    if (weeks > 0) fit.per_week[h] = {interval.value / weeks, interval.low / weeks, interval.high / weeks};
  }
  const Estimate total = poisson_interval(static_cast<double>(fit.calls));
  if (days > 0) fit.per_day = {total.value / days, total.low / days, total.high / days};
  double weekly = 0.0;
  bool all_hours = true;
  for (std::size_t h = 0; h < world::kHoursPerWeek; ++h) {
    all_hours = all_hours && exposure_weeks[h] > 0;
    if (exposure_weeks[h] > 0) weekly += static_cast<double>(counts[h]) / exposure_weeks[h];
  }
  fit.weekly_mean_per_day = all_hours ? weekly / 7.0 : fit.per_day.value;
  return fit;
}

ConcurrencyFit concurrency_fit(const std::vector<const CallRecord*>& calls, Timestamp start, Timestamp end, double max_duration) {
  ConcurrencyFit fit;
  // Open/close events; a close sorts before an open at the same minute.
  std::vector<std::pair<double, int>> events;
  for (const CallRecord* call : calls) {
    if (!call->dispatched || !call->closed) continue;
    const double open = *call->dispatched;
    const double close = *call->closed;
    if (!(close > open) || close - open > max_duration) continue;
    fit.calls += 1;
    events.emplace_back(open, +1);
    events.emplace_back(close, -1);
  }
  if (fit.calls == 0 || !(end > start)) return fit;
  std::sort(events.begin(), events.end());
  const auto hours = static_cast<std::size_t>(std::ceil((end - start) / 60.0));
  std::vector<int> peak(hours, 0);
  int open_now = 0;
  double area = 0.0;
  double last = start;
  std::size_t next = 0;
  // Level at the start of each hour, then every change inside it.
  for (std::size_t hour = 0; hour < hours; ++hour) {
    const double hour_start = start + 60.0 * static_cast<double>(hour);
    const double hour_end = hour_start + 60.0;
    while (next < events.size() && events[next].first <= hour_start) {
      area += open_now * (std::max(events[next].first, start) - std::max(last, start));
      last = std::max(events[next].first, start);
      open_now += events[next].second;
      ++next;
    }
    int highest = open_now;
    while (next < events.size() && events[next].first < hour_end) {
      area += open_now * (events[next].first - last);
      last = events[next].first;
      open_now += events[next].second;
      highest = std::max(highest, open_now);
      ++next;
    }
    peak[hour] = highest;
  }
  area += open_now * (end - last);
  fit.mean_busy = area / (end - start);
  std::array<std::vector<double>, world::kHoursPerWeek> by_week_hour;
  for (std::size_t hour = 0; hour < hours; ++hour) {
    const double t = start + 60.0 * static_cast<double>(hour);
    by_week_hour[static_cast<std::size_t>(hour_of_week(t))].push_back(peak[hour]);
  }
  for (std::size_t h = 0; h < world::kHoursPerWeek; ++h) {
    fit.p90_peak[h] = by_week_hour[h].empty() ? 0.0 : sample_quantile(by_week_hour[h], 0.9);
  }
  return fit;
}

nlohmann::ordered_json estimate_json(const Estimate& e) {
  nlohmann::ordered_json json;
  json["value"] = std::isfinite(e.value) ? nlohmann::ordered_json(e.value) : nlohmann::ordered_json();
  json["low"] = std::isfinite(e.low) ? nlohmann::ordered_json(e.low) : nlohmann::ordered_json();
  json["high"] = std::isfinite(e.high) ? nlohmann::ordered_json(e.high) : nlohmann::ordered_json();
  return json;
}

nlohmann::ordered_json rows_json(const std::vector<ShareRow>& rows) {
  nlohmann::ordered_json json = nlohmann::ordered_json::array();
  for (const auto& row : rows) {
    json.push_back({{"label", row.label}, {"count", row.count}, {"share", estimate_json(row.share)}});
  }
  return json;
}

nlohmann::ordered_json distribution_json(const DistributionFit& fit) {
  nlohmann::ordered_json json;
  json["family"] = fit.family;
  if (fit.family == "lognormal") {
    json["mu"] = json_number(fit.parameter_1);
    json["sigma"] = json_number(fit.parameter_2);
    json["mu_interval"] = estimate_json(fit.parameter_1_interval);
  } else {
    json["shape"] = json_number(fit.parameter_1);
    json["scale"] = json_number(fit.parameter_2);
    json["shape_interval"] = estimate_json(fit.parameter_1_interval);
  }
  json["mean"] = json_number(fit.mean);
  json["sd"] = json_number(fit.sd);
  json["log_likelihood"] = json_number(fit.log_likelihood);
  json["aic"] = json_number(fit.aic);
  json["ks_distance"] = json_number(fit.ks_distance);
  json["ks_p_value_approx"] = json_number(fit.ks_p_value);
  return json;
}

/// "YYYY-MM-DD" of the day holding `t`.
std::string date_text(Timestamp t) {
  const std::string stamp = format_timestamp(std::floor(t / kMinutesPerDay) * kMinutesPerDay);
  return stamp.substr(0, stamp.find(' '));
}

}  // namespace

// ---- Fit ----------------------------------------------------------------------------------

std::optional<double> stage_minutes(const CallRecord& call, Stage stage) {
  switch (stage) {
    case Stage::call_processing:
      if (call.dispatched) return *call.dispatched - call.created;
      return std::nullopt;
    case Stage::travel:
      if (call.dispatched && call.arrived) return *call.arrived - *call.dispatched;
      return std::nullopt;
    case Stage::response:
      if (call.arrived) return *call.arrived - call.created;
      return std::nullopt;
    case Stage::on_scene:
      if (call.arrived && call.closed) return *call.closed - *call.arrived;
      return std::nullopt;
  }
  return std::nullopt;
}

const DurationFit* FitResult::duration(Stage stage, std::string_view group) const {
  for (const auto& fit : durations) {
    if (fit.stage == stage && fit.group == group) return &fit;
  }
  return nullptr;
}

namespace {

std::optional<DurationFit> fit_duration(Stage stage, const std::string& group, const std::vector<const CallRecord*>& calls,
                                        const FitOptions& options) {
  DurationFit fit;
  fit.stage = stage;
  fit.group = group;
  std::vector<double> values;
  for (const CallRecord* call : calls) {
    const std::optional<double> minutes = stage_minutes(*call, stage);
    if (!minutes || *minutes < 0.0) continue;  // the importer empties out-of-order stamps; be safe
    if (*minutes > options.max_duration_min) {
      fit.excluded_too_long += 1;
      continue;
    }
    if (*minutes == 0.0) {
      fit.zeros_as_half_minute += 1;
      values.push_back(0.5);
    } else {
      values.push_back(*minutes);
    }
  }
  fit.n = static_cast<std::int64_t>(values.size());
  if (fit.n < options.min_observations) return std::nullopt;
  const bool all_equal = std::all_of(values.begin(), values.end(), [&](double x) { return x == values.front(); });
  if (all_equal) return std::nullopt;
  fit.sample_mean = mean_interval(values, &fit.sample_sd);
  fit.sample_median = sample_quantile(values, 0.5);
  fit.sample_p90 = sample_quantile(values, 0.9);
  fit.lognormal = fit_lognormal(values);
  fit.gamma = fit_gamma(values);
  return fit;
}

}  // namespace

namespace {

/// Areas in their natural order: numbers by value first, then text.
bool area_before(const std::string& a, const std::string& b) {
  const auto number = [](const std::string& text) -> std::optional<long long> {
    if (text.empty() || text.size() > 15 || !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      return std::nullopt;
    }
    return std::stoll(text);
  };
  const auto na = number(a);
  const auto nb = number(b);
  if (na && nb) return *na != *nb ? *na < *nb : a < b;
  if (na || nb) return na.has_value();
  return a < b;
}

std::string trim_area(const std::string& text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return {};
  const auto last = text.find_last_not_of(" \t\r\n");
  return text.substr(first, last - first + 1);
}

}  // namespace

AreaZones area_zones(std::span<const CallRecord> calls, const std::string& area_column) {
  AreaZones result;
  result.area_column = area_column;
  std::map<std::string, std::pair<std::int64_t, std::int64_t>> counts;  // area -> (calls, crisis calls)
  for (const auto& call : calls) {
    result.calls += 1;
    const bool crisis = is_crisis(call.category);
    if (crisis) result.crisis_calls += 1;
    if (is_placeholder_area(call.area) || zone_name_for_area(call.area, area_column).empty()) {
      result.empty_area_calls += 1;
      continue;
    }
    auto& count = counts[trim_area(call.area)];
    count.first += 1;
    if (crisis) count.second += 1;
  }
  result.distinct_areas = static_cast<std::int64_t>(counts.size());
  std::vector<std::string> areas;
  for (const auto& [area, count] : counts) {
    if (count.first >= kMinAreaCalls) areas.push_back(area);
  }
  std::sort(areas.begin(), areas.end(), area_before);
  std::map<std::string, int> taken;  // lower-case zone names, to keep them unique
  for (const auto& area : areas) {
    AreaZone zone;
    zone.area = area;
    zone.zone = zone_name_for_area(area, area_column);
    std::string key = zone.zone;
    std::transform(key.begin(), key.end(), key.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (const int seen = taken[key]++; seen > 0) zone.zone += fmt::format("_{}", seen + 1);
    zone.calls = counts[area].first;
    zone.crisis_calls = counts[area].second;
    result.calls_in_zones += zone.calls;
    result.crisis_calls_in_zones += zone.crisis_calls;
    result.zones.push_back(zone);
  }
  const double coverage = result.calls > 0 ? static_cast<double>(result.calls_in_zones) / static_cast<double>(result.calls) : 0.0;
  const std::string column = area_column.empty() ? std::string("(the schema has no area column)") : "`" + area_column + "`";
  if (area_column.empty()) {
    result.reason = "the schema has no area column";
  } else if (result.zones.size() < kMinAreaZones) {
    result.reason = fmt::format("only {} area(s) of {} have at least {} calls (at least {} are needed)", result.zones.size(), column,
                                kMinAreaCalls, kMinAreaZones);
  } else if (result.zones.size() > kMaxAreaZones) {
    result.reason = fmt::format("{} areas of {} have at least {} calls (at most {} can be zones: beats, not districts)",
                                result.zones.size(), column, kMinAreaCalls, kMaxAreaZones);
  } else if (coverage < kMinAreaCoverage) {
    result.reason = fmt::format("the {} areas of {} with at least {} calls hold only {:.1f}% of the calls (at least {:.0f}% are needed)",
                                result.zones.size(), column, kMinAreaCalls, 100.0 * coverage, 100.0 * kMinAreaCoverage);
  } else {
    result.used = true;
    result.reason = fmt::format("the {} areas of {} with at least {} calls hold {:.1f}% of the {} calls (at least {:.0f}% are needed)",
                                result.zones.size(), column, kMinAreaCalls, 100.0 * coverage, result.calls, 100.0 * kMinAreaCoverage);
  }
  for (auto& zone : result.zones) {
    zone.population_share = static_cast<double>(zone.calls) / static_cast<double>(result.calls_in_zones);
    if (result.crisis_calls_in_zones > 0) {
      zone.crisis_share = static_cast<double>(zone.crisis_calls) / static_cast<double>(result.crisis_calls_in_zones);
      const double ratio = zone.crisis_share / zone.population_share;
      zone.relative_prevalence = std::clamp(ratio, kMinRelativePrevalence, kMaxRelativePrevalence);
      zone.clamped = zone.relative_prevalence != ratio;
    } else {
      zone.relative_prevalence = 1.0;
    }
  }
  return result;
}

FitResult fit_calls(std::span<const CallRecord> calls, const ImportSummary& summary, const FitOptions& options) {
  FitResult fit;
  fit.summary = summary;
  fit.options = options;
  if (calls.empty()) {
    throw InputError(InputProblem{summary.input_path, 0, 0, "", "no usable calls to fit (in the --from/--to window)"});
  }
  double first = calls.front().created;
  double last = first;
  for (const auto& call : calls) {
    first = std::min(first, call.created);
    last = std::max(last, call.created);
  }
  fit.window_start = options.window_start.value_or(std::floor(first / kMinutesPerDay) * kMinutesPerDay);
  fit.window_end = options.window_end.value_or((std::floor(last / kMinutesPerDay) + 1.0) * kMinutesPerDay);
  // Exposure: only the days the export covers; a gap is missing data, not zero demand.
  fit.quality = assess_data_quality(calls, summary, fit.window_start, fit.window_end);
  fit.coverage = fit.quality.coverage;
  fit.days = std::min(fit.coverage.covered_days(), (fit.window_end - fit.window_start) / kMinutesPerDay);
  // Weeks each hour of the week was observed (whole hours of covered days in the window).
  std::array<double, world::kHoursPerWeek> exposure{};
  for (double t = fit.window_start; t + 60.0 <= fit.window_end + 1e-9; t += 60.0) {
    if (fit.coverage.covers(t)) exposure[static_cast<std::size_t>(hour_of_week(t))] += 1.0;
  }

  std::array<std::vector<const CallRecord*>, kCategoryCount> by_category;
  std::vector<const CallRecord*> crisis;
  std::map<world::CrisisType, std::vector<const CallRecord*>> by_type;
  std::array<std::vector<const CallRecord*>, world::kPriorityCount> background_by_priority;
  std::map<std::string, std::int64_t> type_counts;
  std::map<std::string, std::int64_t> priority_counts;
  for (const auto& call : calls) {
    by_category[static_cast<std::size_t>(call.category)].push_back(&call);
    if (is_crisis(call.category)) {
      crisis.push_back(&call);
      if (call.crisis_type) {
        by_type[*call.crisis_type].push_back(&call);
        type_counts[std::string(world::kCrisisTypeNames[static_cast<std::size_t>(*call.crisis_type)])] += 1;
      }
    } else if (call.priority && *call.priority >= 1 && *call.priority <= 3) {
      background_by_priority[static_cast<std::size_t>(*call.priority - 1)].push_back(&call);
      priority_counts[fmt::format("priority_{}", *call.priority)] += 1;
    }
  }
  for (std::size_t c = 0; c < kCategoryCount; ++c) fit.arrivals[c] = arrival_fit(by_category[c], exposure, fit.days);
  fit.crisis_arrivals = arrival_fit(crisis, exposure, fit.days);

  // Crisis calls created when no other crisis call was open (dispatched -> closed): their
  // call processing holds no wait for a busy unit, which the simulation adds itself.
  std::vector<const CallRecord*> crisis_unqueued;
  {
    std::vector<double> starts;
    std::vector<double> ends;
    for (const CallRecord* call : crisis) {
      if (call->dispatched && call->closed && *call->closed > *call->dispatched) {
        starts.push_back(*call->dispatched);
        ends.push_back(*call->closed);
      }
    }
    std::sort(starts.begin(), starts.end());
    std::sort(ends.begin(), ends.end());
    if (!starts.empty()) {
      for (const CallRecord* call : crisis) {
        const double t = call->created;
        // Open at t: started at or before t and not yet closed (closed after t).
        auto open = static_cast<std::int64_t>(std::upper_bound(starts.begin(), starts.end(), t) - starts.begin()) -
                    static_cast<std::int64_t>(std::upper_bound(ends.begin(), ends.end(), t) - ends.begin());
        if (call->dispatched && call->closed && *call->closed > *call->dispatched && *call->dispatched <= t && t < *call->closed) {
          open -= 1;  // the call itself (dispatched in the minute it was created)
        }
        if (open == 0) crisis_unqueued.push_back(call);
      }
    }
  }

  for (std::size_t s = 0; s < kStageCount; ++s) {
    const auto stage = static_cast<Stage>(s);
    auto add = [&](const std::string& group, const std::vector<const CallRecord*>& group_calls) {
      if (auto duration = fit_duration(stage, group, group_calls, options)) fit.durations.push_back(std::move(*duration));
    };
    add("crisis", crisis);
    if (stage == Stage::call_processing) add("crisis_unqueued", crisis_unqueued);
    for (std::size_t c = 0; c < kCategoryCount; ++c) add(std::string(kCategoryNames[c]), by_category[c]);
    for (const auto& [type, type_calls] : by_type) add(std::string(world::kCrisisTypeNames[static_cast<std::size_t>(type)]), type_calls);
    for (std::size_t p = 0; p < world::kPriorityCount; ++p) add(fmt::format("priority_{}", p + 1), background_by_priority[p]);
  }

  // Crisis types in the simulator's order.
  for (const auto& row : share_rows(type_counts)) fit.crisis_types.push_back(row);
  std::sort(fit.crisis_types.begin(), fit.crisis_types.end(), [](const ShareRow& a, const ShareRow& b) {
    auto index = [](const std::string& name) {
      return std::find(world::kCrisisTypeNames.begin(), world::kCrisisTypeNames.end(), name) - world::kCrisisTypeNames.begin();
    };
    return index(a.label) < index(b.label);
  });
  fit.background_priorities = share_rows(priority_counts);
  for (std::size_t c = 0; c < kCategoryCount; ++c) fit.dispositions[c] = disposition_rows(by_category[c]);
  fit.crisis_dispositions = disposition_rows(crisis);
  for (const auto& [type, type_calls] : by_type) {
    std::vector<ShareRow> rows = disposition_rows(type_calls);
    std::int64_t total = 0;
    for (const auto& row : rows) total += row.count;
    if (total >= options.min_observations) fit.crisis_dispositions_by_type.emplace_back(type, std::move(rows));
  }
  fit.crisis_concurrency = concurrency_fit(crisis, fit.window_start, fit.window_end, options.max_duration_min);
  std::vector<const CallRecord*> all;
  for (const auto& call : calls) all.push_back(&call);
  fit.all_concurrency = concurrency_fit(all, fit.window_start, fit.window_end, options.max_duration_min);
  fit.areas = area_zones(calls, summary.area_column);
  return fit;
}

nlohmann::ordered_json fit_json(const FitResult& fit) {
  nlohmann::ordered_json json;
  const ImportSummary& s = fit.summary;
  json["import"] = {{"schema", s.schema_name},
                    {"mapping", s.mapping_name},
                    {"rows_read", s.rows_read},
                    {"rows_used", s.rows_used},
                    {"rows_rejected", s.rows_rejected},
                    {"rows_outside_period", s.rows_outside_period},
                    {"rejected_by_reason", s.rejected_by_reason},
                    {"stages_emptied", s.stages_emptied}};
  json["window"] = {{"start", date_text(fit.window_start)}, {"end_exclusive", date_text(fit.window_end)}, {"days", fit.days},
                    {"gap_days", gap_days_json(fit.coverage)}};
  nlohmann::ordered_json arrivals;
  auto arrival_json = [](const ArrivalFit& a) {
    nlohmann::ordered_json j;
    j["calls"] = a.calls;
    j["per_day"] = estimate_json(a.per_day);
    nlohmann::ordered_json hours = nlohmann::ordered_json::array();
    for (const auto& e : a.per_week) hours.push_back(estimate_json(e));
    j["per_week_by_hour_of_week"] = hours;
    return j;
  };
  for (std::size_t c = 0; c < kCategoryCount; ++c) arrivals[std::string(kCategoryNames[c])] = arrival_json(fit.arrivals[c]);
  arrivals["crisis"] = arrival_json(fit.crisis_arrivals);
  json["arrivals"] = arrivals;
  nlohmann::ordered_json durations = nlohmann::ordered_json::array();
  for (const auto& d : fit.durations) {
    nlohmann::ordered_json j;
    j["stage"] = std::string(kStageNames[static_cast<std::size_t>(d.stage)]);
    j["group"] = d.group;
    j["n"] = d.n;
    j["zeros_as_half_minute"] = d.zeros_as_half_minute;
    j["excluded_too_long"] = d.excluded_too_long;
    j["sample_mean"] = estimate_json(d.sample_mean);
    j["sample_sd"] = json_number(d.sample_sd);
    j["sample_median"] = json_number(d.sample_median);
    j["sample_p90"] = json_number(d.sample_p90);
    j["lognormal"] = distribution_json(d.lognormal);
    j["gamma"] = distribution_json(d.gamma);
    j["best_by_aic"] = d.best().family;
    durations.push_back(j);
  }
  json["durations"] = durations;
  json["crisis_types"] = rows_json(fit.crisis_types);
  nlohmann::ordered_json dispositions;
  for (std::size_t c = 0; c < kCategoryCount; ++c) dispositions[std::string(kCategoryNames[c])] = rows_json(fit.dispositions[c]);
  dispositions["crisis"] = rows_json(fit.crisis_dispositions);
  for (const auto& [type, rows] : fit.crisis_dispositions_by_type) {
    dispositions["crisis." + std::string(world::kCrisisTypeNames[static_cast<std::size_t>(type)])] = rows_json(rows);
  }
  json["dispositions"] = dispositions;
  json["background_priorities"] = rows_json(fit.background_priorities);
  auto concurrency_json = [](const ConcurrencyFit& c) {
    nlohmann::ordered_json j;
    j["calls"] = c.calls;
    j["mean_busy"] = json_number(c.mean_busy);
    j["p90_peak_by_hour_of_week"] = c.p90_peak;
    return j;
  };
  json["concurrency"] = {{"crisis", concurrency_json(fit.crisis_concurrency)},
                         {"all", concurrency_json(fit.all_concurrency)}};
  {
    const AreaZones& a = fit.areas;
    nlohmann::ordered_json zones = nlohmann::ordered_json::array();
    for (const auto& zone : a.zones) {
      zones.push_back({{"area", zone.area},
                       {"zone", zone.zone},
                       {"calls", zone.calls},
                       {"crisis_calls", zone.crisis_calls},
                       {"population_share", json_number(zone.population_share)},
                       {"crisis_share", json_number(zone.crisis_share)},
                       {"relative_prevalence", json_number(zone.relative_prevalence)},
                       {"relative_prevalence_clamped", zone.clamped}});
    }
    json["areas"] = {{"area_column", a.area_column},
                     {"used_as_zones", a.used},
                     {"reason", a.reason},
                     {"distinct_areas", a.distinct_areas},
                     {"calls", a.calls},
                     {"calls_in_zones", a.calls_in_zones},
                     {"crisis_calls", a.crisis_calls},
                     {"crisis_calls_in_zones", a.crisis_calls_in_zones},
                     {"empty_area_calls", a.empty_area_calls},
                     {"zones", zones}};
  }
  json["data_quality"] = data_quality_json(fit.quality);
  json["options"] = {{"min_observations", fit.options.min_observations}, {"max_duration_min", fit.options.max_duration_min}};
  return json;
}

std::string fit_date_text(Timestamp t) { return date_text(t); }

}  // namespace crisis::io::cad
