#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <gander/migration_source.hpp>

namespace gander::cli {

// The command line, after flags and environment have been merged.
struct CliOptions {
  std::string command;            // empty when none was given
  std::vector<std::string> args;  // the command's positional arguments
  std::string dir;                // migrations directory
  std::string driver;             // empty: inferred from dsn, else sqlite3
  std::string dsn;                // empty: ./gander.db for SQLite, libpq's defaults for PostgreSQL
  std::string table;
  std::string lock_timeout;             // as written, e.g. "5m"; see migrator_options.hpp
  std::string lock_method;              // "advisory" or "table"
  std::string connect_timeout;          // as written, e.g. "30s"
  std::string statement_timeout;        // as written, e.g. "2s"; "0s": no limit
  std::string ddl_lock_timeout;         // as written; "0s": the session's own lock_timeout
  bool is_dsn_on_command_line = false;  // --db or goose's positional form, not the environment
  std::string git_base;                 // verify --git-base REF
  std::optional<std::string> sum_file;  // verify --sum [FILE]; empty: <dir>/gander.sum
  std::string base_sum_file;            // verify --base-sum FILE
  bool is_json = false;
  bool strict = false;
  bool is_full = false;  // status: full checksums
  bool dry_run = false;
  bool resumes_partial = false;                                // up --resume
  std::string resume_from;                                     // up --resume-from N, as written; empty when not given
  OutsideSymlinks outside_symlinks = OutsideSymlinks::refuse;  // follow with --follow-symlinks
  bool allows_out_of_order = false;
  bool strict_checksums = false;
  bool wants_color = true;  // false with --no-color or NO_COLOR
  bool is_verbose = false;
  bool resolves_applied = false;      // resolve --applied
  std::string reason;                 // amend --reason
  bool resolves_rolled_back = false;  // resolve --rolled-back
  bool timestamp = false;             // create: version by the UTC time, not the next number
  bool wants_help = false;
  bool wants_version = false;
};

// Parses argv and the GANDER_* / GOOSE_* environment (flags win, then
// GANDER_*, then GOOSE_*, then defaults). goose's positional form
// `DRIVER DBSTRING COMMAND [args]` is recognized by a driver name in the
// command's place. Throws gander::Error{config} on a malformed or unknown flag.
CliOptions parse_cli(int argc, const char* const argv[]);

// The options section of --help, generated from the same description the
// parser uses, so the listed flags and environment variables cannot drift.
std::string options_help();

// A VERSION argument (up-to, down-to, baseline): decimal digits that fit a
// version; none for anything else.
std::optional<std::int64_t> version_number(const std::string& text);

}  // namespace gander::cli
