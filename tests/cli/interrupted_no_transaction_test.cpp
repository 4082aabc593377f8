// gander killed with SIGKILL while a NO TRANSACTION statement runs, going up
// or down (docs/operations.md): the row records the statement as started before it is
// sent, so `status` says it may or may not have completed, `up --resume`
// refuses to guess, `up --resume-from N` goes on where the operator says, and
// an interrupted rollback is PARTIAL until `resolve`. A statement the
// database refused is known not to have run, unless it was a block of
// several that SQLite commits one by one.
//
// The statement that is running when gander dies waits for the test: on
// PostgreSQL for an advisory lock the test holds, so that the server
// finishes it after gander died once the test lets go; on SQLite it counts
// towards a limit the test sets out of reach (SQLite cannot finish a
// statement after its process died).

#include <csignal>
#include <memory>

#include <catch2/catch.hpp>
#include <pqxx/pqxx>

#include "run_process.hpp"
#include "temp_dir.hpp"
#include "test_database.hpp"
#include "wait_until.hpp"

namespace {

using gander::test::ProcessResult;

constexpr int k_advisory_key = 730501;
constexpr std::chrono::seconds k_safety_net{60};

std::string describe(const ProcessResult& result) {
  return "exit " + std::to_string(result.exit_code) + "\n--- stdout\n" + result.out + "--- stderr\n" + result.err;
}

// A statement's SELECT that returns `value` once the test lets it: on
// PostgreSQL when the test releases its advisory lock, on SQLite when
// `knob.limit` is small (the test sets it out of reach first).
std::string waiting_select(const std::string& driver, int value) {
  if (driver == "postgres") {
    return "SELECT " + std::to_string(value) + " FROM (SELECT pg_advisory_xact_lock(" + std::to_string(k_advisory_key) +
           ")) AS waited";
  }
  return "SELECT " + std::to_string(value) +
         " FROM (WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < (SELECT \"limit\" FROM "
         "knob)) SELECT max(x) FROM c) AS counted";
}

struct Fixture {
  explicit Fixture(const std::string& driver) : database(gander::test::make_test_database(driver, dir.path())) {
    database->exec("CREATE TABLE knob (\"limit\" BIGINT); INSERT INTO knob VALUES (1)");
  }

  ProcessResult gander(const std::vector<std::string>& args) const {
    return gander::test::run_gander(with_database(args));
  }

  std::vector<std::string> with_database(const std::vector<std::string>& args) const {
    std::vector<std::string> all = {
        "--driver", database->driver(), "--db", database->dsn(), "--dir", (dir.path() / "migrations").string()};
    all.insert(all.end(), args.begin(), args.end());
    return all;
  }

  std::string scalar(const std::string& sql) const { return database->scalar(sql).value_or("NULL"); }

  // Makes the waiting statement wait until release().
  void hold() {
    if (database->driver() == "postgres") {
      m_holder = std::make_unique<pqxx::connection>(database->dsn());
      pqxx::nontransaction(*m_holder).exec("SELECT pg_advisory_lock(" + std::to_string(k_advisory_key) + ")");
    } else {
      database->exec("UPDATE knob SET \"limit\" = 1000000000000000");
    }
  }

  void release() {
    if (m_holder) m_holder.reset();  // its session ends, and its lock with it
    else database->exec("UPDATE knob SET \"limit\" = 1");
  }

  // Runs gander with `args` until it is in the waiting statement, the
  // `statement`-th of `filename`, and kills it there with SIGKILL; then lets
  // the statement go on. On PostgreSQL the server finishes it.
  void kill_while_waiting(const std::vector<std::string>& args, const std::string& filename, int statement) {
    hold();
    gander::test::RunningProcess running = gander::test::start_gander(with_database(args));
    const std::string started_sql = "SELECT count(*) FROM schema_migrations WHERE filename = '" + filename +
                                    "' AND state = 'partial' AND statement_started = " + std::to_string(statement);
    // The first run creates the tracking table: until then there is nothing to read.
    const auto is_started = [&] {
      try {
        return scalar(started_sql) == "1";
      } catch (const std::exception&) {
        return false;
      }
    };
    gander::test::wait_until(is_started, "the statement to be recorded as started", k_safety_net);
    if (database->driver() == "postgres") {
      gander::test::wait_until(
          [&] {
            return scalar("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND objid = " +
                          std::to_string(k_advisory_key)) == "1";
          },
          "gander's statement to wait for the advisory lock", k_safety_net);
    }
    ::kill(running.pid(), SIGKILL);  // not yet reaped, so the pid is still gander's
    const ProcessResult killed = running.wait();
    INFO(describe(killed));
    REQUIRE(killed.exit_code == 128 + SIGKILL);
    release();
    if (database->driver() == "postgres") {
      // The killed client's backend finishes the statement, then notices.
      gander::test::wait_until(
          [&] {
            return scalar(
                       "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND "
                       "application_name = 'gander'") == "0";
          },
          "the killed gander's backend to finish", k_safety_net);
    }
  }

