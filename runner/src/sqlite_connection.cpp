#include "sqlite_connection.hpp"

#include <algorithm>
#include <climits>
#include <gander/error.hpp>

#include "sqlite_dsn.hpp"

namespace gander::detail {

namespace {

Error open_error(const std::string& dsn, const std::string& message) {
  return Error(ErrorKind::connection, "cannot open SQLite database " + dsn + ": " + message);
}

}  // namespace

SqliteConnection::SqliteConnection(const std::string& dsn, std::chrono::milliseconds busy_timeout) {
  const SqliteDsn parsed = parse_sqlite_dsn(dsn);
  sqlite3* db = nullptr;
  const int code = sqlite3_open_v2(parsed.open_name.c_str(), &db,
                                   SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_URI, nullptr);
  // Owned before the result is checked: a failed open still allocates a
  // handle that must be closed.
  m_db.reset(db);
  if (code != SQLITE_OK) throw open_error(dsn, db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(code));
  sqlite3_busy_timeout(db,
                       static_cast<int>(std::clamp<std::chrono::milliseconds::rep>(busy_timeout.count(), 0, INT_MAX)));
  try {
    for (const std::string& pragma : parsed.pragmas) execute(pragma);
    // SQLite reads the file only when it first needs to; reading the schema
    // now turns "file is not a database" into an open error, not a failure
    // of whatever statement happens to come first.
    execute("SELECT count(*) FROM sqlite_master");
  } catch (const Error& error) {
    throw open_error(dsn, error.message());
  }
}

std::string SqliteConnection::file_path() const {
  const char* path = sqlite3_db_filename(m_db.get(), "main");
  return path == nullptr ? std::string() : std::string(path);
}

bool SqliteConnection::is_in_transaction() const noexcept { return sqlite3_get_autocommit(m_db.get()) == 0; }

void SqliteConnection::interrupt() noexcept { sqlite3_interrupt(m_db.get()); }

void SqliteConnection::execute(const std::string& sql) {
  const char* next = sql.c_str();
  const char* const end = next + sql.size();
  while (next < end) {
    sqlite3_stmt* raw = nullptr;
    const char* tail = nullptr;
    // A chunk beyond INT_MAX bytes is read up to its terminating NUL instead.
    const std::ptrdiff_t remaining = end - next;
    const int code =
        sqlite3_prepare_v2(m_db.get(), next, remaining > INT_MAX ? -1 : static_cast<int>(remaining), &raw, &tail);
    const Statement statement(raw);
    check(code);
    // A null statement is text of only whitespace or comments: nothing to run.
    if (statement != nullptr) {
      while (step(statement.get())) {
      }
    }
    if (tail == nullptr || tail <= next) break;
    next = tail;
  }
}

Statement SqliteConnection::prepare(const std::string& sql) {
  sqlite3_stmt* raw = nullptr;
  const int code = sqlite3_prepare_v2(m_db.get(), sql.c_str(), static_cast<int>(sql.size()), &raw, nullptr);
  Statement statement(raw);
  check(code);
  if (statement == nullptr) throw Error(ErrorKind::sql, "no statement to prepare in: " + sql);
  return statement;
}

void SqliteConnection::bind(sqlite3_stmt* statement, int index, const std::string& value) {
  // SQLITE_TRANSIENT: SQLite copies the text, so `value` may go away first.
  check(sqlite3_bind_text(statement, index, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT));
}

void SqliteConnection::bind(sqlite3_stmt* statement, int index, std::optional<std::int64_t> value) {
  check(value ? sqlite3_bind_int64(statement, index, *value) : sqlite3_bind_null(statement, index));
}

bool SqliteConnection::step(sqlite3_stmt* statement) {
  const int code = sqlite3_step(statement);
  if (code == SQLITE_ROW) return true;
  if (code == SQLITE_DONE) return false;
  check(code);
  return false;
}

void SqliteConnection::check(int code) const {
  if (code == SQLITE_OK) return;
  // The primary code is the low byte of an extended one.
  if ((code & 0xff) == SQLITE_INTERRUPT) throw Error(ErrorKind::sql, "interrupted");
  throw Error(ErrorKind::sql, sqlite3_errmsg(m_db.get()));
}

std::optional<std::string> column_text(sqlite3_stmt* statement, int index) {
  const unsigned char* text = sqlite3_column_text(statement, index);
  if (text == nullptr) return std::nullopt;
  return std::string(reinterpret_cast<const char*>(text),
                     static_cast<std::size_t>(sqlite3_column_bytes(statement, index)));
}

}  // namespace gander::detail
