#pragma once
/// \file
/// Summaries across replications and the files users and tools read: summary.json,
/// replications.csv, calls.csv. Every file is written whole to a temporary name and renamed
/// into place, so an interrupted run never leaves a file that looks complete.

#include <cstdint>
#include <cstdio>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/progress.hpp"
#include "engine/statistics.hpp"
#include "world/world.hpp"

namespace crisis::io {

/// How run_world keeps the per-call records.
enum class CallRecords {
  none,       ///< none kept
  in_memory,  ///< in each ReplicationResult::calls (fit and backtest read them)
  streamed,   ///< as calls.csv rows, written replication by replication in order to a
              ///< temporary file as replications end, so memory does not grow with the
              ///< replication count; ReplicationResult::calls stays empty
};

/// The calls.csv rows of a run, in replication order, in an unnamed temporary file (deleted
/// when the last owner lets go). Written by run_world, copied out by write_run_outputs.
class CallsSpill {
 public:
  CallsSpill();
  ~CallsSpill();
  CallsSpill(const CallsSpill&) = delete;
  CallsSpill& operator=(const CallsSpill&) = delete;
  /// Append `rows`; Error when the temporary file cannot take them (disk full).
  void append(std::string_view rows);
  /// Copy everything appended so far to `out`.
  void copy_to(std::ostream& out) const;

 private:
  std::FILE* file_ = nullptr;
};

/// Everything a run produced, in replication order.
struct RunResults {
  std::string scenario_name;
  std::string scenario_path;
  std::uint64_t scenario_hash = 0;
  std::uint64_t seed = 0;
  double horizon_days = 0.0;
  double warmup_days = 0.0;
  std::vector<std::string> models;
  std::string currency = "USD";
  std::vector<std::string> measure_names;
  std::vector<world::ReplicationResult> replications;
  nlohmann::ordered_json replay;  ///< what was replayed (scenario `replay:`), null when nothing
  std::shared_ptr<CallsSpill> calls_spill;  ///< the calls.csv rows when run with CallRecords::streamed