  gander::test::TempDir dir;
  std::unique_ptr<gander::test::TestDatabase> database;

 private:
  std::unique_ptr<pqxx::connection> m_holder;
};

}  // namespace

TEST_CASE("a NO TRANSACTION statement running when gander died is in doubt, and up --resume-from says which") {
  Fixture fixture(GENERATE(as<std::string>{}, "sqlite3", "postgres"));
  const bool is_postgres = fixture.database->driver() == "postgres";
  fixture.database->exec("CREATE TABLE inserted (n INTEGER)");
  fixture.dir.write("migrations/00001_backfill.sql",
                    "-- +goose NO TRANSACTION\n-- +goose Up\nINSERT INTO inserted (n) VALUES (1);\n"
                    "INSERT INTO inserted (n) " +
                        waiting_select(fixture.database->driver(), 2) +
                        ";\n"
                        "INSERT INTO inserted (n) VALUES (3);\n");

  fixture.kill_while_waiting({"up"}, "00001_backfill.sql", 2);
  // PostgreSQL finished statement 2 after gander died; SQLite could not.
  CHECK(fixture.scalar("SELECT count(*) FROM inserted WHERE n = 2") == (is_postgres ? "1" : "0"));

  const ProcessResult status = fixture.gander({"status"});
  INFO(describe(status));
  CHECK(status.exit_code == 3);
  CHECK_THAT(status.out, Catch::Contains("PARTIAL") && Catch::Contains("1 of 3 statements completed") &&
                             Catch::Contains("statement 2 may or may not have completed"));
  const ProcessResult json = fixture.gander({"status", "--json"});
  INFO(describe(json));
  CHECK_THAT(json.out, Catch::Contains("\"statements_done\": 1") && Catch::Contains("\"direction\": \"up\"") &&
                           Catch::Contains("\"statement_in_doubt\": 2"));

  const ProcessResult refused = fixture.gander({"up", "--resume"});
  INFO(describe(refused));
  CHECK(refused.exit_code == 3);
  CHECK_THAT(refused.err, Catch::Contains("statement 2 of 00001_backfill.sql") &&
                              Catch::Contains("gander up --resume-from 2") &&
                              Catch::Contains("gander up --resume-from 3"));
  const ProcessResult wrong = fixture.gander({"up", "--resume-from", "1"});
  INFO(describe(wrong));
  CHECK(wrong.exit_code == 2);
  CHECK_THAT(wrong.err, Catch::Contains("resume from statement 2 or 3") &&
                            Catch::Contains("'gander up --resume-from 2' runs statement 2 again, "
                                            "'gander up --resume-from 3' counts it as completed"));
  CHECK(fixture.scalar("SELECT count(*) FROM inserted") == (is_postgres ? "2" : "1"));

  // The operator looked: on PostgreSQL statement 2 completed, on SQLite it did not.
  const ProcessResult resumed = fixture.gander({"up", "--resume-from", is_postgres ? "3" : "2"});
  INFO(describe(resumed));
  REQUIRE(resumed.exit_code == 0);
  CHECK(fixture.scalar("SELECT count(*) FROM inserted WHERE n = 1") == "1");
  CHECK(fixture.scalar("SELECT count(*) FROM inserted WHERE n = 2") == "1");
  CHECK(fixture.scalar("SELECT count(*) FROM inserted WHERE n = 3") == "1");
  CHECK(fixture.scalar("SELECT state FROM schema_migrations") == "applied");
  CHECK(fixture.gander({"status"}).exit_code == 0);
}

