#pragma once

// The database behind gander. A Store is one connection to one database and
// knows its dialect: how to lock, how to create, read and write the tracking
// table (docs/operations.md, "The tracking table") and how to run SQL. It makes no decision about what to
// apply; the Migrator does that with the planner. No libpqxx or sqlite3
// type appears here, so a service that includes gander does not see them.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <gander/driver.hpp>

#include "plan/planner.hpp"

namespace gander {

// A tracking-table name, validated: each part is an identifier of ASCII
// letters, digits and '_' that does not start with a digit, at most 63 bytes.
struct TableName {
  std::optional<std::string> schema;  // PostgreSQL only
  std::string name;

  // The name as SQL: each part double-quoted, e.g. "ops"."schema_migrations".
  std::string quoted() const;
  // The name as the user wrote it, e.g. ops.schema_migrations.
  std::string display() const;
};

// Throws Error{config} naming `text` when it is not a valid table name or
// when it is schema-qualified and `allows_schema` is false.
TableName parse_table_name(const std::string& text, bool allows_schema);

struct LockOptions {
  std::chrono::milliseconds timeout = std::chrono::minutes(5);
  LockMethod method = LockMethod::advisory;
  // Called at most once, when the lock is held by someone else and the store
  // starts waiting; the argument describes the holder as far as it is known
  // ("pid 4242 (gander), holding it since 2026-11-21 09:30:00 UTC").
  std::function<void(const std::string& holder)> on_wait;
  // Called when the lock was left by a run whose server session is gone
  // and is taken over (--lock=table); the argument describes that holder.
  std::function<void(const std::string& holder)> on_stale_lock;
  // When set and true, waiting stops with Error{lock} ("interrupted").
  const std::atomic<bool>* is_cancelled = nullptr;
};

// The migration lock, held until destroyed. Destruction releases it and
// never throws; a lock whose connection is gone is released by the server.
class StoreLock {
 public:
  virtual ~StoreLock() = default;
};

enum class TableShape {
  missing,  // no tracking table yet
  current,  // every column of docs/operations.md, "The tracking table"
  legacy,   // (filename, checksum, applied_at) and possibly some of the newer columns: upgradable in place
};

enum class BatchMethod {
  // Each migration in its own transaction, committed without waiting for the
  // disk; the run waits once, at its end (PostgreSQL).
  deferred_durability,
  // Consecutive migrations share one transaction, a savepoint each (SQLite).
  shared_transaction,
};

// A row as gander writes it when a migration starts or completes.
struct RowRecord {
  std::string filename;
  std::string checksum;
  std::optional<std::int64_t> version;
  std::string up_checksum;
  std::int64_t execution_ms = 0;
  // State 'partial' (applying, docs/commands.md) instead of 'applied'; its
  // statements_done starts at 0 and no statement is in doubt.
  bool is_partial = false;
  // When it was applied, ISO-8601 UTC, when another tool recorded that
  // (adopt); empty: now.
  std::string applied_at{};
};

// One row of goose's goose_db_version, in the order goose wrote them.
struct GooseVersionRow {
  std::int64_t version = 0;
  bool is_applied = false;
  std::optional<std::string> applied_at;  // ISO-8601 UTC
};

class Store {
 public:
  virtual ~Store() = default;

  // "postgres" or "sqlite3".
  virtual const char* driver() const = 0;

  // Takes the migration lock (docs/operations.md, "Locking"), waiting up to options.timeout.
  // Throws Error{lock} on timeout, saying who holds it when that is known.
  // PostgreSQL: a server that leaves a try unanswered past the timeout is
  // given up on, and the store is unusable afterwards.
  virtual std::unique_ptr<StoreLock> lock(const LockOptions& options) = 0;

  // Who holds the migration lock of `method` now, without taking it or
  // waiting; none when nobody does. Read-only; never call it while this
  // store holds the lock.
  virtual std::optional<std::string> lock_holder(LockMethod method) = 0;

  // The tracking table's shape; changes nothing. Throws Error{config} when a
  // table of that name exists with columns that do not fit, listing them.
  virtual TableShape table_shape() = 0;

