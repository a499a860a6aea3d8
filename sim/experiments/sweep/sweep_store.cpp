#include "experiments/sweep/sweep_store.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "crisis/build_info.hpp"
#include "engine/errors.hpp"
#include "experiments/sweep/sweep_design.hpp"
#include "results/results_writer.hpp"

namespace crisis::io {
namespace {

namespace fs = std::filesystem;

constexpr int kDatabaseFormat = 1;

using sqlite::Database;
using sqlite::quote_identifier;
using sqlite::Statement;
using sqlite::table_exists;

Database open_sweep_database(const std::string& path, bool create) {
  return Database(path, create ? sqlite::Access::create : sqlite::Access::read_write, detail::sweep_database_wording());
}

/// A parameter whose values are all whole numbers gets an INTEGER column (18, not 18.0).
bool integer_column(const SweepParameter& p) {
  if (!p.numeric()) return false;
  if (p.integer) return true;
  return !p.values.empty() &&
         std::all_of(p.values.begin(), p.values.end(), [](const SweepValue& v) { return detail::is_whole(v.number); });
}

}  // namespace

std::string definition_json(const SweepDefinition& definition, std::uint64_t scenario_hash, std::uint64_t seed,
                            int replications, const std::vector<std::string>& measures) {
  nlohmann::ordered_json json;
  json["format"] = kDatabaseFormat;
  json["crisis_sim_version"] = build::kVersion;
  json["scenario_hash"] = hash_hex(scenario_hash);
  nlohmann::ordered_json overrides = nlohmann::ordered_json::array();
  for (const Override& o : definition.overrides) overrides.push_back({o.path, o.value});
  json["overrides"] = std::move(overrides);
  nlohmann::ordered_json parameters = nlohmann::ordered_json::array();
  for (const SweepParameter& p : definition.parameters) {
    nlohmann::ordered_json entry;
    entry["path"] = p.path;
    if (p.is_range) {
      entry["from"] = p.from;
      entry["to"] = p.to;
      if (p.step) entry["step"] = *p.step;
      if (p.count) entry["count"] = *p.count;
      entry["integer"] = p.integer;
    } else {
      nlohmann::ordered_json values = nlohmann::ordered_json::array();
      for (const SweepValue& v : p.values) values.push_back(v.text);
      entry["values"] = std::move(values);
    }
    parameters.push_back(std::move(entry));
  }
  json["parameters"] = std::move(parameters);
  if (definition.design == SweepDesign::latin_hypercube) {
    json["design"] = {
        {"latin_hypercube", {{"points", definition.hypercube_points}, {"seed", definition.hypercube_seed}}}};
  } else {
    json["design"] = "grid";
  }
  json["replications"] = replications;
  json["seed"] = seed;
  json["measures"] = measures;
  if (definition.precision) {
    nlohmann::ordered_json targets = nlohmann::ordered_json::array();
    for (const PrecisionTarget& t : definition.precision->targets) {
      targets.push_back({{"measure", t.measure}, {"tolerance", t.tolerance}, {"relative", t.relative}});
    }
    json["precision"] = {{"measures", std::move(targets)},
                         {"batch", definition.precision->batch > 0 ? definition.precision->batch : replications},
                         {"max_replications", definition.precision->max_replications}};
  } else {
    json["precision"] = nullptr;
  }
  return json.dump();
}

namespace detail {

sqlite::FailureWording sweep_database_wording() {
  sqlite::FailureWording wording;
  wording.field = "--out";
  wording.cannot_open = "cannot open the sweep database: ";
  wording.not_a_database = "is not an SQLite database; is --out the right folder?";
  return wording;
}

LockFile::LockFile(const std::string& path) {
  fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0)
    throw InputError(
        InputProblem{path, 0, 0, "--out", "cannot create the lock file: " + std::string(std::strerror(errno))});
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd_);
    fd_ = -1;
    throw InputError(InputProblem{
        path, 0, 0, "--out",
        "another crisis-sim sweep is writing to this folder; wait for it to finish, or use another --out"});
  }
}

LockFile::~LockFile() {
  if (fd_ >= 0) {
    ::flock(fd_, LOCK_UN);
    ::close(fd_);
  }
}