TEST_CASE("a NO TRANSACTION rollback killed half-way is PARTIAL, refused by up, and resolved by a person") {
  Fixture fixture(GENERATE(as<std::string>{}, "sqlite3", "postgres"));
  const std::string driver = fixture.database->driver();
  fixture.database->exec("CREATE TABLE down_log (step INTEGER)");
  fixture.dir.write("migrations/00001_items.sql",
                    "-- +goose NO TRANSACTION\n-- +goose Up\nCREATE TABLE items (n INTEGER);\n"
                    "-- +goose Down\nINSERT INTO down_log (step) VALUES (1);\n"
                    "INSERT INTO down_log (step) " +
                        waiting_select(driver, 2) +
                        ";\n"
                        "DROP TABLE items;\n");
  fixture.dir.write("migrations/00002_tags.sql",
                    "-- +goose Up\nCREATE TABLE tags (n INTEGER);\n-- +goose Down\nDROP TABLE tags;\n");
  REQUIRE(fixture.gander({"up"}).exit_code == 0);

  fixture.kill_while_waiting({"down-to", "0"}, "00001_items.sql", 2);

  const ProcessResult status = fixture.gander({"status"});
  INFO(describe(status));
  CHECK(status.exit_code == 3);
  CHECK_THAT(status.out, Catch::Contains("PARTIAL") && Catch::Contains("rolling back: 1 of 3 Down statements done") &&
                             Catch::Contains("statement 2 may or may not have completed"));
  const ProcessResult json = fixture.gander({"status", "--json"});
  INFO(describe(json));
  CHECK_THAT(json.out, Catch::Contains("\"state\": \"partial\"") && Catch::Contains("\"direction\": \"down\"") &&
                           Catch::Contains("\"statement_in_doubt\": 2"));
  const ProcessResult verified = fixture.gander({"verify"});
  INFO(describe(verified));
  CHECK(verified.exit_code == 3);

  const ProcessResult up = fixture.gander({"up"});
  INFO(describe(up));
  CHECK(up.exit_code == 3);
  CHECK_THAT(up.err, Catch::Contains("00001_items.sql: PARTIAL") && Catch::Contains("rolling back"));
  const ProcessResult resume = fixture.gander({"up", "--resume"});
  INFO(describe(resume));
  CHECK(resume.exit_code == 3);
  CHECK_THAT(resume.err, Catch::Contains("gander resolve 00001_items.sql --rolled-back") &&
                             Catch::Contains("gander resolve 00001_items.sql --applied"));
  CHECK(fixture.gander({"down"}).exit_code == 3);
  CHECK(fixture.scalar("SELECT count(*) FROM down_log WHERE step = 1") == "1");

  if (driver == "postgres") {
    // Statement 2 finished on the server; the person finishes the rollback.
    CHECK(fixture.scalar("SELECT count(*) FROM down_log WHERE step = 2") == "1");
    fixture.database->exec("DROP TABLE items");
    const ProcessResult resolved = fixture.gander({"resolve", "00001_items.sql", "--rolled-back"});
    INFO(describe(resolved));
    REQUIRE(resolved.exit_code == 0);
    CHECK(fixture.scalar("SELECT count(*) FROM schema_migrations") == "0");
    const ProcessResult again = fixture.gander({"up"});
    INFO(describe(again));
    CHECK(again.exit_code == 0);
  } else {
    // Statement 2 died with gander; the person restores what statement 1 did.
    CHECK(fixture.scalar("SELECT count(*) FROM down_log WHERE step = 2") == "0");
    fixture.database->exec("DELETE FROM down_log");
    const ProcessResult resolved = fixture.gander({"resolve", "00001_items.sql", "--applied"});
    INFO(describe(resolved));
    REQUIRE(resolved.exit_code == 0);
    CHECK(fixture.database->query("SELECT state, direction, statement_started FROM schema_migrations") ==
          std::vector<gander::test::Row>{{"applied", std::nullopt, std::nullopt}});
    const ProcessResult down = fixture.gander({"down"});
    INFO(describe(down));
    CHECK(down.exit_code == 0);
    CHECK(fixture.scalar("SELECT count(*) FROM schema_migrations") == "0");
    CHECK(fixture.scalar("SELECT count(*) FROM down_log") == "2");
    CHECK(fixture.scalar("SELECT count(*) FROM sqlite_master WHERE name = 'items'") == "0");
  }
  CHECK(fixture.gander({"status"}).exit_code == 0);
}

TEST_CASE("a failed block of several statements stays in doubt, unlike a failed single statement") {
  Fixture fixture(GENERATE(as<std::string>{}, "sqlite3", "postgres"));
  const bool is_postgres = fixture.database->driver() == "postgres";
  fixture.database->exec("CREATE TABLE inserted (n INTEGER)");
  fixture.dir.write("migrations/00001_backfill.sql",
                    "-- +goose NO TRANSACTION\n-- +goose Up\nINSERT INTO inserted (n) VALUES (1);\n"
                    "-- +goose StatementBegin\nINSERT INTO inserted (n) VALUES (2);\n"
                    "INSERT INTO created_later (n) VALUES (2);\n-- +goose StatementEnd\n");
  const ProcessResult failed = fixture.gander({"up"});
  INFO(describe(failed));
  REQUIRE(failed.exit_code == 1);
  // SQLite committed the block's first INSERT on its own; PostgreSQL ran
  // the block as one implicit transaction. Either way gander does not claim to know.
  CHECK(fixture.scalar("SELECT count(*) FROM inserted WHERE n = 2") == (is_postgres ? "0" : "1"));
  const ProcessResult status = fixture.gander({"status"});
  INFO(describe(status));
  CHECK(status.exit_code == 3);
  CHECK_THAT(status.out, Catch::Contains("1 of 2 statements completed; statement 2 may or may not have completed"));

  fixture.database->exec("CREATE TABLE created_later (n INTEGER)");
  if (!is_postgres) fixture.database->exec("DELETE FROM inserted WHERE n = 2");
  const ProcessResult resumed = fixture.gander({"up", "--resume-from", "2"});
  INFO(describe(resumed));
  REQUIRE(resumed.exit_code == 0);
  CHECK(fixture.scalar("SELECT count(*) FROM inserted") == "2");
  CHECK(fixture.scalar("SELECT count(*) FROM created_later") == "1");
}
