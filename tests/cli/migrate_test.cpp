// The migration commands, run as a user runs them, against a real SQLite
// file and a real PostgreSQL database (every scenario on both stores).

#include <catch2/catch.hpp>

#include <gander/checksum/checksum.hpp>

#include "migration_fixture.hpp"
#include "run_process.hpp"
#include "temp_dir.hpp"
#include "test_database.hpp"

namespace {

using gander::test::describe;
using gander::test::Fixture;
using gander::test::ProcessResult;
using gander::test::run_gander;
using gander::test::TempDir;
using gander::test::TestDatabase;

const std::string k_users =
    "-- +goose Up\nCREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT);\n"
    "-- +goose Down\nDROP TABLE users;\n";
const std::string k_orders =
    "-- +goose Up\nCREATE TABLE orders (id INTEGER PRIMARY KEY, user_id INTEGER);\n"
    "INSERT INTO orders (id, user_id) VALUES (1, 1);\n"
    "-- +goose Down\nDROP TABLE orders;\n";
const std::string k_notes = "-- +goose Up\nCREATE TABLE notes (id INTEGER);\n-- +goose Down\nDROP TABLE notes;\n";

}  // namespace

TEST_CASE("up applies every pending migration and records its checksum and a second up does nothing") {
  const Fixture fixture(GENERATE(as<std::string>{}, "sqlite3", "postgres"));
  fixture.write("00001_users.sql", k_users);
  fixture.write("00002_orders.sql", k_orders);

  const ProcessResult first = fixture.gander({"up"});
  INFO(describe(first));
  REQUIRE(first.exit_code == 0);
  CHECK_THAT(first.out, Catch::Contains("OK    00001_users.sql"));
  CHECK_THAT(first.out, Catch::Contains("applied 2 migrations"));
  CHECK_THAT(first.out, Catch::Contains("now at version 2"));
  CHECK(fixture.rows() == 2);
  CHECK(fixture.stored_checksum("00002_orders.sql") == gander::checksum::file_checksum(k_orders));
  CHECK(*fixture.database->scalar("SELECT count(*) FROM orders") == "1");
  CHECK(*fixture.database->scalar("SELECT state FROM schema_migrations WHERE filename = '00001_users.sql'") ==
        "applied");

  const ProcessResult second = fixture.gander({"up"});
  INFO(describe(second));
  CHECK(second.exit_code == 0);
  CHECK_THAT(second.out, Catch::Contains("no migrations to run"));
  CHECK(fixture.rows() == 2);
  CHECK(*fixture.database->scalar("SELECT count(*) FROM orders") == "1");
}

TEST_CASE("a modified applied file stops up before anything runs and status shows MODIFIED with exit 3") {
  const Fixture fixture(GENERATE(as<std::string>{}, "sqlite3", "postgres"));
  fixture.write("00001_users.sql", k_users);
  REQUIRE(fixture.gander({"up"}).exit_code == 0);
  const std::string edited = "-- +goose Up\nCREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT);\n";
  fixture.write("00001_users.sql", edited);
  fixture.write("00002_notes.sql", k_notes);

  const ProcessResult up = fixture.gander({"up"});
  INFO(describe(up));
  CHECK(up.exit_code == 3);
  CHECK_THAT(up.err, Catch::Contains("00001_users.sql: MODIFIED db=" + gander::checksum::file_checksum(k_users) +
                                     " file=" + gander::checksum::file_checksum(edited)));
  CHECK_THAT(up.err, Catch::Contains("the SQL that ran has changed"));
  CHECK_FALSE(fixture.has_table("notes"));
  CHECK(fixture.rows() == 1);

  const ProcessResult status = fixture.gander({"status"});
  INFO(describe(status));
  CHECK(status.exit_code == 3);
  CHECK_THAT(status.out, Catch::Contains("MODIFIED"));
  CHECK_THAT(status.out, Catch::Contains("(db=" + gander::checksum::file_checksum(k_users).substr(0, 12) +
                                         " file=" + gander::checksum::file_checksum(edited).substr(0, 12) + ")"));
  CHECK_THAT(status.out, Catch::Contains("1 pending, 1 modified"));

  const ProcessResult full = fixture.gander({"status", "--full", "--json"});
  CHECK(full.exit_code == 3);
  CHECK_THAT(full.out,
             Catch::Contains("\"state\": \"modified\", \"checksum\": \"" + gander::checksum::file_checksum(edited) +
                             "\", \"db_checksum\": \"" + gander::checksum::file_checksum(k_users) + "\""));
}

