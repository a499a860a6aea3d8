#include "cad/replay_loader.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <limits>
#include <map>

#include <fmt/format.h>

#include "cad/cad.hpp"
#include "engine/limits.hpp"
#include "results/results_writer.hpp"

namespace crisis::io {
namespace {

namespace fs = std::filesystem;

constexpr double kMinutesPerDay = 1440.0;
constexpr double kMaxReplayDays = engine::kMaxHorizonDays;  // as run.horizon_days

std::string lower_trimmed(const std::string& text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string::npos) return {};
  const auto last = text.find_last_not_of(" \t");
  std::string out = text.substr(first, last - first + 1);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// A file named in the scenario is found next to the scenario file, unless absolute.
std::string beside(const std::string& scenario_file, const std::string& path) {
  const fs::path given(path);
  if (given.is_absolute()) return path;
  return (fs::path(scenario_file).parent_path() / given).lexically_normal().string();
}

// A schema or mapping is a built-in name unless it looks like a file.
bool looks_like_file(const std::string& name) {
  const auto ends_with = [&](std::string_view suffix) {
    return name.size() >= suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  return name.find('/') != std::string::npos || ends_with(".yaml") || ends_with(".yml") || ends_with(".csv");
}

// The Monday 00:00 at or before `minutes` (minutes since 1970-01-01, a Thursday).
double monday_at_or_before(double minutes) {
  const double day = std::floor(minutes / kMinutesPerDay);
  const double weekday = day + 3.0 - 7.0 * std::floor((day + 3.0) / 7.0);  // 0 = Monday
  return (day - weekday) * kMinutesPerDay;
}

// A built-in name, or an existing file (resolved next to the scenario). Empty on a problem.
std::optional<std::string> resolve_named(YamlReader& reader, const YAML::Node& node, const std::string& path,
                                         const std::string& given, const std::vector<std::string>& builtins,
                                         const std::string& what) {
  if (looks_like_file(given)) {
    const std::string file = beside(reader.file(), given);
    std::error_code error;
    if (!fs::is_regular_file(file, error)) {
      reader.problem(node, path, "no " + what + " file " + file + " (relative paths are read next to the scenario file)");
      return std::nullopt;
    }
    return file;
  }
  if (std::find(builtins.begin(), builtins.end(), given) == builtins.end()) {
    const std::string suggestion = closest_match(given, builtins);
    reader.problem(node, path,
                   "unknown " + what + " '" + given + "'; expected a built-in one (" + join(builtins, ", ") + ") or a file" +
                       (suggestion.empty() ? std::string() : "; did you mean '" + suggestion + "'?"));
    return std::nullopt;
  }
  return given;
}

/// The replayed period [from, to): non-empty after the warm-up, an hour to 3650 days, and the
/// length of run.horizon_days when that is given. False after reporting at `key`.
bool check_replay_period(YamlReader& reader, const YAML::Mark& key, const world::Scenario& s, double from, double to,
                         bool horizon_given, double horizon, const std::string& file_span) {
  const double period = to - from;
  if (period <= 0.0) {
    reader.problem_at(key, "replay", "the period " + format_replay_time(from) + " to " + format_replay_time(to) +
                                       " is empty after the warm-up of " + format_number(s.run.warmup_days) + " days; " + file_span);
    return false;
  }
  if (period < 60.0 || period > kMaxReplayDays * kMinutesPerDay) {
    reader.problem_at(key, "replay", "the period " + format_replay_time(from) + " to " + format_replay_time(to) +
                                       " must last from an hour to 3650 days");
    return false;
  }
  if (horizon_given && std::abs(period - horizon) > 0.5) {
    reader.problem_at(key, "replay",
                   "the replayed period " + format_replay_time(from) + " to " + format_replay_time(to) + " lasts " +
                       format_number(period / kMinutesPerDay) + " days but run.horizon_days is " + format_number(s.run.horizon_days) +
                       ": a replay's horizon is its period; remove run.horizon_days or make it agree");
    return false;
  }
  return true;
}

/// The replay keys a problem can be reported at.
struct ReplayKeys {
  const YAML::Node& calls_node;
  const YAML::Node& schema_node;
  const YAML::Node& mapping_node;
  const std::string& schema;   ///< as given
  const std::string& mapping;  ///< as given; "" = the schema's
};

/// The calls of a replay's CAD file; empty after reporting a problem at the key that names
/// its cause (replay.calls, replay.schema or replay.mapping).
std::optional<cad::ImportResult> import_for_replay(YamlReader& reader, const std::string& calls_path,
                                                   const cad::ImportOptions& options, const ReplayKeys& keys) {
  const std::string& schema = keys.schema;
  const std::string& mapping = keys.mapping;
  const YAML::Node& calls_node = keys.calls_node;
  const YAML::Node& schema_node = keys.schema_node;
  const YAML::Node& mapping_node = keys.mapping_node;
  cad::ImportResult imported;
  try {
    imported = cad::import_calls(calls_path, options);
  } catch (const InputError& error) {
    const InputProblem& inner = error.problems().front();
    std::string where = inner.file;
    if (inner.line > 0) where += fmt::format(":{}:{}", inner.line, inner.column);
    if (!inner.field.empty()) where += (where.empty() ? "" : ": ") + inner.field;
    // A problem inside a schema or mapping file is reported at the key that names it.
    const bool in_schema = inner.file == options.schema && looks_like_file(schema);
    const bool in_mapping = !mapping.empty() && inner.file == options.mapping && looks_like_file(mapping);
    reader.problem(in_schema ? schema_node : in_mapping ? mapping_node : calls_node,
                   in_schema ? "replay.schema" : in_mapping ? "replay.mapping" : "replay.calls",
                   "cannot import the calls: " + (where.empty() ? "" : where + ": ") + inner.message);
    return std::nullopt;
  } catch (const std::exception& error) {
    reader.problem(calls_node, "replay.calls", std::string("cannot import the calls: ") + error.what());
    return std::nullopt;
  }
  return imported;
}

/// The imported calls from the lead-in start to `to` as replayed calls, on a clock starting
/// at `origin`; each matched to a zone by its area (unmatched ones counted). Returns the
/// number of calls in the period proper (from `from` on).
std::int64_t add_replay_calls(const cad::ImportResult& imported, const world::Scenario& s, double lead_in_start,
                              double from_min, double to_min, double origin, world::ReplayConfig& replay) {
  std::map<std::string, int> zone_by_name;
  for (std::size_t z = 0; z < s.zones.size(); ++z) zone_by_name.emplace(lower_trimmed(s.zones[z].name), static_cast<int>(z));
  std::int64_t in_period = 0;
  for (const cad::CallRecord& record : imported.calls) {
    if (record.created < lead_in_start || record.created >= to_min) continue;
    const bool crisis = record.category != cad::Category::other_police;
    if (!crisis && !replay.background) continue;
    world::ReplayCall call;
    call.at = record.created - origin;
    call.crisis = crisis;
    if (crisis) {
      if (record.crisis_type) {
        call.type = static_cast<std::int8_t>(*record.crisis_type);
      } else if (record.category == cad::Category::welfare_check) {
        call.type = static_cast<std::int8_t>(world::CrisisType::welfare_check);
      }
    }
    if (record.priority && *record.priority >= 1 && *record.priority <= 3) call.priority = static_cast<std::uint8_t>(*record.priority);
    // By the area's own text, else by the zone name `crisis-sim fit` gives it ("4" -> district_4).
    auto zone = zone_by_name.find(lower_trimmed(record.area));
    if (zone == zone_by_name.end()) {
      const std::string fitted_name = cad::zone_name_for_area(record.area, imported.summary.area_column);
      if (!fitted_name.empty()) zone = zone_by_name.find(lower_trimmed(fitted_name));
    }
    if (zone != zone_by_name.end()) {
      call.zone = zone->second;
    } else {
      ++replay.unmatched_calls;
      ++replay.unmatched_areas[record.area.empty() ? std::string("(none)") : record.area];
    }
    if (record.created < from_min) {
      ++replay.warmup_calls;
    } else {
      ++in_period;
    }
    replay.calls.push_back(call);
  }
  return in_period;
}

}  // namespace

std::string format_replay_time(double minutes) {
  const auto whole = static_cast<long long>(std::floor(minutes));
  const long long days = whole >= 0 ? whole / 1440 : -((-whole + 1439) / 1440);
  const long long in_day = whole - days * 1440;
  const std::chrono::year_month_day date{std::chrono::sys_days{std::chrono::days{days}}};
  return fmt::format("{:04}-{:02}-{:02} {:02}:{:02}", static_cast<int>(date.year()), static_cast<unsigned>(date.month()),
                     static_cast<unsigned>(date.day()), in_day / 60, in_day % 60);
}

void read_replay(YamlReader& reader, const YAML::Node& node, const YAML::Mark& key, const YAML::Node& run_node, world::Scenario& s) {
  if (!node.IsDefined()) return;
  MapReader map(reader, node, "replay");
  if (!map.valid()) return;
  const std::size_t problems_before = reader.problems().size();
  const YAML::Node calls_node = map.child("calls");
  const YAML::Node schema_node = map.child("schema");
  const YAML::Node mapping_node = map.child("mapping");
  const YAML::Node from_node = map.child("from");
  const YAML::Node to_node = map.child("to");
  const std::string calls = map.text("calls", std::nullopt);
  const std::string schema = map.text("schema", std::nullopt);
  const std::string mapping = map.text("mapping", std::string());
  const std::string from_text = map.text("from", std::string());
  const std::string to_text = map.text("to", std::string());
  const std::string background = map.choice("background", std::string("simulate"), {"simulate", "replay"});
  map.finish();
  if (reader.problems().size() != problems_before) return;

  // The period: [from, to) on the export's own clock.
  const std::string date_form = "a date such as \"2025-03-03\" or a time such as \"2025-03-03 06:00\"";
  std::optional<double> from;
  std::optional<double> to;
  if (!from_text.empty() && !(from = cad::parse_timestamp(from_text, ""))) {
    reader.problem(from_node, "replay.from", "expected " + date_form + ", got " + describe(from_node));
  }
  if (!to_text.empty() && !(to = cad::parse_timestamp(to_text, ""))) {
    reader.problem(to_node, "replay.to", "expected " + date_form + ", got " + describe(to_node));
  }
  if (from && to && *to <= *from) {
    reader.problem(to_node, "replay.to", "the period ends at or before it starts (from " + from_text + ")");
  }
  const std::string calls_path = beside(reader.file(), calls);
  {
    std::error_code error;
    if (!fs::is_regular_file(calls_path, error)) {
      reader.problem(calls_node, "replay.calls",
                     "no CAD file " + calls_path + " (relative paths are read next to the scenario file)");
    }
  }
  const auto schema_used = resolve_named(reader, schema_node, "replay.schema", schema, cad::builtin_schemas(), "schema");
  std::optional<std::string> mapping_used = std::string();
  if (!mapping.empty()) mapping_used = resolve_named(reader, mapping_node, "replay.mapping", mapping, cad::builtin_mappings(), "mapping");
  if (reader.problems().size() != problems_before || !schema_used || !mapping_used) return;

  const bool horizon_given = run_node.IsMap() && run_node["horizon_days"].IsDefined() && !run_node["horizon_days"].IsNull();
  const double warmup = s.run.warmup_days * kMinutesPerDay;
  const double horizon = s.run.horizon_days * kMinutesPerDay;
  if (horizon_given && from && !to) to = *from + horizon;

  cad::ImportOptions options;
  options.schema = *schema_used;
  options.mapping = *mapping_used;
  if (from) options.from = *from - warmup;
  if (to) options.to = *to;
  const ReplayKeys keys{calls_node, schema_node, mapping_node, schema, mapping};
  const std::optional<cad::ImportResult> import_result = import_for_replay(reader, calls_path, options, keys);
  if (!import_result) return;
  const cad::ImportResult& imported = *import_result;

  // Without `from`, the period starts at midnight of the first call's day plus the warm-up
  // (the file's first days are the warm-up); without `to`, it ends at the horizon when
  // run.horizon_days is given, else at the midnight after the last call.
  double first = std::numeric_limits<double>::infinity();
  double last = -std::numeric_limits<double>::infinity();
  for (const auto& call : imported.calls) {
    first = std::min(first, call.created);
    last = std::max(last, call.created);
  }
  const std::string file_span = imported.calls.empty()
                                    ? "the file has no usable call there (" + std::to_string(imported.summary.rows_read) +
                                          " rows read, " + std::to_string(imported.summary.rows_rejected) + " rejected)"
                                    : "the file's calls there run from " + format_replay_time(first) + " to " + format_replay_time(last);
  if (!from) {
    if (imported.calls.empty()) {
      reader.problem(calls_node, "replay.calls", "nothing to replay: " + file_span);
      return;
    }
    from = std::floor(first / kMinutesPerDay) * kMinutesPerDay + warmup;
  }
  if (!to) to = horizon_given ? *from + horizon : (std::floor(last / kMinutesPerDay) + 1.0) * kMinutesPerDay;
  const double period = *to - *from;
  if (!check_replay_period(reader, key, s, *from, *to, horizon_given, horizon, file_span)) return;

  world::ReplayConfig replay;
  replay.enabled = true;
  replay.background = background == "replay";
  const double lead_in_start = *from - warmup;
  const double origin = monday_at_or_before(lead_in_start);
  const std::int64_t in_period = add_replay_calls(imported, s, lead_in_start, *from, *to, origin, replay);
  std::stable_sort(replay.calls.begin(), replay.calls.end(), [](const auto& a, const auto& b) { return a.at < b.at; });
  if (in_period == 0 && std::none_of(imported.calls.begin(), imported.calls.end(), [&](const auto& c) { return c.created >= *from && c.created < *to; })) {
    reader.problem_at(key, "replay", "no call in the period " + format_replay_time(*from) + " to " + format_replay_time(*to) + "; " + file_span);
    return;
  }
  const bool any_crisis = std::any_of(replay.calls.begin(), replay.calls.end(), [](const auto& c) { return c.crisis; });
  double weighted_population = 0.0;
  for (const auto& zone : s.zones) weighted_population += zone.population * zone.prevalence;
  if (any_crisis && std::llround(weighted_population * s.residents.share_with_needs) == 0) {
    reader.problem_at(key, "replay", "replayed crisis calls fall on residents, and the scenario has none (city population x "
                                   "prevalence x residents.share_with_needs rounds to 0)");
    return;
  }
  replay.window_start_min = *from - origin;
  replay.window_end_min = *to - origin;
  replay.source = calls;
  replay.schema = schema;
  replay.mapping = mapping.empty() ? std::string("(the schema's)") : mapping;
  replay.rows_rejected = imported.summary.rows_rejected;
  replay.period_start = format_replay_time(*from);
  replay.period_end = format_replay_time(*to);
  replay.clock_origin = format_replay_time(origin);
  s.run.horizon_days = period / kMinutesPerDay;
  s.replay = std::move(replay);
}

std::string replay_note(const world::ReplayConfig& replay) {
  if (!replay.enabled) return {};
  std::int64_t crisis = 0;
  std::int64_t other = 0;
  for (const world::ReplayCall& call : replay.calls) {
    if (call.at >= replay.window_start_min) ++(call.crisis ? crisis : other);
  }
  std::string note = fmt::format("replay: {} to {} from {}: {} crisis calls", replay.period_start, replay.period_end, replay.source, crisis);
  note.append(replay.background ? fmt::format(" and {} other police calls", other) : std::string(", other police calls simulated"));
  note.append(fmt::format(" (+{} replayed in the warm-up)", replay.warmup_calls));
  if (replay.unmatched_calls > 0) {
    std::vector<std::pair<std::int64_t, std::string>> areas;
    for (const auto& [area, count] : replay.unmatched_areas) areas.emplace_back(-count, area);
    std::sort(areas.begin(), areas.end());
    std::vector<std::string> shown;
    for (std::size_t i = 0; i < areas.size() && i < 5; ++i) shown.push_back(fmt::format("{} {}", areas[i].second, -areas[i].first));
    if (areas.size() > 5) shown.push_back(fmt::format("{} more", areas.size() - 5));
    note.append(fmt::format("; {} calls in areas that name no zone, placed by population ({})", replay.unmatched_calls, join(shown, ", ")));
  }
  return note;
}

}  // namespace crisis::io