  /// Values of measure `index` across replications, in replication order.
  [[nodiscard]] std::vector<double> column(std::size_t index) const;
  [[nodiscard]] std::size_t measure_index(const std::string& name) const;  ///< npos when absent
};

/// Run `replications` replications of `world` on `threads` threads (0 = all cores).
/// `progress`, when given, advances by one as each replication ends (from the worker
/// threads); its total is the caller's to set.
/// `calls` says whether and how the per-call records are kept.
RunResults run_world(const world::World& world, std::uint64_t seed, std::size_t replications, int threads, CallRecords calls,
                     engine::ProgressCounter* progress = nullptr);
/// As above; `record_calls` keeps them in memory (CallRecords::in_memory).
inline RunResults run_world(const world::World& world, std::uint64_t seed, std::size_t replications, int threads, bool record_calls,
                            engine::ProgressCounter* progress = nullptr) {
  return run_world(world, seed, replications, threads, record_calls ? CallRecords::in_memory : CallRecords::none, progress);
}

/// The summary as JSON: provenance (version, scenario, hash, seed) and, per measure, the
/// mean, sd and Student-t 95% interval across replications. No wall-clock values.
nlohmann::ordered_json summary_json(const RunResults& results);

/// Format a double the way every output does: shortest text that reads back to the same
/// value; NaN and infinities as empty (CSV) or null (JSON).
std::string format_number(double value);

/// A number for a JSON output: the value, or null when it is NaN or infinite.
nlohmann::ordered_json json_number(double value);

/// A 64-bit hash as the 16 hex digits every output uses (scenario and definition hashes).
std::string hash_hex(std::uint64_t value);

/// `words` with `separator` between them ("a, b, c").
std::string join(const std::vector<std::string>& words, const std::string& separator);

/// Write `content` to `path` atomically (temporary file in the same folder, then rename).
void write_file_atomically(const std::string& path, const std::string& content);

/// Remove `path` if it exists (an output of an earlier run in the same folder); Error when
/// it exists and cannot be removed.
void remove_earlier_output(const std::string& path);

/// For a signal handler: remove the temporary file being written, if any. Only calls
/// async-signal-safe functions.
void remove_partial_output_from_signal_handler() noexcept;

/// Utilisation of each unit type by hour of the week (hour 0 = Monday 00:00), one row per
/// (unit type, hour): on-duty unit-hours in the window, busy unit-hours (mean across
/// replications) and the busy share's mean and 95% interval across replications. Empty
/// utilisation where no unit is on duty in that hour (overtime can still be busy there).
std::string utilisation_by_hour_csv(const RunResults& results, const world::World& world);

/// Which calls calls.csv holds and how it is written.
struct CallsOptions {
  bool write = false;         ///< write calls.csv at all
  bool crisis_only = false;   ///< --calls-filter crisis: leave out the other police calls
  int decimals = -1;          ///< --calls-decimals: times rounded to this many decimals; -1 = every digit
  bool gzip = false;          ///< --calls-gz: calls.csv.gz instead of calls.csv
};

std::string replications_csv(const RunResults& results);

/// calls.csv's rows for `calls` (no header), under `options`.
std::string calls_csv_rows(const std::vector<world::CallRecord>& calls, const world::Scenario& scenario,
                           const world::ResponsePlan& plan, const CallsOptions& options = {});

/// calls.csv whole (header and every row, from the spill when the calls were streamed, which
/// holds them under the default options).
std::string calls_csv(const RunResults& results, const world::Scenario& scenario, const world::ResponsePlan& plan);
/// calls.csv's text under `options`.
std::string calls_csv(const RunResults& results, const world::Scenario& scenario, const world::ResponsePlan& plan,
                      const CallsOptions& options);

/// write_run_outputs with calls.csv written as `calls` says (calls.csv or calls.csv.gz; the
/// other of the two, left by an earlier run, is removed).
void write_run_outputs(const std::string& directory, const RunResults& results, const world::World& world,
                       const CallsOptions& calls);

/// InputError (field --out) unless `directory` is a writable folder or can be created as one:
/// checked before a run, so an unusable --out is found before the work, not after.
void check_output_directory(const std::string& directory);

/// Write summary.json, replications.csv, utilisation_by_hour.csv and (optionally) calls.csv into `directory`,
/// creating it when needed. InputError when the path is unusable.
void write_run_outputs(const std::string& directory, const RunResults& results, const world::World& world, bool with_calls);

/// A warning for stderr when the run was overloaded (calls still open when replications
/// stopped, measure calls_open_at_end), or "" when every call closed.
std::string overload_warning(const RunResults& results);

/// The human-readable table of headline measures with 95% intervals.
std::string summary_table(const RunResults& results);

/// A measure shown in the human-readable tables, with its label and decimals.
struct HeadlineMeasure {
  std::string measure;
  std::string label;
  int decimals = 1;
};

/// The headline measures of the tables, in reading order; `measure_names` adds the
/// per-unit-type utilisation rows that exist in this run.
std::vector<HeadlineMeasure> headline_measures(const std::vector<std::string>& measure_names);

/// `rows` as the terminal tables label them: money rows end in "(CURRENCY)", and the annual
/// cost says it is annualised when the horizon is not 365 days (a week's replay, say).
std::vector<HeadlineMeasure> table_rows(std::vector<HeadlineMeasure> rows, const std::string& currency, double horizon_days);

/// The label column's width: 42, or the longest label.
std::size_t label_width(const std::vector<HeadlineMeasure>& rows);

/// `value` with `decimals` decimals, or "-" when not finite.
std::string with_decimals(double value, int decimals);

/// Escape one CSV field per RFC 4180.
std::string csv_field(const std::string& text);

}  // namespace crisis::io
