// Read-only commands never create a database (docs/commands.md): status, version,
// verify --db and every --dry-run on a SQLite path that does not exist fail
// with exit 1, naming it, and leave no file behind.

#include <filesystem>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "migration_fixture.hpp"
#include "run_process.hpp"
#include "temp_dir.hpp"

using gander::test::describe;
using gander::test::ProcessResult;
using gander::test::run_gander;

TEST_CASE("status, version, verify --db and dry runs on a missing SQLite file fail and create nothing") {
  const gander::test::TempDir dir;
  dir.write("migrations/00001_a.sql", "-- +goose Up\nCREATE TABLE a (id int);\n-- +goose Down\nDROP TABLE a;\n");
  const std::string missing = (dir.path() / "missing.db").string();
  const std::string migrations = (dir.path() / "migrations").string();
  for (const std::vector<std::string>& command : {std::vector<std::string>{"status"},
                                                  {"version"},
                                                  {"up", "--dry-run"},
                                                  {"up-by-one", "--dry-run"},
                                                  {"up-to", "1", "--dry-run"},
                                                  {"down", "--dry-run"},
                                                  {"down-to", "0", "--dry-run"},
                                                  {"redo", "--dry-run"},
                                                  {"reset", "--dry-run"},
                                                  {"resolve", "00001_a.sql", "--applied", "--dry-run"},
                                                  {"amend", "00001_a.sql", "--reason", "x"}}) {
    std::vector<std::string> args = {"--db", missing, "--dir", migrations};
    args.insert(args.end(), command.begin(), command.end());
    const ProcessResult result = run_gander(args);
    INFO(command.front() << "\n" << describe(result));
    CHECK(result.exit_code == 1);
    CHECK_THAT(result.err, Catch::Contains("cannot open SQLite database " + missing + ": it does not exist"));
    CHECK_FALSE(std::filesystem::exists(missing));
  }
  for (const bool is_json : {false, true}) {
    std::vector<std::string> args = {"verify", "--db", missing, "--dir", migrations};
    if (is_json) args.push_back("--json");
    const ProcessResult result = run_gander(args);
    INFO(describe(result));
    CHECK(result.exit_code == 1);
    CHECK_THAT(result.err, Catch::Contains("does not exist"));
    CHECK_FALSE(std::filesystem::exists(missing));
  }

  // A command that changes the database creates it.
  const ProcessResult up = run_gander({"--db", missing, "--dir", migrations, "up"});
  INFO(describe(up));
  CHECK(up.exit_code == 0);
  CHECK(std::filesystem::exists(missing));
}

TEST_CASE("status with no database configured does not create ./gander.db") {
  const gander::test::TempDir dir;
  dir.write("migrations/00001_a.sql", "-- +goose Up\nCREATE TABLE a (id int);\n");
  const ProcessResult result = run_gander({"status"},
                                          {{"GANDER_DBSTRING", std::nullopt},
                                           {"GOOSE_DBSTRING", std::nullopt},
                                           {"GANDER_DRIVER", std::nullopt},
                                           {"GOOSE_DRIVER", std::nullopt}},
                                          dir.path().string());
  INFO(describe(result));
  CHECK(result.exit_code == 1);
  CHECK_THAT(result.err, Catch::Contains("cannot open SQLite database gander.db: it does not exist"));
  CHECK_FALSE(std::filesystem::exists(dir.path() / "gander.db"));
}
