// A PostgreSQL server process that stops answering, as a paused VM or a
// stalled host does, must not hang gander (issue 13, docs/operations.md, "Locking"): the wait
// for the lock still ends at --lock-timeout, and the first SIGTERM still
// ends the run, the migration in flight not recorded. The test freezes
// gander's own backend with SIGSTOP and always resumes it with SIGCONT.

#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <string>

#include <unistd.h>

#include <catch2/catch.hpp>
#include <gander/checksum/checksum.hpp>
#include <pqxx/pqxx>

#include "run_process.hpp"
#include "shared_data.hpp"
#include "temp_dir.hpp"
#include "test_database.hpp"
#include "wait_until.hpp"

namespace {

using gander::test::ProcessResult;
using gander::test::RunningProcess;
using namespace std::chrono_literals;

// Far above anything gander needs once the server is frozen (a lock timeout
// of seconds, or the few seconds it grants a cancel), so only a hang trips it.
constexpr std::chrono::seconds k_safety_net = 60s;

// The advisory lock key gander takes for schema_migrations in public, as
// runner/src/store/postgres/postgres_lock.hpp documents it.
std::string migration_lock_key() {
  const std::string hex = gander::checksum::sha256_hex("gander:schema_migrations");
  return std::to_string(static_cast<std::int64_t>(std::stoull(hex.substr(0, 16), nullptr, 16)));
}

std::string command_of(int pid) {
  std::ifstream comm("/proc/" + std::to_string(pid) + "/comm");
  std::string name;
  std::getline(comm, name);
  return name;
}

// This test stops and resumes server processes: they must be PostgreSQL's,
// on this machine, and this process must be allowed to signal them (root,
// or the server's user). Checked on the test's own session, before any
// gander runs. Fails under CI=true; elsewhere the test is skipped.
void require_signalable_server(pqxx::transaction_base& session) {
  const int pid = session.exec("SELECT pg_backend_pid()").at(0).at(0).as<int>();
  std::string problem;
  if (command_of(pid) != "postgres") {
    problem = "the PostgreSQL server does not run on this machine (server pid " + std::to_string(pid) +
              " is no local postgres process)";
  } else if (::kill(pid, 0) != 0) {
    problem = "this test may not signal the server's processes (" + std::string(std::strerror(errno)) +
              "): run it as root or as the server's user";
  }
  if (problem.empty()) return;
  const char* ci = std::getenv("CI");
  if (ci != nullptr && std::string(ci) == "true") FAIL(problem);
  std::cerr << "\n*** SKIPPED: " << problem << "; this test did not run ***\n\n";
  std::exit(gander::test::k_skip_exit_code);
}

// The server pid of gander's session in `database`, once it shows in
// pg_stat_activity with `state_condition` true.
int gander_backend(gander::test::TestDatabase& database, const std::string& state_condition = "true") {
  std::string pid;
  gander::test::wait_until(
      [&] {
        pid = *database.scalar(
            "SELECT coalesce(max(pid), 0) FROM pg_stat_activity WHERE datname = "
            "current_database() AND application_name = 'gander' AND " +
            state_condition);
        return pid != "0";
      },
      "gander's session (" + state_condition + ")");
  return std::stoi(pid);
}

// A server process stopped with SIGSTOP for as long as this lives; SIGCONT
// when it goes, so that a failing assertion never leaves it frozen.
class FrozenProcess {
 public:
  explicit FrozenProcess(int pid) : m_pid(pid) {
    REQUIRE(command_of(pid) == "postgres");
    INFO("SIGSTOP server pid " << pid << ": " << std::strerror(errno));
    REQUIRE(::kill(pid, SIGSTOP) == 0);
  }
  ~FrozenProcess() { ::kill(m_pid, SIGCONT); }
  FrozenProcess(const FrozenProcess&) = delete;
  FrozenProcess& operator=(const FrozenProcess&) = delete;