TEST_CASE("whitespace at the ends and line endings do not count as a change") {
  const Fixture fixture(GENERATE(as<std::string>{}, "sqlite3", "postgres"));
  fixture.write("00001_users.sql", k_users);
  REQUIRE(fixture.gander({"up"}).exit_code == 0);

  fixture.write("00001_users.sql", "\n\r\n" + k_users + "\n\n\t \n");
  const ProcessResult trimmed = fixture.gander({"up"});
  INFO(describe(trimmed));
  CHECK(trimmed.exit_code == 0);

  std::string crlf;
  for (const char c : k_users) crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
  fixture.write("00001_users.sql", crlf);
  const ProcessResult status = fixture.gander({"status"});
  INFO(describe(status));
  CHECK(status.exit_code == 0);
  CHECK_THAT(status.out, Catch::Contains("applied") && Catch::Contains("line endings differ"));
  CHECK(fixture.gander({"up"}).exit_code == 0);
  CHECK(fixture.gander({"up", "--strict-checksums"}).exit_code == 3);
}

TEST_CASE("a failing statement rolls its migration back and reports file line statement and message") {
  const Fixture fixture(GENERATE(as<std::string>{}, "sqlite3", "postgres"));
  fixture.write("00001_users.sql", k_users);
  fixture.write("00002_broken.sql",
                "-- +goose Up\nCREATE TABLE kept_out (id INTEGER);\n\nINSERT INTO no_such_table VALUES (1);\n");
  const ProcessResult up = fixture.gander({"up"});
  INFO(describe(up));
  CHECK(up.exit_code == 1);
  CHECK_THAT(up.err, Catch::Contains("00002_broken.sql:4: statement 2: `INSERT INTO no_such_table VALUES (1);`"));
  CHECK_THAT(up.err, Catch::Contains("no_such_table"));
  CHECK_THAT(up.err, Catch::Contains("rolled back and not recorded"));
  if (fixture.database->driver() == "postgres") CHECK_THAT(up.err, Catch::Contains("[SQLSTATE 42P01]"));
  CHECK(fixture.rows() == 1);
  CHECK_FALSE(fixture.has_table("kept_out"));
  CHECK(fixture.has_table("users"));
}

TEST_CASE("a pending file that sorts before the newest applied one is refused unless allowed") {
  const Fixture fixture(GENERATE(as<std::string>{}, "sqlite3", "postgres"));
  fixture.write("00002_users.sql", k_users);
  REQUIRE(fixture.gander({"up"}).exit_code == 0);
  fixture.write("00001_notes.sql", k_notes);

  const ProcessResult refused = fixture.gander({"up"});
  INFO(describe(refused));
  CHECK(refused.exit_code == 3);
  CHECK_THAT(refused.err, Catch::Contains("00001_notes.sql"));
  CHECK_FALSE(fixture.has_table("notes"));
  CHECK_THAT(fixture.gander({"status"}).out, Catch::Contains("out-of-order"));

  const ProcessResult allowed = fixture.gander({"up", "--allow-missing"});
  INFO(describe(allowed));
  CHECK(allowed.exit_code == 0);
  CHECK(fixture.has_table("notes"));
  CHECK(fixture.rows() == 2);
}

TEST_CASE("a deleted applied file is reported as MISSING and stops up") {
  const Fixture fixture(GENERATE(as<std::string>{}, "sqlite3", "postgres"));
  fixture.write("00001_users.sql", k_users);
  REQUIRE(fixture.gander({"up"}).exit_code == 0);
  fixture.remove("00001_users.sql");
  fixture.write("00002_notes.sql", k_notes);

  const ProcessResult up = fixture.gander({"up"});
  INFO(describe(up));
  CHECK(up.exit_code == 3);
  CHECK_THAT(up.err, Catch::Contains("00001_users.sql: MISSING db=" + gander::checksum::file_checksum(k_users)));
  CHECK_FALSE(fixture.has_table("notes"));
  const ProcessResult status = fixture.gander({"status"});
  CHECK(status.exit_code == 3);
  CHECK_THAT(status.out, Catch::Contains("MISSING") && Catch::Contains("(no file)"));
}