  // Creates the tracking table, or adds the missing columns to a legacy one
  // without changing a row. Throws Error{config} for a foreign table.
  virtual void prepare_table() = 0;

  // Every row of the tracking table in one query; none when it is missing.
  // Works on a legacy table without upgrading it (read-only callers).
  virtual std::vector<AppliedRow> read_rows() = 0;

  // The filename, checksum and partial flag of every row, in one query and
  // in no particular order; the other fields stay empty. Enough to tell
  // whether every file is applied, and cheaper than read_rows() on a large
  // table. Only for a table whose shape is current (see table_shape()).
  virtual std::vector<AppliedRow> read_checksums() = 0;

  // Transaction control on this store's one connection.
  virtual void begin() = 0;
  virtual void commit() = 0;
  // Rolls back the open transaction, if any; never throws.
  virtual void rollback() noexcept = 0;

  // How the Migrator makes a run of transactional migrations cheaper than
  // one durable commit each, keeping each migration all-or-nothing.
  virtual BatchMethod batch_method() const = 0;

  // Savepoints inside the open transaction, so that one migration of
  // several that share a transaction can be undone alone. Throw Error{sql}.
  virtual void savepoint() = 0;
  virtual void release_savepoint() = 0;
  // Undoes what ran since savepoint() and drops the savepoint. Returns false
  // when the whole transaction is gone instead: SQLite ends it by itself
  // after some errors (an interrupt, a full disk), and on PostgreSQL libpqxx
  // 6 ends it after any failed statement. Never throws.
  virtual bool rollback_to_savepoint() noexcept = 0;
  // SQLite: true when the open transaction leaves a foreign key violation
  // unresolved (a deferred constraint, PRAGMA defer_foreign_keys) that
  // COMMIT would refuse. PostgreSQL checks deferred constraints only in
  // COMMIT and says false (it never shares a transaction between migrations).
  virtual bool has_unresolved_foreign_keys() = 0;

  // PostgreSQL: whether the COMMITs of the transactions begun from now on
  // wait for their WAL to reach the disk. false: each such transaction sets
  // synchronous_commit off for itself alone (SET LOCAL, so nothing outlives
  // it on a pooled server connection); each commit is still atomic and
  // visible at once, and the server writes WAL in order, so a crash loses at
  // most the newest of them. true: the session's own setting, so the next
  // commit that writes WAL waits, for itself and for every commit before it.
  // SQLite: nothing (each COMMIT waits).
  virtual void set_commit_waits_for_disk(bool waits) = 0;
  // set_commit_waits_for_disk(true), then waits until the commits made so
  // far on this connection are on disk, with a transaction that writes WAL
  // (a row lock on the tracking table; a transaction that writes none, even
  // with an xid, does not wait). With no tracking row there is nothing to
  // lock and it waits for nothing. Needs no open transaction. SQLite:
  // nothing. Throws Error{sql} or Error{connection}.
  virtual void make_commits_durable() = 0;

  // Runs `sql`, which may hold several statements: all of them run. A
  // statement that is empty or only comments does nothing. Throws
  // Error{sql} with the database's message (and SQLSTATE on PostgreSQL) or
  // past StoreOptions::statement_timeout, Error{connection} when the
  // connection is lost, Error{lock} when another SQLite writer holds the
  // database past the busy timeout, and on PostgreSQL Error{lock} with
  // SQLSTATE 55P03 when a lock the statement needs is not granted within
  // StoreOptions::ddl_lock_timeout, naming the session that held it when
  // that was seen. In a transaction the settings last until its end (SET
  // LOCAL); outside one they are set for the statement and reset after it.
  virtual void execute(const std::string& sql) = 0;

