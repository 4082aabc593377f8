// What real goose directories hold and goose runs (issue 12, docs/file-format.md and
// §4): Down sections goose never parsed, Go migrations, a migration that
// drops the table gander records in. Every scenario on both stores.

#include <catch2/catch.hpp>

#include "migration_fixture.hpp"

namespace {

using gander::test::describe;
using gander::test::Fixture;
using gander::test::ProcessResult;

const std::string k_bad_down = "-- +goose Up\nCREATE TABLE t (id INTEGER);\n-- +goose Down\nDROP TABLE t\n";
const std::string k_users = "-- +goose Up\nCREATE TABLE users (id INTEGER);\n-- +goose Down\nDROP TABLE users;\n";
const std::string k_notes = "-- +goose Up\nCREATE TABLE notes (id INTEGER);\n-- +goose Down\nDROP TABLE notes;\n";
const std::string k_no_down = "-- +goose Up\nCREATE TABLE logs (id INTEGER);\n";

}  // namespace

TEST_CASE("a malformed Down section never blocks going up, and every rollback that would run it refuses") {
  const Fixture fixture(GENERATE(as<std::string>{}, "sqlite3", "postgres"));
  fixture.write("00001_t.sql", k_bad_down);
  fixture.write("00002_users.sql", k_users);

  const ProcessResult up = fixture.gander({"up"});
  INFO(describe(up));
  REQUIRE(up.exit_code == 0);
  CHECK(fixture.rows() == 2);
  CHECK_THAT(up.err, Catch::Contains("warning: ") && Catch::Contains("00001_t.sql:4: unfinished SQL statement") &&
                         Catch::Contains("going up is not affected"));

  for (const char* command : {"status", "verify"}) {
    const ProcessResult result = fixture.gander({command});
    INFO(command << "\n" << describe(result));
    CHECK(result.exit_code == 0);
    CHECK_THAT(result.err, Catch::Contains("00001_t.sql:4:"));
  }
  CHECK(fixture.gander({"version"}).exit_code == 0);

  // down-to 0 would run the bad Down after users's good one: all or nothing.
  for (const std::vector<std::string>& rollback :
       {std::vector<std::string>{"down-to", "0"}, std::vector<std::string>{"reset"}}) {
    const ProcessResult refused = fixture.gander(rollback);
    INFO(rollback.front() << "\n" << describe(refused));
    CHECK(refused.exit_code == 2);
    CHECK_THAT(refused.err, Catch::Contains("nothing was rolled back") && Catch::Contains("00001_t.sql:4:"));
    CHECK(fixture.rows() == 2);
    CHECK(fixture.has_table("users"));
  }
  const ProcessResult down_one = fixture.gander({"down"});
  INFO(describe(down_one));
  CHECK(down_one.exit_code == 0);
  CHECK(fixture.rows() == 1);
  for (const char* command : {"down", "redo"}) {
    const ProcessResult refused = fixture.gander({command});
    INFO(command << "\n" << describe(refused));
    CHECK(refused.exit_code == 2);
    CHECK_THAT(refused.err, Catch::Contains("00001_t.sql:4:"));
    CHECK(fixture.rows() == 1);
    CHECK(fixture.has_table("t"));
  }
  // validate and lint still call it an error.
  CHECK(fixture.gander({"validate"}).exit_code == 1);
}

TEST_CASE("down-to checks the whole range before rolling anything back") {
  const Fixture fixture(GENERATE(as<std::string>{}, "sqlite3", "postgres"));
  fixture.write("00001_users.sql", k_users);
  fixture.write("00002_logs.sql", k_no_down);
  fixture.write("00003_notes.sql", k_notes);
  REQUIRE(fixture.gander({"up"}).exit_code == 0);

  const ProcessResult refused = fixture.gander({"down-to", "0"});
  INFO(describe(refused));
  CHECK(refused.exit_code == 2);
  CHECK_THAT(refused.err, Catch::Contains("00002_logs.sql: it has no -- +goose Down section"));
  // Before, the newer 00003 was rolled back first and then the run stopped.
  CHECK(fixture.rows() == 3);
  CHECK(fixture.has_table("notes"));

  const ProcessResult partway = fixture.gander({"down-to", "2"});
  INFO(describe(partway));
  CHECK(partway.exit_code == 0);
  CHECK(fixture.rows() == 2);
}

