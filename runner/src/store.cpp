#include <gander/store.hpp>

#include <algorithm>

#include <gander/error.hpp>

namespace gander {

namespace {

bool is_postgres_driver(const std::string& driver) {
  return driver == "postgres" || driver == "postgresql" || driver == "pgx";
}

bool is_sqlite_driver(const std::string& driver) { return driver == "sqlite3" || driver == "sqlite"; }

// Replaces the value after `key=` in a libpq key/value string, quoted or not.
void redact_keyword_value(std::string& dsn, const std::string& key) {
  std::size_t from = 0;
  while ((from = dsn.find(key, from)) != std::string::npos) {
    const bool starts_word = from == 0 || dsn[from - 1] == ' ' || dsn[from - 1] == '?' || dsn[from - 1] == '&';
    std::size_t value = from + key.size();
    while (value < dsn.size() && dsn[value] == ' ') ++value;
    if (!starts_word || value >= dsn.size() || dsn[value] != '=') {
      from += key.size();
      continue;
    }
    ++value;
    while (value < dsn.size() && dsn[value] == ' ') ++value;
    std::size_t end = value;
    if (end < dsn.size() && dsn[end] == '\'') {
      ++end;
      while (end < dsn.size() && dsn[end] != '\'') end += dsn[end] == '\\' ? 2 : 1;
      end = std::min(end + 1, dsn.size());
    } else {
      while (end < dsn.size() && dsn[end] != ' ' && dsn[end] != '&') ++end;
    }
    dsn.replace(value, end - value, "***");
    from = value + 3;
  }
}

}  // namespace

std::string redact_dsn(const std::string& dsn) {
  std::string redacted = dsn;
  const std::size_t scheme = redacted.find("://");
  if (scheme != std::string::npos) {
    // scheme://user:password@host/...: the userinfo ends at the last '@'
    // before the path.
    const std::size_t authority = scheme + 3;
    const std::size_t path = redacted.find_first_of("/?", authority);
    const std::size_t at = redacted.rfind('@', path == std::string::npos ? std::string::npos : path);
    if (at != std::string::npos && at > authority) {
      const std::size_t colon = redacted.find(':', authority);
      if (colon != std::string::npos && colon < at) redacted.replace(colon + 1, at - colon - 1, "***");
    }
  }
  redact_keyword_value(redacted, "password");
  return redacted;
}

std::unique_ptr<Store> open_store(const StoreOptions& options) {
  if (is_postgres_driver(options.driver)) {
    return open_postgres_store(options, parse_table_name(options.table, true));
  }
  if (is_sqlite_driver(options.driver)) {
    return open_sqlite_store(options, parse_table_name(options.table, false));
  }
  throw Error(ErrorKind::config,
              "unknown driver '" + options.driver + "': use postgres (or postgresql, pgx) or sqlite3 (or sqlite)");
}

}  // namespace gander
