#pragma once

#include <string>
#include <vector>

namespace gander::detail {

// A SQLite DSN as goose's Go drivers take it: a path or a file: URI, either
// with an optional "?key=value&..." query.
struct SqliteDsn {
  // What sqlite3_open_v2() gets: a plain path without its query (the Go
  // drivers strip it, and SQLite would take it as part of the file name), or
  // the file: URI unchanged (SQLite ignores query keys it does not know).
  std::string open_name;
  // PRAGMA statements the query asks for, in order, e.g. "PRAGMA foreign_keys = ON".
  std::vector<std::string> pragmas;
};

// Reads the driver options that change what migrations do: mattn's
// _foreign_keys (_fk) and _journal_mode (_journal), and modernc's
// _pragma=name(value). Other keys are ignored. Throws Error{config} naming
// the key when such an option's value is not one SQLite would accept, so
// that no value reaches a PRAGMA unchecked.
SqliteDsn parse_sqlite_dsn(const std::string& dsn);

}  // namespace gander::detail