TEST_CASE("down redo reset and down-to roll back with the Down sections") {
  const Fixture fixture(GENERATE(as<std::string>{}, "sqlite3", "postgres"));
  fixture.write("00001_users.sql", k_users);
  fixture.write("00002_orders.sql", k_orders);
  fixture.write("00003_notes.sql", k_notes);
  REQUIRE(fixture.gander({"up"}).exit_code == 0);

  const ProcessResult down = fixture.gander({"down"});
  INFO(describe(down));
  CHECK(down.exit_code == 0);
  CHECK_THAT(down.out, Catch::Contains("DOWN  00003_notes.sql"));
  CHECK_FALSE(fixture.has_table("notes"));
  CHECK(fixture.rows() == 2);
  CHECK(fixture.gander({"version"}).out == "2\n");

  const ProcessResult redo = fixture.gander({"redo"});
  INFO(describe(redo));
  CHECK(redo.exit_code == 0);
  CHECK_THAT(redo.out, Catch::Contains("DOWN  00002_orders.sql") && Catch::Contains("OK    00002_orders.sql"));
  CHECK(fixture.rows() == 2);
  CHECK(*fixture.database->scalar("SELECT count(*) FROM orders") == "1");

  const ProcessResult down_to = fixture.gander({"down-to", "1"});
  INFO(describe(down_to));
  CHECK(down_to.exit_code == 0);
  CHECK(fixture.rows() == 1);
  CHECK_FALSE(fixture.has_table("orders"));

  REQUIRE(fixture.gander({"up"}).exit_code == 0);
  CHECK(fixture.rows() == 3);
  const ProcessResult reset = fixture.gander({"reset"});
  INFO(describe(reset));
  CHECK(reset.exit_code == 0);
  CHECK(fixture.rows() == 0);
  CHECK_FALSE(fixture.has_table("users"));
  CHECK(fixture.gander({"version"}).out == "0\n");
}

TEST_CASE("up-by-one and up-to apply only part of the pending migrations") {
  const Fixture fixture(GENERATE(as<std::string>{}, "sqlite3", "postgres"));
  fixture.write("00001_users.sql", k_users);
  fixture.write("00002_orders.sql", k_orders);
  fixture.write("00003_notes.sql", k_notes);
  CHECK(fixture.gander({"up-by-one"}).exit_code == 0);
  CHECK(fixture.rows() == 1);
  CHECK(fixture.gander({"up-to", "2"}).exit_code == 0);
  CHECK(fixture.rows() == 2);
  CHECK_FALSE(fixture.has_table("notes"));
  const ProcessResult bad = fixture.gander({"up-to", "two"});
  CHECK(bad.exit_code == 2);
  CHECK_THAT(bad.err, Catch::Contains("up-to takes one VERSION"));
}

TEST_CASE("down of a migration without a Down section is an error naming it") {
  const Fixture fixture(GENERATE(as<std::string>{}, "sqlite3", "postgres"));
  fixture.write("00001_users.sql", "-- +goose Up\nCREATE TABLE users (id INTEGER);\n");
  REQUIRE(fixture.gander({"up"}).exit_code == 0);
  const ProcessResult down = fixture.gander({"down"});
  INFO(describe(down));
  CHECK(down.exit_code == 2);
  CHECK_THAT(down.err, Catch::Contains("00001_users.sql") && Catch::Contains("no -- +goose Down section"));
  CHECK(fixture.rows() == 1);
  CHECK(fixture.has_table("users"));
}

TEST_CASE("a 3-column tracking table from a filename-keyed runner is adopted without changing a row") {
  const Fixture fixture(GENERATE(as<std::string>{}, "sqlite3", "postgres"));
  fixture.write("00001_users.sql", k_users);
  fixture.write("00002_notes.sql", k_notes);
  const std::string checksum = gander::checksum::file_checksum(k_users);
  const bool is_postgres = fixture.database->driver() == "postgres";
  fixture.database->exec(std::string("CREATE TABLE schema_migrations (filename TEXT PRIMARY KEY, checksum TEXT NOT "
                                     "NULL, applied_at ") +
                         (is_postgres ? "TIMESTAMPTZ NOT NULL DEFAULT now())" : "DATETIME NOT NULL)") + ";" +
                         "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT);" +
                         "INSERT INTO schema_migrations (filename, checksum, applied_at) VALUES ('00001_users.sql', '" +
                         checksum + "', '2024-03-01 10:00:00+00:00');");

  const ProcessResult up = fixture.gander({"up"});
  INFO(describe(up));
  CHECK(up.exit_code == 0);
  CHECK_THAT(up.out, Catch::Contains("applied 1 migration "));
  CHECK(fixture.rows() == 2);
  CHECK(fixture.stored_checksum("00001_users.sql") == checksum);
  CHECK(fixture.has_table("notes"));
  const ProcessResult status = fixture.gander({"status"});
  CHECK(status.exit_code == 0);
  CHECK_THAT(status.out, Catch::Contains("2024-03-01 10:00:00"));
}