SweepStore::SweepStore(const std::string& out_dir, const SweepDefinition& definition, const SweepPoints& points,
                       const SweepIdentity& identity) {
  std::error_code error;
  const fs::path folder(out_dir);
  if (fs::exists(folder, error) && !fs::is_directory(folder, error)) {
    throw InputError(InputProblem{out_dir, 0, 0, "--out", "exists and is not a directory"});
  }
  fs::create_directories(folder, error);
  if (error) throw InputError(InputProblem{out_dir, 0, 0, "--out", "cannot create the directory: " + error.message()});
  path_ = (folder / "sweep.sqlite").string();
  lock_ = std::make_unique<LockFile>(path_ + ".lock");
  // A points.csv that was being written when a run was killed: never left to look complete.
  for (const auto& entry : fs::directory_iterator(folder, error)) {
    if (entry.path().filename().string().rfind("points.csv.partial-", 0) == 0) fs::remove(entry.path(), error);
  }
  db_ = std::make_unique<Database>(path_, sqlite::Access::create, sweep_database_wording());
  Database& db = *db_;
  db.exec("PRAGMA page_size = 16384");  // takes effect only on a new database; rows hold ~100 numbers
  {
    Statement mode(db, "PRAGMA journal_mode = WAL");
    if (!mode.step() || mode.text(0) != "wal") {
      throw Error("SQLite could not switch " + path_ + " to write-ahead logging (does the file system support it?)");
    }
  }
  db.exec("PRAGMA synchronous = NORMAL");
  if (table_exists(db, "sweep")) {
    check_definition(identity.definition_text);
  } else {
    create_tables(definition, points, identity);
  }
}

void SweepStore::create_tables(const SweepDefinition& definition, const SweepPoints& points,
                               const SweepIdentity& identity) {
  Database& db = *db_;
  std::string points_sql = "CREATE TABLE points (point INTEGER PRIMARY KEY";
  for (const SweepParameter& p : definition.parameters) {
    points_sql += ", " + quote_identifier(p.path) + (integer_column(p) ? " INTEGER" : p.numeric() ? " REAL" : " TEXT");
  }
  points_sql += ", replications INTEGER, precision_met INTEGER)";
  std::string results_sql =
      "CREATE TABLE results (point INTEGER NOT NULL, replication INTEGER NOT NULL, seed INTEGER NOT NULL";
  for (const std::string& column : identity.columns) results_sql += ", " + quote_identifier(column) + " REAL";
  // WITHOUT ROWID: rows are stored, and read back by `SELECT *` and `.dump`, in key order,
  // whatever order they were committed in.
  results_sql += ", PRIMARY KEY (point, replication)) WITHOUT ROWID";

  db.exec("BEGIN IMMEDIATE");
  db.exec(
      "CREATE TABLE sweep (id INTEGER PRIMARY KEY CHECK (id = 1), name TEXT NOT NULL, crisis_sim_version TEXT NOT "
      "NULL, "
      "scenario TEXT NOT NULL, scenario_hash TEXT NOT NULL, seed INTEGER NOT NULL, replications INTEGER NOT NULL, "
      "design TEXT NOT NULL, points INTEGER NOT NULL, definition TEXT NOT NULL, complete INTEGER NOT NULL DEFAULT 0)");
  db.exec(points_sql);
  db.exec(results_sql);
  {
    Statement insert(db, "INSERT INTO sweep VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)");
    insert.bind_text(1, definition.name);
    insert.bind_text(2, build::kVersion);
    insert.bind_text(3, identity.scenario_name);
    insert.bind_text(4, hash_hex(identity.scenario_hash));
    insert.bind_int64(5, static_cast<std::int64_t>(identity.seed));
    insert.bind_int64(6, identity.replications);
    insert.bind_text(7, definition.design == SweepDesign::grid ? "grid" : "latin_hypercube");
    insert.bind_int64(8, static_cast<std::int64_t>(points.size()));
    insert.bind_text(9, identity.definition_text);
    insert.step();
  }
  std::string marks;
  for (std::size_t j = 0; j < definition.parameters.size(); ++j) marks += ", ?";
  Statement insert(db, "INSERT INTO points VALUES (?" + marks + ", NULL, NULL)");
  for (std::size_t point = 0; point < points.size(); ++point) {
    const std::vector<SweepValue> values = points.point(point);
    insert.bind_int64(1, static_cast<std::int64_t>(point));
    for (std::size_t j = 0; j < values.size(); ++j) {
      const int index = static_cast<int>(j + 2);
      if (!values[j].is_number()) {
        insert.bind_text(index, values[j].text);
      } else if (integer_column(definition.parameters[j]) && is_whole(values[j].number)) {
        insert.bind_int64(index, static_cast<std::int64_t>(values[j].number));
      } else {
        insert.bind_double(index, values[j].number);
      }
    }
    insert.step();
    insert.reset();
  }
  db.exec("COMMIT");
}

