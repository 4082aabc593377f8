// The database misbehaving under a run: a statement that never ends, a
// SQLite writer that keeps the database locked, a PostgreSQL session killed
// mid-migration, a server that accepts connections and never answers. Each
// ends with a clear error and its exit code, nothing half-recorded, and a
// next run that carries on.

#include <chrono>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sqlite3.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <pqxx/pqxx>

#include <gander/driver.hpp>

#include "private_postgres.hpp"
#include "run_process.hpp"
#include "temp_dir.hpp"
#include "test_database.hpp"
#include "wait_until.hpp"

namespace {

using gander::test::ProcessResult;
using gander::test::RunningProcess;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

// A statement that runs far longer than any timeout the tests set.
std::string endless_statement(const std::string& driver) {
  return driver == "postgres" ? "SELECT pg_sleep(30);"
                              : "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 500000000) "
                                "SELECT count(*) FROM c;";
}

std::vector<std::string> gander_args(const gander::test::TestDatabase& database, const gander::test::TempDir& dir,
                                     std::vector<std::string> more) {
  std::vector<std::string> args = {"--driver",     database.driver(), "--db",
                                   database.dsn(), "--dir",           (dir.path() / "migrations").string()};
  args.insert(args.end(), more.begin(), more.end());
  return args;
}

std::string table_count_sql(const gander::test::TestDatabase& database, const std::string& table) {
  return database.driver() == "postgres" ? "SELECT count(*) FROM pg_tables WHERE tablename = '" + table + "'"
                                         : "SELECT count(*) FROM sqlite_master WHERE name = '" + table + "'";
}

// A connection of the test's own that holds a write transaction on a SQLite
// database, as another application's would, until commit() or destruction.
class SqliteWriter {
 public:
  explicit SqliteWriter(const std::string& path) {
    REQUIRE(sqlite3_open(path.c_str(), &m_db) == SQLITE_OK);
    exec("CREATE TABLE IF NOT EXISTS other (id INTEGER)");
    exec("BEGIN IMMEDIATE");
    exec("INSERT INTO other VALUES (1)");
  }
  ~SqliteWriter() { sqlite3_close(m_db); }
  SqliteWriter(const SqliteWriter&) = delete;
  SqliteWriter& operator=(const SqliteWriter&) = delete;

  void commit() { exec("COMMIT"); }

 private:
  void exec(const char* sql) {
    char* message = nullptr;
    const int code = sqlite3_exec(m_db, sql, nullptr, nullptr, &message);
    const std::string text = message != nullptr ? message : "";
    sqlite3_free(message);
    INFO(sql << ": " << text);
    REQUIRE(code == SQLITE_OK);
  }

