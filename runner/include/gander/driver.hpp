#pragma once

// Which database a DSN names, how gander locks it, and how to show a DSN
// without its secrets: what a service or a tool needs before it hands a DSN
// to the Migrator.

#include <optional>
#include <string>

namespace gander {

enum class Driver { postgres, sqlite };

// The driver a name selects: "postgres", "postgresql" and "pgx" (goose's
// names) select PostgreSQL, "sqlite3" and "sqlite" SQLite; none otherwise.
std::optional<Driver> driver_from_name(const std::string& name);

// The driver a DSN names when no driver is given, as the CLI and the
// Migrator choose it: PostgreSQL for a postgres:// or postgresql:// URL
// (libpq reads these two in lower case only) or libpq key=value pairs (the
// DSN starts with a keyword and '='), SQLite for anything else (a path or a
// file: URI). Throws Error{config}, hiding the password, for a URL whose
// scheme gander does not serve (mysql://, postgress://, PostgreSQL://):
// it would otherwise become the name of a SQLite file.
Driver driver_for_dsn(const std::string& dsn);

// The driver `driver_name` (driver_from_name) selects for `dsn`, or
// driver_for_dsn(dsn) when the name is empty. Throws Error{config}, hiding
// the password, for an unknown name, a URL with a scheme gander does not
// serve, and a PostgreSQL DSN given to SQLite.
Driver select_driver(const std::string& driver_name, const std::string& dsn);

enum class LockMethod {
  advisory,  // PostgreSQL session advisory lock (default)
  table,     // a row in <table>_lock, for PostgreSQL-compatible engines without advisory locks
};

// `dsn` for messages, without its password: a URL with its password (and
// any secret query parameter) replaced by "***", libpq key=value pairs as
// libpq parsed them with their secrets "***", a SQLite path as it is.
// Where the password ends is unclear (an unencoded '@' or '/' in a URL,
// key=value pairs libpq refuses), more is hidden, never less.
std::string redact_dsn(const std::string& dsn);

}  // namespace gander
