// gander behind PgBouncer (issue 13 item 1, docs/operations.md, "Locking" "Poolers"): in
// transaction pooling the session advisory lock is refused before anything
// runs, --lock=table applies each migration exactly once, and no setting of
// gander's is left on a pooled server connection; directly and in session
// pooling the advisory lock still works. tools/test starts the PgBouncers.

#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <pqxx/pqxx>

#include "run_process.hpp"
#include "shared_data.hpp"
#include "temp_dir.hpp"
#include "test_database.hpp"
#include "wait_until.hpp"

namespace {

using gander::test::ProcessResult;
using gander::test::RunningProcess;

constexpr int k_replicas = 8;
constexpr int k_rounds = 5;
constexpr int k_migrations = 4;
// The transaction pooler's default_pool_size, as tools/test starts it.
constexpr int k_pool_size = 20;

// The DSN of `database` through the PgBouncer whose port tools/test exports
// as `port_variable`. Without it, the test fails under CI=true and is
// skipped elsewhere, as a missing PostgreSQL is.
std::string through_pgbouncer(const gander::test::TestDatabase& database, const char* port_variable) {
  const char* port = std::getenv(port_variable);
  if (port == nullptr || *port == '\0') {
    const std::string message =
        std::string("no PgBouncer (") + port_variable + " is not set; ./tools/test starts one); this test did not run";
    const char* ci = std::getenv("CI");
    if (ci != nullptr && std::string(ci) == "true") FAIL(message);
    std::cerr << "\n*** SKIPPED: " << message << " ***\n\n";
    std::exit(gander::test::k_skip_exit_code);
  }
  return database.dsn() + " host=127.0.0.1 port=" + port;
}

// A transactional, a data, a NO TRANSACTION and another data migration;
// each one that runs logs itself in `applied`, so a migration applied twice
// shows as two rows.
void write_mixed_migrations(const gander::test::TempDir& dir) {
  dir.write("migrations/00001_create.sql",
            "-- +goose Up\nCREATE TABLE applied (migration TEXT NOT NULL);\nCREATE TABLE items (id INTEGER);\n"
            "INSERT INTO applied VALUES ('00001');\n");
  dir.write("migrations/00002_data.sql",
            "-- +goose Up\nINSERT INTO items VALUES (1), (2);\nINSERT INTO applied VALUES ('00002');\n");
  dir.write("migrations/00003_index.sql",
            "-- +goose NO TRANSACTION\n-- +goose Up\nCREATE INDEX CONCURRENTLY items_id ON items (id);\n"
            "INSERT INTO applied VALUES ('00003');\n");
  dir.write("migrations/00004_data.sql",
            "-- +goose Up\nINSERT INTO items VALUES (3);\nINSERT INTO applied VALUES ('00004');\n");
}

std::vector<std::string> up_args(const std::string& dsn, const gander::test::TempDir& dir,
                                 const std::vector<std::string>& options) {
  std::vector<std::string> args = {"--driver", "postgres", "--db", dsn, "--dir", (dir.path() / "migrations").string()};
  args.insert(args.end(), options.begin(), options.end());
  args.push_back("up");
  return args;
}

std::string advisory_locks_held(gander::test::TestDatabase& database) {
  return *database.scalar(
      "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND database = "
      "(SELECT oid FROM pg_database WHERE datname = current_database())");
}

// k_replicas runs of `gander up --lock=table` through the transaction pooler
// at the same instant: all succeed, each migration once, no lock row left.
void check_replicas_apply_each_migration_once(gander::test::TestDatabase& database, const gander::test::TempDir& dir) {
  const std::string dsn = through_pgbouncer(database, "GANDER_TEST_PGBOUNCER_PORT");
  const std::vector<std::vector<std::string>> args(k_replicas, up_args(dsn, dir, {"--lock", "table"}));
  for (RunningProcess& replica : gander::test::start_together(std::getenv("GANDER"), args)) {
    const ProcessResult result = replica.wait();
    INFO("exit " << result.exit_code << "\n" << result.out << result.err);
    CHECK(result.exit_code == 0);
    CHECK_THAT(result.err, !Catch::Contains("took over"));
  }
  CHECK(*database.scalar("SELECT count(*) FROM applied") == std::to_string(k_migrations));
  CHECK(*database.scalar("SELECT count(DISTINCT migration) FROM applied") == std::to_string(k_migrations));
  CHECK(*database.scalar("SELECT count(*) FROM items") == "3");
  CHECK(*database.scalar("SELECT count(*) FROM schema_migrations") == std::to_string(k_migrations));
  CHECK(*database.scalar("SELECT count(*) FROM schema_migrations_lock") == "0");
}

}  // namespace

