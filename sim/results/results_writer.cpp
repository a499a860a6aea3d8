#include "results/results_writer.hpp"

#include <algorithm>
#include <atomic>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <mutex>
#include <sstream>

#include <fmt/format.h>
#include <unistd.h>

#include "crisis/build_info.hpp"
#include "engine/errors.hpp"
#include "engine/replication_runner.hpp"
#include "engine/sim_time.hpp"
#include "results/export_tables.hpp"

namespace crisis::io {

std::vector<double> RunResults::column(std::size_t index) const {
  std::vector<double> values;
  values.reserve(replications.size());
  for (const auto& r : replications) values.push_back(r.measures[index]);
  return values;
}

std::size_t RunResults::measure_index(const std::string& name) const {
  for (std::size_t i = 0; i < measure_names.size(); ++i) {
    if (measure_names[i] == name) return i;
  }
  return std::string::npos;
}

namespace {
// What a run replayed (scenario `replay:`, docs/scenario-format.md): the file, the period, the
// calls replayed in it and before it, and those whose area named no zone. Null when nothing.
nlohmann::ordered_json replay_summary_json(const world::ReplayConfig& replay) {
  if (!replay.enabled) return nullptr;
  std::int64_t crisis = 0;
  std::int64_t other = 0;
  for (const world::ReplayCall& call : replay.calls) {
    if (call.at < replay.window_start_min) continue;
    ++(call.crisis ? crisis : other);
  }
  nlohmann::ordered_json json;
  json["calls_file"] = replay.source;
  json["schema"] = replay.schema;
  json["mapping"] = replay.mapping;
  json["rows_rejected"] = replay.rows_rejected;
  json["background"] = replay.background ? "replay" : "simulate";
  json["period_start"] = replay.period_start;
  json["period_end"] = replay.period_end;
  json["clock_starts"] = replay.clock_origin;
  json["crisis_calls"] = crisis;
  json["background_calls"] = other;
  json["warmup_calls"] = replay.warmup_calls;
  json["unmatched_area_calls"] = replay.unmatched_calls;
  json["unmatched_areas"] = replay.unmatched_areas;
  return json;
}
}  // namespace

RunResults run_world(const world::World& world, std::uint64_t seed, std::size_t replications, int threads, CallRecords calls,
                     engine::ProgressCounter* progress) {
  RunResults results;
  const auto& scenario = world.scenario();
  results.scenario_name = scenario.name;
  results.scenario_path = scenario.source_path;
  results.scenario_hash = scenario.content_hash;
  results.seed = seed;
  results.horizon_days = scenario.run.horizon_days;
  results.warmup_days = scenario.run.warmup_days;
  results.models = world.plan().applied_models;
  results.currency = scenario.costs.currency;
  results.measure_names = world.measure_names();
  results.replay = replay_summary_json(scenario.replay);
  // Streamed calls: each replication's rows wait in `pending` only until every earlier
  // replication's rows are written, so the file is in replication order whatever the threads.
  if (calls == CallRecords::streamed) results.calls_spill = std::make_shared<CallsSpill>();
  std::mutex spill_mutex;
  std::map<std::size_t, std::string> pending;
  std::size_t next_to_write = 0;
  results.replications = engine::run_replications<world::ReplicationResult>(
      replications, threads, [&](std::size_t r) {
        world::ReplicationResult result = world.run_replication(seed, static_cast<std::uint32_t>(r), calls != CallRecords::none);
        if (calls == CallRecords::streamed) {
          std::string rows = calls_csv_rows(result.calls, scenario, world.plan());
          std::vector<world::CallRecord>().swap(result.calls);
          const std::lock_guard<std::mutex> lock(spill_mutex);
          pending.emplace(r, std::move(rows));
          while (!pending.empty() && pending.begin()->first == next_to_write) {
            results.calls_spill->append(pending.begin()->second);
            pending.erase(pending.begin());
            ++next_to_write;
          }
        }
        if (progress) progress->advance();
        return result;
      });
  return results;
}

CallsSpill::CallsSpill() : file_(std::tmpfile()) {
  if (file_ == nullptr) throw Error("could not create a temporary file for calls.csv's rows (is the temporary folder writable?)");
}

CallsSpill::~CallsSpill() { std::fclose(file_); }

void CallsSpill::append(std::string_view rows) {
  if (std::fwrite(rows.data(), 1, rows.size(), file_) != rows.size()) {
    throw Error("writing calls.csv's rows to a temporary file failed (disk full?)");
  }
}

void CallsSpill::copy_to(std::ostream& out) const {
  if (std::fflush(file_) != 0) throw Error("writing calls.csv's rows to a temporary file failed (disk full?)");
  std::rewind(file_);
  char buffer[1 << 16];
  std::size_t read = 0;
  while ((read = std::fread(buffer, 1, sizeof buffer, file_)) > 0) out.write(buffer, static_cast<std::streamsize>(read));
  std::fseek(file_, 0, SEEK_END);  // later appends go after what is there
}

std::string format_number(double value) {
  if (!std::isfinite(value)) return "";
  if (value == 0.0) return "0";
  char buffer[64];
  const auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, value);
  return error == std::errc() ? std::string(buffer, end) : std::string();
}

