#pragma once

// gander's one error type. Every failure the library reports is a
// gander::Error: a kind (what went wrong, which decides the CLI's exit code),
// the context that is known about it (file, line, statement, SQLSTATE) and a
// bare message. what() renders all of it in one fixed form:
//
//   migrations/003_x.sql:17: statement 2: relation "t" does not exist [SQLSTATE 42P01]
//
// The kind is set where a failure is detected; context is added where it is
// known, and never changes the kind. A broken invariant inside gander is a
// bug, not a kind: it is a std::logic_error, never a gander::Error.

#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string>

namespace gander {

enum class ErrorKind {
  checksum_mismatch,  // an applied file's checksum differs from the stored one
  missing_file,       // an applied migration's file is gone
  partial,            // a NO TRANSACTION migration started and did not finish
  out_of_order,       // a pending migration sorts before the newest applied one
  go_migration,       // a pending goose Go migration, which gander cannot run, is next
  parse,              // a migration file is malformed
  sql,                // the database rejected a statement
  lock,               // the migration lock was not obtained in time
  connection,         // the database cannot be reached
  config,             // the caller asked for something wrong: a flag, a path, a DSN, a name, a request
  io,                 // a file or directory cannot be read or written, or a subprocess (git) failed
};

// The name of a kind as errors and the README show it: "ChecksumMismatch", "Parse", ...
const char* to_string(ErrorKind kind);

// What a person can do about an error, as data beside the message: the
// message says it in the library's terms, and a front end (the gander
// command line) names the command to run, so that a service's log never
// holds advice for a tool it does not use.
enum class RemedyKind {
  none,
  choose_own_table,     // give gander a tracking table of its own (another one has the name, or a migration takes it)
  lock_with_table,      // lock with a table instead of a session advisory lock (a pooler, no advisory locks)
  repair_applied,       // restore, amend or resolve the applied migrations that do not match their files
  allow_out_of_order,   // renumber the pending migrations that sort too early, or apply them out of order
  resolve_partial,      // check the database, then resolve `migration` as applied or rolled back, or resume it
  resolve_rollback,     // a rollback cut off: finish it and resolve `migration` as rolled back, or restore and applied
  resolve_rolled_back,  // roll `migration` back outside gander (goose), then resolve it as rolled back
  resolve_applied,      // run `migration` outside gander (goose), then resolve it as applied and run up again
  resume_in_doubt,      // `statement` of the partial `migration` may or may not have completed: say which
  resume_at,            // the partial `migration` goes on from `statement`: resume from there, or just resume
  apply_earlier_first,  // apply the pending migrations before `migration` first
  follow_symlinks,      // allow symbolic links out of the migrations directory
  write_amendment,      // gander.amend holds a line gander did not write: write it with amend
  regenerate_sum,       // gander.sum holds a line gander did not write: regenerate it
};

struct Remedy {
  RemedyKind kind = RemedyKind::none;
  std::string migration{};                 // the file name it acts on, when it acts on one
  std::optional<std::size_t> statement{};  // the statement in doubt (resume_in_doubt), 1-based
};

struct ErrorContext {
  std::optional<std::string> file{};             // as the user named it, e.g. "migrations/003_x.sql"
  std::optional<std::size_t> line{};             // 1-based
  std::optional<std::size_t> statement_index{};  // 1-based
  std::optional<std::string> sqlstate{};
  Remedy remedy{};
};

class Error : public std::runtime_error {
 public:
  Error(ErrorKind kind, std::string message, ErrorContext context = {});

  ErrorKind kind() const noexcept { return m_kind; }
  const ErrorContext& context() const noexcept { return m_context; }
  // The message without the file/line/statement prefix.
  const std::string& message() const noexcept { return m_message; }

  // The same error, naming `file` (the path as the user knows it) instead.
  Error with_file(std::string file) const;

 private:
  ErrorKind m_kind;
  ErrorContext m_context;
  std::string m_message;
};

}  // namespace gander