 private:
  int m_pid;
};

void wait_until_waiting_for_lock(const RunningProcess& gander) {
  gander::test::wait_until(
      [&] { return gander.err_so_far().find("waiting for the migration lock") != std::string::npos; },
      "gander to wait for the migration lock");
}

std::vector<std::string> gander_args(const gander::test::TestDatabase& database, const gander::test::TempDir& dir,
                                     std::vector<std::string> more) {
  std::vector<std::string> args = {"--driver",     "postgres", "--db",
                                   database.dsn(), "--dir",    (dir.path() / "migrations").string()};
  args.insert(args.end(), more.begin(), more.end());
  return args;
}

// Starts `gander up`, waits until its session waits for a lock the test
// holds, freezes that session and sends gander one SIGTERM; the outcome,
// once gander has exited (within the safety net) and the session is resumed.
ProcessResult terminate_while_frozen(gander::test::TestDatabase& database, const gander::test::TempDir& dir) {
  RunningProcess up = gander::test::start_gander(gander_args(database, dir, {"up"}));
  const FrozenProcess frozen(gander_backend(database, "wait_event_type = 'Lock'"));
  ::kill(up.pid(), SIGTERM);
  const std::optional<ProcessResult> result = up.wait_for(k_safety_net);
  INFO("gander so far: " << up.err_so_far());
  REQUIRE(result);
  return *result;
}

}  // namespace

TEST_CASE("a frozen server session does not keep gander waiting for the lock past --lock-timeout") {
  const gander::test::TempDir dir;
  const auto database = gander::test::make_postgres_database();
  dir.write("migrations/00001_a.sql", "-- +goose Up\nCREATE TABLE a (id INTEGER);\n");
  pqxx::connection holder(database->dsn());
  pqxx::nontransaction session(holder);
  require_signalable_server(session);
  session.exec("SELECT pg_advisory_lock(" + migration_lock_key() + ")");

  // Long enough for the test to freeze the session while gander still waits.
  RunningProcess up = gander::test::start_gander(gander_args(*database, dir, {"--lock-timeout", "5s", "up"}));
  wait_until_waiting_for_lock(up);
  const FrozenProcess frozen(gander_backend(*database));
  const std::optional<ProcessResult> result = up.wait_for(k_safety_net);
  INFO("gander so far: " << up.err_so_far());
  REQUIRE(result);
  INFO(result->out << result->err);
  CHECK(result->exit_code == 4);
  CHECK_THAT(result->err, Catch::Contains("timed out after 5s waiting for the migration lock held by server pid ") &&
                              Catch::Contains("the server did not answer within the lock timeout"));
}

TEST_CASE("SIGTERM ends a run that waits for the lock on a frozen server session") {
  const gander::test::TempDir dir;
  const auto database = gander::test::make_postgres_database();
  dir.write("migrations/00001_a.sql", "-- +goose Up\nCREATE TABLE a (id INTEGER);\n");
  pqxx::connection holder(database->dsn());
  pqxx::nontransaction session(holder);
  require_signalable_server(session);
  session.exec("SELECT pg_advisory_lock(" + migration_lock_key() + ")");

  RunningProcess up = gander::test::start_gander(gander_args(*database, dir, {"--lock-timeout", "10m", "up"}));
  wait_until_waiting_for_lock(up);
  const FrozenProcess frozen(gander_backend(*database));
  ::kill(up.pid(), SIGTERM);
  const std::optional<ProcessResult> result = up.wait_for(k_safety_net);
  INFO("gander so far: " << up.err_so_far());
  REQUIRE(result);
  INFO(result->out << result->err);
  CHECK(result->exit_code == 4);
  CHECK_THAT(result->err, Catch::Contains("interrupted while waiting for the migration lock held by server pid ") &&
                              Catch::Contains("PostgreSQL did not answer within 5s of the cancel request"));
}