std::string hash_hex(std::uint64_t value) { return fmt::format("{:016x}", value); }

nlohmann::ordered_json summary_json(const RunResults& results) {
  nlohmann::ordered_json json;
  json["crisis_sim_version"] = build::kVersion;
  json["scenario"] = {{"name", results.scenario_name}, {"path", results.scenario_path}, {"hash", hash_hex(results.scenario_hash)}};
  json["seed"] = results.seed;
  json["replications"] = results.replications.size();
  json["horizon_days"] = results.horizon_days;
  json["warmup_days"] = results.warmup_days;
  json["models"] = results.models;
  json["confidence_level"] = 0.95;
  json["currency"] = results.currency;
  if (!results.replay.is_null()) json["replay"] = results.replay;
  nlohmann::ordered_json measures = nlohmann::ordered_json::object();
  for (std::size_t i = 0; i < results.measure_names.size(); ++i) {
    const auto summary = engine::summarize_replications(results.column(i));
    measures[results.measure_names[i]] = {{"mean", json_number(summary.mean)},
                                          {"sd", json_number(summary.sd)},
                                          {"ci95_low", json_number(summary.low)},
                                          {"ci95_high", json_number(summary.high)},
                                          {"n", summary.count}};
  }
  json["measures"] = std::move(measures);
  return json;
}

namespace {
// The temporary file being written right now, so that an interrupt can remove it. A global
// only because a signal handler can reach nothing else; written before the file is opened.
std::atomic<const char*> partial_output_path{nullptr};
}  // namespace

void remove_partial_output_from_signal_handler() noexcept {
  if (const char* path = partial_output_path.load()) ::unlink(path);
}

namespace {
// Write a file through `write` to a temporary name, then rename it into place.
void write_atomically_with(const std::string& path, const std::function<void(std::ostream&)>& write) {
  const std::string temporary = path + ".partial-" + std::to_string(::getpid());
  partial_output_path.store(temporary.c_str());
  struct Clear {
    ~Clear() { partial_output_path.store(nullptr); }
  } clear_on_exit;
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    if (!out) throw InputError(InputProblem{path, 0, 0, "--out", "cannot write here (does the folder exist, is it writable?)"});
    try {
      write(out);
    } catch (...) {
      out.close();
      std::filesystem::remove(temporary);
      throw;
    }
    out.flush();
    if (!out) {
      out.close();
      std::filesystem::remove(temporary);
      throw Error("writing " + path + " failed (disk full?)");
    }
  }
  std::error_code error;
  std::filesystem::rename(temporary, path, error);
  if (error) {
    std::filesystem::remove(temporary);
    throw Error("could not move " + temporary + " to " + path + ": " + error.message());
  }
}
}  // namespace