TEST_CASE("behind a transaction pooler the advisory lock is refused, naming --lock=table, before anything runs") {
  const gander::test::TempDir dir;
  const auto database = gander::test::make_postgres_database();
  write_mixed_migrations(dir);
  const ProcessResult result =
      gander::test::run_gander(up_args(through_pgbouncer(*database, "GANDER_TEST_PGBOUNCER_PORT"), dir, {}));
  INFO(result.out << result.err);
  CHECK(result.exit_code == 2);
  CHECK_THAT(result.err, Catch::Contains("--lock=table") && Catch::Contains("pool"));
  CHECK(*database->scalar("SELECT to_regclass('applied') IS NULL") == "t");
  CHECK(*database->scalar("SELECT to_regclass('schema_migrations') IS NULL") == "t");
  CHECK(advisory_locks_held(*database) == "0");
}

TEST_CASE("replicas starting at once behind a transaction pooler all refuse the advisory lock and leave none") {
  const gander::test::TempDir dir;
  const auto database = gander::test::make_postgres_database();
  write_mixed_migrations(dir);
  const std::string dsn = through_pgbouncer(*database, "GANDER_TEST_PGBOUNCER_PORT");
  const std::vector<std::vector<std::string>> args(k_replicas, up_args(dsn, dir, {}));
  for (RunningProcess& replica : gander::test::start_together(std::getenv("GANDER"), args)) {
    const ProcessResult result = replica.wait();
    INFO("exit " << result.exit_code << "\n" << result.out << result.err);
    CHECK(result.exit_code == 2);
    CHECK_THAT(result.err, Catch::Contains("--lock=table"));
  }
  CHECK(*database->scalar("SELECT to_regclass('applied') IS NULL") == "t");
  CHECK(advisory_locks_held(*database) == "0");
}

TEST_CASE("replicas with --lock=table behind a transaction pooler apply each migration once and all exit 0") {
  for (int round = 1; round <= k_rounds; ++round) {
    INFO("round " << round);
    const gander::test::TempDir dir;
    const auto database = gander::test::make_postgres_database();
    write_mixed_migrations(dir);
    check_replicas_apply_each_migration_once(*database, dir);
  }
}

TEST_CASE("replicas with --lock=table behind a transaction pooler adopt a 3-column table without a key once") {
  for (int round = 1; round <= k_rounds; ++round) {
    INFO("round " << round);
    const gander::test::TempDir dir;
    const auto database = gander::test::make_postgres_database();
    database->exec(
        "CREATE TABLE schema_migrations (filename TEXT NOT NULL, checksum TEXT NOT NULL, "
        "applied_at TIMESTAMP NOT NULL DEFAULT now())");
    write_mixed_migrations(dir);
    check_replicas_apply_each_migration_once(*database, dir);
  }
}

TEST_CASE("a --lock=table row taken through a pooler records no server session for a waiter to take over") {
  const gander::test::TempDir dir;
  const auto database = gander::test::make_postgres_database();
  // The run's migration waits for a table lock the test holds, so the test
  // can read the lock row while the run holds it.
  database->exec("CREATE TABLE gate (id INTEGER)");
  dir.write("migrations/00001_gated.sql", "-- +goose Up\nINSERT INTO gate VALUES (1);\n");
  pqxx::connection test_session(database->dsn());
  pqxx::work gate_lock(test_session);
  gate_lock.exec("LOCK TABLE gate IN ACCESS EXCLUSIVE MODE");

  RunningProcess run = gander::test::start_gander(
      up_args(through_pgbouncer(*database, "GANDER_TEST_PGBOUNCER_PORT"), dir, {"--lock", "table"}));
  gander::test::wait_until(
      [&] { return *database->scalar("SELECT count(*) FROM pg_tables WHERE tablename = 'schema_migrations'") == "1"; },
      "the run to take the lock and create its table");
  // The pooled server session that ran the INSERT outlives a killed run,
  // or the pooler closes it while the run goes on: neither tells whether
  // the run is alive.
  CHECK(*database->scalar("SELECT count(*) FROM schema_migrations_lock WHERE server_pid IS NULL") == "1");
  gate_lock.abort();

  const ProcessResult result = run.wait();
  INFO(result.out << result.err);
  CHECK(result.exit_code == 0);
  CHECK(*database->scalar("SELECT count(*) FROM schema_migrations_lock") == "0");
}

