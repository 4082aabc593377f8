#include <gander/store.hpp>

#include <gander/error.hpp>

namespace gander {

std::optional<Driver> driver_from_name(const std::string& name) {
  if (name == "postgres" || name == "postgresql" || name == "pgx") return Driver::postgres;
  if (name == "sqlite3" || name == "sqlite") return Driver::sqlite;
  return std::nullopt;
}

std::unique_ptr<Store> open_store(const StoreOptions& options) {
  const std::optional<Driver> driver = driver_from_name(options.driver);
  if (driver == Driver::postgres) return open_postgres_store(options, parse_table_name(options.table, true));
  if (driver == Driver::sqlite) return open_sqlite_store(options, parse_table_name(options.table, false));
  throw Error(ErrorKind::config,
              "unknown driver '" + options.driver + "': use postgres (or postgresql, pgx) or sqlite3 (or sqlite)");
}

}  // namespace gander
