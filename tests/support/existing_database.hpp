#pragma once

#include <memory>
#include <string>
#include <vector>

#include "run_process.hpp"
#include "temp_dir.hpp"
#include "test_database.hpp"

namespace gander::test {

// Three migrations (users with a seed row, orders, items) and a fresh
// database, for the commands that take over a database gander did not
// migrate (baseline, adopt). make_existing_schema() makes what the first two
// migrations make, as another program would have.
struct ExistingDatabase {
  TempDir dir;
  std::unique_ptr<TestDatabase> database;

  explicit ExistingDatabase(const std::string& driver) : database(make_test_database(driver, dir.path())) {
    dir.write("migrations/00001_users.sql",
              "-- +goose Up\nCREATE TABLE users (id INTEGER PRIMARY KEY);\nINSERT INTO users VALUES (1);\n"
              "-- +goose Down\nDROP TABLE users;\n");
    dir.write("migrations/00002_orders.sql",
              "-- +goose Up\nCREATE TABLE orders (id INTEGER PRIMARY KEY);\n-- +goose Down\nDROP TABLE orders;\n");
    dir.write("migrations/00003_items.sql",
              "-- +goose Up\nCREATE TABLE items (id INTEGER PRIMARY KEY);\n-- +goose Down\nDROP TABLE items;\n");
  }

  void make_existing_schema() const {
    database->exec("CREATE TABLE users (id INTEGER PRIMARY KEY)");
    database->exec("INSERT INTO users VALUES (1)");
    database->exec("CREATE TABLE orders (id INTEGER PRIMARY KEY)");
  }

  std::string migrations() const { return (dir.path() / "migrations").string(); }

  // gander with this database and directory, then `command`.
  ProcessResult gander(const std::vector<std::string>& command) const {
    std::vector<std::string> args = {"--driver", database->driver(), "--db", database->dsn(), "--dir", migrations()};
    args.insert(args.end(), command.begin(), command.end());
    return run_gander(args);
  }
};

}  // namespace gander::test
