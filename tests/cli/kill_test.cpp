// gander up killed with SIGKILL at random moments while applying a long
// directory: after every kill the database holds only whole migrations,
// except at most one NO TRANSACTION migration recorded as partial with its
// progress, and a later run finishes the job. The same for down-to 0: a NO
// TRANSACTION rollback that was cut off is a partial row rolling back,
// which status and up report until a person resolves it.

#include <algorithm>
#include <cctype>
#include <chrono>
#include <csignal>
#include <functional>
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
  return "INSERT INTO markers (name) SELECT " + name + " WHERE NOT EXISTS (SELECT 1 FROM markers WHERE name = " + name +
         ");\n";
}

std::string migration_text(int index) {
  const std::string table = "t" + std::to_string(index);
  switch (kind_of(index)) {
    case Kind::transactional:
      return "-- +goose Up\nCREATE TABLE " + table + " (id INTEGER);\n" + marker_insert(index, 1) +
             marker_insert(index, 2) + "-- +goose Down\nDROP TABLE " + table + ";\n";
    case Kind::plain: return "CREATE TABLE " + table + " (id INTEGER);\n" + marker_insert(index, 1);
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
  std::optional<std::string> direction;
  std::optional<int> statement_started;  // its outcome unknown
};

std::optional<int> number_in(const std::optional<std::string>& text) {
  return text ? std::optional<int>(std::stoi(*text)) : std::nullopt;
}

// The database as the test's own connection sees it.
struct Snapshot {
  std::map<int, Row> rows;     // by migration index
  std::set<int> tables;        // t<index> tables that exist
  std::map<int, int> markers;  // marker rows by migration index
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
    for (const auto& row : database.query(
             "SELECT filename, state, statements_done, direction, statement_started FROM schema_migrations")) {
      snapshot.rows[index_in(*row[0], 0)] = {*row[1], number_in(row[2]), row[3], number_in(row[4])};
    }
  }
  for (const auto& row : database.query("SELECT name FROM markers")) ++snapshot.markers[index_in(*row[0], 1)];
  return snapshot;
}

// Walks migrations 1..count as a kill left them: an unrecorded one left
// nothing, an applied one its table and applied_markers(index) markers, and
// at most one is partial, with a consistent count, which check_partial(index,
// row, done, most, has_table, markers) checks further: `done` statements
// completed, `most` of them may have (one more when one is in doubt).
// Returns the partial one, if any.
template <typename Name, typename AppliedMarkers, typename CheckPartial>
std::optional<int> check_migrations(const Snapshot& snapshot, int count, const Name& name,
                                    const AppliedMarkers& applied_markers, const CheckPartial& check_partial) {
  std::optional<int> partial;
  for (int index = 1; index <= count; ++index) {
    INFO(name(index));
    const auto row = snapshot.rows.find(index);
    const bool has_table = snapshot.tables.count(index) > 0;
    const auto found = snapshot.markers.find(index);
    const int markers = found == snapshot.markers.end() ? 0 : found->second;
    if (row == snapshot.rows.end()) {
      // Unrecorded: nothing of it ran (a NO TRANSACTION one is recorded before its first statement).
      CHECK_FALSE(has_table);
      CHECK(markers == 0);
      continue;
    }
    if (row->second.state == "applied") {
      CHECK(has_table);
      CHECK(markers == applied_markers(index));
      continue;
    }
    REQUIRE(row->second.state == "partial");
    CHECK_FALSE(partial.has_value());
    partial = index;
    REQUIRE(row->second.statements_done.has_value());
    const int done = *row->second.statements_done;
    const std::optional<int> in_doubt = row->second.statement_started;
    CHECK(done >= 0);
    if (in_doubt) CHECK(*in_doubt == done + 1);
    check_partial(index, row->second, done, in_doubt ? done + 1 : done, has_table, markers);
  }
  return partial;
}

// Checks the invariants after a kill; returns the partial migration, if any.
std::optional<int> check_snapshot(const Snapshot& snapshot) {
  return check_migrations(
      snapshot, k_migrations, file_name, [](int index) { return markers_of(kind_of(index)); },
      [](int index, const Row& row, int done, int most, bool has_table, int markers) {
        REQUIRE(kind_of(index) == Kind::no_transaction);
        CHECK(row.direction == "up");
        CHECK(most <= k_no_transaction_statements);
        // Statement 1 creates the table, each later one adds a marker. The
        // statement in doubt may or may not have completed; the others are
        // exactly as recorded.
        CHECK(markers >= std::max(done - 1, 0));
        CHECK(markers <= std::max(most - 1, 0));
        if (done >= 1) CHECK(has_table);
      });
}

// down-to 0 killed at random moments. Two of every three migrations roll
// back outside a transaction, so that most kills land in one of those.
constexpr int k_rollback_migrations = 45;
constexpr int k_rollback_rounds = 12;
constexpr int k_down_statements = 4;  // three marker DELETEs, then DROP TABLE
constexpr int k_rollback_markers = 3;