TEST_CASE("SIGTERM ends a migration whose server session is frozen, and the migration is not recorded as applied") {
  const bool is_transactional = GENERATE(true, false);
  const gander::test::TempDir dir;
  const auto database = gander::test::make_postgres_database();
  const std::string annotation = is_transactional ? "" : "-- +goose NO TRANSACTION\n";
  dir.write("migrations/00001_a.sql",
            annotation + "-- +goose Up\nCREATE TABLE started (id INTEGER);\nSELECT count(*) FROM held;\n");
  database->exec("CREATE TABLE held (id INTEGER)");
  pqxx::connection holder(database->dsn());
  pqxx::work locking(holder);
  require_signalable_server(locking);
  // The migration's second statement waits for this lock until the test ends it.
  locking.exec("LOCK TABLE held IN ACCESS EXCLUSIVE MODE");

  {
    const ProcessResult result = terminate_while_frozen(*database, dir);
    INFO(result.out << result.err);
    CHECK(result.exit_code == 1);
    CHECK_THAT(result.err, Catch::Contains("00001_a.sql:" + std::string(is_transactional ? "3" : "4") +
                                           ": statement 2: `SELECT count(*) FROM held;`: interrupted (") &&
                               Catch::Contains("PostgreSQL did not answer within 5s of the cancel request") &&
                               Catch::Contains(is_transactional ? "it was rolled back and not recorded"
                                                                : "it is recorded as partial"));
    CHECK_THAT(result.out, !Catch::Contains("OK "));
  }
  // Resumed, the session finds its client gone and ends, rolling back what
  // is still open.
  gander::test::wait_until(
      [&] {
        return *database->scalar(
                   "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND "
                   "application_name = 'gander'") == "0";
      },
      "the resumed session of gander to end");
  locking.commit();
  if (is_transactional) {
    CHECK(*database->scalar("SELECT count(*) FROM schema_migrations") == "0");
    CHECK(*database->scalar("SELECT count(*) FROM pg_tables WHERE tablename = 'started'") == "0");
    const ProcessResult next = gander::test::run_gander(gander_args(*database, dir, {"--lock-timeout", "10s", "up"}));
    INFO(next.out << next.err);
    CHECK(next.exit_code == 0);
    CHECK_THAT(next.out, Catch::Contains("OK    00001_a.sql"));
  } else {
    // The statement before it ran in autocommit and stays; the row says so.
    CHECK(*database->scalar("SELECT state || ' ' || statements_done FROM schema_migrations") == "partial 1");
    CHECK(*database->scalar("SELECT count(*) FROM pg_tables WHERE tablename = 'started'") == "1");
    const ProcessResult status = gander::test::run_gander(gander_args(*database, dir, {"status"}));
    INFO(status.out << status.err);
    CHECK(status.exit_code == 3);
    CHECK_THAT(status.out, Catch::Contains("PARTIAL"));
  }
}

TEST_CASE("SIGTERM ends a run whose first read of the tracking table waits on a frozen server session") {
  const gander::test::TempDir dir;
  const auto database = gander::test::make_postgres_database();
  dir.write("migrations/00001_a.sql", "-- +goose Up\nCREATE TABLE a (id INTEGER);\n");
  REQUIRE(gander::test::run_gander(gander_args(*database, dir, {"up"})).exit_code == 0);
  dir.write("migrations/00002_b.sql", "-- +goose Up\nCREATE TABLE b (id INTEGER);\n");
  pqxx::connection holder(database->dsn());
  pqxx::work locking(holder);
  require_signalable_server(locking);
  // gander reads the tracking table before it takes the migration lock:
  // that read waits for this lock until the test ends it.
  locking.exec("LOCK TABLE schema_migrations IN ACCESS EXCLUSIVE MODE");

  {
    const ProcessResult result = terminate_while_frozen(*database, dir);
    INFO(result.out << result.err);
    CHECK(result.exit_code == 1);
    CHECK_THAT(result.err, Catch::Contains("PostgreSQL did not answer within 5s of the cancel request"));
    CHECK_THAT(result.out, !Catch::Contains("OK "));
  }
  locking.commit();
  CHECK(*database->scalar("SELECT count(*) FROM pg_tables WHERE tablename = 'b'") == "0");
  const ProcessResult next = gander::test::run_gander(gander_args(*database, dir, {"--lock-timeout", "10s", "up"}));
  INFO(next.out << next.err);
  CHECK(next.exit_code == 0);
  CHECK_THAT(next.out, Catch::Contains("OK    00002_b.sql"));
}
