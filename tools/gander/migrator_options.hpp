#pragma once

#include <chrono>
#include <ostream>
#include <string>

#include <gander/migrator.hpp>

#include "cli_options.hpp"

namespace gander::cli {

// The library's options from the command line. The embedded default
// (docs/commands.md): no driver and no DSN is SQLite at ./gander.db. A DSN without
// a driver names its own (driver_for_dsn: PostgreSQL for a postgres:// or
// postgresql:// URL or libpq key=value pairs, SQLite otherwise). Waiting for
// the database or the lock is reported on `err`, which must outlive the
// Migrator. Throws Error{config} for a malformed --lock-timeout,
// --connect-timeout, --lock or --resume-from, and for a driver and DSN that
// select_driver() refuses (hiding the password).
Options migrator_options(const CliOptions& cli, std::ostream& err);

// "90s", "5m", "1500ms", "1h", or a bare number of seconds. Throws
// Error{config} naming `text` otherwise.
std::chrono::milliseconds parse_duration(const std::string& text, const std::string& flag);

}  // namespace gander::cli
