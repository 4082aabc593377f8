// Several gander processes starting at once against one database: each
// migration is applied exactly once and every process succeeds.

#include <csignal>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <pqxx/pqxx>

#include "run_process.hpp"
#include "temp_dir.hpp"
#include "test_database.hpp"
#include "wait_until.hpp"

namespace {

using gander::test::ProcessResult;
using gander::test::RunningProcess;

constexpr int k_processes = 4;
constexpr int k_migrations = 20;

// k_migrations migrations, each creating a table t<N> with one row.
void write_table_migrations(const gander::test::TempDir& dir) {
  for (int index = 1; index <= k_migrations; ++index) {
    const std::string table = "t" + std::to_string(index);
    dir.write("migrations/" + std::to_string(1000 + index) + "_create_" + table + ".sql",
              "-- +goose Up\nCREATE TABLE " + table + " (id INTEGER);\nINSERT INTO " + table +
                  " VALUES (1);\n-- +goose Down\nDROP TABLE " + table + ";\n");
  }
}

}  // namespace

TEST_CASE("processes racing up on one fresh database apply each migration once and all exit 0") {
  const std::string driver = GENERATE(as<std::string>{}, "sqlite3", "postgres");
  const gander::test::TempDir dir;
  const auto database = gander::test::make_test_database(driver, dir.path());
  write_table_migrations(dir);
  std::vector<RunningProcess> running;
  for (int process = 0; process < k_processes; ++process) {
    running.push_back(gander::test::start_gander(
        {"--driver", driver, "--db", database->dsn(), "--dir", (dir.path() / "migrations").string(), "up"}));
  }
  std::size_t applied_lines = 0;
  for (RunningProcess& gander : running) {
    const ProcessResult result = gander.wait();
    INFO("exit " << result.exit_code << "\n" << result.out << result.err);
    CHECK(result.exit_code == 0);
    CHECK_THAT(result.err, !Catch::Contains("locked") && !Catch::Contains("duplicate"));
    for (std::size_t at = result.out.find("OK    "); at != std::string::npos; at = result.out.find("OK    ", at + 1)) {
      ++applied_lines;
    }
  }
  CHECK(applied_lines == static_cast<std::size_t>(k_migrations));
  CHECK(*database->scalar("SELECT count(*) FROM schema_migrations") == std::to_string(k_migrations));
  CHECK(*database->scalar("SELECT count(*) FROM t" + std::to_string(k_migrations)) == "1");
}

