#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace gander::test {

using Row = std::vector<std::optional<std::string>>;

// A fresh, empty database for one test, on a real server or file, dropped at
// scope end. Tests read and change it through query()/exec(), independently
// of gander's own stores.
class TestDatabase {
 public:
  virtual ~TestDatabase() = default;

  // "postgres" or "sqlite3": what gander's --driver takes.
  virtual std::string driver() const = 0;
  // What gander's --db takes.
  virtual std::string dsn() const = 0;

  // Runs `sql` (several statements allowed) and returns the rows of the last
  // one, every value as text or nullopt for NULL.
  virtual std::vector<Row> query(const std::string& sql) = 0;
  void exec(const std::string& sql) { query(sql); }
  // The single value of a one-row, one-column query.
  std::optional<std::string> scalar(const std::string& sql);
};

// A new, empty SQLite file inside `dir`.
std::unique_ptr<TestDatabase> make_sqlite_database(const std::filesystem::path& dir);

// A new database on the PostgreSQL server that tools/test started (found
// through PGHOST/PGPORT/PGUSER). Without a server, the test fails under
// CI=true; elsewhere it says so on stderr and the process exits with
// k_skip_exit_code, which CTest shows as a skip.
std::unique_ptr<TestDatabase> make_postgres_database();

// make_sqlite_database or make_postgres_database by driver name.
std::unique_ptr<TestDatabase> make_test_database(const std::string& driver, const std::filesystem::path& dir);

}  // namespace gander::test