bool rolls_back_outside_transaction(int index) { return index % 3 != 0; }

std::string rollback_file_name(int index) {
  const std::string number = std::to_string(index);
  return std::string(5 - number.size(), '0') + number +
         (rolls_back_outside_transaction(index) ? "_no_tx.sql" : "_tx.sql");
}

std::string marker_delete(int index, int statement) {
  return "DELETE FROM markers WHERE name = 'm" + std::to_string(index) + "_" + std::to_string(statement) + "';\n";
}

// Up: a table and three markers; Down: the markers, newest first, then the table.
std::string rollback_migration_text(int index) {
  const std::string table = "t" + std::to_string(index);
  std::string up;
  std::string down;
  for (int marker = 1; marker <= k_rollback_markers; ++marker) {
    up += marker_insert(index, marker);
    down = marker_delete(index, marker) + down;
  }
  return std::string(rolls_back_outside_transaction(index) ? "-- +goose NO TRANSACTION\n" : "") +
         "-- +goose Up\nCREATE TABLE IF NOT EXISTS " + table + " (id INTEGER);\n" + up + "-- +goose Down\n" + down +
         "DROP TABLE IF EXISTS " + table + ";\n";
}

// Checks the invariants after a killed rollback; returns the migration
// left partial, rolling back, if any.
std::optional<int> check_rollback_snapshot(const Snapshot& snapshot) {
  return check_migrations(
      snapshot, k_rollback_migrations, rollback_file_name, [](int) { return k_rollback_markers; },
      [](int index, const Row& row, int done, int most, bool has_table, int markers) {
        REQUIRE(rolls_back_outside_transaction(index));
        CHECK(row.direction == "down");
        CHECK(most <= k_down_statements);
        // Down statement k deletes one marker, the last one drops the table.
        CHECK(markers <= k_rollback_markers - std::min(done, k_rollback_markers));
        CHECK(markers >= k_rollback_markers - std::min(most, k_rollback_markers));
        if (most < k_down_statements) CHECK(has_table);
      });
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
  // The directory of migrations the up test kills; `write_migrations`
  // writes another into dir / "migrations".
  explicit KillFixture(const std::string& driver,
                       const std::function<void(const gander::test::TempDir&)>& write_migrations = write_up_migrations)
      : database(make_database(driver, dir.path() / "killed")) {
    write_migrations(dir);
  }

  static void write_up_migrations(const gander::test::TempDir& dir) {
    for (int index = 1; index <= k_migrations; ++index) {
      dir.write("migrations/" + file_name(index), migration_text(index));
    }
  }

  std::vector<std::string> args(const TestDatabase& target, std::vector<std::string> command) const {
    std::vector<std::string> all = {"--driver",   target.driver(), "--db",
                                    target.dsn(), "--dir",         (dir.path() / "migrations").string()};
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

  std::vector<std::string> resume;  // how the next up resumes the partial migration, if it does
  int killed = 0;
  for (int round = 1; round <= k_rounds; ++round) {
    INFO("round " << round);
    std::vector<std::string> command = {"up"};
    command.insert(command.end(), resume.begin(), resume.end());
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

    const Snapshot snapshot = read_snapshot(database);
    const std::optional<int> partial = check_snapshot(snapshot);
    resume.clear();
    if (partial) {
      const std::string name = file_name(*partial);
      const Row& row = snapshot.rows.at(*partial);
      const int done = *row.statements_done;
      const ProcessResult refused = gander::test::run_gander(fixture.args(database, {"up"}));
      INFO(describe(refused));
      CHECK(refused.exit_code == 3);
      CHECK_THAT(refused.err,
                 Catch::Contains(name + ": PARTIAL") &&
                     Catch::Contains(std::to_string(done) + " of " + std::to_string(k_no_transaction_statements) +
                                     " statements completed") &&
                     Catch::Contains("--resume") && Catch::Contains("--rolled-back"));
      if (round % 2 == 0 && row.statement_started) {
        // up --resume does not guess; the test looks, as a person would.
        const int in_doubt = *row.statement_started;
        const ProcessResult guess = gander::test::run_gander(fixture.args(database, {"up", "--resume"}));
        INFO(describe(guess));
        CHECK(guess.exit_code == 3);
        CHECK_THAT(guess.err, Catch::Contains("--resume-from " + std::to_string(in_doubt)) &&
                                  Catch::Contains("--resume-from " + std::to_string(in_doubt + 1)));
        const bool completed =
            in_doubt == 1 ? snapshot.tables.count(*partial) > 0
                          : snapshot.markers.count(*partial) > 0 && snapshot.markers.at(*partial) == in_doubt - 1;
        resume = {"--resume-from", std::to_string(completed ? in_doubt + 1 : in_doubt)};
      } else if (round % 2 == 0) {
        resume = {"--resume"};
      } else {
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
  finish.insert(finish.end(), resume.begin(), resume.end());
  const ProcessResult finished = gander::test::run_gander(fixture.args(database, finish));
  INFO(describe(finished));
  REQUIRE(finished.exit_code == 0);
  const Snapshot snapshot = read_snapshot(database);
  check_snapshot(snapshot);
  CHECK(snapshot.rows.size() == static_cast<std::size_t>(k_migrations));
  CHECK(snapshot.tables.size() == static_cast<std::size_t>(k_migrations));
}

TEST_CASE("down-to 0 killed with SIGKILL at random moments leaves at most one partial rollback that up refuses") {
  const std::string driver = GENERATE(as<std::string>{}, "sqlite3", "postgres");
  const KillFixture fixture(driver, [](const gander::test::TempDir& dir) {
    for (int index = 1; index <= k_rollback_migrations; ++index) {
      dir.write("migrations/" + rollback_file_name(index), rollback_migration_text(index));
    }
  });
  TestDatabase& database = *fixture.database;
  REQUIRE(gander::test::run_gander(fixture.args(database, {"up"})).exit_code == 0);

  // The kill delays scale with an uninterrupted rollback on a scratch
  // database, from about when a run has connected and read the table (a
  // status takes that long) to its end, so that most kills land in its work.
  const auto scratch = make_database(driver, fixture.dir.path() / "scratch");
  REQUIRE(gander::test::run_gander(fixture.args(*scratch, {"up"})).exit_code == 0);
  const auto time_of = [&](const std::vector<std::string>& command) {
    const Clock::time_point start = Clock::now();
    const ProcessResult result = gander::test::run_gander(fixture.args(*scratch, command));
    INFO(describe(result));
    REQUIRE(result.exit_code == 0);
    return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
  };
  const long startup = time_of({"status"});
  const long full_run = time_of({"down-to", "0"});

  const unsigned seed = std::random_device{}();
  INFO("seed " << seed << ", status " << startup << " ms, uninterrupted rollback " << full_run << " ms");
  std::mt19937 random(seed);
  std::uniform_int_distribution<long> delay_ms(std::min(startup, full_run), std::max<long>(full_run, 20));

  int killed = 0;
  int partials = 0;
  for (int round = 1; round <= k_rollback_rounds; ++round) {
    INFO("round " << round);
    gander::test::RunningProcess running = gander::test::start_gander(fixture.args(database, {"down-to", "0"}));
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

    const std::optional<int> partial = check_rollback_snapshot(read_snapshot(database));
    if (partial) {
      ++partials;
      const std::string name = rollback_file_name(*partial);
      const ProcessResult status = gander::test::run_gander(fixture.args(database, {"status"}));
      INFO(describe(status));
      CHECK(status.exit_code == 3);
      CHECK_THAT(status.out, Catch::Contains(name) && Catch::Contains("PARTIAL") && Catch::Contains("rolling back"));
      const ProcessResult refused = gander::test::run_gander(fixture.args(database, {"up"}));
      INFO(describe(refused));
      CHECK(refused.exit_code == 3);
      CHECK_THAT(refused.err, Catch::Contains(name + ": PARTIAL") && Catch::Contains("rolling back"));

      // A person finishes the rollback by hand, or undoes it, and says so.
      const std::string index = std::to_string(*partial);
      std::string resolution;
      if (round % 2 == 0) {
        database.exec("DROP TABLE IF EXISTS t" + index);
        database.exec("DELETE FROM markers WHERE name IN ('m" + index + "_1', 'm" + index + "_2', 'm" + index + "_3')");
        resolution = "--rolled-back";
      } else {
        database.exec("CREATE TABLE IF NOT EXISTS t" + index + " (id INTEGER)");
        for (int marker = 1; marker <= k_rollback_markers; ++marker) database.exec(marker_insert(*partial, marker));
        resolution = "--applied";
      }
      const ProcessResult resolved = gander::test::run_gander(fixture.args(database, {"resolve", name, resolution}));
      INFO(describe(resolved));
      REQUIRE(resolved.exit_code == 0);
      CHECK_FALSE(check_rollback_snapshot(read_snapshot(database)).has_value());
      CHECK(gander::test::run_gander(fixture.args(database, {"status"})).exit_code == 0);
    }
    if (read_snapshot(database).rows.empty()) {
      // Everything rolled back: apply it all again for the next round.
      const ProcessResult reapplied = gander::test::run_gander(fixture.args(database, {"up"}));
      INFO(describe(reapplied));
      REQUIRE(reapplied.exit_code == 0);
    }
  }
  INFO(killed << " kills landed, " << partials << " inside a rollback outside a transaction");
  CHECK(killed >= 1);

  const ProcessResult finished = gander::test::run_gander(fixture.args(database, {"down-to", "0"}));
  INFO(describe(finished));
  REQUIRE(finished.exit_code == 0);
  const Snapshot snapshot = read_snapshot(database);
  CHECK(snapshot.rows.empty());
  CHECK(snapshot.tables.empty());
  CHECK(snapshot.markers.empty());
}