namespace {

// A statement that keeps the database busy for a few seconds.
std::string slow_statement(const std::string& driver) {
  return driver == "postgres" ? "SELECT pg_sleep(3);"
                              : "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 5000000) "
                                "SELECT count(*) FROM c;";
}

// Waits until `database` has a tracking table, i.e. a run holds the lock.
void wait_for_tracking_table(gander::test::TestDatabase& database) {
  const std::string sql = database.driver() == "postgres"
                              ? "SELECT count(*) FROM pg_tables WHERE tablename = 'schema_migrations'"
                              : "SELECT count(*) FROM sqlite_master WHERE name = 'schema_migrations'";
  gander::test::wait_until([&] { return *database.scalar(sql) == "1"; }, "a run to create the tracking table");
}

// Whether some process holds the migration lock of `database` now.
bool is_lock_held(gander::test::TestDatabase& database) {
  if (database.driver() == "postgres") {
    return *database.scalar(
               "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted AND database = "
               "(SELECT oid FROM pg_database WHERE datname = current_database())") != "0";
  }
  // The SQLite store's lock is an flock on the database file itself.
  const int fd = ::open(database.dsn().c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  const bool is_free = ::flock(fd, LOCK_EX | LOCK_NB) == 0;
  ::close(fd);  // releases it again if we got it
  return !is_free;
}

void wait_until_lock_held(gander::test::TestDatabase& database) {
  gander::test::wait_until([&] { return is_lock_held(database); }, "a run to take the migration lock");
}

}  // namespace

TEST_CASE("replicas starting during a long run: up to date ones return at once and the others wait for it") {
  const std::string driver = GENERATE(as<std::string>{}, "sqlite3", "postgres");
  const gander::test::TempDir dir;
  const auto database = gander::test::make_test_database(driver, dir.path());
  const std::string first = "-- +goose Up\nCREATE TABLE a (id INTEGER);\n";
  dir.write("released/00001_a.sql", first);
  dir.write("next/00001_a.sql", first);
  dir.write("next/00002_slow.sql", "-- +goose Up\n" + slow_statement(driver) + "\n");
  const auto args = [&](const std::string& migrations, const std::string& lock_timeout) {
    return std::vector<std::string>{"--driver",       driver,       "--db",
                                    database->dsn(),  "--dir",      (dir.path() / migrations).string(),
                                    "--lock-timeout", lock_timeout, "up"};
  };
  REQUIRE(gander::test::run_gander(args("released", "5s")).exit_code == 0);

  RunningProcess deploying = gander::test::start_gander(args("next", "5s"));
  wait_until_lock_held(*database);
  // A replica of the released version has nothing to do: it must not queue
  // behind the deploy (its lock timeout is far shorter than the run).
  const ProcessResult released = gander::test::run_gander(args("released", "300ms"));
  INFO("released replica: exit " << released.exit_code << "\n" << released.out << released.err);
  CHECK(released.exit_code == 0);
  CHECK_THAT(released.out, Catch::Contains("no migrations to run") && Catch::Contains("now at version 1"));
  CHECK_THAT(released.err, !Catch::Contains("waiting"));
  // A replica of the new version sees 00002 pending: it waits, says on
  // whom, and then finds the work done.
  const ProcessResult next = gander::test::run_gander(args("next", "1m"));
  INFO("new replica: exit " << next.exit_code << "\n" << next.out << next.err);
  CHECK(next.exit_code == 0);
  CHECK_THAT(next.err, Catch::Contains("waiting for the migration lock, held by"));
  if (driver == "postgres")
    CHECK_THAT(next.err, Catch::Contains("server pid ") && Catch::Contains(" (gander) from 127.0.0.1:"));
  CHECK_THAT(next.out, Catch::Contains("no migrations to run") && Catch::Contains("now at version 2"));
  CHECK_THAT(next.out, !Catch::Contains("OK "));

  const ProcessResult deployed = deploying.wait();
  INFO("deploying replica: " << deployed.out << deployed.err);
  CHECK(deployed.exit_code == 0);
  CHECK_THAT(deployed.out, Catch::Contains("OK    00002_slow.sql"));
  CHECK(*database->scalar("SELECT count(*) FROM schema_migrations") == "2");
}

TEST_CASE("a run that cannot get the lock in time says who holds it and exits 4") {
  const std::string driver = GENERATE(as<std::string>{}, "sqlite3", "postgres");
  const gander::test::TempDir dir;
  const auto database = gander::test::make_test_database(driver, dir.path());
  dir.write("migrations/00001_slow.sql", "-- +goose Up\n" + slow_statement(driver) + "\n");
  const std::vector<std::string> base = {"--driver",      driver,  "--db",
                                         database->dsn(), "--dir", (dir.path() / "migrations").string()};
  std::vector<std::string> slow_args = base;
  slow_args.push_back("up");
  RunningProcess slow = gander::test::start_gander(slow_args);
  wait_for_tracking_table(*database);

  std::vector<std::string> waiting_args = base;
  waiting_args.insert(waiting_args.end(), {"--lock-timeout", "300ms", "up"});
  const ProcessResult waiting = gander::test::run_gander(waiting_args);
  INFO(waiting.out << waiting.err);
  CHECK(waiting.exit_code == 4);
  CHECK_THAT(waiting.err, Catch::Contains("waiting for the migration lock, held by"));
  CHECK_THAT(waiting.err, Catch::Contains("timed out after"));
  if (driver == "postgres")
    CHECK_THAT(waiting.err, Catch::Contains("held by server pid ") && Catch::Contains("(gander)"));

  const ProcessResult finished = slow.wait();
  INFO(finished.out << finished.err);
  CHECK(finished.exit_code == 0);
  CHECK(*database->scalar("SELECT count(*) FROM schema_migrations") == "1");
}

TEST_CASE("SIGINT during a migration rolls it back releases the lock and exits non-zero") {
  const std::string driver = GENERATE(as<std::string>{}, "sqlite3", "postgres");
  const gander::test::TempDir dir;
  const auto database = gander::test::make_test_database(driver, dir.path());
  dir.write("migrations/00001_slow.sql",
            "-- +goose Up\nCREATE TABLE started (id INTEGER);\n" + slow_statement(driver) + "\n");
  const std::vector<std::string> args = {
      "--driver", driver, "--db", database->dsn(), "--dir", (dir.path() / "migrations").string(), "up"};
  RunningProcess running = gander::test::start_gander(args);
  wait_for_tracking_table(*database);
  ::usleep(500 * 1000);  // into the slow statement
  ::kill(running.pid(), SIGINT);
  const ProcessResult interrupted = running.wait();
  INFO(interrupted.out << interrupted.err);
  CHECK(interrupted.exit_code == 1);
  CHECK_THAT(interrupted.err, Catch::Contains("00001_slow.sql:3: statement 2") && Catch::Contains("interrupted"));
  CHECK(*database->scalar("SELECT count(*) FROM schema_migrations") == "0");

  const ProcessResult status = gander::test::run_gander(
      {"--driver", driver, "--db", database->dsn(), "--dir", (dir.path() / "migrations").string(), "status"});
  CHECK(status.exit_code == 0);
  CHECK_THAT(status.out, Catch::Contains("pending"));
}

TEST_CASE("SIGTERM during a migration rolls it back releases the lock at once and says what was interrupted") {
  const std::string driver = GENERATE(as<std::string>{}, "sqlite3", "postgres");
  const gander::test::TempDir dir;
  const auto database = gander::test::make_test_database(driver, dir.path());
  dir.write("slow/00001_slow.sql",
            "-- +goose Up\nCREATE TABLE started (id INTEGER);\n" + slow_statement(driver) + "\n");
  dir.write("quick/00001_quick.sql", "-- +goose Up\nCREATE TABLE quick (id INTEGER);\n");
  const auto args = [&](const std::string& migrations) {
    return std::vector<std::string>{"--driver",       driver,  "--db",
                                    database->dsn(),  "--dir", (dir.path() / migrations).string(),
                                    "--lock-timeout", "300ms", "up"};
  };
  RunningProcess running = gander::test::start_gander(args("slow"));
  wait_until_lock_held(*database);
  ::usleep(500 * 1000);  // into the slow statement
  ::kill(running.pid(), SIGTERM);
  const ProcessResult terminated = running.wait();
  INFO(terminated.out << terminated.err);
  CHECK(terminated.exit_code == 1);
  CHECK_THAT(terminated.err, Catch::Contains("00001_slow.sql:3: statement 2") && Catch::Contains("interrupted") &&
                                 Catch::Contains("rolled back"));
  CHECK(*database->scalar("SELECT count(*) FROM schema_migrations") == "0");
  CHECK_FALSE(is_lock_held(*database));

  // The lock is free: a run whose timeout is far shorter than the slow
  // statement gets it without waiting.
  const ProcessResult next = gander::test::run_gander(args("quick"));
  INFO(next.out << next.err);
  CHECK(next.exit_code == 0);
  CHECK_THAT(next.err, !Catch::Contains("waiting"));
  CHECK(*database->scalar("SELECT count(*) FROM schema_migrations") == "1");
}

// docs/operations.md, "Locking" "One table, one lock": two spellings of one table are one lock.
TEST_CASE("replicas that spell the tracking table differently still take one lock") {
  const gander::test::TempDir dir;
  const auto database = gander::test::make_postgres_database();
  write_table_migrations(dir);
  std::vector<RunningProcess> running;
  for (int process = 0; process < 2 * k_processes; ++process) {
    const std::string table = process % 2 == 0 ? "schema_migrations" : "public.schema_migrations";
    running.push_back(gander::test::start_gander({"--driver", "postgres", "--db", database->dsn(), "--table", table,
                                                  "--dir", (dir.path() / "migrations").string(), "up"}));
  }
  for (RunningProcess& gander : running) {
    const ProcessResult result = gander.wait();
    INFO("exit " << result.exit_code << "\n" << result.out << result.err);
    CHECK(result.exit_code == 0);
  }
  CHECK(*database->scalar("SELECT count(*) FROM schema_migrations") == std::to_string(k_migrations));
  CHECK(*database->scalar("SELECT count(*) FROM t" + std::to_string(k_migrations)) == "1");
}

// docs/operations.md, "Locking": "A table lock left by a killed run does not block every later run."
TEST_CASE("a table lock whose server session is gone is taken over, and one whose session lives is waited for") {
  const gander::test::TempDir dir;
  const auto database = gander::test::make_postgres_database();
  dir.write("migrations/00001_a.sql", "-- +goose Up\nCREATE TABLE a (id INTEGER);\n");
  // --lock-timeout is a safety net: a gone session's lock is taken within a poll or two.
  const auto up = [&] {
    return gander::test::run_gander({"--driver", "postgres", "--db", database->dsn(), "--lock", "table",
                                     "--lock-timeout", "10s", "--dir", (dir.path() / "migrations").string(), "up"});
  };
  REQUIRE(up().exit_code == 0);  // creates schema_migrations_lock
  dir.write("migrations/00002_b.sql", "-- +goose Up\nCREATE TABLE b (id INTEGER);\n");
  const auto leave_row_of = [&](const std::string& pid, const std::string& started) {
    database->exec(
        "INSERT INTO schema_migrations_lock (id, holder, server_pid, server_started) VALUES "
        "(1, 'pid 4242 on a-host (token killed)', " +
        pid + ", '" + started + "')");
  };

  SECTION("the session is gone") {
    // Each query of the test database is a session of its own, over when it returns.
    const gander::test::Row gone =
        database->query("SELECT pid, backend_start FROM pg_stat_activity WHERE pid = pg_backend_pid()").at(0);
    leave_row_of(*gone[0], *gone[1]);
    const ProcessResult result = up();
    INFO("exit " << result.exit_code << "\n" << result.out << result.err);
    CHECK(result.exit_code == 0);
    CHECK_THAT(result.err, Catch::Contains("took over the migration lock left by pid 4242 on a-host (token killed): "
                                           "its server session no longer exists"));
    CHECK(*database->scalar("SELECT count(*) FROM schema_migrations") == "2");
  }
  SECTION("the session lives") {
    pqxx::connection holder(database->dsn());
    pqxx::nontransaction session(holder);
    const pqxx::row alive =
        session.exec("SELECT pid, backend_start FROM pg_stat_activity WHERE pid = pg_backend_pid()").at(0);
    leave_row_of(alive[0].c_str(), alive[1].c_str());
    const ProcessResult result = up();
    INFO("exit " << result.exit_code << "\n" << result.out << result.err);
    CHECK(result.exit_code == 4);
    CHECK_THAT(result.err, Catch::Contains("its server session is still there"));
    CHECK(*database->scalar("SELECT count(*) FROM schema_migrations") == "1");
  }
}

// Issue 13 item 10: a health check during a long NO TRANSACTION migration.
// The migration runs until the test ends it, so no timing decides the outcome.
TEST_CASE("a NO TRANSACTION migration another run is applying now is running, not partial, for status and verify") {
  const std::string driver = GENERATE(as<std::string>{}, "sqlite3", "postgres");
  const gander::test::TempDir dir;
  const auto database = gander::test::make_test_database(driver, dir.path());
  const std::string endless = driver == "postgres" ? "SELECT pg_sleep(3600);"
                                                   : "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c "
                                                     "WHERE x < 9000000000000) SELECT count(*) FROM c;";
  dir.write("migrations/00001_slow.sql",
            "-- +goose NO TRANSACTION\n-- +goose Up\nCREATE TABLE a (id INTEGER);\n" + endless + "\n");
  const std::vector<std::string> base = {"--driver",      driver,  "--db",
                                         database->dsn(), "--dir", (dir.path() / "migrations").string()};
  const auto with = [&](std::vector<std::string> command) {
    std::vector<std::string> args = base;
    args.insert(args.end(), command.begin(), command.end());
    return args;
  };
  RunningProcess up = gander::test::start_gander(with({"up"}));
  wait_for_tracking_table(*database);
  gander::test::wait_until(
      [&] { return *database->scalar("SELECT count(*) FROM schema_migrations WHERE state = 'partial'") == "1"; },
      "the run to record its migration as partial");

  const ProcessResult status = gander::test::run_gander(with({"status", "--json"}));
  const ProcessResult verify = gander::test::run_gander(with({"verify"}));
  ::kill(up.pid(), SIGTERM);
  const ProcessResult stopped = up.wait();
  INFO("status exit " << status.exit_code << "\n" << status.out << status.err);
  CHECK(status.exit_code == 0);
  CHECK_THAT(status.out, Catch::Contains(R"("state": "running")") && Catch::Contains(R"("running": 1)"));
  INFO("verify exit " << verify.exit_code << "\n" << verify.out << verify.err);
  CHECK(verify.exit_code == 0);
  INFO("up exit " << stopped.exit_code << "\n" << stopped.err);
  CHECK(stopped.exit_code != 0);

  // The run is gone and its migration stayed partial: a real PARTIAL now.
  const ProcessResult stale = gander::test::run_gander(with({"status"}));
  CHECK(stale.exit_code == 3);
  CHECK_THAT(stale.out, Catch::Contains("PARTIAL"));
}