TEST_CASE("up names every malformed file, not just the first") {
  const Fixture fixture(GENERATE(as<std::string>{}, "sqlite3", "postgres"));
  fixture.write("00001_a.sql", "-- +goose Up\nSELECT 1\n");
  fixture.write("00002_b.sql", "-- +goose Up\n-- +goose StatementEnd\n");
  const ProcessResult up = fixture.gander({"up"});
  INFO(describe(up));
  CHECK(up.exit_code == 1);
  CHECK_THAT(up.err, Catch::Contains("2 migration files cannot be used; nothing was run") &&
                         Catch::Contains("00001_a.sql:2:") && Catch::Contains("00002_b.sql:2:"));
  CHECK_FALSE(fixture.has_table("schema_migrations"));
}

TEST_CASE("up stops before a pending Go migration, and resolve records it once it ran elsewhere") {
  const Fixture fixture(GENERATE(as<std::string>{}, "sqlite3", "postgres"));
  fixture.write("00001_users.sql", k_users);
  fixture.write("00002_backfill.go", "package migrations\n");
  fixture.write("00003_notes.sql", k_notes);
  // goose ignores Go files that are not migrations, and so does gander.
  fixture.write("helpers.go", "package migrations\n");
  fixture.write("00004_x_test.go", "package migrations\n");

  const ProcessResult up = fixture.gander({"up"});
  INFO(describe(up));
  CHECK(up.exit_code == 3);
  CHECK_THAT(up.err, Catch::Contains("00002_backfill.go: stopped before this goose Go migration") &&
                         Catch::Contains("applied 1 migration before it") &&
                         Catch::Contains("gander resolve 00002_backfill.go --applied"));
  CHECK(fixture.rows() == 1);
  CHECK_FALSE(fixture.has_table("notes"));

  const ProcessResult status = fixture.gander({"status", "--json"});
  INFO(describe(status));
  CHECK(status.exit_code == 0);
  CHECK_THAT(status.out, Catch::Contains(R"("filename": "00002_backfill.go", "version": 2, "state": "pending", )") &&
                             Catch::Contains(R"("applied_at": null, "kind": "go"})"));
  CHECK_THAT(status.out, !Catch::Contains("helpers.go") && !Catch::Contains("_test.go"));
  const ProcessResult validate = fixture.gander({"validate"});
  CHECK_THAT(validate.out, Catch::Contains("go (not run)") && Catch::Contains("00002_backfill.go"));

  const ProcessResult resolved = fixture.gander({"resolve", "00002_backfill.go", "--applied"});
  INFO(describe(resolved));
  REQUIRE(resolved.exit_code == 0);
  CHECK(fixture.stored_checksum("00002_backfill.go").size() == 64);
  CHECK(fixture.gander({"resolve", "00002_backfill.go", "--applied"}).exit_code == 2);

  const ProcessResult rest = fixture.gander({"up"});
  INFO(describe(rest));
  CHECK(rest.exit_code == 0);
  CHECK(fixture.rows() == 3);

  const ProcessResult down_over_go = fixture.gander({"down-to", "0"});
  INFO(describe(down_over_go));
  CHECK(down_over_go.exit_code == 2);
  CHECK_THAT(down_over_go.err, Catch::Contains("00002_backfill.go: a goose Go migration"));
  CHECK(fixture.rows() == 3);

  REQUIRE(fixture.gander({"down"}).exit_code == 0);
  CHECK(fixture.gander({"resolve", "00002_backfill.go", "--rolled-back"}).exit_code == 0);
  CHECK(fixture.rows() == 1);
}

TEST_CASE("resolve refuses to record a Go migration while one before it is pending") {
  const Fixture fixture(GENERATE(as<std::string>{}, "sqlite3", "postgres"));
  fixture.write("00001_users.sql", k_users);
  fixture.write("00002_backfill.go", "package migrations\n");
  REQUIRE(fixture.gander({"status"}).exit_code == 0);
  const ProcessResult refused = fixture.gander({"resolve", "00002_backfill.go", "--applied"});
  INFO(describe(refused));
  CHECK(refused.exit_code == 2);
  CHECK_THAT(refused.err, Catch::Contains("00001_users.sql"));
  CHECK(fixture.rows() == 0);
}

