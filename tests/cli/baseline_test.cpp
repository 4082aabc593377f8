// gander baseline VERSION and Options::baseline (docs/commands.md,
// "Baselines"): a database whose schema predates its migrations gets the
// migrations up to VERSION recorded without running them, once, on both
// stores; a database that records anything already is refused, unchanged.

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <gander/migrator.hpp>

#include "existing_database.hpp"
#include "migration_fixture.hpp"

using gander::test::describe;
using gander::test::ProcessResult;
using gander::test::Row;

namespace {

// Three migrations; the legacy database already has what the first two make.
struct Fixture : gander::test::ExistingDatabase {
  using ExistingDatabase::ExistingDatabase;

  std::vector<Row> recorded() const {
    return database->query("SELECT filename, state, checksum IS NOT NULL FROM schema_migrations ORDER BY filename");
  }

  gander::Options options() const {
    gander::Options options;
    options.driver = database->driver();
    options.dsn = database->dsn();
    options.dir = migrations();
    return options;
  }
};

std::string true_text(const std::string& driver) { return driver == "postgres" ? "t" : "1"; }

}  // namespace

TEST_CASE("baseline records the migrations up to VERSION without running them, and up runs the rest") {
  const std::string driver = GENERATE(as<std::string>{}, "sqlite3", "postgres");
  const Fixture fixture(driver);
  fixture.make_existing_schema();

  const ProcessResult dry = fixture.gander({"baseline", "2", "--dry-run"});
  INFO(describe(dry));
  REQUIRE(dry.exit_code == 0);
  CHECK_THAT(dry.out, Catch::Contains("would record 2 migrations up to version 2") &&
                          Catch::Contains("  00001_users.sql\n  00002_orders.sql\n") &&
                          Catch::Contains("nothing was changed"));
  CHECK(fixture.database->scalar(driver == "postgres"
                                     ? "SELECT count(*) FROM pg_tables WHERE tablename = 'schema_migrations'"
                                     : "SELECT count(*) FROM sqlite_master WHERE name = 'schema_migrations'") == "0");

  const ProcessResult baseline = fixture.gander({"baseline", "2"});
  INFO(describe(baseline));
  REQUIRE(baseline.exit_code == 0);
  CHECK_THAT(baseline.out, Catch::Contains("recorded 2 migrations up to version 2 as applied without running them"));
  const std::string yes = true_text(driver);
  CHECK(fixture.recorded() ==
        std::vector<Row>{{"00001_users.sql", "applied", yes}, {"00002_orders.sql", "applied", yes}});
  // Nothing ran: the seed row is still alone.
  CHECK(fixture.database->scalar("SELECT count(*) FROM users") == "1");

  const ProcessResult status = fixture.gander({"status"});
  INFO(describe(status));
  CHECK(status.exit_code == 0);
  CHECK_THAT(status.out, Catch::Contains("00003_items.sql") && Catch::Contains("pending"));

  const ProcessResult up = fixture.gander({"up"});
  INFO(describe(up));
  REQUIRE(up.exit_code == 0);
  CHECK_THAT(up.out, Catch::Contains("applied 1 migration") && !Catch::Contains("00001_users.sql"));
  CHECK(fixture.database->scalar("SELECT count(*) FROM items") == "0");
  CHECK(fixture.recorded().size() == 3);
}

TEST_CASE("baseline refuses a database that records a migration, a version below the first, and bad usage") {
  const std::string driver = GENERATE(as<std::string>{}, "sqlite3", "postgres");
  const Fixture fixture(driver);

  const ProcessResult below = fixture.gander({"baseline", "0"});
  INFO(describe(below));
  CHECK(below.exit_code == 2);
  CHECK_THAT(below.err, Catch::Contains("cannot baseline at version 0: no migration has a version at most 0"));

  for (const std::vector<std::string>& usage :
       {std::vector<std::string>{"baseline"}, {"baseline", "two"}, {"baseline", "1", "2"}}) {
    const ProcessResult result = fixture.gander(usage);
    INFO(describe(result));
    CHECK(result.exit_code == 2);
    CHECK_THAT(result.err, Catch::Contains("usage: gander baseline VERSION"));
  }

  REQUIRE(fixture.gander({"up-to", "1"}).exit_code == 0);
  const std::vector<Row> before = fixture.recorded();
  const ProcessResult twice = fixture.gander({"baseline", "3"});
  INFO(describe(twice));
  CHECK(twice.exit_code == 2);
  CHECK_THAT(twice.err, Catch::Contains("cannot baseline at version 3: schema_migrations already records 1 "
                                        "migration; that is only for a database in which no migration is "
                                        "recorded yet"));
  CHECK(fixture.recorded() == before);
}

TEST_CASE("Options::baseline with a marker table baselines a legacy database once and leaves a new one alone") {
  const std::string driver = GENERATE(as<std::string>{}, "sqlite3", "postgres");
  const Fixture legacy(driver);
  legacy.make_existing_schema();
  gander::Options options = legacy.options();
  options.baseline = gander::Baseline{2, "users"};
  std::vector<std::string> events;
  options.on_progress = [&events](const gander::ProgressEvent& event) {
    if (event.kind == gander::ProgressEvent::Kind::baselined) events.push_back(event.detail);
  };
  {
    gander::Migrator migrator(options);
    const gander::RunResult result = migrator.up();
    REQUIRE(result.steps.size() == 1);
    CHECK(result.steps[0].name == "00003_items.sql");
    CHECK(result.version == 3);
  }
  CHECK(events == std::vector<std::string>{
                      "recorded 2 migrations up to version 2 as applied without running them (table users exists)"});
  CHECK(legacy.database->scalar("SELECT count(*) FROM users") == "1");
  CHECK(legacy.recorded().size() == 3);
  // The next start finds rows: the baseline does nothing.
  {
    gander::Migrator migrator(options);
    CHECK(migrator.up().steps.empty());
  }
  CHECK(events.size() == 1);

  // A new database has no users table: every migration runs.
  const Fixture fresh(driver);
  gander::Options fresh_options = fresh.options();
  fresh_options.baseline = gander::Baseline{2, "users"};
  gander::Migrator migrator(fresh_options);
  CHECK(migrator.up().steps.size() == 3);
  CHECK(fresh.database->scalar("SELECT count(*) FROM users") == "1");
}