TEST_CASE("directly and through session pooling the advisory lock keeps a second run waiting") {
  const std::string connection = GENERATE(as<std::string>{}, "direct", "session pooling");
  INFO(connection);
  const gander::test::TempDir dir;
  const auto database = gander::test::make_postgres_database();
  const std::string dsn =
      connection == "direct" ? database->dsn() : through_pgbouncer(*database, "GANDER_TEST_PGBOUNCER_SESSION_PORT");
  // The first run's migration waits for a table lock the test holds, so
  // that the second run finds the migration lock taken for as long as the
  // test wants.
  database->exec("CREATE TABLE gate (id INTEGER)");
  dir.write("migrations/00001_gated.sql", "-- +goose Up\nINSERT INTO gate VALUES (1);\n");
  pqxx::connection test_session(database->dsn());
  pqxx::work gate_lock(test_session);
  gate_lock.exec("LOCK TABLE gate IN ACCESS EXCLUSIVE MODE");

  RunningProcess first = gander::test::start_gander(up_args(dsn, dir, {}));
  gander::test::wait_until([&] { return advisory_locks_held(*database) == "1"; }, "the first run to take the lock");
  RunningProcess second = gander::test::start_gander(up_args(dsn, dir, {}));
  gander::test::wait_until(
      [&] { return second.err_so_far().find("waiting for the migration lock") != std::string::npos; },
      "the second run to wait for the lock");
  gate_lock.abort();

  const ProcessResult first_result = first.wait();
  const ProcessResult second_result = second.wait();
  INFO("first: " << first_result.out << first_result.err << "\nsecond: " << second_result.out << second_result.err);
  CHECK(first_result.exit_code == 0);
  CHECK(second_result.exit_code == 0);
  CHECK(*database->scalar("SELECT count(*) FROM gate") == "1");
  CHECK(advisory_locks_held(*database) == "0");
}

TEST_CASE("no setting of gander's is left on any server connection of a transaction pool") {
  const gander::test::TempDir dir;
  const auto database = gander::test::make_postgres_database();
  write_mixed_migrations(dir);
  // Replicas at once, so that gander's statements spread over several
  // server connections of the pool.
  const std::string dsn = through_pgbouncer(*database, "GANDER_TEST_PGBOUNCER_PORT");
  const std::vector<std::vector<std::string>> args(
      k_replicas, up_args(dsn, dir, {"--lock", "table", "--statement-timeout", "7s", "--ddl-lock-timeout", "3s"}));
  for (RunningProcess& replica : gander::test::start_together(std::getenv("GANDER"), args)) {
    const ProcessResult result = replica.wait();
    INFO("exit " << result.exit_code << "\n" << result.out << result.err);
    REQUIRE(result.exit_code == 0);
  }
  const std::string settings =
      "SELECT current_setting('statement_timeout'), current_setting('lock_timeout'), "
      "current_setting('synchronous_commit')";
  const gander::test::Row defaults = database->query(settings).at(0);
  // As many open transactions as the pool has server connections at most:
  // each holds one of its own, so together they read every one of them.
  std::vector<std::unique_ptr<pqxx::connection>> clients;
  std::vector<std::unique_ptr<pqxx::work>> transactions;
  for (int client = 0; client < k_pool_size; ++client) {
    clients.push_back(std::make_unique<pqxx::connection>(dsn));
    transactions.push_back(std::make_unique<pqxx::work>(*clients.back()));
    const pqxx::row found = transactions.back()->exec(settings).at(0);
    INFO("server connection " << client + 1 << " of the pool");
    CHECK(found[0].c_str() == *defaults.at(0));
    CHECK(found[1].c_str() == *defaults.at(1));
    CHECK(found[2].c_str() == *defaults.at(2));
  }
}
