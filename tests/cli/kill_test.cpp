// gander up killed with SIGKILL at random moments while applying a long
// directory: after every kill the database holds only whole migrations,
// except at most one NO TRANSACTION migration recorded as partial with its
// progress, and a later run finishes the job.

#include <algorithm>
#include <cctype>
#include <chrono>
#include <csignal>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <thread>

#include <catch2/catch.hpp>

#include "run_process.hpp"
#include "temp_dir.hpp"
#include "test_database.hpp"

namespace {

using gander::test::ProcessResult;
using gander::test::TestDatabase;
using Clock = std::chrono::steady_clock;

constexpr int k_migrations = 200;
constexpr int k_rounds = 30;
constexpr int k_no_transaction_statements = 4;  // a CREATE TABLE, then one marker INSERT per statement

enum class Kind { transactional, no_transaction, plain };

// Runs of four transactional migrations (one of them plain) between NO
// TRANSACTION ones: a run shares commits (PostgreSQL: commits that do not
// wait; SQLite: one transaction), so kills land inside such runs too.
Kind kind_of(int index) {
  switch (index % 5) {
    case 0: return Kind::no_transaction;
    case 1: return Kind::plain;
    default: return Kind::transactional;
  }
}

// How many marker rows a fully applied migration leaves.
int markers_of(Kind kind) {
  switch (kind) {
    case Kind::transactional: return 2;
    case Kind::no_transaction: return k_no_transaction_statements - 1;
    case Kind::plain: return 1;
  }
  return 0;
}

std::string file_name(int index) {
  const std::string number = std::to_string(index);
  const char* suffix = kind_of(index) == Kind::transactional ? "_tx.sql"
                       : kind_of(index) == Kind::plain       ? "_plain.sql"
                                                             : "_no_tx.sql";
  return std::string(5 - number.size(), '0') + number + suffix;
}

std::string marker_insert(int index, int statement) {
  const std::string name = "'m" + std::to_string(index) + "_" + std::to_string(statement) + "'";
  // Idempotent, so that a statement that ran just before a kill, before its
  // progress was recorded, can run again on resume.
  return "INSERT INTO markers (name) SELECT " + name + " WHERE NOT EXISTS (SELECT 1 FROM markers WHERE name = " +
         name + ");\n";
}

std::string migration_text(int index) {
  const std::string table = "t" + std::to_string(index);
  switch (kind_of(index)) {
    case Kind::transactional:
      return "-- +goose Up\nCREATE TABLE " + table + " (id INTEGER);\n" + marker_insert(index, 1) +
             marker_insert(index, 2) + "-- +goose Down\nDROP TABLE " + table + ";\n";
    case Kind::plain:
      return "CREATE TABLE " + table + " (id INTEGER);\n" + marker_insert(index, 1);
    case Kind::no_transaction: {
      std::string text =
          "-- +goose NO TRANSACTION\n-- +goose Up\nCREATE TABLE IF NOT EXISTS " + table + " (id INTEGER);\n";
      for (int statement = 2; statement <= k_no_transaction_statements; ++statement) {
        text += marker_insert(index, statement);
      }
      return text;
    }
  }
  return {};
}

struct Row {
  std::string state;
  std::optional<int> statements_done;
};

// The database as the test's own connection sees it.
struct Snapshot {
  std::map<int, Row> rows;        // by migration index
  std::set<int> tables;           // t<index> tables that exist
  std::map<int, int> markers;     // marker rows by migration index
};

int index_in(const std::string& text, std::size_t from) { return std::stoi(text.substr(from)); }

Snapshot read_snapshot(TestDatabase& database) {
  Snapshot snapshot;
  const bool is_postgres = database.driver() == "postgres";
  const auto tables = database.query(is_postgres ? "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
                                                 : "SELECT name FROM sqlite_master WHERE type = 'table'");
  bool has_tracking_table = false;
  for (const auto& row : tables) {
    const std::string name = *row[0];
    if (name == "schema_migrations") has_tracking_table = true;
    if (name.size() > 1 && name[0] == 't' && std::isdigit(static_cast<unsigned char>(name[1]))) {
      snapshot.tables.insert(index_in(name, 1));
    }
  }
  if (has_tracking_table) {
    for (const auto& row : database.query("SELECT filename, state, statements_done FROM schema_migrations")) {
      snapshot.rows[index_in(*row[0], 0)] = {*row[1], row[2] ? std::optional<int>(std::stoi(*row[2])) : std::nullopt};
    }
  }
  for (const auto& row : database.query("SELECT name FROM markers")) ++snapshot.markers[index_in(*row[0], 1)];
  return snapshot;
}

// Checks the invariants after a kill; returns the partial migration, if any.
std::optional<int> check_snapshot(const Snapshot& snapshot) {
  std::optional<int> partial;
  for (int index = 1; index <= k_migrations; ++index) {
    INFO(file_name(index));
    const auto row = snapshot.rows.find(index);
    const bool has_table = snapshot.tables.count(index) > 0;
    const auto found = snapshot.markers.find(index);
    const int markers = found == snapshot.markers.end() ? 0 : found->second;
    if (row == snapshot.rows.end()) {
      // Unrecorded: nothing of it ran (a NO TRANSACTION one is recorded before its first statement).
      CHECK_FALSE(has_table);
      CHECK(markers == 0);
    } else if (row->second.state == "applied") {
      CHECK(has_table);
      CHECK(markers == markers_of(kind_of(index)));
    } else {
      REQUIRE(row->second.state == "partial");
      REQUIRE(kind_of(index) == Kind::no_transaction);
      CHECK_FALSE(partial.has_value());
      partial = index;
      REQUIRE(row->second.statements_done.has_value());
      const int done = *row->second.statements_done;
      CHECK(done >= 0);
      CHECK(done <= k_no_transaction_statements);  // all done, not yet marked applied
      // A kill between a statement and its progress update leaves one more
      // statement done than recorded.
      const int least = std::max(done - 1, 0);
      CHECK(markers >= least);
      CHECK(markers <= done);
      if (done >= 1) CHECK(has_table);
    }
  }
  return partial;
}

void drop_everything(TestDatabase& database) {
  const Snapshot snapshot = read_snapshot(database);
  for (const int index : snapshot.tables) database.exec("DROP TABLE t" + std::to_string(index));
  database.exec("DROP TABLE IF EXISTS schema_migrations");
  database.exec("DELETE FROM markers");
}

// A killed client's PostgreSQL backend finishes the statement in flight
// (and commits it, outside a transaction) before it notices; the checks
// wait for it to be gone so that nothing changes under them.
void wait_for_killed_backends(TestDatabase& database) {
  if (database.driver() != "postgres") return;
  for (int attempt = 0; attempt < 1000; ++attempt) {
    if (*database.scalar("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND "
                         "application_name = 'gander'") == "0") {
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  FAIL("the killed gander's backend is still there");
}

// A fresh database of `driver` in its own directory (a SQLite file's name is fixed).
std::unique_ptr<TestDatabase> make_database(const std::string& driver, const std::filesystem::path& dir) {
  std::filesystem::create_directories(dir);
  auto database = gander::test::make_test_database(driver, dir);
  database->exec("CREATE TABLE markers (name TEXT)");
  return database;
}

struct KillFixture {
  explicit KillFixture(const std::string& driver) : database(make_database(driver, dir.path() / "killed")) {
    for (int index = 1; index <= k_migrations; ++index) {
      dir.write("migrations/" + file_name(index), migration_text(index));
    }
  }

  std::vector<std::string> args(const TestDatabase& target, std::vector<std::string> command) const {
    std::vector<std::string> all = {"--driver", target.driver(), "--db", target.dsn(), "--dir",
                                    (dir.path() / "migrations").string()};
    all.insert(all.end(), command.begin(), command.end());
    return all;
  }

  gander::test::TempDir dir;
  std::unique_ptr<TestDatabase> database;
};

std::string describe(const ProcessResult& result) {
  return "exit " + std::to_string(result.exit_code) + "\n--- stdout\n" + result.out + "--- stderr\n" + result.err;
}

}  // namespace

TEST_CASE("up killed with SIGKILL at random moments leaves whole migrations and at most one resumable partial") {
  const std::string driver = GENERATE(as<std::string>{}, "sqlite3", "postgres");
  const KillFixture fixture(driver);
  TestDatabase& database = *fixture.database;

  // The kill delays scale with an uninterrupted run on a scratch database.
  const auto scratch = make_database(driver, fixture.dir.path() / "scratch");
  const Clock::time_point measure_start = Clock::now();
  const ProcessResult uninterrupted = gander::test::run_gander(fixture.args(*scratch, {"up"}));
  const auto full_run = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - measure_start);
  REQUIRE(uninterrupted.exit_code == 0);

  const unsigned seed = std::random_device{}();
  INFO("seed " << seed << ", uninterrupted run " << full_run.count() << " ms");
  std::mt19937 random(seed);
  // Up to three times the fair share of a run, so that a pass over the
  // directory takes several kills and later migrations get killed too.
  std::uniform_int_distribution<long> delay_ms(0, std::max<long>(3 * full_run.count() / k_rounds, 20));

  bool resumes = false;
  int killed = 0;
  for (int round = 1; round <= k_rounds; ++round) {
    INFO("round " << round);
    std::vector<std::string> command = {"up"};
    if (resumes) command.push_back("--resume");
    gander::test::RunningProcess running = gander::test::start_gander(fixture.args(database, command));
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms(random)));
    ::kill(running.pid(), SIGKILL);  // not yet reaped, so the pid is still this process's
    const ProcessResult result = running.wait();
    INFO(describe(result));
    wait_for_killed_backends(database);
    if (result.exit_code == 128 + SIGKILL) {
      ++killed;
    } else {
      REQUIRE(result.exit_code == 0);
    }