  // Tracking-table writes, inside the caller's transaction if one is open.
  // Each is one statement. The ones for a partial row keep docs/commands.md
  // promise that a count is never presented as certain when it is not: a
  // NO TRANSACTION migration's statement is recorded as started before it
  // is sent, so a row always says what is known and what is in doubt.
  virtual void insert_row(const RowRecord& row) = 0;
  // The row of `filename` becomes applied, whatever it was doing: nothing
  // in doubt, not rolling back. Throws Error{sql} when there is no such row.
  // Turns the partial row of `filename` applied; Error{sql} when it has no row.
  virtual void mark_applied(const std::string& filename, std::int64_t execution_ms) = 0;
  virtual void delete_row(const std::string& filename) = 0;
  // Before the first Down statement of a NO TRANSACTION migration runs: its
  // applied row becomes partial, rolling back, with no statement done and
  // none in doubt. Throws Error{sql} when `filename` has no applied row.
  virtual void mark_rolling_back(const std::string& filename) = 0;
  // Before statement `statement` (counted from 1) of the partial migration
  // `filename` is sent: the ones before it completed, and its own outcome
  // is in doubt until the next write.
  virtual void record_statement_started(const std::string& filename, std::int64_t statement) = 0;
  // The first `statements_done` statements of the partial migration
  // `filename` completed and no statement is in doubt: written when a
  // single SQL statement failed on the server, which undid it (outside a
  // transaction it is atomic).
  virtual void record_progress(const std::string& filename, std::int64_t statements_done) = 0;

  // On PostgreSQL, true when an index named `name` (as written in SQL,
  // possibly schema-qualified) exists and is INVALID, as a failed CREATE
  // INDEX CONCURRENTLY leaves it. False otherwise, and always on SQLite.
  virtual bool is_invalid_index(const std::string& name) = 0;

  // goose's table goose_db_version, ordered as goose wrote it; none when
  // the table does not exist. Read-only.
  virtual std::optional<std::vector<GooseVersionRow>> read_goose_versions() = 0;

  // Whether a table or view named `name` exists (PostgreSQL: as to_regclass
  // reads it, possibly schema-qualified; SQLite: compared without regard to
  // case, as SQLite compares names). Read-only.
  virtual bool has_table(const std::string& name) = 0;

  // Asks a statement that is running in execute() on another thread to stop;
  // it then fails with Error{sql}. Safe to call at any time from any thread.
  // PostgreSQL: a server that has not answered 5 s later is given up on, and
  // that statement and every later use of the store fail with
  // Error{connection}.
  virtual void cancel() noexcept = 0;
};

struct StoreOptions {
  std::string driver;  // a name driver_from_name() accepts; empty: driver_for_dsn(dsn)
  std::string dsn;     // a libpq connection string or URL; a SQLite path or file: URI
  // SQLite: create the database file when it does not exist. When false, a
  // missing file is Error{connection} naming it, and nothing is created.
  // PostgreSQL: libpq never creates a database.
  bool create_missing_database = true;
  std::string table = "schema_migrations";
  // How long a SQLite statement waits for another connection's write lock
  // before it fails with Error{lock}.
  std::chrono::milliseconds busy_timeout = std::chrono::minutes(5);
  // How long one execute() may run before it fails with Error{sql}
  // "exceeded --statement-timeout ..."; zero: no limit. SQLite: waiting for
  // another writer does not count. PostgreSQL: statement_timeout for
  // execute() alone (see there); lock() never runs into it.
  std::chrono::milliseconds statement_timeout{0};
  // PostgreSQL: lock_timeout for migration statements (docs/operations.md, "Locking"), so that a
  // DDL statement queued behind an application's transaction gives up
  // rather than stall every query that queues behind it; zero leaves the
  // session's own setting. SQLite has no such wait and ignores it.
  std::chrono::milliseconds ddl_lock_timeout = std::chrono::seconds(5);
  // libpq's connect_timeout when the DSN sets none, so that a server that
  // accepts the connection and never answers cannot hang a run.
  std::chrono::seconds connect_attempt_timeout{10};
};

// Connects by select_driver(options.driver, options.dsn). Throws
// Error{config} for a driver or DSN select_driver() refuses, a DSN libpq
// cannot parse, or a bad table name, Error{connection} when the database
// cannot be reached. No message contains the DSN's password.
std::unique_ptr<Store> open_store(const StoreOptions& options);

// The two stores behind open_store(), for callers that know their database.
// `table` has been validated by parse_table_name().
std::unique_ptr<Store> open_postgres_store(const StoreOptions& options, const TableName& table);
std::unique_ptr<Store> open_sqlite_store(const StoreOptions& options, const TableName& table);

}  // namespace gander
