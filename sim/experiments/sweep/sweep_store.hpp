#pragma once
/// \file
/// A sweep's SQLite database (schema in docs/sweeps.md): the folder and its lock, the tables,
/// the check that a resumed database holds the same sweep, the rows already there, and the
/// figures read back at the end. Rank 0 only; the writer thread has its own connection
/// (sweep_writer.hpp).

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "experiments/sweep/sweep.hpp"
#include "results/sqlite_database.hpp"

namespace crisis::io::detail {

/// The sweep's database: a file that cannot be opened or is not a database is --out's fault.
sqlite::FailureWording sweep_database_wording();

/// An advisory lock beside the database, held while a sweep writes to it, so that two runs
/// cannot fill the same database at once. The kernel drops it when the process dies, even
/// by SIGKILL, so a killed sweep never blocks its own restart.
class LockFile {
 public:
  explicit LockFile(const std::string& path);
  LockFile(const LockFile&) = delete;
  LockFile& operator=(const LockFile&) = delete;
  ~LockFile();

 private:
  int fd_ = -1;
};

/// What the sweep table records and a resumed run must match.
struct SweepIdentity {
  std::string scenario_name;
  std::uint64_t scenario_hash = 0;
  std::uint64_t seed = 0;
  int replications = 0;
  std::vector<std::string> columns;  ///< result columns, in table order
  std::string definition_text;       ///< definition_json(...)
};

/// Rank 0's hold on DIR/sweep.sqlite: the folder, its lock and the main thread's connection.
class SweepStore {
 public:
  /// Create --out if needed, take the lock, drop a half-written points.csv, open the database
  /// in WAL mode, then create the tables (a new database) or check that it holds this sweep.
  SweepStore(const std::string& out_dir, const SweepDefinition& definition, const SweepPoints& points,
             const SweepIdentity& identity);

  [[nodiscard]] const std::string& path() const noexcept { return path_; }
  [[nodiscard]] sqlite::Database& database() noexcept { return *db_; }

  /// Rows in the results table.
  [[nodiscard]] std::uint64_t count_rows();

  /// The rows already stored for points [first, last), in the database's key order: `found`
  /// gets each (point, replication) and the values of `value_columns` in that order.
  void read_rows(
      std::size_t first, std::size_t last, const std::vector<std::string>& value_columns,
      const std::function<void(std::size_t point, std::size_t replication, std::span<const double> values)>& found);

  /// Mark the sweep complete (every point has its final replication count).
  void mark_complete();
  /// Points whose precision target was not met (precision_met = 0).
  [[nodiscard]] std::size_t points_short_of_precision();
  /// The fewest and most replications run at a point.
  [[nodiscard]] std::pair<int, int> replication_range();
  /// Fold the write-ahead log into the database, so the folder holds one self-contained file.
  void checkpoint();

 private:
  void create_tables(const SweepDefinition& definition, const SweepPoints& points, const SweepIdentity& identity);
  void check_definition(const std::string& definition_text);

  std::string path_;
  std::unique_ptr<LockFile> lock_;
  std::unique_ptr<sqlite::Database> db_;
};

}  // namespace crisis::io::detail
