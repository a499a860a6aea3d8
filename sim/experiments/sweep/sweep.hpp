#pragma once
/// \file
/// Parameter sweeps: a base scenario, parameters varied over a grid or a Latin hypercube,
/// replications of every point under common random numbers, results in an SQLite database
/// that survives being killed at any moment and resumes where it stopped.
///
/// The sweep file is documented in docs/sweeps.md; so are the database schema and the
/// resume guarantees. Every (point, replication) row is a pure function of the point's
/// scenario, the seed and the replication index, so a row computed twice is the same row,
/// whichever thread, process or run computed it.

#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "scenario/scenario_loader.hpp"
#include "world/response_model.hpp"
#include "world/world.hpp"

namespace crisis::io {

/// One value a parameter takes: a number, or YAML text (a word, a list, a mapping).
struct SweepValue {
  double number = std::numeric_limits<double>::quiet_NaN();  ///< NaN when not a number
  std::string text;  ///< the --set value: the shortest round-trip text of `number`, or the YAML
  [[nodiscard]] bool is_number() const noexcept { return number == number; }
};

/// A parameter of the sweep: a scenario --set path and the values it takes.
struct SweepParameter {
  std::string path;  ///< --set path syntax (docs/scenario-format.md); also the column name
  bool is_range = false;
  std::vector<SweepValue> values;  ///< a list, or a grid range expanded; empty for a hypercube range
  double from = 0.0;               ///< range ends, both included
  double to = 0.0;
  std::optional<double> step;       ///< range {from, to, step}
  std::optional<std::size_t> count; ///< range {from, to, count}
  bool integer = false;             ///< values rounded to whole numbers
  int line = 0;                     ///< where the parameter is in the sweep file (1-based)
  int column = 0;
  [[nodiscard]] bool numeric() const noexcept;  ///< every value is a number (ranges always are)
};

/// Replications are added in batches until every point's 95% interval is this narrow.
struct PrecisionTarget {
  std::string measure;
  double tolerance = 0.0;  ///< half-width limit: a share of |mean| when relative, else in the measure's unit
  bool relative = true;
  int line = 0;  ///< where the sweep file names it (0: from --precision)
  int column = 0;
};

struct PrecisionRule {
  std::vector<PrecisionTarget> targets;
  int batch = 0;              ///< replications added per step; 0 = the sweep's replications
  int max_replications = 100; ///< cap per point
};

/// MSER-5 warm-up advice from one long replication of the base scenario.
struct WarmupAdviceSpec {
  std::string measure = "response_min.mean";  ///< one of warmup_series_measures()
  double days = 180.0;                        ///< length of the replication (no warm-up)
};

enum class SweepDesign { grid, latin_hypercube };

/// A sweep file, read and checked, with the command line's overrides folded in.
struct SweepDefinition {
  std::string file;           ///< the sweep file, as given
  std::string name;           ///< for people; defaults to the file's stem
  std::string description;
  std::string scenario_path;  ///< the base scenario, resolved against the sweep file's folder
  std::vector<Override> overrides;  ///< fixed for every point: the file's `set`, then the command's
  /// Where each override is written in the sweep file (line, column; 0 for the command line's).
  std::vector<std::pair<int, int>> override_positions;
  int parameters_line = 0;  ///< the `parameters:` key, for problems no single parameter owns
  int parameters_column = 0;
  std::vector<SweepParameter> parameters;
  SweepDesign design = SweepDesign::grid;
  std::size_t hypercube_points = 0;
  std::uint64_t hypercube_seed = 0;
  int replications = 0;  ///< per point (the first batch, with precision); 0 = the scenario's run.replications
  std::optional<std::uint64_t> seed;  ///< default: the scenario's run.seed
  std::vector<std::string> measures;  ///< result columns; empty = every measure of the base point
  std::vector<std::pair<int, int>> measure_positions;  ///< line and column of each entry of `measures`
  std::optional<PrecisionRule> precision;
  std::optional<WarmupAdviceSpec> warmup_advice;
  std::set<std::string> known_keys;  ///< key patterns the reader accepts (checked against docs/sweeps.md)
};

/// Read and check a sweep file. Problems are collected and thrown as one InputError, each
/// with file:line:column and the key path. `command_overrides` (--set, --horizon-days, ...)
/// are applied after the file's `set`.
SweepDefinition load_sweep_definition(const std::string& path, const std::vector<Override>& command_overrides = {});

/// "MEASURE=TOLERANCE" from --precision: "response_min.mean=5%" (half-width at most 5% of
/// the mean) or "share_past_target=0.01" (at most 0.01, in the measure's unit).
PrecisionTarget parse_precision_flag(const std::string& text);

/// A grid range's values: from, from + step, ... up to `to` (within 1e-9 of a step), or
/// `count` values evenly spaced with both ends included. Computed as from + i * step, so
/// the values do not drift.
std::vector<double> range_values(double from, double to, std::optional<double> step, std::optional<std::size_t> count);

/// A Latin hypercube of `points` points in [0, 1)^dimensions: in every dimension, [0, 1) is
/// cut into `points` strata of equal width and each stratum holds exactly one point. Point
/// i's coordinate in dimension j is (perm_j(i) + u_ij) / points. Deterministic for `seed`;
/// drawn from the project's keyed pcg32 streams (dimension j's permutation and jitter each
/// have their own stream). Returned point-major: [i * dimensions + j].
std::vector<double> latin_hypercube(std::size_t points, std::size_t dimensions, std::uint64_t seed);

/// The points of a sweep, generated on demand (a grid of 100,000 points is never
/// materialised; a hypercube holds its unit-cube coordinates).
class SweepPoints {
 public:
  explicit SweepPoints(const SweepDefinition& definition);
  [[nodiscard]] std::size_t size() const noexcept { return count_; }
  /// The values of point `point`, one per parameter, in parameter order. In a grid the last
  /// parameter varies fastest, as in nested loops written in the file's order.
  [[nodiscard]] std::vector<SweepValue> point(std::size_t point) const;
  /// The point's overrides (the fixed ones first, then one per parameter).
  [[nodiscard]] std::vector<Override> overrides(std::size_t point) const;
  /// The points loaded before the run to check every value: point 0 and, for each parameter,
  /// the points where it takes each of its other values (grid: the axes through point 0) or
  /// its smallest and largest sampled value (hypercube). Sorted, without repeats.
  [[nodiscard]] std::vector<std::size_t> check_points() const;

