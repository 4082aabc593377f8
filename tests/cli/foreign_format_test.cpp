// golang-migrate and dbmate files in a directory gander reads as goose's
// (docs/file-format.md, "Other tools' files"): never run as plain SQL files,
// which would run their Down going up; every such file is named, and
// nothing runs. The same names and markers in goose files are fine.

#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "migration_fixture.hpp"
#include "run_process.hpp"
#include "temp_dir.hpp"
#include "test_database.hpp"

using gander::test::describe;
using gander::test::ProcessResult;

namespace {

ProcessResult run_in(const gander::test::TempDir& dir, const std::string& dsn, std::vector<std::string> command) {
  std::vector<std::string> args = {"--db", dsn, "--dir", (dir.path() / "migrations").string()};
  args.insert(args.end(), command.begin(), command.end());
  return gander::test::run_gander(args);
}

}  // namespace

TEST_CASE("golang-migrate pairs and dbmate files are refused by up, validate and lint, naming each") {
  const gander::test::TempDir dir;
  const auto database = gander::test::make_sqlite_database(dir.path());
  SECTION("golang-migrate") {
    dir.write("migrations/000001_init.up.sql", "CREATE TABLE c (id INTEGER);\n");
    dir.write("migrations/000001_init.down.sql", "DROP TABLE c;\n");
    for (const std::vector<std::string>& command :
         {std::vector<std::string>{"up"}, {"validate"}, {"lint"}, {"status"}}) {
      const ProcessResult result = run_in(dir, database->dsn(), command);
      INFO(describe(result));
      CHECK(result.exit_code == 1);
      const std::string both = result.out + result.err;
      CHECK_THAT(both, Catch::Contains("000001_init.up.sql") && Catch::Contains("000001_init.down.sql") &&
                           Catch::Contains("named like a golang-migrate migration"));
    }
  }
  SECTION("dbmate") {
    dir.write("migrations/20240101000000_create_c.sql",
              "-- migrate:up\nCREATE TABLE c (id INTEGER);\n\n--migrate:down\nDROP TABLE c;\n");
    for (const std::vector<std::string>& command :
         {std::vector<std::string>{"up"}, {"validate"}, {"lint"}, {"status"}}) {
      const ProcessResult result = run_in(dir, database->dsn(), command);
      INFO(describe(result));
      CHECK(result.exit_code == 1);
      CHECK_THAT(result.out + result.err,
                 Catch::Contains("20240101000000_create_c.sql:1") && Catch::Contains("a dbmate section marker"));
    }
  }
  // Nothing ran: no table c, no row.
  CHECK(database->scalar("SELECT count(*) FROM sqlite_master WHERE name = 'c'") == "0");
}

TEST_CASE("goose files named like golang-migrate's or mentioning dbmate's markers run as goose files") {
  const gander::test::TempDir dir;
  const auto database = gander::test::make_sqlite_database(dir.path());
  dir.write("migrations/00001_set.up.sql",
            "-- +goose Up\n-- migrate:up is dbmate's marker, a comment here\nCREATE TABLE c (id INTEGER);\n"
            "-- +goose Down\nDROP TABLE c;\n");
  const ProcessResult up = run_in(dir, database->dsn(), {"up"});
  INFO(describe(up));
  CHECK(up.exit_code == 0);
  CHECK(database->scalar("SELECT count(*) FROM c") == "0");
}
