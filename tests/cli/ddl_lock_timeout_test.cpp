// docs/operations.md, "Locking", "DDL must not stall the application" (issue 13, item 6): a
// migration statement that queues for a table lock behind an application's
// transaction gives up after --ddl-lock-timeout; a transactional migration
// is rolled back whole and tried again until --lock-timeout, naming the
// session that blocks it; a NO TRANSACTION statement is not tried again.
// The application's transaction is held by the test and ended by it, so no
// timing decides an outcome.

#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <pqxx/pqxx>

#include "migration_fixture.hpp"
#include "run_process.hpp"
#include "wait_until.hpp"

namespace {

using gander::test::describe;
using gander::test::Fixture;
using gander::test::ProcessResult;

// An application's transaction that has read `t` and stays open: it holds
// ACCESS SHARE on it, which ALTER TABLE must wait for.
struct ApplicationTransaction {
  explicit ApplicationTransaction(const std::string& dsn) : connection(dsn), work(connection) {
    work.exec("SELECT count(*) FROM t");
  }
  std::string pid() const { return std::to_string(connection.backendpid()); }

  pqxx::connection connection;
  pqxx::work work;
};

// The application's table, 00001 (free to run) and 00002, whose ALTER
// TABLE needs the lock the application holds.
struct BlockedFixture : Fixture {
  explicit BlockedFixture(const std::string& second_migration) : Fixture("postgres") {
    database->exec("CREATE TABLE t (id INTEGER)");
    write("00001_free.sql", "-- +goose Up\nCREATE TABLE free_one (id INTEGER);\n");
    write("00002_alter.sql", second_migration);
  }
};

const std::string k_transactional_alter =
    "-- +goose Up\nCREATE TABLE made_before_alter (id INTEGER);\nALTER TABLE t ADD COLUMN c INTEGER;\n";

bool has_column(const Fixture& fixture, const std::string& column) {
  return *fixture.database->scalar(
             "SELECT count(*) FROM information_schema.columns WHERE table_name = 't' AND "
             "column_name = '" +
             column + "'") == "1";
}

}  // namespace

TEST_CASE("postgres: migration statements run with lock_timeout from --ddl-lock-timeout, in and out of a transaction") {
  Fixture fixture("postgres");
  const std::string record =
      "SELECT current_setting('lock_timeout') AS lock_timeout, current_setting('statement_timeout') AS "
      "statement_timeout;\n";
  fixture.write("00001_in_transaction.sql", "-- +goose Up\nCREATE TABLE seen_in AS " + record);
  fixture.write("00002_outside.sql", "-- +goose NO TRANSACTION\n-- +goose Up\nCREATE TABLE seen_out AS " + record);

  SECTION("by default, 5s") {
    const ProcessResult result = fixture.gander({"up", "--statement-timeout", "7s"});
    INFO(describe(result));
    REQUIRE(result.exit_code == 0);
    for (const char* table : {"seen_in", "seen_out"}) {
      CHECK(*fixture.database->scalar(std::string("SELECT lock_timeout FROM ") + table) == "5s");
      CHECK(*fixture.database->scalar(std::string("SELECT statement_timeout FROM ") + table) == "7s");
    }
  }
  SECTION("0s leaves the session's own setting") {
    const ProcessResult result = fixture.gander({"up", "--ddl-lock-timeout", "0s"});
    INFO(describe(result));
    REQUIRE(result.exit_code == 0);
    CHECK(*fixture.database->scalar("SELECT lock_timeout FROM seen_in") == "0");
    CHECK(*fixture.database->scalar("SELECT lock_timeout FROM seen_out") == "0");
  }
}

TEST_CASE("postgres: a migration that cannot get its lock is retried whole, names the blocker, then exits 4") {
  const BlockedFixture fixture(k_transactional_alter);
  const ApplicationTransaction application(fixture.database->dsn());

  const ProcessResult result = fixture.gander({"up", "--ddl-lock-timeout", "1s", "--lock-timeout", "6s"});
  INFO(describe(result));
  CHECK(result.exit_code == 4);
  CHECK_THAT(result.err, Catch::Contains("00002_alter.sql:3: statement 2"));
  CHECK_THAT(result.err, Catch::Contains("could not get a lock within --ddl-lock-timeout 1s"));
  CHECK_THAT(result.err, Catch::Contains("trying again in 0.5s (attempt 2)"));
  CHECK_THAT(result.err, Catch::Contains("blocked by server pid " + application.pid() + " from 127.0.0.1:"));
  CHECK_THAT(result.err, Catch::Contains("idle in transaction since"));
  CHECK_THAT(result.err, Catch::Contains("attempts within --lock-timeout 6s"));
  // 00001 is applied; nothing of 00002 is: its first statement was rolled back with it.
  CHECK(fixture.rows() == 1);
  CHECK(fixture.stored_checksum("00001_free.sql").size() == 64);
  CHECK_FALSE(fixture.has_table("made_before_alter"));
  CHECK_FALSE(has_column(fixture, "c"));
}

TEST_CASE("postgres: a migration retried for its lock is applied once the application's transaction ends") {
  const BlockedFixture fixture(k_transactional_alter);
  ApplicationTransaction application(fixture.database->dsn());

  gander::test::RunningProcess run = gander::test::start_gander(
      {"--driver", "postgres", "--db", fixture.database->dsn(), "--dir", fixture.migrations.string(), "up",
       "--ddl-lock-timeout", "300ms", "--lock-timeout", "10m"});
  gander::test::wait_until([&] { return run.err_so_far().find("trying again") != std::string::npos; },
                           "gander to give up its first attempt and say it tries again");
  application.work.commit();

  const ProcessResult result = run.wait();
  INFO(describe(result));
  CHECK(result.exit_code == 0);
  CHECK(fixture.rows() == 2);
  CHECK(fixture.has_table("made_before_alter"));
  CHECK(has_column(fixture, "c"));
}

TEST_CASE(
    "postgres: a NO TRANSACTION statement that cannot get its lock is not retried and leaves the migration partial") {
  const BlockedFixture fixture("-- +goose NO TRANSACTION\n" + k_transactional_alter);
  const ApplicationTransaction application(fixture.database->dsn());

  const ProcessResult result = fixture.gander({"up", "--ddl-lock-timeout", "300ms", "--lock-timeout", "10m"});
  INFO(describe(result));
  CHECK(result.exit_code == 4);
  CHECK_THAT(result.err, Catch::Contains("could not get a lock within --ddl-lock-timeout 0.3s"));
  CHECK_THAT(result.err, Catch::Contains("recorded as partial"));
  CHECK_THAT(result.err, !Catch::Contains("trying again"));
  // Its first statement ran outside a transaction and stays.
  CHECK(fixture.has_table("made_before_alter"));
  CHECK_FALSE(has_column(fixture, "c"));
  CHECK(fixture.gander({"status"}).exit_code == 3);
}

TEST_CASE("a --ddl-lock-timeout that is not a duration is a usage error naming it") {
  const Fixture fixture("sqlite3");
  const ProcessResult result = fixture.gander({"up", "--ddl-lock-timeout", "soon"});
  INFO(describe(result));
  CHECK(result.exit_code == 2);
  CHECK_THAT(result.err, Catch::Contains("--ddl-lock-timeout"));
}