    const std::optional<int> partial = check_snapshot(read_snapshot(database));
    resumes = false;
    if (partial) {
      const std::string name = file_name(*partial);
      const int done = *read_snapshot(database).rows[*partial].statements_done;
      const ProcessResult refused = gander::test::run_gander(fixture.args(database, {"up"}));
      INFO(describe(refused));
      CHECK(refused.exit_code == 3);
      CHECK_THAT(refused.err, Catch::Contains(name + ": PARTIAL") &&
                                  Catch::Contains(std::to_string(done) + " of " +
                                                  std::to_string(k_no_transaction_statements) +
                                                  " statements completed") &&
                                  Catch::Contains("--resume") && Catch::Contains("--rolled-back"));
      resumes = round % 2 == 0;
      if (!resumes) {
        const ProcessResult resolved =
            gander::test::run_gander(fixture.args(database, {"resolve", name, "--rolled-back"}));
        INFO(describe(resolved));
        REQUIRE(resolved.exit_code == 0);
        const std::string index = std::to_string(*partial);
        database.exec("DROP TABLE IF EXISTS t" + index);
        database.exec("DELETE FROM markers WHERE name IN ('m" + index + "_2', 'm" + index + "_3', 'm" + index + "_4')");
      }
    }
    if (!partial && result.exit_code == 0) drop_everything(database);  // a whole pass done: start over
  }
  CHECK(killed >= k_rounds / 2);

  std::vector<std::string> finish = {"up"};
  if (resumes) finish.push_back("--resume");
  const ProcessResult finished = gander::test::run_gander(fixture.args(database, finish));
  INFO(describe(finished));
  REQUIRE(finished.exit_code == 0);
  const Snapshot snapshot = read_snapshot(database);
  check_snapshot(snapshot);
  CHECK(snapshot.rows.size() == static_cast<std::size_t>(k_migrations));
  CHECK(snapshot.tables.size() == static_cast<std::size_t>(k_migrations));
}
