#pragma once
/// \file
/// One SQLite connection and its prepared statements (RAII over SQLite's C API), shared by
/// everything that writes or reads a results database: the sweep's store and the report's
/// reader. Handles are always closed and statements always finalised, also when a row
/// callback or a failure throws.

#include <cstdint>
#include <optional>
#include <string>

struct sqlite3;
struct sqlite3_stmt;

namespace crisis::io::sqlite {

enum class Access { read_only, read_write, create };

/// How failures read to the user. By default a file that cannot be opened or is not a
/// database at all is the user's input (exit code 2, naming `field`), and any other SQLite
/// failure is an internal error (exit code 1) naming the statement and the file.
struct FailureWording {
  std::string field;                                      ///< the input the path came from, e.g. "--out"
  std::string cannot_open = "cannot open the database: "; ///< before SQLite's own message
  std::string not_a_database = "is not an SQLite database";
  /// When set, every failure (opening included) is the input's fault and reads
  /// "<this> (<SQLite's message>)"; for a reader of a file the user named.
  std::optional<std::string> every_failure_as_input;
};

/// Column types as SQLite reports them (SQLITE_INTEGER ... SQLITE_NULL).
enum class ColumnType { integer = 1, real = 2, text = 3, blob = 4, null = 5 };

class Database {
 public:
  Database(const std::string& path, Access access, FailureWording wording);
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;
  ~Database();

  [[nodiscard]] sqlite3* handle() const noexcept { return db_; }
  [[nodiscard]] const std::string& path() const noexcept { return path_; }

  /// Run statements that return no rows (DDL, PRAGMA, BEGIN/COMMIT).
  void exec(const std::string& sql);
  /// Throws as the wording says; `doing` names the step ("preparing \"SELECT ...\"").
  [[noreturn]] void fail(int code, const std::string& doing) const;

 private:
  std::string path_;
  FailureWording wording_;
  sqlite3* db_ = nullptr;
};

class Statement {
 public:
  Statement(Database& db, const std::string& sql);
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  void bind_int64(int index, std::int64_t value);
  /// NaN and infinities are stored as NULL.
  void bind_double(int index, double value);
  void bind_text(int index, const std::string& value);
  void bind_null(int index);
  /// true: a row is ready; false: done.
  bool step();
  void reset();
  [[nodiscard]] int columns() const;
  [[nodiscard]] ColumnType type(int column) const;
  [[nodiscard]] std::int64_t integer(int column) const;
  /// NULL reads back as NaN.
  [[nodiscard]] double real(int column) const;
  [[nodiscard]] std::string text(int column) const;
  [[nodiscard]] std::string name(int column) const;
  /// The cell as text: integers in full, reals as their shortest round-trip text, NULL empty.
  [[nodiscard]] std::string cell(int column) const;

 private:
  void check(int code);
  Database* db_;
  sqlite3_stmt* statement_ = nullptr;
};

/// Whether `table` exists in the database.
bool table_exists(Database& db, const std::string& table);

/// `name` as an SQL identifier: in double quotes, inner quotes doubled.
std::string quote_identifier(const std::string& name);

}  // namespace crisis::io::sqlite
