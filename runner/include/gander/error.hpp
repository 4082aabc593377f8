#pragma once

// gander's one error type. Every failure the library reports is a
// gander::Error: a kind (what went wrong, which decides the CLI's exit code),
// the context that is known about it (file, line, statement, SQLSTATE) and a
// bare message. what() renders all of it in one fixed form:
//
//   migrations/003_x.sql:17: statement 2: relation "t" does not exist [SQLSTATE 42P01]
//
// The kind is set where a failure is detected; context is added where it is
// known, and never changes the kind.

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
  config,             // a flag, a path, a DSN or the environment is wrong
};

// The name of a kind as errors and the README show it: "ChecksumMismatch", "Parse", ...
const char* to_string(ErrorKind kind);

struct ErrorContext {
  std::optional<std::string> file{};            // as the user named it, e.g. "migrations/003_x.sql"
  std::optional<std::size_t> line{};            // 1-based
  std::optional<std::size_t> statement_index{};  // 1-based
  std::optional<std::string> sqlstate{};
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
