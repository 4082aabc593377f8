#pragma once

// One SQLite connection as RAII handles, with the few operations the SQLite
// store builds on. Every failure becomes a gander::Error.

#include <sqlite3.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace gander::detail {

struct DatabaseCloser {
  void operator()(sqlite3* db) const noexcept { sqlite3_close(db); }
};

struct StatementFinalizer {
  void operator()(sqlite3_stmt* statement) const noexcept { sqlite3_finalize(statement); }
};

using Statement = std::unique_ptr<sqlite3_stmt, StatementFinalizer>;

class SqliteConnection {
 public:
  // Opens `dsn` (a path or a file: URI, see parse_sqlite_dsn) for reading and
  // writing, creating the file when it does not exist if `creates_missing`,
  // and checks that it is a database. Another writer makes statements wait
  // up to `busy_timeout` before they fail with Error{lock}; execute() stops
  // a statement that runs longer than `statement_timeout` (zero: no limit).
  // Throws Error{connection} naming `dsn` with SQLite's message (or saying
  // that the file does not exist), Error{lock} when another writer keeps it
  // busy, or Error{config} for a bad DSN option.
  SqliteConnection(const std::string& dsn, std::chrono::milliseconds busy_timeout,
                   std::chrono::milliseconds statement_timeout = std::chrono::milliseconds::zero(),
                   bool creates_missing = true);
  // SQLite's handlers hold `this`.
  SqliteConnection(const SqliteConnection&) = delete;
  SqliteConnection& operator=(const SqliteConnection&) = delete;

  // The main database file's full path; empty for an in-memory or temporary
  // database, which no other connection can see.
  std::string file_path() const;

  // True while an explicit transaction is open (SQLite ends one by itself
  // after some errors, e.g. an interrupt).
  bool is_in_transaction() const noexcept;

  // True when the open transaction leaves a foreign key violation that
  // COMMIT would refuse (deferred constraints, PRAGMA defer_foreign_keys).
  bool has_unresolved_foreign_keys() const;

  // Makes the statement running on this connection, if any, fail with
  // SQLITE_INTERRUPT. Safe from any thread while the connection lives.
  void interrupt() noexcept;

  // Runs every statement in `sql` to completion, skipping the rows they
  // return. Empty and comment-only text runs nothing. Throws Error{sql} with
  // SQLite's message ("interrupted" after interrupt()), Error{lock} when
  // another connection kept the database locked past the busy timeout.
  void execute(const std::string& sql);
  // execute(), stopped with Error{sql} "exceeded --statement-timeout 2s"
  // once it has run longer than the statement timeout. Time spent waiting
  // for another connection's lock does not count.
  void execute_within_timeout(const std::string& sql);

  // Prepares the one statement in `sql`. Throws Error{sql} or Error{lock}.
  Statement prepare(const std::string& sql);
  // Binds ?index to a value, to NULL for nullopt. Throws Error{sql}.
  void bind(sqlite3_stmt* statement, int index, const std::string& value);
  void bind(sqlite3_stmt* statement, int index, std::optional<std::int64_t> value);
  // Steps once: true with a row ready, false when the statement is done.
  // Throws Error{sql}.
  bool step(sqlite3_stmt* statement);

 private:
  void check(int code) const;
  // SQLite's progress handler: non-zero interrupts the running statement.
  static int stop_past_deadline(void* connection) noexcept;
  // SQLite's busy handler: sleeps and returns non-zero to try again, up to
  // the busy timeout, moving the statement's deadline by the time slept.
  static int wait_while_busy(void* connection, int attempt) noexcept;

  std::unique_ptr<sqlite3, DatabaseCloser> m_db;
  std::chrono::milliseconds m_busy_timeout;
  std::chrono::milliseconds m_statement_timeout;
  // Set while execute() runs under a statement timeout; read by the
  // progress handler on the same thread.
  std::optional<std::chrono::steady_clock::time_point> m_deadline;
  bool m_is_past_deadline = false;
  std::chrono::steady_clock::time_point m_busy_since;
};

// Column `index` of the current row as text; nullopt for NULL.
std::optional<std::string> column_text(sqlite3_stmt* statement, int index);

}  // namespace gander::detail
