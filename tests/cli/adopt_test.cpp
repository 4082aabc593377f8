// gander adopt goose (docs/moving-from-goose.md): a database goose migrated
// is taken over without running anything again, on both stores, with
// goose_db_version as goose's own SQL creates and fills it.

#include <memory>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "existing_database.hpp"
#include "migration_fixture.hpp"

using gander::test::describe;
using gander::test::ProcessResult;
using gander::test::Row;

namespace {

// goose's own table, as its dialects create it, with its first row.
std::string goose_table_sql(const std::string& driver) {
  return driver == "postgres"
             ? "CREATE TABLE goose_db_version (id serial NOT NULL, version_id bigint NOT NULL, "
               "is_applied boolean NOT NULL, tstamp timestamp NULL default now(), PRIMARY KEY(id));"
               "INSERT INTO goose_db_version (version_id, is_applied) VALUES (0, true)"
             : "CREATE TABLE goose_db_version (id INTEGER PRIMARY KEY AUTOINCREMENT, version_id INTEGER NOT NULL, "
               "is_applied INTEGER NOT NULL, tstamp TIMESTAMP DEFAULT (datetime('now')));"
               "INSERT INTO goose_db_version (version_id, is_applied) VALUES (0, 1)";
}

struct Fixture : gander::test::ExistingDatabase {
  std::string yes;
  std::string no;

  explicit Fixture(const std::string& driver)
      : ExistingDatabase(driver), yes(driver == "postgres" ? "true" : "1"), no(driver == "postgres" ? "false" : "0") {}

  // What goose leaves after `up` to 2, `down`, `up` again: 1 and 2 applied.
  void migrate_with_goose() const {
    database->exec(goose_table_sql(database->driver()));
    make_existing_schema();
    database->exec("INSERT INTO goose_db_version (version_id, is_applied, tstamp) VALUES (1, " + yes +
                   ", '2024-03-15 12:00:00')");
    for (const std::string& applied : {yes, no, yes}) {
      database->exec("INSERT INTO goose_db_version (version_id, is_applied) VALUES (2, " + applied + ")");
    }
  }

  std::size_t recorded() const { return database->query("SELECT filename FROM schema_migrations").size(); }
};

}  // namespace

TEST_CASE("adopt goose records what goose applied without running it, and up goes on from there") {
  const std::string driver = GENERATE(as<std::string>{}, "sqlite3", "postgres");
  const Fixture fixture(driver);
  fixture.migrate_with_goose();

  const ProcessResult dry = fixture.gander({"adopt", "goose", "--dry-run"});
  INFO(describe(dry));
  REQUIRE(dry.exit_code == 0);
  CHECK_THAT(dry.out, Catch::Contains("would record 2 migrations that goose applied") &&
                          Catch::Contains("  00001_users.sql\n  00002_orders.sql\n"));

  const ProcessResult adopt = fixture.gander({"adopt", "goose"});
  INFO(describe(adopt));
  REQUIRE(adopt.exit_code == 0);
  CHECK_THAT(adopt.out, Catch::Contains("recorded 2 migrations that goose applied"));
  CHECK(fixture.recorded() == 2);
  // goose's table stays as goose left it.
  CHECK(fixture.database->scalar("SELECT count(*) FROM goose_db_version") == "5");

  const ProcessResult status = fixture.gander({"status", "--json"});
  INFO(describe(status));
  CHECK(status.exit_code == 0);
  // goose's time is kept (a day either way for the server's time zone).
  CHECK_THAT(status.out, Catch::Contains("\"applied_at\": \"2024-03-1"));

  const ProcessResult up = fixture.gander({"up"});
  INFO(describe(up));
  REQUIRE(up.exit_code == 0);
  CHECK_THAT(up.out, Catch::Contains("applied 1 migration"));
  CHECK(fixture.database->scalar("SELECT count(*) FROM users") == "1");
  CHECK(fixture.recorded() == 3);
}

TEST_CASE("adopt goose refuses a version without a file, a database goose never migrated, and a second adoption") {
  const std::string driver = GENERATE(as<std::string>{}, "sqlite3", "postgres");
  const Fixture fixture(driver);

  const ProcessResult no_goose = fixture.gander({"adopt", "goose"});
  INFO(describe(no_goose));
  CHECK(no_goose.exit_code == 2);
  CHECK_THAT(no_goose.err, Catch::Contains("it has no goose_db_version table"));

  const ProcessResult usage = fixture.gander({"adopt", "flyway"});
  INFO(describe(usage));
  CHECK(usage.exit_code == 2);
  CHECK_THAT(usage.err, Catch::Contains("usage: gander adopt goose"));

  fixture.migrate_with_goose();
  fixture.database->exec("INSERT INTO goose_db_version (version_id, is_applied) VALUES (7, " + fixture.yes + "), (9, " +
                         fixture.yes + ")");
  const ProcessResult missing = fixture.gander({"adopt", "goose"});
  INFO(describe(missing));
  CHECK(missing.exit_code == 3);
  CHECK_THAT(missing.err, Catch::Contains("goose applied these versions and no migration file has them") &&
                              Catch::Contains("version 7") && Catch::Contains("version 9"));
  CHECK(fixture.recorded() == 0);

  fixture.database->exec("DELETE FROM goose_db_version WHERE version_id IN (7, 9)");
  REQUIRE(fixture.gander({"adopt", "goose"}).exit_code == 0);
  const ProcessResult twice = fixture.gander({"adopt", "goose"});
  INFO(describe(twice));
  CHECK(twice.exit_code == 2);
  CHECK_THAT(twice.err, Catch::Contains("cannot adopt goose's database: schema_migrations already records 2 "
                                        "migrations"));
}