  sqlite3* m_db = nullptr;
};

// The one value `sql` returns on the server `dsn` names.
std::string postgres_value(const std::string& dsn, const std::string& sql) {
  pqxx::connection connection(dsn);
  pqxx::nontransaction work(connection);
  return work.exec(sql).at(0).at(0).c_str();
}

// The server pid of the gander session sleeping in pg_sleep(); "0" while there is none.
std::string sleeping_gander_pid(const std::string& dsn) {
  return postgres_value(dsn,
                        "SELECT coalesce(max(pid), 0) FROM pg_stat_activity WHERE datname = current_database() "
                        "AND application_name = 'gander' AND query LIKE 'SELECT pg_sleep%'");
}

std::string wait_for_sleeping_gander(const std::string& dsn) {
  std::string pid;
  gander::test::wait_until(
      [&] {
        pid = sleeping_gander_pid(dsn);
        return pid != "0";
      },
      "gander to reach pg_sleep()");
  return pid;
}

// A TCP port on loopback that completes connections and never reads from
// them: a server that is up and does not answer.
class SilentListener {
 public:
  SilentListener() {
    m_socket = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    REQUIRE(m_socket >= 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = 0;
    REQUIRE(::bind(m_socket, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    REQUIRE(::listen(m_socket, 16) == 0);
    socklen_t size = sizeof address;
    REQUIRE(::getsockname(m_socket, reinterpret_cast<sockaddr*>(&address), &size) == 0);
    m_port = ntohs(address.sin_port);
  }
  ~SilentListener() { ::close(m_socket); }
  SilentListener(const SilentListener&) = delete;
  SilentListener& operator=(const SilentListener&) = delete;

  int port() const { return m_port; }

 private:
  int m_socket = -1;
  int m_port = 0;
};

}  // namespace

TEST_CASE("a statement past --statement-timeout is stopped and its migration rolled back and not recorded") {
  const std::string driver = GENERATE(as<std::string>{}, "sqlite3", "postgres");
  const bool is_from_environment = GENERATE(false, true);
  const gander::test::TempDir dir;
  const auto database = gander::test::make_test_database(driver, dir.path());
  dir.write("migrations/00001_a.sql", "-- +goose Up\nCREATE TABLE a (id INTEGER);\n");
  dir.write("migrations/00002_slow.sql",
            "-- +goose Up\nCREATE TABLE started (id INTEGER);\n" + endless_statement(driver) + "\n");
  const Clock::time_point start = Clock::now();
  const ProcessResult result =
      is_from_environment
          ? gander::test::run_gander(gander_args(*database, dir, {"up"}), {{"GANDER_STATEMENT_TIMEOUT", "1s"}})
          : gander::test::run_gander(gander_args(*database, dir, {"--statement-timeout", "1s", "up"}));
  INFO(result.out << result.err);
  CHECK(result.exit_code == 1);
  CHECK(Clock::now() - start < 15s);
  CHECK_THAT(result.err,
             Catch::Contains("00002_slow.sql:3: statement 2: `") &&
                 Catch::Contains("exceeded --statement-timeout 1s") &&
                 Catch::EndsWith(driver == "postgres" ? "; it was rolled back and not recorded [SQLSTATE 57014]\n"
                                                      : "; it was rolled back and not recorded\n"));
  CHECK(*database->scalar("SELECT count(*) FROM schema_migrations") == "1");
  CHECK(*database->scalar(table_count_sql(*database, "started")) == "0");
}

TEST_CASE("waiting for the migration lock does not count against --statement-timeout") {
  const std::string driver = GENERATE(as<std::string>{}, "sqlite3", "postgres");
  const gander::test::TempDir dir;
  const auto database = gander::test::make_test_database(driver, dir.path());
  const std::string slow = driver == "postgres" ? "SELECT pg_sleep(2);"
                                                : "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c "
                                                  "WHERE x < 5000000) SELECT count(*) FROM c;";
  dir.write("migrations/00001_slow.sql", "-- +goose Up\n" + slow + "\n");
  RunningProcess holder = gander::test::start_gander(gander_args(*database, dir, {"up"}));
  for (int attempt = 0; attempt < 300 && *database->scalar(table_count_sql(*database, "schema_migrations")) == "0";
       ++attempt) {
    ::usleep(20 * 1000);
  }
  const Clock::time_point start = Clock::now();
  const ProcessResult waiter = gander::test::run_gander(
      gander_args(*database, dir, {"--statement-timeout", "300ms", "--lock-timeout", "1m", "up"}));
  INFO(waiter.out << waiter.err);
  CHECK(waiter.exit_code == 0);
  CHECK(Clock::now() - start > 300ms);
  CHECK_THAT(waiter.err, Catch::Contains("waiting for the migration lock"));
  CHECK_THAT(waiter.out, Catch::Contains("no migrations to run"));
  const ProcessResult held = holder.wait();
  INFO(held.out << held.err);
  CHECK(held.exit_code == 0);
}

TEST_CASE("an invalid --statement-timeout is a usage error") {
  const ProcessResult result = gander::test::run_gander({"--statement-timeout", "soon", "status"});
  CHECK(result.exit_code == 2);
  CHECK(result.err ==
        "gander: error: invalid --statement-timeout 'soon': use a number with ms, s, m or h (e.g. 90s, 5m)\n");
}

TEST_CASE("a SQLite write transaction held past --lock-timeout fails up with exit 4 and changes nothing") {
  const gander::test::TempDir dir;
  const auto database = gander::test::make_sqlite_database(dir.path());
  dir.write("migrations/00001_a.sql", "-- +goose Up\nCREATE TABLE a (id INTEGER);\n");
  REQUIRE(gander::test::run_gander(gander_args(*database, dir, {"up"})).exit_code == 0);
  dir.write("migrations/00002_b.sql", "-- +goose Up\nCREATE TABLE b (id INTEGER);\nINSERT INTO b VALUES (1);\n");
  {
    SqliteWriter writer(database->dsn());
    const ProcessResult blocked =
        gander::test::run_gander(gander_args(*database, dir, {"--lock-timeout", "500ms", "up"}));
    INFO(blocked.out << blocked.err);
    CHECK(blocked.exit_code == 4);
    CHECK(blocked.err ==
          "gander: error: the database is locked by another writer: its transaction did not end within 0.5s "
          "(--lock-timeout)\n");
    CHECK(blocked.out.empty());
  }
  CHECK(*database->scalar("SELECT count(*) FROM schema_migrations") == "1");
  CHECK(*database->scalar(table_count_sql(*database, "b")) == "0");
  const ProcessResult next = gander::test::run_gander(gander_args(*database, dir, {"up"}));
  INFO(next.out << next.err);
  CHECK(next.exit_code == 0);
  CHECK(*database->scalar("SELECT count(*) FROM b") == "1");
}

TEST_CASE("a SQLite reader that keeps COMMIT waiting past --lock-timeout fails up with exit 4 and records nothing") {
  const gander::test::TempDir dir;
  const auto database = gander::test::make_sqlite_database(dir.path());
  dir.write("migrations/00001_a.sql", "-- +goose Up\nCREATE TABLE a (id INTEGER);\n");
  REQUIRE(gander::test::run_gander(gander_args(*database, dir, {"up"})).exit_code == 0);
  dir.write("migrations/00002_b.sql", "-- +goose Up\nCREATE TABLE b (id INTEGER);\nINSERT INTO a VALUES (1);\n");
  sqlite3* reader = nullptr;
  REQUIRE(sqlite3_open(database->dsn().c_str(), &reader) == SQLITE_OK);
  // A read transaction holds SQLite's SHARED lock, which COMMIT must wait out.
  REQUIRE(sqlite3_exec(reader, "BEGIN; SELECT count(*) FROM a;", nullptr, nullptr, nullptr) == SQLITE_OK);
  const ProcessResult blocked =
      gander::test::run_gander(gander_args(*database, dir, {"--lock-timeout", "500ms", "up"}));
  sqlite3_close(reader);
  INFO(blocked.out << blocked.err);
  CHECK(blocked.exit_code == 4);
  CHECK_THAT(blocked.err, Catch::EndsWith("00002_b.sql: recording 00002_b.sql in schema_migrations failed: the "
                                          "database is locked by another writer: its transaction did not end within "
                                          "0.5s (--lock-timeout)\n"));
  CHECK(*database->scalar("SELECT count(*) FROM schema_migrations") == "1");
  CHECK(*database->scalar("SELECT count(*) FROM a") == "0");
  CHECK(*database->scalar(table_count_sql(*database, "b")) == "0");
  const ProcessResult next = gander::test::run_gander(gander_args(*database, dir, {"up"}));
  INFO(next.out << next.err);
  CHECK(next.exit_code == 0);
  CHECK(*database->scalar("SELECT count(*) FROM a") == "1");
}

TEST_CASE("a SQLite writer that commits within --lock-timeout lets up proceed") {
  const gander::test::TempDir dir;
  const auto database = gander::test::make_sqlite_database(dir.path());
  dir.write("migrations/00001_a.sql", "-- +goose Up\nCREATE TABLE a (id INTEGER);\nINSERT INTO a VALUES (1);\n");
  SqliteWriter writer(database->dsn());
  RunningProcess running = gander::test::start_gander(gander_args(*database, dir, {"--lock-timeout", "20s", "up"}));
  ::usleep(700 * 1000);
  writer.commit();
  const ProcessResult result = running.wait();
  INFO(result.out << result.err);
  CHECK(result.exit_code == 0);
  CHECK_THAT(result.out, Catch::Contains("OK    00001_a.sql"));
  CHECK(*database->scalar("SELECT count(*) FROM schema_migrations") == "1");
  CHECK(*database->scalar("SELECT count(*) FROM other") == "1");
}

TEST_CASE("an up-to-date SQLite database returns from up at once while another writer holds a transaction") {
  const gander::test::TempDir dir;
  const auto database = gander::test::make_sqlite_database(dir.path());
  dir.write("migrations/00001_a.sql", "-- +goose Up\nCREATE TABLE a (id INTEGER);\n");
  REQUIRE(gander::test::run_gander(gander_args(*database, dir, {"up"})).exit_code == 0);
  SqliteWriter writer(database->dsn());
  const ProcessResult result = gander::test::run_gander(gander_args(*database, dir, {"--lock-timeout", "300ms", "up"}));
  INFO(result.out << result.err);
  CHECK(result.exit_code == 0);
  CHECK_THAT(result.out, Catch::Contains("no migrations to run"));
  CHECK(result.err.empty());
}

TEST_CASE("a PostgreSQL session terminated mid-migration exits 1 records nothing and the next run applies it") {
  const gander::test::TempDir dir;
  const auto database = gander::test::make_postgres_database();
  dir.write("migrations/00001_a.sql", "-- +goose Up\nCREATE TABLE a (id INTEGER);\n");
  dir.write("migrations/00002_slow.sql", "-- +goose Up\nCREATE TABLE started (id INTEGER);\nSELECT pg_sleep(2);\n");
  RunningProcess running = gander::test::start_gander(gander_args(*database, dir, {"up"}));
  const std::string pid = wait_for_sleeping_gander(database->dsn());
  CHECK(*database->scalar("SELECT pg_terminate_backend(" + pid + ")") == "t");
  const ProcessResult killed = running.wait();
  INFO(killed.out << killed.err);
  CHECK(killed.exit_code == 1);
  CHECK_THAT(killed.err, Catch::Contains("00002_slow.sql:3: statement 2: `SELECT pg_sleep(2);`: "
                                         "lost the connection to PostgreSQL: ") &&
                             Catch::Contains("; it was rolled back and not recorded"));
  CHECK_THAT(killed.err, Catch::Contains("the server closed the session") || Catch::Contains("terminating connection"));
  CHECK(*database->scalar("SELECT string_agg(filename, ',') FROM schema_migrations") == "00001_a.sql");
  CHECK(*database->scalar("SELECT count(*) FROM pg_tables WHERE tablename = 'started'") == "0");
  // The terminated backend releases its locks as it exits, which can be just
  // after gander has read its error; pg_locks shows every database's locks.
  gander::test::wait_until(
      [&] {
        return *database->scalar(
                   "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND database = "
                   "(SELECT oid FROM pg_database WHERE datname = current_database())") == "0";
      },
      "the terminated session's advisory lock to be released");

  const ProcessResult next = gander::test::run_gander(gander_args(*database, dir, {"--lock-timeout", "5s", "up"}));
  INFO(next.out << next.err);
  CHECK(next.exit_code == 0);
  CHECK_THAT(next.out, Catch::Contains("OK    00002_slow.sql"));
  CHECK(*database->scalar("SELECT count(*) FROM schema_migrations") == "2");
}

TEST_CASE(
    "a PostgreSQL server stopped mid-migration ends the run with exit 1 and the next run after a restart carries on") {
  gander::test::PrivatePostgres server;
  const gander::test::TempDir dir;
  dir.write("migrations/00001_a.sql", "-- +goose Up\nCREATE TABLE a (id INTEGER);\n");
  dir.write("migrations/00002_slow.sql", "-- +goose Up\nCREATE TABLE started (id INTEGER);\nSELECT pg_sleep(2);\n");
  const std::vector<std::string> args = {"--driver",       "postgres", "--db",
                                         server.dsn(),     "--dir",    (dir.path() / "migrations").string(),
                                         "--lock-timeout", "5s",       "up"};
  RunningProcess running = gander::test::start_gander(args);
  wait_for_sleeping_gander(server.dsn());
  server.stop_immediately();
  const ProcessResult stopped = running.wait();
  INFO(stopped.out << stopped.err);
  CHECK(stopped.exit_code == 1);
  CHECK_THAT(stopped.err, Catch::Contains("00002_slow.sql:3: statement 2: `SELECT pg_sleep(2);`: "
                                          "lost the connection to PostgreSQL: ") &&
                              Catch::Contains("; it was rolled back and not recorded"));
  CHECK_THAT(stopped.err,
             Catch::Contains("the server closed the session") || Catch::Contains("terminating connection"));

  server.start();
  // 00001_a.sql committed without waiting for the disk, the run going on, so
  // the crash may have taken it back: whole, row and table together.
  const std::string recorded = postgres_value(server.dsn(), "SELECT string_agg(filename, ',') FROM schema_migrations");
  CHECK((recorded == "00001_a.sql" || recorded.empty()));
  CHECK(postgres_value(server.dsn(), "SELECT count(*) FROM pg_tables WHERE tablename = 'a'") ==
        (recorded.empty() ? "0" : "1"));
  CHECK(postgres_value(server.dsn(), "SELECT count(*) FROM pg_tables WHERE tablename = 'started'") == "0");
  const ProcessResult next = gander::test::run_gander(args);
  INFO(next.out << next.err);
  CHECK(next.exit_code == 0);
  CHECK_THAT(next.out, Catch::Contains("OK    00002_slow.sql"));
  CHECK(postgres_value(server.dsn(), "SELECT count(*) FROM schema_migrations") == "2");
}

TEST_CASE("a PostgreSQL server that accepts and never answers fails the connection in bounded time") {
  const SilentListener server;
  const gander::test::TempDir dir;
  dir.write("migrations/00001_a.sql", "-- +goose Up\nCREATE TABLE a (id INTEGER);\n");
  const std::string address = "host=127.0.0.1 port=" + std::to_string(server.port()) + " dbname=app user=app";
  const auto run = [&dir](std::vector<std::string> args) {
    args.insert(args.begin(), {"--dir", (dir.path() / "migrations").string()});
    const Clock::time_point start = Clock::now();
    ProcessResult result = gander::test::run_gander(args, {{"PGCONNECT_TIMEOUT", std::nullopt}});
    return std::make_pair(result, Clock::now() - start);
  };

  SECTION("--connect-timeout bounds each attempt when the DSN sets no connect_timeout") {
    const auto [result, took] = run({"--driver", "postgres", "--db", address, "--connect-timeout", "2s", "status"});
    INFO(result.out << result.err);
    CHECK(result.exit_code == 1);
    CHECK(took >= 2s);
    CHECK(took < 8s);
    CHECK_THAT(result.err,
               Catch::StartsWith("gander: error: cannot connect to PostgreSQL (" + gander::redact_dsn(address)) &&
                   Catch::Contains("timeout expired"));
  }
  SECTION("the DSN's own connect_timeout is kept") {
    const auto [result, took] = run({"--driver", "postgres", "--db", address + " connect_timeout=3", "status"});
    INFO(result.out << result.err);
    CHECK(result.exit_code == 1);
    CHECK(took >= 3s);
    CHECK(took < 8s);
    CHECK_THAT(result.err, Catch::Contains("timeout expired"));
  }
}

TEST_CASE("a malformed migration is reported at once while the database is still unreachable") {
  const gander::test::TempDir dir;
  dir.write("migrations/00001_a.sql", "-- +goose Up\nCREATE TABLE a (id INTEGER);\n");
  dir.write("migrations/00002_b.sql", "-- +goose Up\n-- +goose StatementBegin\nSELECT 1;\n");
  const Clock::time_point start = Clock::now();
  const ProcessResult result =
      gander::test::run_gander({"--driver", "postgres", "--db", "host=127.0.0.1 port=1 dbname=app user=app", "--dir",
                                (dir.path() / "migrations").string(), "--connect-timeout", "30s", "up"});
  const Clock::duration took = Clock::now() - start;
  INFO(result.out << result.err);
  CHECK(result.exit_code == 1);
  CHECK_THAT(result.err, Catch::Contains("00002_b.sql") && Catch::Contains("StatementEnd"));
  CHECK_THAT(result.err + result.out,
             !Catch::Contains("waiting for the database") && !Catch::Contains("cannot connect"));
  CHECK(took < 10s);
}