 private:
  const SweepDefinition* definition_;
  std::size_t count_ = 0;
  std::vector<double> unit_cube_;  ///< hypercube only
};

/// The definition as canonical JSON text: what the database keeps and compares on restart.
/// Holds everything that decides which rows exist and what they contain (scenario hash,
/// fixed overrides, parameters, design, replications, seed, measures, precision, version),
/// and nothing cosmetic (name, description, paths, comments).
std::string definition_json(const SweepDefinition& definition, std::uint64_t scenario_hash, std::uint64_t seed,
                            int replications, const std::vector<std::string>& measures);

/// Progress, reported from the thread that writes the database after each commit.
struct SweepProgress {
  std::uint64_t rows_done = 0;       ///< rows in the database, resumed ones included
  std::uint64_t rows_resumed = 0;    ///< rows found in the database at the start
  std::uint64_t rows_planned = 0;    ///< points x replications (the minimum, with precision)
};

/// Splits (point, replication) work across processes (MPI ranks). Rank 0 owns the database.
/// Single-process sweeps pass no transport. Messages are opaque bytes.
class SweepTransport {
 public:
  virtual ~SweepTransport() = default;
  [[nodiscard]] virtual int rank() const = 0;
  [[nodiscard]] virtual int size() const = 0;
  /// Rank 0's `bytes` replace every other rank's.
  virtual void broadcast(std::string& bytes) = 0;
  /// Every rank's `mine`, at rank 0, in rank order; other ranks get an empty list.
  virtual std::vector<std::string> gather(const std::string& mine) = 0;
};

struct SweepOptions {
  std::string out_dir;
  int threads = 0;  ///< 0 = all cores; results do not depend on it
  /// Called from the database writer thread after each commit (rank 0 only).
  std::function<void(const SweepProgress&)> progress;
  /// Test hook: stop after this many rows were committed in this run (0 = never), as if
  /// killed, without writing points.csv.
  std::uint64_t stop_after_rows = 0;
  SweepTransport* transport = nullptr;  ///< MPI; nullptr = this process does everything
};

/// Per-day MSER-5 warm-up advice (the method is engine::mser5).
struct WarmupAdvice {
  std::string measure;
  double days = 0.0;
  std::vector<double> daily;        ///< the measure, day by day (NaN on a day without calls)
  std::vector<double> batch_means;  ///< means of 5-day batches
  std::vector<double> mser;         ///< MSER statistic for truncating d batches, d = 0 .. n/2
  std::size_t truncation_batches = 0;
  double recommended_warmup_days = 0.0;
  double scenario_warmup_days = 0.0;
  bool reliable = true;  ///< false when the minimum lies at the end of the searched half
};

struct SweepReport {
  std::string database;    ///< DIR/sweep.sqlite
  std::string points_csv;  ///< DIR/points.csv (empty when the run stopped early)
  std::size_t points = 0;
  std::uint64_t rows_total = 0;    ///< rows in the database at the end
  std::uint64_t rows_resumed = 0;  ///< rows found at the start and not recomputed
  std::uint64_t rows_run = 0;      ///< rows computed by this run (all ranks)
  std::size_t points_short_of_precision = 0;  ///< points that hit max_replications first
  int replications_min = 0;  ///< fewest and most replications run at a point
  int replications_max = 0;
  std::vector<std::string> measures;           ///< result columns
  bool completed = false;
};

/// Run (or resume) the sweep into options.out_dir. Rank 0 owns the database; with a
/// transport, every rank must call this with the same definition. Throws InputError (exit
/// code 2) for bad input, including a database that holds a different sweep.
SweepReport run_sweep(const SweepDefinition& definition, const world::ModelRegistry& registry, const SweepOptions& options);

/// Measures warmup_advice can follow day by day: those computed from per-call records.
const std::vector<std::string>& warmup_series_measures();

/// engine::mser5 on a daily series, in days: truncation in 5-day batches minimising the MSER statistic
/// over the first half of the batches. NaN days are left out of their batch's mean.
WarmupAdvice mser5(std::vector<double> daily);

/// One long replication (seed, replication 0) of the base scenario with no warm-up, the
/// chosen measure day by day, and its MSER-5 truncation.
WarmupAdvice warmup_advice(const SweepDefinition& definition, const world::ModelRegistry& registry);

nlohmann::ordered_json warmup_advice_json(const WarmupAdvice& advice);

/// The database's tables as text lines, in key order: one line per row, values separated by
/// '|', numbers as their shortest round-trip text, NULL as empty. For tests and tools that
/// compare two sweeps row for row.
struct SweepDatabaseDump {
  std::vector<std::string> sweep;
  std::vector<std::string> points;
  std::vector<std::string> results;
  std::vector<std::string> result_columns;
};
SweepDatabaseDump dump_sweep_database(const std::string& database);

/// Rows in the results table (0 when the database or table does not exist yet). Reads
/// while a sweep is writing (WAL readers do not block the writer).
std::uint64_t count_sweep_rows(const std::string& database);

}  // namespace crisis::io
