#pragma once

// The Migrator: what a service calls on startup and what every database
// command of the CLI calls. It connects one Store, reads and verifies every
// migration against the tracking table, and only then applies or rolls back,
// under the migration lock (docs/commands.md and "Locking"). It never prints; it returns
// values and reports progress through Options::on_progress.
//
//   gander::Options options;
//   options.dsn = "host=db user=app dbname=app";  // PostgreSQL, by its shape
//   options.source = gander::embedded_migrations();  // or options.dir
//   options.connect_timeout = std::chrono::seconds(30);
//   gander::Migrator migrator(options);
//   gander::UpResult result = migrator.up();  // throws gander::Error
//
// A Migrator connects lazily, on its first operation, and keeps that one
// connection until it is destroyed. It is not thread-safe, except cancel().

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <gander/amendments.hpp>
#include <gander/driver.hpp>
#include <gander/error.hpp>
#include <gander/migration_source.hpp>
#include <gander/parser/migration.hpp>
#include <gander/status.hpp>

namespace gander {

enum class Direction { up, down };

// What the Migrator reports while it works, for a service's log or the CLI.
struct ProgressEvent {
  enum class Kind {
    waiting_for_database,  // the first connection failed and is retried; `detail` says why (sent once)
    waiting_for_lock,      // someone else holds the lock; `detail` says who (sent once)
    started,               // a migration starts (`name`, `direction`)
    // A migration is done and committed (`name`, `direction`, `elapsed_ms`). On SQLite
    // consecutive transactional migrations share one transaction, so their
    // `finished` events follow its COMMIT, after several `started` ones.
    finished,
    // Something a person should fix that does not stop this operation, such as
    // a migration whose Down section is malformed while going up (`name`;
    // `detail` is "file:line: what"). Sent once per migration and operation.
    warning,
    // The tracking table had no row and Options::baseline recorded the
    // migrations up to its version as applied without running them
    // (`detail` says how many). Sent once, before anything runs.
    baselined,
  };
  Kind kind = Kind::started;
  std::string name;
  Direction direction = Direction::up;
  std::int64_t elapsed_ms = 0;
  std::string detail;
};

// A database whose schema predates its migrations: its tables were made by
// hand or by an older program, and the migrations up to `version` describe
// what is already there (docs/commands.md, "Baselines").
struct Baseline {
  std::int64_t version = 0;
  // When not empty, only a database in which this table (or view) exists is
  // such a legacy one; a database without it is new, and every migration
  // runs on it as usual.
  std::string when_table_exists;
};

struct Options {
  // "postgres" or "sqlite3" (see driver_from_name); empty, the default: the
  // driver the DSN names (driver_for_dsn in driver.hpp), as the CLI chooses
  // it, so that a PostgreSQL DSN is never opened as a SQLite file. A
  // PostgreSQL DSN with "sqlite3", or a URL with a scheme gander does not
  // serve (mysql://, postgress://), is Error{config}.
  std::string driver;
  // A libpq URL or key=value pairs, or a SQLite path or file: URI. Only
  // operations that change the database create a missing SQLite file:
  // status(), verify(), version(), amendment_for() and dry runs throw
  // Error{connection} saying it does not exist.
  std::string dsn = "gander.db";
  std::string dir = "migrations";
  // Where migrations come from; when null, the directory `dir`.
  std::shared_ptr<const MigrationSource> source;
  OutsideSymlinks outside_symlinks = OutsideSymlinks::refuse;  // for `dir` (see migration_source.hpp)
  std::string table = "schema_migrations";
  std::chrono::milliseconds lock_timeout = std::chrono::minutes(5);
  // How long to keep retrying the first connection, with backoff from 100 ms
  // to 2 s, for a database that is still starting; zero tries once. A
  // refused login is retried too: the server may still be initialising.
  // Unless the DSN or PGCONNECT_TIMEOUT sets libpq's connect_timeout, one
  // attempt gives up after this long (at least 2 s, at most and by default
  // 10 s), so a server that never answers cannot hang the run.
  std::chrono::milliseconds connect_timeout{0};
  // How long one migration statement may run before it is stopped, its
  // migration rolled back and Error{sql} "exceeded --statement-timeout"
  // thrown; zero: no limit. Waiting for the migration lock does not count,
  // nor, on SQLite, waiting for another writer.
  std::chrono::milliseconds statement_timeout{0};
  // PostgreSQL (docs/operations.md, "Locking"): how long a migration statement may wait for a
  // table lock (lock_timeout). A transactional migration that gives up is
  // rolled back whole and tried again with backoff (a `warning` event each
  // time, naming the blocking session when it was seen) until lock_timeout
  // has passed, then Error{lock}; a NO TRANSACTION statement is not tried
  // again. Zero leaves the session's own lock_timeout (no limit by default).
  std::chrono::milliseconds ddl_lock_timeout = std::chrono::seconds(5);
  LockMethod lock_method = LockMethod::advisory;
  bool allow_out_of_order = false;  // apply pending files that sort before the newest applied one
  bool strict_checksums = false;    // a line-ending or BOM difference counts as modified
  bool strict = false;              // refuse plain SQL files, as goose does
  bool dry_run = false;             // writing operations plan and return steps, changing nothing
  // up, up_by_one and up_to first finish the one `partial` migration, for a
  // NO TRANSACTION migration stopped by a transient failure (lock timeout,
  // deadlock, lost connection): they run its statements after the recorded
  // statements_done and mark it applied, then go on as usual. They throw
  // Error{partial}, running nothing, when its file changed since it started
  // or the count is not recorded, or it was being rolled back. Without a
  // partial row, nothing changes.
  bool resume = false;
  // A partial migration records a statement as started before it is sent,
  // so one that was running when gander died is in doubt: it may or may not
  // have completed. resume then throws Error{partial} naming both
  // choices, and a person who has checked the database says which here: the
  // statement (counted from 1) to go on from, the one in doubt (it runs
  // again) or the one after it (it completed). Without a statement in doubt
  // it must be statements_done + 1. It implies resume; any other
  // number, or no partial migration, is Error{config} and nothing runs. A
  // migration that stopped while being rolled back is never resumed:
  // Error{partial} with RemedyKind::resolve_rollback (see resolve()).
  std::optional<std::int64_t> resume_from;
  // up(), up_by_one() and up_to() first record this baseline, under the
  // lock, when the tracking table has no row yet (and, with
  // when_table_exists, that table exists): every migration up to its version
  // is recorded as applied without running, a `baselined` event says so, and
  // the run goes on from there. Once the table has a row it does nothing,
  // so a service can set it on every start.
  std::optional<Baseline> baseline;
  // ENVSUB values; when empty, this process's environment.
  parser::EnvLookup env;
  std::function<void(const ProgressEvent&)> on_progress;
};

// One migration applied or rolled back, or planned in a dry run.
struct Step {
  std::string name;
  std::string display_path;
  Direction direction = Direction::up;
  bool use_tx = true;
  std::vector<parser::Statement> statements;  // exactly as sent to the database
  std::int64_t elapsed_ms = 0;                // zero in a dry run
  // Set when up resumed a partial migration: how many of its statements had
  // completed before; `statements` holds only the rest.
  std::optional<std::size_t> resumed_after;
};

struct RunResult {
  std::vector<Step> steps;  // in the order they ran (or would run)
  std::int64_t elapsed_ms = 0;
  std::optional<std::int64_t> version;  // the newest applied version afterwards (before, in a dry run)
};

// The name docs/library.md uses for what up() returns.
using UpResult = RunResult;

enum class Resolution { applied, rolled_back };

// Another migration tool whose database gander can take over (adopt).
enum class OtherTool { goose };

class Migrator {
 public:
  // Throws nothing; options are checked when an operation runs.
  explicit Migrator(Options options);
  ~Migrator();
  Migrator(const Migrator&) = delete;
  Migrator& operator=(const Migrator&) = delete;