void write_file_atomically(const std::string& path, const std::string& content) {
  write_atomically_with(path, [&](std::ostream& out) { out << content; });
}

void check_output_directory(const std::string& directory) {
  namespace fs = std::filesystem;
  std::error_code error;
  const fs::path wanted = fs::absolute(fs::path(directory), error);
  if (error) throw InputError(InputProblem{directory, 0, 0, "--out", "not a usable path: " + error.message()});
  // The folder itself when it exists, else its nearest existing parent (where it would be made).
  fs::path probe = wanted;
  while (!fs::exists(probe, error) && probe.has_parent_path() && probe.parent_path() != probe) probe = probe.parent_path();
  if (!fs::is_directory(probe, error)) {
    throw InputError(InputProblem{directory, 0, 0, "--out", probe == wanted ? "exists and is not a directory"
                                                                              : probe.string() + " is not a directory"});
  }
  if (::access(probe.c_str(), W_OK | X_OK) != 0) {
    throw InputError(InputProblem{directory, 0, 0, "--out",
                                  probe == wanted ? "the folder is not writable" : "cannot create it: " + probe.string() + " is not writable"});
  }
}

void remove_earlier_output(const std::string& path) {
  std::error_code error;
  if (!std::filesystem::exists(std::filesystem::symlink_status(path, error))) return;  // nothing to remove (a read-only folder too)
  std::filesystem::remove(path, error);
  if (error) throw Error("could not remove " + path + " left by an earlier run: " + error.message());
}

std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\n\r") == std::string::npos) return text;
  std::string quoted = "\"";
  for (char c : text) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + "\"";
}

std::string replications_csv(const RunResults& results) {
  std::string text = "replication";
  for (const auto& name : results.measure_names) {
    text.push_back(',');
    text += csv_field(name);
  }
  text += "\n";
  for (std::size_t r = 0; r < results.replications.size(); ++r) {
    text += std::to_string(r);
    for (double value : results.replications[r].measures) {
      text.push_back(',');
      text += format_number(value);
    }
    text += "\n";
  }
  return text;
}

namespace {
const char* const kCallsHeader =
    "replication,call_id,kind,in_window,call_type,priority,true_risk,perceived_risk,zone,arrival_min,dispatch_min,"
    "on_scene_min,closed_min,response_min,unit_type,unit,deciding_unit_type,disposition,use_of_force,injury\n";
}  // namespace

std::string calls_csv_rows(const std::vector<world::CallRecord>& calls, const world::Scenario& scenario,
                           const world::ResponsePlan& plan, const CallsOptions& options) {
  // Times in minutes: every digit by default (the file reads back to the same doubles), or
  // rounded (--calls-decimals 2 is 0.6 s), which roughly halves the file.
  const auto time = [&options](double minutes) {
    if (options.decimals < 0 || !std::isfinite(minutes)) return format_number(minutes);
    const double scale = std::pow(10.0, options.decimals);
    return format_number(std::round(minutes * scale) / scale);
  };
  std::string text;
  for (const world::CallRecord& c : calls) {
    if (options.crisis_only && !c.crisis) continue;
    text += std::to_string(c.replication) + "," + std::to_string(c.call_id) + "," + (c.crisis ? "crisis" : "background") + "," +
            (c.in_window ? "1" : "0") + "," + (c.crisis ? std::string(world::kCrisisTypeNames[c.call_type]) : "") + "," +
            std::to_string(c.priority) + "," + (c.crisis ? std::string(world::kRiskLevelNames[c.true_risk]) : "") + "," +
            (c.crisis ? std::string(world::kRiskLevelNames[c.perceived_risk]) : "") + "," + csv_field(scenario.zones[c.zone].name) +
            "," + time(c.arrival_min) + "," + time(c.dispatch_min) + "," + time(c.on_scene_min) + "," + time(c.closed_min) + "," +
            time(c.on_scene_min - c.arrival_min) + "," +
            (c.unit_type >= 0 ? csv_field(plan.unit_types[static_cast<std::size_t>(c.unit_type)].name) : "") + "," +
            std::to_string(c.unit) + "," +
            (c.deciding_unit_type >= 0 ? csv_field(plan.unit_types[static_cast<std::size_t>(c.deciding_unit_type)].name) : "") + "," +
            (c.disposition >= 0 ? std::string(world::kDispositionNames[static_cast<std::size_t>(c.disposition)]) : "") + "," +
            (c.use_of_force ? "1" : "0") + "," + (c.injury ? "1" : "0") + "\n";
  }
  return text;
}

