#include "sqlite_connection.hpp"

#include <algorithm>
#include <climits>
#include <filesystem>
#include <thread>

#include <gander/error.hpp>

#include "sqlite_dsn.hpp"
#include "util/duration_text.hpp"

namespace gander::detail {

namespace {

using Clock = std::chrono::steady_clock;

// How many virtual-machine instructions run between two looks at the clock.
constexpr int k_instructions_per_deadline_check = 1000;
// The longest sleep between two tries of a locked database.
constexpr std::chrono::milliseconds k_longest_busy_pause{50};

// Another writer holding the database is a lock error, as docs/operations.md, "Locking" asks.
Error open_error(const std::string& dsn, const Error& error) {
  const ErrorKind kind = error.kind() == ErrorKind::lock ? ErrorKind::lock : ErrorKind::connection;
  return Error(kind, "cannot open SQLite database " + dsn + ": " + error.message());
}

// True for a plain path (not a file: URI) to nothing.
bool is_missing_file(const std::string& open_name) {
  std::error_code error;
  return open_name.compare(0, 5, "file:") != 0 && !std::filesystem::exists(open_name, error) && !error;
}

}  // namespace

SqliteConnection::SqliteConnection(const std::string& dsn, std::chrono::milliseconds busy_timeout,
                                   std::chrono::milliseconds statement_timeout, bool creates_missing)
    : m_busy_timeout(std::max(busy_timeout, std::chrono::milliseconds::zero())),
      m_statement_timeout(statement_timeout) {
  const SqliteDsn parsed = parse_sqlite_dsn(dsn);
  sqlite3* db = nullptr;
  const int code =
      sqlite3_open_v2(parsed.open_name.c_str(), &db,
                      SQLITE_OPEN_READWRITE | (creates_missing ? SQLITE_OPEN_CREATE : 0) | SQLITE_OPEN_URI, nullptr);
  // Owned before the result is checked: a failed open still allocates a
  // handle that must be closed.
  m_db.reset(db);
  if (code == SQLITE_CANTOPEN && !creates_missing && is_missing_file(parsed.open_name)) {
    throw open_error(dsn, Error(ErrorKind::connection,
                                "it does not exist, and only commands that change the database create one "
                                "(status, version, verify and dry runs do not)"));
  }
  if (code != SQLITE_OK) {
    throw open_error(dsn, Error(ErrorKind::connection, db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(code)));
  }
  sqlite3_busy_handler(db, &SqliteConnection::wait_while_busy, this);
  if (m_statement_timeout > std::chrono::milliseconds::zero()) {
    sqlite3_progress_handler(db, k_instructions_per_deadline_check, &SqliteConnection::stop_past_deadline, this);
  }
  try {
    for (const std::string& pragma : parsed.pragmas) execute(pragma);
    // SQLite reads the file only when it first needs to; reading the schema
    // now turns "file is not a database" into an open error, not a failure
    // of whatever statement happens to come first.
    execute("SELECT count(*) FROM sqlite_master");
  } catch (const Error& error) {
    throw open_error(dsn, error);
  }
}

int SqliteConnection::stop_past_deadline(void* connection) noexcept {
  auto& self = *static_cast<SqliteConnection*>(connection);
  if (!self.m_deadline || Clock::now() < *self.m_deadline) return 0;
  self.m_is_past_deadline = true;
  return 1;
}

int SqliteConnection::wait_while_busy(void* connection, int attempt) noexcept {
  auto& self = *static_cast<SqliteConnection*>(connection);
  const Clock::time_point now = Clock::now();
  if (attempt == 0) self.m_busy_since = now;
  const Clock::duration waited = now - self.m_busy_since;
  if (waited >= self.m_busy_timeout) return 0;
  // Short first, so a writer that commits at once costs little.
  const Clock::duration pause = std::min<Clock::duration>(
      {std::chrono::milliseconds(1) * (attempt + 1), k_longest_busy_pause, self.m_busy_timeout - waited});
  std::this_thread::sleep_for(pause);
  if (self.m_deadline) *self.m_deadline += Clock::now() - now;
  return 1;
}

std::string SqliteConnection::file_path() const {
  const char* path = sqlite3_db_filename(m_db.get(), "main");
  return path == nullptr ? std::string() : std::string(path);
}

bool SqliteConnection::is_in_transaction() const noexcept { return sqlite3_get_autocommit(m_db.get()) == 0; }

bool SqliteConnection::has_unresolved_foreign_keys() const {
  int current = 0;
  int highest = 0;
  check(sqlite3_db_status(m_db.get(), SQLITE_DBSTATUS_DEFERRED_FKS, &current, &highest, 0));
  return current != 0;
}

void SqliteConnection::interrupt() noexcept { sqlite3_interrupt(m_db.get()); }

void SqliteConnection::execute_within_timeout(const std::string& sql) {
  if (m_statement_timeout <= std::chrono::milliseconds::zero()) return execute(sql);
  m_deadline = Clock::now() + m_statement_timeout;
  m_is_past_deadline = false;
  try {
    execute(sql);
  } catch (...) {
    m_deadline.reset();
    m_is_past_deadline = false;
    throw;
  }
  m_deadline.reset();
}

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
  const int primary = code & 0xff;
  if (primary == SQLITE_INTERRUPT) {
    throw Error(ErrorKind::sql, m_is_past_deadline
                                    ? "exceeded --statement-timeout " + duration_text(m_statement_timeout)
                                    : std::string("interrupted"));
  }
  if (primary == SQLITE_BUSY) {
    throw Error(ErrorKind::lock, "the database is locked by another writer: its transaction did not end within " +
                                     duration_text(m_busy_timeout) + " (--lock-timeout)");
  }
  throw Error(ErrorKind::sql, sqlite3_errmsg(m_db.get()));
}

std::optional<std::string> column_text(sqlite3_stmt* statement, int index) {
  const unsigned char* text = sqlite3_column_text(statement, index);
  if (text == nullptr) return std::nullopt;
  return std::string(reinterpret_cast<const char*>(text),
                     static_cast<std::size_t>(sqlite3_column_bytes(statement, index)));
}

}  // namespace gander::detail
