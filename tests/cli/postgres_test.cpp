// PostgreSQL-only scenarios: the 268-file production corpus applied with
// the checksums its Go runner stored, and CREATE INDEX CONCURRENTLY in a NO
// TRANSACTION migration.

#include <filesystem>
#include <map>

#include <catch2/catch.hpp>

#include "run_process.hpp"
#include "shared_data.hpp"
#include "temp_dir.hpp"
#include "test_database.hpp"

using gander::test::ProcessResult;
using gander::test::run_gander;

TEST_CASE("the production corpus applies to an empty PostgreSQL database with the Go runner's checksums") {
  const std::filesystem::path corpus = std::filesystem::path(gander::test::require_shared_dir()) / "corpus/sub2api";
  const auto database = gander::test::make_postgres_database();
  const std::vector<std::string> args = {
      "--driver", "postgres", "--db", database->dsn(), "--dir", (corpus / "migrations").string(), "up"};
  const ProcessResult first = run_gander(args);
  INFO("exit " << first.exit_code << "\n" << first.err);
  REQUIRE(first.exit_code == 0);

  const std::map<std::string, std::string> expected =
      gander::test::read_checksum_list((corpus / "checksums.sha256").string());
  REQUIRE(expected.size() == 268);
  const auto rows = database->query("SELECT filename, checksum, state FROM schema_migrations");
  CHECK(rows.size() == expected.size());
  for (const gander::test::Row& row : rows) {
    INFO(*row[0]);
    REQUIRE(expected.count(*row[0]) == 1);
    CHECK(*row[1] == expected.at(*row[0]));
    CHECK(*row[2] == "applied");
  }

  const ProcessResult second = run_gander(args);
  INFO(second.out << second.err);
  CHECK(second.exit_code == 0);
  CHECK_THAT(second.out, Catch::Contains("no migrations to run"));
}

TEST_CASE("a NO TRANSACTION migration runs CREATE INDEX CONCURRENTLY on PostgreSQL") {
  const gander::test::TempDir dir;
  const auto database = gander::test::make_postgres_database();
  dir.write("migrations/00001_items.sql",
            "-- +goose Up\nCREATE TABLE items (id INTEGER, name TEXT);\n"
            "-- +goose Down\nDROP TABLE items;\n");
  dir.write("migrations/00002_items_name.sql",
            "-- +goose NO TRANSACTION\n-- +goose Up\nCREATE INDEX CONCURRENTLY items_name ON items (name);\n"
            "-- +goose Down\nDROP INDEX CONCURRENTLY items_name;\n");
  const std::vector<std::string> base = {"--driver",      "postgres", "--db",
                                         database->dsn(), "--dir",    (dir.path() / "migrations").string()};
  auto with = [&base](const std::string& command) {
    std::vector<std::string> args = base;
    args.push_back(command);
    return args;
  };
  const ProcessResult up = run_gander(with("up"));
  INFO(up.out << up.err);
  REQUIRE(up.exit_code == 0);
  CHECK(*database->scalar("SELECT indisvalid FROM pg_index WHERE indexrelid = 'items_name'::regclass") == "t");
  CHECK(*database->scalar("SELECT state FROM schema_migrations WHERE filename = '00002_items_name.sql'") == "applied");
  const ProcessResult down = run_gander(with("down"));
  INFO(down.out << down.err);
  CHECK(down.exit_code == 0);
  CHECK(*database->scalar("SELECT count(*) FROM pg_class WHERE relname = 'items_name'") == "0");
}
