#pragma once

// Connection strings in one place: which database a DSN names, a
// PostgreSQL DSN's options as libpq itself parses them, and how to show
// either without its secrets. redact_dsn(), driver_for_dsn() and
// select_driver() (store.hpp) and the PostgreSQL connection are built on
// this, so that gander reads a DSN one way wherever it reads one.

#include <string>
#include <vector>

namespace gander::detail {

// What a DSN is, judged by its shape alone.
enum class DsnShape {
  sqlite,             // a path or a file: URI (anything below does not match)
  postgres_url,       // starts with postgres:// or postgresql://, in lower case as libpq wants it
  postgres_keywords,  // libpq key=value pairs: starts with a keyword, then '='
  foreign_url,        // scheme://... with any other scheme (mysql://, postgress://, PostgreSQL://)
};

DsnShape dsn_shape(const std::string& dsn);

// One option of a PostgreSQL DSN as libpq read it.
struct DsnOption {
  std::string keyword;
  std::string value;  // percent-decoded, unquoted, unescaped
  bool is_secret;     // libpq hides it when it shows options: password, sslpassword
};

// A PostgreSQL DSN, a URL or key=value pairs, parsed by libpq's
// PQconninfoParse: the options it sets, in libpq's order. Throws
// Error{config}, with no secret in its message, when libpq refuses it, and
// for a URL with an '@' after its user info: a password holding an
// unencoded '@' or '/' would be split elsewhere by libpq, its pieces
// landing in the host or database name.
std::vector<DsnOption> parse_postgres_dsn(const std::string& dsn);

// `options` as one libpq key=value string, each value quoted when it must be.
std::string keyword_string(const std::vector<DsnOption>& options);

// `text` with the value of every secret option replaced by "***".
std::string scrub_secrets(std::string text, const std::vector<DsnOption>& options);

}  // namespace gander::detail