std::string calls_csv(const RunResults& results, const world::Scenario& scenario, const world::ResponsePlan& plan) {
  return calls_csv(results, scenario, plan, CallsOptions{.write = true});
}

std::string calls_csv(const RunResults& results, const world::Scenario& scenario, const world::ResponsePlan& plan,
                      const CallsOptions& options) {
  std::string text = kCallsHeader;
  if (results.calls_spill) {  // streamed rows were written with the default options
    std::ostringstream rows;
    results.calls_spill->copy_to(rows);
    return text + rows.str();
  }
  for (const auto& replication : results.replications) text += calls_csv_rows(replication.calls, scenario, plan, options);
  return text;
}

std::string utilisation_by_hour_csv(const RunResults& results, const world::World& world) {
  static constexpr const char* kDays[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
  constexpr auto kHours = static_cast<std::size_t>(engine::kHoursPerWeek);
  std::string text =
      "unit_type,hour_of_week,day,hour,on_duty_unit_hours,busy_unit_hours.mean,utilisation.mean,utilisation.ci95_low,"
      "utilisation.ci95_high\n";
  const auto& types = world.plan().unit_types;
  for (std::size_t t = 0; t < types.size(); ++t) {
    for (std::size_t hour = 0; hour < kHours; ++hour) {
      const std::size_t cell = t * kHours + hour;
      const double on_duty_min = world.on_duty_minutes_by_hour_of_week[cell];
      std::vector<double> busy_hours, shares;
      for (const auto& replication : results.replications) {
        const double busy_min = replication.busy_minutes_by_hour_of_week[cell];
        busy_hours.push_back(busy_min / engine::kMinutesPerHour);
        shares.push_back(on_duty_min > 0.0 ? busy_min / on_duty_min : std::nan(""));
      }
      const auto busy = engine::summarize_replications(busy_hours);
      const auto share = engine::summarize_replications(shares);
      text += csv_field(types[t].name);
      text += fmt::format(",{},{},{},", hour, kDays[hour / 24], hour % 24);
      text += format_number(on_duty_min / engine::kMinutesPerHour);
      for (double value : {busy.mean, share.mean, share.low, share.high}) {
        text.push_back(',');
        text += format_number(value);
      }
      text += "\n";
    }
  }
  return text;
}

void write_run_outputs(const std::string& directory, const RunResults& results, const world::World& world, bool with_calls) {
  write_run_outputs(directory, results, world, CallsOptions{.write = with_calls});
}

void write_run_outputs(const std::string& directory, const RunResults& results, const world::World& world,
                       const CallsOptions& calls_options) {
  namespace fs = std::filesystem;
  const bool with_calls = calls_options.write;
  std::error_code error;
  if (fs::exists(directory, error) && !fs::is_directory(directory, error)) {
    throw InputError(InputProblem{directory, 0, 0, "--out", "exists and is not a directory"});
  }
  fs::create_directories(directory, error);
  if (error) throw InputError(InputProblem{directory, 0, 0, "--out", "cannot create the directory: " + error.message()});
  // Every file's content is made before any is written (streamed calls are copied from their
  // spill into a temporary name, so a failure there strands nothing either);
  // summary.json goes last: its presence means the set is complete. An earlier run's
  // summary.json goes first, so that it never vouches for a half-replaced set, and so does
  // an earlier calls.csv that this run would not replace (docs/guarantees.md).
  const std::string calls_name = calls_options.gzip ? "calls.csv.gz" : "calls.csv";
  // Streamed calls are already on disk (CallsSpill): never held whole in memory, unless gzip
  // asks for the whole text.
  const bool streamed = with_calls && results.calls_spill != nullptr && !calls_options.gzip;
  std::string calls = with_calls && !streamed ? calls_csv(results, world.scenario(), world.plan(), calls_options) : std::string();
  if (with_calls && calls_options.gzip) calls = gzip_text(calls);
  const std::string replications = replications_csv(results);
  const std::string utilisation = utilisation_by_hour_csv(results, world);
  const std::string summary = summary_json(results).dump(2) + "\n";
  remove_earlier_output((fs::path(directory) / "summary.json").string());
  for (const char* name : {"calls.csv", "calls.csv.gz"}) {
    if (!with_calls || name != calls_name) remove_earlier_output((fs::path(directory) / name).string());
  }
  if (streamed) {
    write_atomically_with((fs::path(directory) / calls_name).string(), [&](std::ostream& out) {
      out << kCallsHeader;
      results.calls_spill->copy_to(out);
    });
  } else if (with_calls) {
    write_file_atomically((fs::path(directory) / calls_name).string(), calls);
  }
  write_file_atomically((fs::path(directory) / "replications.csv").string(), replications);
  write_file_atomically((fs::path(directory) / "utilisation_by_hour.csv").string(), utilisation);
  write_file_atomically((fs::path(directory) / "summary.json").string(), summary);
}

namespace {
// The headline measures of the table, in reading order.
const HeadlineMeasure kTableRows[] = {
    {"crisis_calls_per_day", "Crisis calls per day", 1},
    {"response_min.mean", "Response time, mean (min)", 1},
    {"response_min.p50", "Response time, median (min)", 1},
    {"response_min.p90", "Response time, 90th percentile (min)", 1},
    {"response_min.mean.priority_1", "  priority 1, mean (min)", 1},
    {"response_min.mean.priority_2", "  priority 2, mean (min)", 1},
    {"response_min.mean.priority_3", "  priority 3, mean (min)", 1},
    {"share_past_target", "Share of calls past response target", 3},
    {"share_clinician_involved", "Share met by a clinician-involved unit", 3},
    {"per_1000.arrest", "Arrests per 1,000 crisis calls", 1},
    {"per_1000.use_of_force", "Use of force per 1,000", 1},
    {"per_1000.injuries", "Injuries per 1,000", 1},
    {"per_1000.ed_transports", "ED transports per 1,000", 1},
    {"per_1000.ed_detention", "  of which detentions per 1,000", 1},
    {"per_1000.crisis_centre", "Crisis-centre admissions per 1,000", 1},
    {"per_1000.referral", "Referrals per 1,000", 1},
    {"per_1000.resolved", "Resolved on scene per 1,000", 1},
    {"per_1000.resolved_by_phone", "Resolved by phone per 1,000", 1},
    {"per_1000.backup_requests", "Backup requests per 1,000", 1},
    {"per_1000.repeat_crises", "Repeat crises per 1,000", 1},
    {"officer_hours.per_crisis_call", "Officer hours per crisis call", 2},
    {"officer_hours.crisis", "Officer hours on crisis calls", 0},
    {"officer_hours.ed_wait", "  of which waiting at the ED", 0},
    {"background.response_min.mean", "Other police calls: response mean (min)", 1},
    {"cost.per_crisis_call", "Cost per crisis call", 0},
    {"cost.annual", "Annual cost, staff, outcomes and fixed", 0},
};
}  // namespace

std::vector<HeadlineMeasure> headline_measures(const std::vector<std::string>& measure_names) {
  std::vector<HeadlineMeasure> rows(std::begin(kTableRows), std::end(kTableRows));
  for (const auto& name : measure_names) {
    if (name.rfind("utilisation.", 0) == 0) rows.push_back({name, "Utilisation, " + name.substr(12), 3});
  }
  return rows;
}

std::vector<HeadlineMeasure> table_rows(std::vector<HeadlineMeasure> rows, const std::string& currency, double horizon_days) {
  for (HeadlineMeasure& row : rows) {
    if (row.measure == "cost.annual" && horizon_days != 365.0) {
      row.label += fmt::format(", annualised from {} days", format_number(horizon_days));
    }
    if (row.measure.rfind("cost.", 0) == 0) row.label += " (" + currency + ")";
  }
  return rows;
}

std::size_t label_width(const std::vector<HeadlineMeasure>& rows) {
  std::size_t width = 42;
  for (const HeadlineMeasure& row : rows) width = std::max(width, row.label.size());
  return width;
}

std::string with_decimals(double value, int decimals) {
  if (!std::isfinite(value)) return "-";
  return fmt::format("{:.{}f}", value, decimals);
}

std::string overload_warning(const RunResults& results) {
  const std::size_t open_index = results.measure_index("calls_open_at_end");
  const std::size_t unserved_index = results.measure_index("crisis_calls_unserved");
  if (open_index == std::string::npos || unserved_index == std::string::npos) return {};
  double open = 0.0;
  double unserved = 0.0;
  std::size_t overloaded = 0;
  for (const auto& replication : results.replications) {
    open += replication.measures[open_index];
    unserved += replication.measures[unserved_index];
    if (replication.measures[open_index] > 0) ++overloaded;
  }
  if (overloaded == 0) return {};
  return fmt::format(
      "warning: the system is overloaded: in {} of {} replications, calls were still open 60 days after the horizon "
      "({} calls in all, {} of them crisis calls no unit was sent to); measures of response count only the calls that "
      "closed (see calls_open_at_end and crisis_calls_unserved)",
      overloaded, results.replications.size(), format_number(open), format_number(unserved));
}

std::string summary_table(const RunResults& results) {
  std::string text;
  text += fmt::format("crisis-sim {} | scenario {} | models {} | seed {} | {} replications x {} days (+{} warm-up)\n",
                      build::kVersion, results.scenario_name, fmt::format("{}", fmt::join(results.models, ",")), results.seed,
                      results.replications.size(), format_number(results.horizon_days), format_number(results.warmup_days));
  const std::vector<HeadlineMeasure> rows = table_rows(headline_measures(results.measure_names), results.currency,
                                                      results.horizon_days);
  const std::size_t width = label_width(rows);
  text += fmt::format("{:<{}} {:>14} {:>27}\n", "measure", width, "mean", "95% CI");
  auto add_row = [&](const std::string& name, const std::string& label, int decimals) {
    const std::size_t index = results.measure_index(name);
    if (index == std::string::npos) return;
    const auto s = engine::summarize_replications(results.column(index));
    std::string interval = "-";
    if (std::isfinite(s.low)) interval = fmt::format("[{}, {}]", with_decimals(s.low, decimals), with_decimals(s.high, decimals));
    text += fmt::format("{:<{}} {:>14} {:>27}\n", label, width, with_decimals(s.mean, decimals), interval);
  };
  for (const HeadlineMeasure& row : rows) add_row(row.measure, row.label, row.decimals);
  return text;
}

nlohmann::ordered_json json_number(double value) {
  if (!std::isfinite(value)) return nullptr;
  return value;
}

std::string join(const std::vector<std::string>& words, const std::string& separator) {
  std::string text;
  for (const auto& word : words) {
    if (!text.empty()) text += separator;
    text += word;
  }
  return text;
}

}  // namespace crisis::io
