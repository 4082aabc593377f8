#include <gander/store.hpp>

#include <gander/error.hpp>

namespace gander {

namespace {

bool is_postgres_driver(const std::string& driver) {
  return driver == "postgres" || driver == "postgresql" || driver == "pgx";
}

bool is_sqlite_driver(const std::string& driver) { return driver == "sqlite3" || driver == "sqlite"; }

}  // namespace

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
