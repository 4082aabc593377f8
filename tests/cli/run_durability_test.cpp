// A run of many transactional migrations commits less often than once per
// migration (PostgreSQL: commits that do not wait for the disk, then one
// wait; SQLite: one transaction, a savepoint per migration). These tests
// hold it to what one commit per migration gave: a failure, a NO
// TRANSACTION file, a signal or a server crash in the middle of a run leaves
// whole migrations, the ones gander reported applied and no others.

#include <chrono>
#include <csignal>
#include <string>
#include <thread>
#include <vector>

#include <sqlite3.h>
#include <pqxx/pqxx>

#include <catch2/catch.hpp>

#include "private_postgres.hpp"
#include "run_process.hpp"
#include "temp_dir.hpp"
#include "test_database.hpp"
#include "wait_until.hpp"

namespace {

using gander::test::ProcessResult;
using gander::test::RunningProcess;
using gander::test::TempDir;
using gander::test::TestDatabase;

std::string numbered(int index) {
  const std::string number = std::to_string(index);
  return std::string(5 - std::min<std::size_t>(number.size(), 5), '0') + number;
}

std::string file_of(int index) { return numbered(index) + "_t" + std::to_string(index) + ".sql"; }

// W1's migration: a table and a row in it.
std::string table_migration(int index) {
  const std::string table = "t" + std::to_string(index);
  return "-- +goose Up\nCREATE TABLE " + table + " (id INTEGER, v TEXT);\nINSERT INTO " + table +
         " (id, v) VALUES (1, 'x');\n-- +goose Down\nDROP TABLE " + table + ";\n";
}

void write_table_migrations(const TempDir& dir, int from, int to) {
  for (int index = from; index <= to; ++index) dir.write("migrations/" + file_of(index), table_migration(index));
}

std::vector<std::string> gander_args(const TestDatabase& database, const TempDir& dir,
                                     std::vector<std::string> command) {
  std::vector<std::string> args = {"--driver",     database.driver(), "--db",
                                   database.dsn(), "--dir",           (dir.path() / "migrations").string()};
  args.insert(args.end(), command.begin(), command.end());
  return args;
}

// The t<N> tables, counted in the same statement (one snapshot) as the
// tracking rows; {-1, -1} before gander has created its table.
std::pair<int, int> tables_and_rows(TestDatabase& database) {
  const bool is_postgres = database.driver() == "postgres";
  const std::string has_table =
      is_postgres ? "SELECT count(*) FROM pg_tables WHERE tablename = 'schema_migrations'"
                  : "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'";
  if (*database.scalar(has_table) == "0") return {-1, -1};
  const std::string tables = is_postgres
                                 ? "SELECT count(*) FROM pg_tables WHERE tablename ~ '^t[0-9]+$'"
                                 : "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name GLOB 't[0-9]*'";
  const auto rows =
      database.query("SELECT (" + tables + "), (SELECT count(*) FROM schema_migrations WHERE state = 'applied')");
  return {std::stoi(*rows.at(0).at(0)), std::stoi(*rows.at(0).at(1))};
}

std::size_t count_of(const std::string& text, const std::string& part) {
  std::size_t count = 0;
  for (std::size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++count;
  return count;
}

// The filenames in the tracking table, in order, joined by ','.
std::string recorded(TestDatabase& database) {
  std::string names;
  for (const auto& row : database.query("SELECT filename FROM schema_migrations ORDER BY filename")) {
    names += (names.empty() ? "" : ",") + *row[0];
  }
  return names;
}

std::string recorded_range(int from, int to) {
  std::string names;
  for (int index = from; index <= to; ++index) names += (names.empty() ? "" : ",") + file_of(index);
  return names;
}

std::string postgres_value(const std::string& dsn, const std::string& sql) {
  pqxx::connection connection(dsn);
  pqxx::nontransaction work(connection);
  const pqxx::result result = work.exec(sql);
  return result.at(0).at(0).is_null() ? "" : result.at(0).at(0).c_str();
}

}  // namespace

TEST_CASE("a migration failing in the middle of a run leaves the ones before it applied and none after it") {
  const std::string driver = GENERATE(as<std::string>{}, "sqlite3", "postgres");
  const TempDir dir;
  const auto database = gander::test::make_test_database(driver, dir.path());
  write_table_migrations(dir, 1, 20);
  dir.write("migrations/" + file_of(21),
            "-- +goose Up\nCREATE TABLE t21 (id INTEGER);\nINSERT INTO missing VALUES (1);\n");
  write_table_migrations(dir, 22, 30);

  const ProcessResult failed = gander::test::run_gander(gander_args(*database, dir, {"up"}));
  INFO(failed.out << failed.err);
  CHECK(failed.exit_code == 1);
  CHECK_THAT(failed.err, Catch::Contains(file_of(21) + ":3: statement 2: `INSERT INTO missing VALUES (1);`") &&
                             Catch::Contains("it was rolled back and not recorded"));
  // Reported applied: exactly the committed ones.
  CHECK(count_of(failed.out, "OK    ") == 20);
  CHECK_THAT(failed.out, Catch::Contains("OK    " + file_of(20)) && !Catch::Contains(file_of(21)));
  CHECK(recorded(*database) == recorded_range(1, 20));
  CHECK(tables_and_rows(*database) == std::make_pair(20, 20));
  CHECK(*database->scalar("SELECT count(*) FROM t20") == "1");

  // Rolling back fails in the middle the same way: the newer ones are gone, the rest stay.
  dir.write("migrations/" + file_of(21), table_migration(21));
  REQUIRE(gander::test::run_gander(gander_args(*database, dir, {"up"})).exit_code == 0);
  database->exec("DROP TABLE t10");
  const ProcessResult rolled_back = gander::test::run_gander(gander_args(*database, dir, {"reset"}));
  INFO(rolled_back.out << rolled_back.err);
  CHECK(rolled_back.exit_code == 1);
  CHECK_THAT(rolled_back.err,
             Catch::Contains(file_of(10)) && Catch::Contains("its rollback was undone; it stays applied"));
  CHECK(count_of(rolled_back.out, "DOWN  ") == 20);
  CHECK(recorded(*database) == recorded_range(1, 10));
  CHECK(tables_and_rows(*database) == std::make_pair(9, 10));
}

TEST_CASE("a NO TRANSACTION migration in the middle of a run runs after the ones before it are committed") {
  const std::string driver = GENERATE(as<std::string>{}, "sqlite3", "postgres");
  const TempDir dir;
  const auto database = gander::test::make_test_database(driver, dir.path());
  write_table_migrations(dir, 1, 5);
  // Each fails inside a transaction: SQLite's VACUUM and PostgreSQL's
  // CREATE INDEX CONCURRENTLY refuse one. On PostgreSQL the division fails
  // when the session still has gander's synchronous_commit=off, which would
  // leave its autocommitted statements waiting for nothing.
  const std::string outside_only =
      driver == "postgres"
          ? "CREATE INDEX CONCURRENTLY t5_id ON t5 (id);\nSELECT 1 / (current_setting('synchronous_commit') = 'on')::int;\n"
          : "VACUUM;\n";
  dir.write("migrations/" + file_of(6), "-- +goose NO TRANSACTION\n-- +goose Up\n" + outside_only);
  write_table_migrations(dir, 7, 12);

  const ProcessResult result = gander::test::run_gander(gander_args(*database, dir, {"up"}));
  INFO(result.out << result.err);
  CHECK(result.exit_code == 0);
  CHECK(count_of(result.out, "OK    ") == 12);
  CHECK(tables_and_rows(*database) == std::make_pair(11, 12));
  CHECK(*database->scalar("SELECT count(*) FROM schema_migrations WHERE state = 'applied'") == "12");
  if (driver == "postgres") {
    CHECK(*database->scalar("SELECT count(*) FROM pg_indexes WHERE indexname = 't5_id'") == "1");
  }
}

TEST_CASE("another session sees only whole migrations while a long run is in progress") {
  const std::string driver = GENERATE(as<std::string>{}, "sqlite3", "postgres");
  const TempDir dir;
  const auto database = gander::test::make_test_database(driver, dir.path());
  constexpr int k_count = 200;
  // Some rows each, so that the run lasts a while and SQLite commits
  // several times in it.
  for (int index = 1; index < k_count; ++index) {
    const std::string table = "t" + std::to_string(index);
    dir.write("migrations/" + file_of(index),
              "-- +goose Up\nCREATE TABLE " + table + " (id INTEGER, v TEXT);\nINSERT INTO " + table +
                  " (id, v) WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 20000) "
                  "SELECT x, 'y' FROM c;\n");
  }
  // The last one runs until the test stops the run: every migration before
  // it is committed by then, so the test sees the run in between for sure.
  const std::string endless = driver == "postgres" ? "SELECT pg_sleep(3600);"
                                                   : "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c "
                                                     "WHERE x < 9000000000000) SELECT count(*) FROM c;";
  dir.write("migrations/" + numbered(k_count) + "_endless.sql",
            "-- +goose NO TRANSACTION\n-- +goose Up\n" + endless + "\n");

  RunningProcess running = gander::test::start_gander(gander_args(*database, dir, {"up"}));
  const auto is_stalled = [&] {
    return tables_and_rows(*database).first >= 0 &&
           *database->scalar("SELECT count(*) FROM schema_migrations WHERE state = 'partial'") == "1";
  };
  int observations = 0;
  for (bool stalled = false; !stalled;) {
    stalled = is_stalled();
    const std::pair<int, int> seen = tables_and_rows(*database);
    INFO("tables " << seen.first << ", tracking rows " << seen.second);
    CHECK(seen.first == seen.second);
    ++observations;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  CHECK(tables_and_rows(*database) == std::make_pair(k_count - 1, k_count - 1));
  ::kill(running.pid(), SIGTERM);
  const ProcessResult result = running.wait();
  INFO(result.out << result.err << observations << " observations");
  CHECK(result.exit_code == 1);
  CHECK_THAT(result.err, Catch::Contains("interrupted"));
  CHECK_THAT(result.out, Catch::Contains("OK    " + file_of(k_count - 1)));
}

TEST_CASE("PostgreSQL: a type value added by one migration is usable by a later one in the same run") {
  const TempDir dir;
  const auto database = gander::test::make_test_database("postgres", dir.path());
  write_table_migrations(dir, 1, 3);
  dir.write("migrations/" + file_of(4), "-- +goose Up\nCREATE TYPE mood AS ENUM ('sad');\n");
  // Refused in the transaction that added the value ("unsafe use of new value").
  dir.write("migrations/" + file_of(5), "-- +goose Up\nALTER TYPE mood ADD VALUE 'happy';\n");
  dir.write("migrations/" + file_of(6),
            "-- +goose Up\nCREATE TABLE moods (m mood);\nINSERT INTO moods VALUES ('happy');\n");
  write_table_migrations(dir, 7, 9);

  const ProcessResult result = gander::test::run_gander(gander_args(*database, dir, {"up"}));
  INFO(result.out << result.err);
  CHECK(result.exit_code == 0);
  CHECK(*database->scalar("SELECT count(*) FROM schema_migrations") == "9");
  CHECK(*database->scalar("SELECT m::text FROM moods") == "happy");
}

TEST_CASE("SQLite: a deferred foreign key that fails at COMMIT fails its own migration, as alone") {
  const TempDir dir;
  const auto database = gander::test::make_sqlite_database(dir.path());
  write_table_migrations(dir, 1, 3);
  dir.write("migrations/" + file_of(4),
            "-- +goose Up\nCREATE TABLE parent (id INTEGER PRIMARY KEY);\n"
            "CREATE TABLE child (parent_id INTEGER REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED);\n");
  // Alone, its COMMIT refuses it; sharing a transaction with 00006 it would pass.
  dir.write("migrations/" + file_of(5), "-- +goose Up\nINSERT INTO child VALUES (7);\n");
  dir.write("migrations/" + file_of(6), "-- +goose Up\nINSERT INTO parent VALUES (7);\n");
  write_table_migrations(dir, 7, 9);
  std::vector<std::string> args = gander_args(*database, dir, {"up"});
  args[3] = database->dsn() + "?_foreign_keys=on";

  const ProcessResult failed = gander::test::run_gander(args);
  INFO(failed.out << failed.err);
  CHECK(failed.exit_code == 1);
  CHECK_THAT(failed.err, Catch::Contains(file_of(5)) && Catch::Contains("FOREIGN KEY constraint failed"));
  CHECK(count_of(failed.out, "OK    ") == 4);
  CHECK(recorded(*database) == recorded_range(1, 4));
  CHECK(*database->scalar("SELECT count(*) FROM child") == "0");
  CHECK(*database->scalar("SELECT count(*) FROM parent") == "0");
  CHECK(tables_and_rows(*database).first == 3);
}

TEST_CASE("SIGINT or SIGTERM in the middle of a run keeps the migrations reported applied and no others") {
  const std::string driver = GENERATE(as<std::string>{}, "sqlite3", "postgres");
  const int signal = GENERATE(SIGINT, SIGTERM);
  const TempDir dir;
  const auto database = gander::test::make_test_database(driver, dir.path());
  write_table_migrations(dir, 1, 30);
  const std::string slow = driver == "postgres" ? "SELECT pg_sleep(5);"
                                                : "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c "
                                                  "WHERE x < 50000000) SELECT count(*) FROM c;";
  dir.write("migrations/" + file_of(31), "-- +goose Up\nCREATE TABLE t31 (id INTEGER);\n" + slow + "\n");
  write_table_migrations(dir, 32, 40);

  RunningProcess running = gander::test::start_gander(gander_args(*database, dir, {"-v", "up"}));
  gander::test::wait_until([&] { return running.err_so_far().find("applying " + file_of(31)) != std::string::npos; },
                           "gander to start the slow migration");
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  ::kill(running.pid(), signal);
  const ProcessResult stopped = running.wait();
  INFO(stopped.out << stopped.err);
  CHECK(stopped.exit_code == 1);
  CHECK_THAT(stopped.err, Catch::Contains(file_of(31) + ":3: statement 2") && Catch::Contains("interrupted"));
  CHECK(count_of(stopped.out, "OK    ") == 30);
  CHECK(recorded(*database) == recorded_range(1, 30));
  CHECK(tables_and_rows(*database) == std::make_pair(30, 30));
}

TEST_CASE("SQLite: a write interrupted in a shared transaction says which migrations went with it") {
  const int signal = GENERATE(SIGINT, SIGTERM);
  const TempDir dir;
  const auto database = gander::test::make_sqlite_database(dir.path());
  write_table_migrations(dir, 1, 30);
  // An interrupted write makes SQLite roll back the whole transaction.
  dir.write("migrations/" + file_of(31),
            "-- +goose Up\nCREATE TABLE t31 (id INTEGER);\nINSERT INTO t31 WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL "
            "SELECT x + 1 FROM c WHERE x < 50000000) SELECT x FROM c;\n");
  RunningProcess running = gander::test::start_gander(gander_args(*database, dir, {"-v", "up"}));
  gander::test::wait_until([&] { return running.err_so_far().find("applying " + file_of(31)) != std::string::npos; },
                           "gander to start the slow migration");
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  ::kill(running.pid(), signal);
  const ProcessResult stopped = running.wait();
  INFO(stopped.out << stopped.err);
  CHECK(stopped.exit_code == 1);
  CHECK_THAT(stopped.err, Catch::Contains(file_of(31) + ":3: statement 2") && Catch::Contains("interrupted"));
  // Those committed before (a shared transaction commits after a second)
  // were printed; the others were not and are named in the error.
  const int applied = static_cast<int>(count_of(stopped.out, "OK    "));
  CHECK(recorded(*database) == recorded_range(1, applied));
  CHECK(tables_and_rows(*database) == std::make_pair(applied, applied));
  if (applied < 30) {
    CHECK_THAT(stopped.err, Catch::Contains("the database ended its transaction, and the migrations before it in that "
                                            "transaction (" +
                                            std::to_string(30 - applied) + ", from " + file_of(applied + 1) +
                                            ") are not applied either"));
  }
}

TEST_CASE("SQLite: a shared COMMIT kept waiting past --lock-timeout names its migrations, none applied, exit 4") {
  const TempDir dir;
  const auto database = gander::test::make_sqlite_database(dir.path());
  write_table_migrations(dir, 1, 1);
  REQUIRE(gander::test::run_gander(gander_args(*database, dir, {"up"})).exit_code == 0);
  write_table_migrations(dir, 2, 4);
  sqlite3* reader = nullptr;
  REQUIRE(sqlite3_open(database->dsn().c_str(), &reader) == SQLITE_OK);
  // A read transaction holds SQLite's SHARED lock, which COMMIT must wait out.
  REQUIRE(sqlite3_exec(reader, "BEGIN; SELECT count(*) FROM t1;", nullptr, nullptr, nullptr) == SQLITE_OK);
  const ProcessResult blocked =
      gander::test::run_gander(gander_args(*database, dir, {"--lock-timeout", "500ms", "up"}));
  sqlite3_close(reader);
  INFO(blocked.out << blocked.err);
  CHECK(blocked.exit_code == 4);
  CHECK_THAT(blocked.err, Catch::EndsWith(file_of(4) + ": recording " + file_of(4) +
                                          " and the migrations before it in that transaction (2, from " + file_of(2) +
                                          ") in schema_migrations failed: the database is locked by another writer: "
                                          "its transaction did not end within 0.5s (--lock-timeout)\n"));
  CHECK(count_of(blocked.out, "OK    ") == 0);
  CHECK(recorded(*database) == file_of(1));
  CHECK(tables_and_rows(*database) == std::make_pair(1, 1));
}

TEST_CASE("PostgreSQL: a server crash right after a run keeps every migration the run reported applied") {
  // The WAL writer would flush commits that did not wait within 200 ms;
  // at 10 s it leaves that to gander, as a busy server might.
  gander::test::PrivatePostgres server({"wal_writer_delay=10s"});
  const bool fails_at_the_end = GENERATE(false, true);
  const TempDir dir;
  write_table_migrations(dir, 1, 17);
  // The newest commits write too little WAL to fill a page, which would wake
  // the WAL writer: only gander's wait puts them on disk.
  for (int index = 18; index <= 20; ++index) {
    dir.write("migrations/" + file_of(index),
              "-- +goose Up\nINSERT INTO t1 (id, v) VALUES (" + std::to_string(index) + ", 'tail');\n");
  }
  if (fails_at_the_end) dir.write("migrations/" + file_of(21), "-- +goose Up\nSELECT 1 / 0;\n");
  const std::vector<std::string> args = {
      "--driver", "postgres", "--db", server.dsn(), "--dir", (dir.path() / "migrations").string(), "up"};
  const ProcessResult result = gander::test::run_gander(args);
  INFO(result.out << result.err);
  CHECK(result.exit_code == (fails_at_the_end ? 1 : 0));
  CHECK(count_of(result.out, "OK    ") == 20);
  // Read without writing WAL: everything the run logged is flushed.
  CHECK(postgres_value(server.dsn(), "SELECT pg_current_wal_flush_lsn() >= pg_current_wal_insert_lsn()") == "t");

  server.stop_immediately();
  server.start();
  CHECK(postgres_value(server.dsn(), "SELECT count(*) FROM schema_migrations") == "20");
  CHECK(postgres_value(server.dsn(), "SELECT count(*) FROM pg_tables WHERE tablename ~ '^t[0-9]+$'") == "17");
  CHECK(postgres_value(server.dsn(), "SELECT count(*) FROM t1") == "4");
}

// docs/operations.md: `OK` means durable. A server crash in the middle of a run can
// take back migrations whose commits did not wait for the disk, but never
// one that was reported applied.
TEST_CASE("PostgreSQL: a server crash in the middle of a run takes back no migration reported applied") {
  gander::test::PrivatePostgres server({"wal_writer_delay=10s"});
  const TempDir dir;
  constexpr int k_migrations = 30;
  for (int index = 1; index <= k_migrations; ++index) {
    // Slow enough that the run spans several groups of commits; the 30th
    // never ends, so the crash lands in the middle of the run however busy
    // the machine is.
    const std::string sleep = index == 30 ? "3600" : "0.1";
    dir.write("migrations/" + file_of(index), "-- +goose Up\nCREATE TABLE t" + std::to_string(index) +
                                                  " (id INTEGER);\nSELECT pg_sleep(" + sleep + ");\n");
  }
  gander::test::RunningProcess run = gander::test::start_gander(
      {"--driver", "postgres", "--db", server.dsn(), "--dir", (dir.path() / "migrations").string(), "up"});
  gander::test::wait_until(
      [&] {
        const std::string applied =
            postgres_value(server.dsn(), "SELECT count(*) FROM pg_tables WHERE tablename = 'schema_migrations'") == "1"
                ? postgres_value(server.dsn(), "SELECT count(*) FROM schema_migrations")
                : "0";
        return std::stoi(applied) >= 25;
      },
      "the run to commit 25 migrations");
  server.stop_immediately();
  const ProcessResult result = run.wait();
  INFO(result.out << result.err);
  CHECK(result.exit_code != 0);
  server.start();
  const std::size_t reported = count_of(result.out, "OK    ");
  const std::size_t kept = std::stoul(postgres_value(server.dsn(), "SELECT count(*) FROM schema_migrations"));
  CHECK(reported > 0);
  CHECK(kept >= reported);
}