  // Applies every pending migration in order (docs/commands.md) and returns what
  // ran. When, read without the lock, every migration is applied and
  // matches its file, it returns at once with no steps: an up-to-date
  // replica never queues behind another's run. Otherwise it takes the lock
  // (held until it returns or throws) and decides again under it. Throws
  // Error{checksum_mismatch, missing_file or partial} naming every offender
  // before anything runs, Error{out_of_order}, Error{parse} for a malformed
  // file, Error{sql} for a failing statement (with file, line, statement
  // number; that migration is rolled back, or left `partial` when it runs
  // outside a transaction), Error{lock}, Error{connection}, Error{config}.
  // A pending goose Go migration, which gander cannot run, ends the run:
  // the migrations before it are applied, then Error{go_migration} names it.
  // A migration whose Down section alone is malformed is applied as usual,
  // with a `warning` event.
  RunResult up();
  // The same for the next pending migration only; always under the lock.
  RunResult up_by_one();
  // The same for the pending migrations whose version is at most
  // `version`; always under the lock.
  RunResult up_to(std::int64_t version);

  // Rolls back the newest applied migration with its Down section and
  // deletes its row, under the lock. Throws like up(), and Error{config}
  // when nothing is applied or that migration cannot be rolled back: it
  // has no Down section, its Down section is malformed, or it is a Go
  // migration. down_to, redo and reset check every migration they would
  // roll back first, and change nothing when any of them cannot be.
  RunResult down();
  // Rolls back, newest first, every applied migration with a version above
  // `version`.
  RunResult down_to(std::int64_t version);
  // Rolls back the newest applied migration and applies it again.
  RunResult redo();
  // Rolls back every applied migration, newest first.
  RunResult reset();

