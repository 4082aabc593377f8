#pragma once

// A migrations folder and a fresh database of one driver, for CLI tests
// that run gander against it as a user would.

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "run_process.hpp"
#include "temp_dir.hpp"
#include "test_database.hpp"

namespace gander::test {

struct Fixture {
  explicit Fixture(const std::string& driver) : database(gander::test::make_test_database(driver, dir.path())) {
    migrations = dir.path() / "migrations";
    std::filesystem::create_directories(migrations);
  }

  void write(const std::string& name, const std::string& bytes) const { dir.write("migrations/" + name, bytes); }
  void remove(const std::string& name) const { std::filesystem::remove(migrations / name); }

  ProcessResult gander(std::vector<std::string> args) const {
    std::vector<std::string> all = {"--driver", database->driver(), "--db", database->dsn(),
                                    "--dir",    migrations.string()};
    all.insert(all.end(), args.begin(), args.end());
    return run_gander(all);
  }

  std::size_t rows() const { return std::stoul(*database->scalar("SELECT count(*) FROM schema_migrations")); }
  bool has_table(const std::string& table) const {
    const std::string sql = database->driver() == "postgres"
                                ? "SELECT count(*) FROM pg_tables WHERE tablename = '" + table + "'"
                                : "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '" + table + "'";
    return *database->scalar(sql) == "1";
  }
  std::string stored_checksum(const std::string& name) const {
    return database->scalar("SELECT checksum FROM schema_migrations WHERE filename = '" + name + "'").value_or("");
  }

  TempDir dir;
  std::unique_ptr<TestDatabase> database;
  std::filesystem::path migrations;
};

// A process's outcome, for INFO() when a check fails.
inline std::string describe(const ProcessResult& result) {
  return "exit " + std::to_string(result.exit_code) + "\n--- stdout\n" + result.out + "--- stderr\n" + result.err;
}

}  // namespace gander::test
