// Reviewed amendments end to end (docs/file-format.md, "Reviewed amendments"): an applied file whose comment
// was fixed is refused, amended after review, and then deployed to a
// database that still holds the old checksum, where nothing re-runs.

#include <filesystem>

#include <catch2/catch.hpp>

#include "run_process.hpp"
#include "temp_dir.hpp"
#include "test_database.hpp"

namespace {

using gander::test::ProcessResult;
using gander::test::run_gander;

const std::string k_released = "-- Accounts (a typo: acounts)\n-- +goose Up\nCREATE TABLE a (id INTEGER);\n";
const std::string k_fixed = "-- Accounts (typo fixed)\n-- +goose Up\nCREATE TABLE a (id INTEGER);\n";

}  // namespace

TEST_CASE("a fixed comment in an applied file is amended and then deploys with nothing re-run") {
  const std::string driver = GENERATE(as<std::string>{}, "sqlite3", "postgres");
  const gander::test::TempDir dir;
  std::filesystem::create_directory(dir.path() / "staging");
  std::filesystem::create_directory(dir.path() / "production");
  const auto staging = gander::test::make_test_database(driver, dir.path() / "staging");
  const auto production = gander::test::make_test_database(driver, dir.path() / "production");
  dir.write("migrations/00001_a.sql", k_released);
  dir.write("migrations/00002_b.sql", "-- +goose Up\nCREATE TABLE b (id INTEGER);\n");
  const std::string migrations = (dir.path() / "migrations").string();
  const auto gander = [&](const gander::test::TestDatabase& database, std::vector<std::string> args) {
    args.insert(args.begin(), {"--driver", driver, "--db", database.dsn(), "--dir", migrations});
    return run_gander(args);
  };
  REQUIRE(gander(*staging, {"up"}).exit_code == 0);
  REQUIRE(gander(*production, {"up"}).exit_code == 0);

  dir.write("migrations/00001_a.sql", k_fixed);
  const ProcessResult refused = gander(*staging, {"up"});
  CHECK(refused.exit_code == 3);
  CHECK_THAT(refused.err, Catch::Contains("00001_a.sql: MODIFIED") && Catch::Contains("gander amend FILE --reason"));

  const ProcessResult amended = gander(*staging, {"amend", "00001_a.sql", "--reason", "comment typo fixed"});
  INFO(amended.out << amended.err);
  REQUIRE(amended.exit_code == 0);
  const std::string amend_file = gander::test::read_bytes(dir.path() / "migrations" / "gander.amend");
  CHECK_THAT(amend_file, Catch::Contains("00001_a.sql ") && Catch::EndsWith(" comment typo fixed\n"));

  // Deploy: a new migration and the amended file reach production.
  dir.write("migrations/00003_c.sql", "-- +goose Up\nCREATE TABLE c (id INTEGER);\n");
  const ProcessResult deployed = gander(*production, {"up"});
  INFO(deployed.out << deployed.err);
  CHECK(deployed.exit_code == 0);
  CHECK_THAT(deployed.out, Catch::Contains("OK    00003_c.sql") && !Catch::Contains("00001_a.sql"));
  CHECK(*production->scalar("SELECT count(*) FROM schema_migrations") == "3");

  const ProcessResult status = gander(*production, {"status"});
  CHECK(status.exit_code == 0);
  CHECK_THAT(status.out, Catch::Contains("amended") && Catch::Contains("amended: comment typo fixed") &&
                             Catch::Contains("1 amended"));
  const ProcessResult json = gander(*production, {"status", "--json"});
  CHECK_THAT(json.out, Catch::Contains("\"state\": \"amended\"") && Catch::Contains("\"amended\": 1"));

  // A further edit of the same file is not covered by the amendment.
  dir.write("migrations/00001_a.sql", k_fixed + "-- and again\n");
  CHECK(gander(*production, {"up"}).exit_code == 3);
}

TEST_CASE("amend refuses what is not an applied file that changed and malformed lines stop up") {
  const gander::test::TempDir dir;
  const auto database = gander::test::make_sqlite_database(dir.path());
  dir.write("migrations/00001_a.sql", k_released);
  const std::vector<std::string> base = {"--db", database->dsn(), "--dir", (dir.path() / "migrations").string()};
  const auto gander = [&](std::vector<std::string> args) {
    args.insert(args.begin(), base.begin(), base.end());
    return run_gander(args);
  };
  CHECK(gander({"amend", "00001_a.sql", "--reason", "x"}).exit_code == 2);  // pending
  REQUIRE(gander({"up"}).exit_code == 0);
  const ProcessResult unchanged = gander({"amend", "00001_a.sql", "--reason", "x"});
  CHECK(unchanged.exit_code == 2);
  CHECK_THAT(unchanged.err, Catch::Contains("it is applied, not modified"));
  CHECK(gander({"amend", "00009_none.sql", "--reason", "x"}).exit_code == 2);
  dir.write("migrations/00001_a.sql", k_fixed);
  CHECK(gander({"amend", "00001_a.sql"}).exit_code == 2);  // no reason
  const ProcessResult dry = gander({"amend", "00001_a.sql", "--reason", "x", "--dry-run"});
  CHECK(dry.exit_code == 0);
  CHECK_FALSE(std::filesystem::exists(dir.path() / "migrations" / "gander.amend"));

  dir.write("migrations/gander.amend", "# reviewed\n00001_a.sql not-a-checksum x y\n");
  const ProcessResult malformed = gander({"up"});
  CHECK(malformed.exit_code == 1);
  CHECK_THAT(malformed.err, Catch::Contains("gander.amend:2:"));
}
