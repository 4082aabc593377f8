// A NO TRANSACTION migration stopped part-way records how many statements
// completed; `up --resume` runs only the rest, and refuses when it cannot
// know where to go on.

#include <catch2/catch.hpp>

#include "run_process.hpp"
#include "temp_dir.hpp"
#include "test_database.hpp"

namespace {

using gander::test::ProcessResult;

// The 3rd statement needs a table that the test creates only after the
// first run; statements 1, 2 and 4 each add a row to `counter`.
const std::string k_backfill =
    "-- +goose NO TRANSACTION\n-- +goose Up\n"
    "INSERT INTO counter (n) VALUES (1);\n"
    "INSERT INTO counter (n) VALUES (2);\n"
    "INSERT INTO created_later (n) VALUES (3);\n"
    "INSERT INTO counter (n) VALUES (4);\n";
const std::string k_next = "-- +goose Up\nCREATE TABLE next_one (id INTEGER);\n";

struct Fixture {
  explicit Fixture(const std::string& driver) : database(gander::test::make_test_database(driver, dir.path())) {
    database->exec("CREATE TABLE counter (n INTEGER)");
    dir.write("migrations/00001_backfill.sql", k_backfill);
    dir.write("migrations/00002_next.sql", k_next);
  }

  ProcessResult gander(const std::vector<std::string>& args) const {
    std::vector<std::string> all = {
        "--driver", database->driver(), "--db", database->dsn(), "--dir", (dir.path() / "migrations").string()};
    all.insert(all.end(), args.begin(), args.end());
    return gander::test::run_gander(all);
  }

  std::string scalar(const std::string& sql) const { return database->scalar(sql).value_or("NULL"); }

  gander::test::TempDir dir;
  std::unique_ptr<gander::test::TestDatabase> database;
};

std::string describe(const ProcessResult& result) {
  return "exit " + std::to_string(result.exit_code) + "\n--- stdout\n" + result.out + "--- stderr\n" + result.err;
}

// Runs up until the 3rd statement of 00001 fails, and checks what is recorded.
void fail_at_third_statement(const Fixture& fixture) {
  const ProcessResult failed = fixture.gander({"up"});
  INFO(describe(failed));
  REQUIRE(failed.exit_code == 1);
  CHECK_THAT(failed.err, Catch::Contains("statement 3") && Catch::Contains("--resume"));
  CHECK(fixture.scalar("SELECT state FROM schema_migrations WHERE filename = '00001_backfill.sql'") == "partial");
  CHECK(fixture.scalar("SELECT statements_done FROM schema_migrations WHERE filename = '00001_backfill.sql'") == "2");
  // The database refused statement 3, so its outcome is known: nothing is in doubt.
  CHECK(fixture.scalar("SELECT coalesce(statement_started, 0) FROM schema_migrations WHERE filename = "
                       "'00001_backfill.sql'") == "0");
}

}  // namespace

TEST_CASE("a partial migration records its progress and up refuses naming how many statements completed") {
  const Fixture fixture(GENERATE(as<std::string>{}, "sqlite3", "postgres"));
  fail_at_third_statement(fixture);

  const ProcessResult refused = fixture.gander({"up"});
  INFO(describe(refused));
  CHECK(refused.exit_code == 3);
  CHECK_THAT(refused.err, Catch::Contains("00001_backfill.sql: PARTIAL") &&
                              Catch::Contains("2 of 4 statements completed") && Catch::Contains("gander up --resume") &&
                              Catch::Contains("--rolled-back"));

  const ProcessResult status = fixture.gander({"status"});
  INFO(describe(status));
  CHECK_THAT(status.out, Catch::Contains("2 of 4 statements completed"));
  const ProcessResult json = fixture.gander({"status", "--json"});
  INFO(describe(json));
  CHECK_THAT(json.out, Catch::Contains("\"state\": \"partial\"") && Catch::Contains("\"statements_done\": 2"));
}

TEST_CASE("up --resume runs only the statements that did not complete and then the pending migrations") {
  const Fixture fixture(GENERATE(as<std::string>{}, "sqlite3", "postgres"));
  fail_at_third_statement(fixture);
  fixture.database->exec("CREATE TABLE created_later (n INTEGER)");

  const ProcessResult planned = fixture.gander({"up", "--resume", "--dry-run"});
  INFO(describe(planned));
  CHECK(planned.exit_code == 0);
  CHECK_THAT(planned.out, Catch::Contains("-- resume 00001_backfill.sql") &&
                              Catch::Contains("after its 2 completed statements") &&
                              Catch::Contains("INSERT INTO created_later") && !Catch::Contains("VALUES (1)") &&
                              Catch::Contains("00002_next.sql"));
  CHECK(fixture.scalar("SELECT count(*) FROM created_later") == "0");

  const ProcessResult resumed = fixture.gander({"up", "--resume"});
  INFO(describe(resumed));
  REQUIRE(resumed.exit_code == 0);
  CHECK_THAT(resumed.out, Catch::Contains("00001_backfill.sql") && Catch::Contains("00002_next.sql"));
  // Statements 1 and 2 ran once, before the failure; 3 and 4 ran on resume.
  CHECK(fixture.scalar("SELECT count(*) FROM counter") == "3");
  CHECK(fixture.scalar("SELECT sum(n) FROM counter") == "7");
  CHECK(fixture.scalar("SELECT count(*) FROM created_later") == "1");
  CHECK(fixture.scalar("SELECT count(*) FROM schema_migrations WHERE state = 'applied'") == "2");
  CHECK(fixture.gander({"up"}).exit_code == 0);
}