  // The state of every migration. Read-only: takes no lock and creates no
  // table, so SELECT on the tracking table is the only privilege it needs.
  // Throws Error{config} for a foreign tracking table, Error{parse} for a
  // malformed file, Error{connection}.
  Plan status();
  // status(), then the integrity check up() makes before it runs anything:
  // returns the plan when every applied migration matches its file, and
  // otherwise throws Error{checksum_mismatch, missing_file or partial}
  // naming every offender. Pending migrations are not an error. Read-only.
  Plan verify();
  // The newest applied version; none when nothing is applied. Read-only.
  std::optional<std::int64_t> version();

  // Records every migration with a version at most `version` as applied
  // without running it, in one transaction under the lock, for a database
  // whose schema predates its migrations; returns their names in order (in
  // a dry run, the names it would record, changing nothing). Empty files are
  // never recorded. Throws Error{config} when the tracking table already has
  // a row or no migration has such a version.
  std::vector<std::string> baseline(std::int64_t version);

  // Takes over a database that `tool` has migrated (docs/moving-from-goose.md):
  // every migration the tool applied is recorded with its file's current
  // checksum (trust on first use) and the tool's applied time, without
  // running, in one transaction under the lock; returns their names in
  // order (in a dry run, changing nothing). goose: goose_db_version is read,
  // the newest row of a version deciding, and left as it is. Throws
  // Error{config} when gander's table already has a row or the tool's table
  // does not exist, Error{missing_file} naming every applied version that
  // has no file, and Error{config} for a version two files share.
  std::vector<std::string> adopt(OtherTool tool);

  // Clears the `partial` row of `filename` after a person has checked the
  // database: `applied` records it as applied, `rolled_back` deletes the
  // row. For a migration that stopped while being rolled back, `applied`
  // says its rollback was undone by hand and `rolled_back` that it was
  // finished. Throws Error{config} when there is no partial row of that name. In
  // a dry run it only checks that, taking no lock and changing nothing.
  // For a goose Go migration, which gander cannot run, it records what was
  // done by other means: `applied` adds its row (with the file's checksum),
  // refused while a migration before it is not applied; `rolled_back`
  // deletes it.
  void resolve(const std::string& filename, Resolution resolution);

  // The gander.amend line that accepts the current change of `filename`, an
  // applied migration whose file no longer matches its stored checksum
  // (docs/file-format.md, "Checksums"). Read-only; the caller appends it (append_amendment) after
  // review. Throws Error{config} when `filename` is not modified (unknown,
  // pending, applied, missing or partial) or `reason` is empty.
  Amendment amendment_for(const std::string& filename, const std::string& reason);

  // Asks a running operation to stop: the statement in flight is cancelled,
  // its transaction rolled back, the lock released, and the operation throws
  // Error{sql} saying it was interrupted. A PostgreSQL server that has not
  // answered 5 s later is given up on: the connection is closed (the server
  // then rolls back) and the operation throws Error{connection}, or
  // Error{lock} while waiting for the lock. Safe from any thread.
  void cancel() noexcept;

 private:
  class Impl;
  std::unique_ptr<Impl> m_impl;
};

}  // namespace gander