void SweepStore::check_definition(const std::string& definition_text) {
  Database& db = *db_;
  if (!table_exists(db, "results") || !table_exists(db, "points")) {
    throw InputError(
        InputProblem{db.path(), 0, 0, "--out",
                     "holds a sweep table but no results or points table; it was not written by crisis-sim sweep"});
  }
  Statement query(db, "SELECT definition FROM sweep WHERE id = 1");
  if (!query.step())
    throw InputError(
        InputProblem{db.path(), 0, 0, "--out", "holds an empty sweep table; it was not written by crisis-sim sweep"});
  const std::string stored = query.text(0);
  if (stored == definition_text) return;
  nlohmann::ordered_json before;
  const nlohmann::ordered_json now = nlohmann::ordered_json::parse(definition_text);
  try {
    before = nlohmann::ordered_json::parse(stored);
  } catch (const nlohmann::json::exception&) {
    throw InputError(InputProblem{db.path(), 0, 0, "--out",
                                  "holds an unreadable sweep definition; it was not written by crisis-sim sweep"});
  }
  std::vector<InputProblem> problems;
  const auto short_text = [](const nlohmann::ordered_json& value) {
    std::string text = value.is_null() ? std::string("nothing") : value.dump();
    if (text.size() > 160) text = text.substr(0, 157) + "...";
    return text;
  };
  std::vector<std::string> keys;
  for (const auto& [key, value] : before.items()) keys.push_back(key);
  for (const auto& [key, value] : now.items()) {
    if (std::find(keys.begin(), keys.end(), key) == keys.end()) keys.push_back(key);
  }
  for (const std::string& key : keys) {
    const nlohmann::ordered_json a = before.contains(key) ? before[key] : nlohmann::ordered_json();
    const nlohmann::ordered_json b = now.contains(key) ? now[key] : nlohmann::ordered_json();
    if (a == b) continue;
    problems.push_back(
        {db.path(), 0, 0, key,
         "the database holds a different sweep: " + short_text(a) + " there, " + short_text(b) + " now"});
  }
  problems.push_back(
      {db.path(), 0, 0, "--out",
       "resuming needs the same sweep file, base scenario, --set flags, seed, replications, precision and "
       "crisis-sim version; use another --out folder, or delete this database to start again"});
  throw InputError(std::move(problems));
}

std::uint64_t SweepStore::count_rows() {
  Statement count(*db_, "SELECT count(*) FROM results");
  return count.step() ? static_cast<std::uint64_t>(count.integer(0)) : 0;
}

void SweepStore::read_rows(std::size_t first, std::size_t last, const std::vector<std::string>& value_columns,
                           const std::function<void(std::size_t, std::size_t, std::span<const double>)>& found) {
  std::string sql = "SELECT point, replication";
  for (const std::string& column : value_columns) sql += ", " + quote_identifier(column);
  Statement query(*db_, sql + " FROM results WHERE point >= ? AND point < ?");
  query.bind_int64(1, static_cast<std::int64_t>(first));
  query.bind_int64(2, static_cast<std::int64_t>(last));
  std::vector<double> values(value_columns.size());
  while (query.step()) {
    for (std::size_t c = 0; c < values.size(); ++c) values[c] = query.real(static_cast<int>(c + 2));
    found(static_cast<std::size_t>(query.integer(0)), static_cast<std::size_t>(query.integer(1)), values);
  }
}

void SweepStore::mark_complete() { db_->exec("UPDATE sweep SET complete = 1 WHERE id = 1"); }

std::size_t SweepStore::points_short_of_precision() {
  Statement short_of(*db_, "SELECT count(*) FROM points WHERE precision_met = 0");
  return short_of.step() ? static_cast<std::size_t>(short_of.integer(0)) : 0;
}

std::pair<int, int> SweepStore::replication_range() {
  Statement range(*db_, "SELECT min(replications), max(replications) FROM points");
  if (!range.step()) return {0, 0};
  return {static_cast<int>(range.integer(0)), static_cast<int>(range.integer(1))};
}

void SweepStore::checkpoint() { db_->exec("PRAGMA wal_checkpoint(TRUNCATE)"); }

}  // namespace detail

SweepDatabaseDump dump_sweep_database(const std::string& database) {
  std::error_code error;
  if (!fs::is_regular_file(database, error))
    throw InputError(InputProblem{database, 0, 0, "", "no sweep database here"});
  Database db = open_sweep_database(database, false);
  SweepDatabaseDump dump;
  const auto read = [&](const std::string& sql, std::vector<std::string>& lines, std::vector<std::string>* names) {
    Statement query(db, sql);
    if (names) {
      for (int c = 0; c < query.columns(); ++c) names->push_back(query.name(c));
    }
    while (query.step()) {
      std::string line;
      for (int c = 0; c < query.columns(); ++c) {
        if (c) line += '|';
        line += query.cell(c);
      }
      lines.push_back(std::move(line));
    }
  };
  read("SELECT * FROM sweep ORDER BY id", dump.sweep, nullptr);
  read("SELECT * FROM points ORDER BY point", dump.points, nullptr);
  read("SELECT * FROM results ORDER BY point, replication", dump.results, &dump.result_columns);
  return dump;
}

std::uint64_t count_sweep_rows(const std::string& database) {
  std::error_code error;
  if (!fs::is_regular_file(database, error)) return 0;
  try {
    Database db = open_sweep_database(database, false);
    if (!table_exists(db, "results")) return 0;
    Statement count(db, "SELECT count(*) FROM results");
    return count.step() ? static_cast<std::uint64_t>(count.integer(0)) : 0;
  } catch (const Error&) {
    return 0;  // being created right now
  }
}

}  // namespace crisis::io
