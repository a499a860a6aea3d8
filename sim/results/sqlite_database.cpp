#include "results/sqlite_database.hpp"

#include <cmath>
#include <limits>

#include <fmt/format.h>
#include <sqlite3.h>

#include "engine/errors.hpp"
#include "results/results_writer.hpp"

namespace crisis::io::sqlite {

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

int open_flags(Access access) {
  switch (access) {
    case Access::read_only: return SQLITE_OPEN_READONLY;
    case Access::read_write: return SQLITE_OPEN_READWRITE;
    case Access::create: break;
  }
  return SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
}
}  // namespace

Database::Database(const std::string& path, Access access, FailureWording wording)
    : path_(path), wording_(std::move(wording)) {
  const int code = sqlite3_open_v2(path.c_str(), &db_, open_flags(access), nullptr);
  if (code != SQLITE_OK) {
    const std::string message = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(code);
    sqlite3_close_v2(db_);
    db_ = nullptr;
    if (wording_.every_failure_as_input) {
      throw InputError(InputProblem{path_, 0, 0, wording_.field, *wording_.every_failure_as_input + " (cannot be opened)"});
    }
    throw InputError(InputProblem{path_, 0, 0, wording_.field, wording_.cannot_open + message});
  }
  sqlite3_extended_result_codes(db_, 1);
  sqlite3_busy_timeout(db_, 10000);
}

Database::~Database() {
  if (db_) sqlite3_close_v2(db_);
}

void Database::fail(int code, const std::string& doing) const {
  const std::string message = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(code);
  if (wording_.every_failure_as_input) {
    throw InputError(InputProblem{path_, 0, 0, wording_.field, *wording_.every_failure_as_input + " (" + message + ")"});
  }
  if ((code & 0xff) == SQLITE_NOTADB) throw InputError(InputProblem{path_, 0, 0, wording_.field, wording_.not_a_database});
  throw Error(fmt::format("SQLite, {} in {}: {}", doing, path_, message));
}

void Database::exec(const std::string& sql) {
  char* message = nullptr;
  const int code = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message);
  if (code == SQLITE_OK) return;
  const std::string text = message ? message : "";
  sqlite3_free(message);
  if ((code & 0xff) == SQLITE_NOTADB || wording_.every_failure_as_input) fail(code, sql);
  throw Error(fmt::format("SQLite, running \"{}\" in {}: {}", sql.substr(0, 80), path_, text));
}

Statement::Statement(Database& db, const std::string& sql) : db_(&db) {
  const int code = sqlite3_prepare_v2(db.handle(), sql.c_str(), static_cast<int>(sql.size()), &statement_, nullptr);
  if (code != SQLITE_OK) db.fail(code, "preparing \"" + sql.substr(0, 80) + "\"");
}

Statement::~Statement() { sqlite3_finalize(statement_); }

void Statement::bind_int64(int index, std::int64_t value) { check(sqlite3_bind_int64(statement_, index, value)); }

void Statement::bind_double(int index, double value) {
  check(std::isfinite(value) ? sqlite3_bind_double(statement_, index, value) : sqlite3_bind_null(statement_, index));
}

void Statement::bind_text(int index, const std::string& value) {
  check(sqlite3_bind_text(statement_, index, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT));
}

void Statement::bind_null(int index) { check(sqlite3_bind_null(statement_, index)); }

bool Statement::step() {
  const int code = sqlite3_step(statement_);
  if (code == SQLITE_ROW) return true;
  if (code == SQLITE_DONE) return false;
  db_->fail(code, "stepping \"" + std::string(sqlite3_sql(statement_)).substr(0, 80) + "\"");
}

void Statement::reset() {
  sqlite3_reset(statement_);
  sqlite3_clear_bindings(statement_);
}

int Statement::columns() const { return sqlite3_column_count(statement_); }

ColumnType Statement::type(int column) const { return static_cast<ColumnType>(sqlite3_column_type(statement_, column)); }

std::int64_t Statement::integer(int column) const { return sqlite3_column_int64(statement_, column); }

double Statement::real(int column) const {
  return type(column) == ColumnType::null ? kNaN : sqlite3_column_double(statement_, column);
}

std::string Statement::text(int column) const {
  const auto* bytes = sqlite3_column_text(statement_, column);
  return bytes ? std::string(reinterpret_cast<const char*>(bytes), static_cast<std::size_t>(sqlite3_column_bytes(statement_, column)))
               : std::string();
}

std::string Statement::name(int column) const { return sqlite3_column_name(statement_, column); }

std::string Statement::cell(int column) const {
  switch (type(column)) {
    case ColumnType::integer: return std::to_string(integer(column));
    case ColumnType::real: return format_number(real(column));
    case ColumnType::null: return "";
    default: return text(column);
  }
}

void Statement::check(int code) {
  if (code != SQLITE_OK) db_->fail(code, "binding a value");
}

bool table_exists(Database& db, const std::string& table) {
  Statement query(db, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?");
  query.bind_text(1, table);
  return query.step() && query.integer(0) > 0;
}

std::string quote_identifier(const std::string& name) {
  std::string quoted = "\"";
  for (char c : name) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + "\"";
}

}  // namespace crisis::io::sqlite