TEST_CASE("up --resume-from takes only the statement after the completed ones, and only with a partial migration") {
  const Fixture fixture(GENERATE(as<std::string>{}, "sqlite3", "postgres"));
  for (const std::string number : {"0", "x", "2x"}) {
    const ProcessResult invalid = fixture.gander({"up", "--resume-from", number});
    INFO(describe(invalid));
    CHECK(invalid.exit_code == 2);
    CHECK_THAT(invalid.err, Catch::Contains("invalid --resume-from"));
  }
  const ProcessResult nothing = fixture.gander({"up", "--resume-from", "2"});
  INFO(describe(nothing));
  CHECK(nothing.exit_code == 2);
  CHECK_THAT(nothing.err, Catch::Contains("no migration is partial"));
  CHECK(fixture.scalar("SELECT count(*) FROM counter") == "0");

  fail_at_third_statement(fixture);
  fixture.database->exec("CREATE TABLE created_later (n INTEGER)");
  const ProcessResult skipping = fixture.gander({"up", "--resume-from", "4"});
  INFO(describe(skipping));
  CHECK(skipping.exit_code == 2);
  CHECK_THAT(skipping.err,
             Catch::Contains("2 of its statements completed") && Catch::Contains("goes on from statement 3"));
  const ProcessResult resumed = fixture.gander({"up", "--resume-from", "3"});
  INFO(describe(resumed));
  REQUIRE(resumed.exit_code == 0);
  CHECK(fixture.scalar("SELECT sum(n) FROM counter") == "7");
  CHECK(fixture.scalar("SELECT count(*) FROM created_later") == "1");
}

TEST_CASE("up --resume without a partial migration is a plain up") {
  const Fixture fixture(GENERATE(as<std::string>{}, "sqlite3", "postgres"));
  fixture.database->exec("CREATE TABLE created_later (n INTEGER)");
  const ProcessResult result = fixture.gander({"up", "--resume"});
  INFO(describe(result));
  CHECK(result.exit_code == 0);
  CHECK(fixture.scalar("SELECT count(*) FROM counter") == "3");
}

TEST_CASE("up --resume refuses a partial migration whose file changed or whose progress is unknown") {
  const Fixture fixture(GENERATE(as<std::string>{}, "sqlite3", "postgres"));
  fail_at_third_statement(fixture);
  fixture.database->exec("CREATE TABLE created_later (n INTEGER)");

  SECTION("the file changed") {
    fixture.dir.write("migrations/00001_backfill.sql", k_backfill + "INSERT INTO counter (n) VALUES (5);\n");
    const ProcessResult refused = fixture.gander({"up", "--resume"});
    INFO(describe(refused));
    CHECK(refused.exit_code == 3);
    CHECK_THAT(refused.err, Catch::Contains("cannot resume") && Catch::Contains("00001_backfill.sql changed"));
  }
  SECTION("the count is not recorded") {
    fixture.database->exec("UPDATE schema_migrations SET statements_done = NULL");
    const ProcessResult refused = fixture.gander({"up", "--resume"});
    INFO(describe(refused));
    CHECK(refused.exit_code == 3);
    CHECK_THAT(refused.err, Catch::Contains("cannot resume") &&
                                Catch::Contains("does not record how many of its statements completed"));
  }
  CHECK(fixture.scalar("SELECT count(*) FROM counter") == "2");
  CHECK(fixture.scalar("SELECT count(*) FROM created_later") == "0");
  CHECK(fixture.scalar("SELECT state FROM schema_migrations WHERE filename = '00001_backfill.sql'") == "partial");
}

TEST_CASE("postgres: a failed CREATE INDEX CONCURRENTLY names the INVALID index it left and how to drop it") {
  const Fixture fixture("postgres");
  fixture.dir.write("migrations/00001_backfill.sql",
                    "-- +goose NO TRANSACTION\n-- +goose Up\nINSERT INTO counter (n) VALUES (1);\n"
                    "INSERT INTO counter (n) VALUES (1);\n"
                    "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS counter_n ON counter (n);\n");
  const ProcessResult failed = fixture.gander({"up"});
  INFO(describe(failed));
  CHECK(failed.exit_code == 1);
  CHECK_THAT(failed.err, Catch::Contains("statement 3") && Catch::Contains("counter_n was left INVALID") &&
                             Catch::Contains("DROP INDEX CONCURRENTLY counter_n;") &&
                             Catch::Contains("gander up --resume"));
  CHECK(fixture.scalar("SELECT NOT indisvalid FROM pg_index WHERE indexrelid = 'counter_n'::regclass") == "t");
}