TEST_CASE("a tracking table of another tool is refused with exit 2 and left alone") {
  const Fixture fixture(GENERATE(as<std::string>{}, "sqlite3", "postgres"));
  fixture.write("00001_users.sql", k_users);
  fixture.database->exec(
      "CREATE TABLE schema_migrations (version BIGINT PRIMARY KEY, dirty BOOLEAN NOT NULL);"
      "INSERT INTO schema_migrations VALUES (7, false);");
  const ProcessResult up = fixture.gander({"up"});
  INFO(describe(up));
  CHECK(up.exit_code == 2);
  CHECK_THAT(up.err, Catch::Contains("version") && Catch::Contains("dirty"));
  CHECK_FALSE(fixture.has_table("users"));
  CHECK(fixture.rows() == 1);
  CHECK(fixture.gander({"status"}).exit_code == 2);
}

TEST_CASE("dry-run prints the plan with its SQL and changes nothing") {
  const Fixture fixture(GENERATE(as<std::string>{}, "sqlite3", "postgres"));
  fixture.write("00001_users.sql", k_users);
  const ProcessResult dry = fixture.gander({"up", "--dry-run"});
  INFO(describe(dry));
  CHECK(dry.exit_code == 0);
  CHECK_THAT(dry.out, Catch::Contains("BEGIN;\n-- line 2\nCREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT);"));
  CHECK_THAT(dry.out, Catch::Contains("COMMIT;"));
  CHECK_FALSE(fixture.has_table("users"));
  CHECK_FALSE(fixture.has_table("schema_migrations"));
}

TEST_CASE("an interrupted NO TRANSACTION migration stays partial until resolved") {
  const Fixture fixture(GENERATE(as<std::string>{}, "sqlite3", "postgres"));
  fixture.write("00001_notx.sql",
                "-- +goose NO TRANSACTION\n-- +goose Up\nCREATE TABLE first_half (id INTEGER);\n"
                "INSERT INTO missing_table VALUES (1);\n");
  const ProcessResult up = fixture.gander({"up"});
  INFO(describe(up));
  CHECK(up.exit_code == 1);
  CHECK_THAT(up.err, Catch::Contains("recorded as partial") && Catch::Contains("gander resolve 00001_notx.sql"));
  CHECK(fixture.has_table("first_half"));
  CHECK(*fixture.database->scalar("SELECT state FROM schema_migrations") == "partial");

  const ProcessResult again = fixture.gander({"up"});
  INFO(describe(again));
  CHECK(again.exit_code == 3);
  CHECK_THAT(again.err, Catch::Contains("00001_notx.sql: PARTIAL"));
  CHECK(fixture.gander({"status"}).exit_code == 3);

  CHECK(fixture.gander({"resolve", "00001_notx.sql"}).exit_code == 2);
  const ProcessResult dry = fixture.gander({"resolve", "00001_notx.sql", "--rolled-back", "--dry-run"});
  INFO(describe(dry));
  CHECK(dry.exit_code == 0);
  CHECK_THAT(dry.out, Catch::Contains("nothing was changed"));
  CHECK(fixture.rows() == 1);
  const ProcessResult resolved = fixture.gander({"resolve", "00001_notx.sql", "--rolled-back"});
  INFO(describe(resolved));
  CHECK(resolved.exit_code == 0);
  CHECK(fixture.rows() == 0);
}

TEST_CASE("goose's positional form and GOOSE_ variables select the database") {
  const Fixture fixture(GENERATE(as<std::string>{}, "sqlite3", "postgres"));
  fixture.write("00001_users.sql", k_users);
  const ProcessResult positional =
      run_gander({"--dir", fixture.migrations.string(), fixture.database->driver(), fixture.database->dsn(), "up"});
  INFO(describe(positional));
  CHECK(positional.exit_code == 0);
  CHECK(fixture.rows() == 1);

  const ProcessResult from_env = run_gander({"version"}, {{"GOOSE_DRIVER", fixture.database->driver()},
                                                          {"GOOSE_DBSTRING", fixture.database->dsn()},
                                                          {"GOOSE_MIGRATION_DIR", fixture.migrations.string()}});
  INFO(describe(from_env));
  CHECK(from_env.exit_code == 0);
  CHECK(from_env.out == "1\n");
}