TEST_CASE("a migration that drops the tracking table fails naming it, and nothing of it stays") {
  const Fixture fixture(GENERATE(as<std::string>{}, "sqlite3", "postgres"));
  // thunderdome's first goose migration removes its old runner's table of this name.
  fixture.write("00001_drop_old_runner.sql",
                "-- +goose Up\nCREATE TABLE kept (id INTEGER);\nDROP TABLE IF EXISTS schema_migrations;\n"
                "-- +goose Down\nDROP TABLE kept;\n");

  const ProcessResult up = fixture.gander({"up"});
  INFO(describe(up));
  CHECK(up.exit_code == 1);
  CHECK_THAT(up.err, Catch::Contains("00001_drop_old_runner.sql dropped or renamed gander's tracking table "
                                     "schema_migrations") &&
                         Catch::Contains("rolled back and not recorded") && Catch::Contains("--table"));
  REQUIRE(fixture.has_table("schema_migrations"));
  CHECK(fixture.rows() == 0);
  CHECK_FALSE(fixture.has_table("kept"));

  SECTION("outside a transaction it is refused before anything runs, since nothing could undo it") {
    fixture.write("00001_drop_old_runner.sql",
                  "-- +goose NO TRANSACTION\n-- +goose Up\nCREATE TABLE kept (id INTEGER);\n"
                  "DROP TABLE IF EXISTS schema_migrations;\n");
    const ProcessResult refused = fixture.gander({"up"});
    INFO(describe(refused));
    CHECK(refused.exit_code == 2);
    CHECK_THAT(refused.err, Catch::Contains("00001_drop_old_runner.sql:4: statement 2: drops or renames gander's "
                                            "tracking table schema_migrations") &&
                                Catch::Contains("nothing was run") && Catch::Contains("--table"));
    CHECK(fixture.rows() == 0);
    CHECK_FALSE(fixture.has_table("kept"));
  }

  // With a table of its own, the directory runs.
  const ProcessResult own_table = fixture.gander({"--table", "gander_migrations", "up"});
  INFO(describe(own_table));
  CHECK(own_table.exit_code == 0);
  CHECK(fixture.has_table("kept"));
  CHECK_FALSE(fixture.has_table("schema_migrations"));
}

// Issue 13 item 10: a tracking row edited by hand is refused, never guessed at.
TEST_CASE("a tracking row with a state gander never writes is refused naming it, and nothing runs") {
  const Fixture fixture(GENERATE(as<std::string>{}, "sqlite3", "postgres"));
  fixture.write("00001_users.sql", k_users);
  fixture.write("00002_notes.sql", k_notes);
  REQUIRE(fixture.gander({"up-to", "1"}).exit_code == 0);
  fixture.database->exec("UPDATE schema_migrations SET state = 'done'");
  for (const char* command : {"up", "status"}) {
    const ProcessResult refused = fixture.gander({command});
    INFO(command << "\n" << describe(refused));
    CHECK(refused.exit_code == 2);
    CHECK_THAT(refused.err, Catch::Contains("1 row of schema_migrations hold a state gander never writes") &&
                                Catch::Contains("00001_users.sql: state 'done'"));
  }
  CHECK_FALSE(fixture.has_table("notes"));
  // SQLite's NOT NULL cannot be dropped; a NULL state is tested on PostgreSQL.
  if (fixture.database->driver() == "postgres") {
    fixture.database->exec("ALTER TABLE schema_migrations ALTER COLUMN state DROP NOT NULL");
    fixture.database->exec("UPDATE schema_migrations SET state = NULL");
    const ProcessResult refused = fixture.gander({"up"});
    INFO(describe(refused));
    CHECK(refused.exit_code == 2);
    CHECK_THAT(refused.err, Catch::Contains("00001_users.sql: state NULL"));
  }
}
