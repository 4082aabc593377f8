#include "settings.hpp"

#include <memory>
#include <stdexcept>

#include <sqlite3.h>
#include <pqxx/pqxx>

namespace example {

namespace {

constexpr const char* k_query = "SELECT value FROM settings WHERE key = 'support_email'";

std::string read_from_sqlite(const std::string& path) {
  sqlite3* raw = nullptr;
  const int opened = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, nullptr);
  const std::unique_ptr<sqlite3, decltype(&sqlite3_close)> db(raw, &sqlite3_close);
  if (opened != SQLITE_OK) throw std::runtime_error(sqlite3_errmsg(raw));
  sqlite3_busy_timeout(db.get(), 5000);
  sqlite3_stmt* raw_statement = nullptr;
  if (sqlite3_prepare_v2(db.get(), k_query, -1, &raw_statement, nullptr) != SQLITE_OK) {
    throw std::runtime_error(sqlite3_errmsg(db.get()));
  }
  const std::unique_ptr<sqlite3_stmt, decltype(&sqlite3_finalize)> statement(raw_statement, &sqlite3_finalize);
  if (sqlite3_step(statement.get()) != SQLITE_ROW) throw std::runtime_error("no support_email setting");
  return reinterpret_cast<const char*>(sqlite3_column_text(statement.get(), 0));
}

std::string read_from_postgres(const std::string& dsn) {
  pqxx::connection connection(dsn);
  pqxx::nontransaction query(connection);
  const pqxx::result rows = query.exec(k_query);
  if (rows.empty()) throw std::runtime_error("no support_email setting");
  return rows[0][0].c_str();
}

}  // namespace

std::string support_email(const std::string& driver, const std::string& dsn) {
  return driver == "postgres" ? read_from_postgres(dsn) : read_from_sqlite(dsn);
}

}  // namespace example
