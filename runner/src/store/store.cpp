#include "store/store.hpp"

namespace gander {

std::optional<Driver> driver_from_name(const std::string& name) {
  if (name == "postgres" || name == "postgresql" || name == "pgx") return Driver::postgres;
  if (name == "sqlite3" || name == "sqlite") return Driver::sqlite;
  return std::nullopt;
}

std::unique_ptr<Store> open_store(const StoreOptions& options) {
  if (select_driver(options.driver, options.dsn) == Driver::postgres) {
    return open_postgres_store(options, parse_table_name(options.table, true));
  }
  return open_sqlite_store(options, parse_table_name(options.table, false));
}

}  // namespace gander
