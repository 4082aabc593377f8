// Replicas of the example service starting at the same instant against one
// fresh database, round after round so that a rare race shows: every
// replica starts, and every migration is applied by exactly one of them.

#include <map>
#include <regex>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <pqxx/pqxx>

#include "run_process.hpp"
#include "temp_dir.hpp"
#include "test_database.hpp"
#include "wait_until.hpp"

namespace {

using gander::test::ProcessResult;
using gander::test::RunningProcess;

constexpr int k_replicas = 8;
constexpr int k_rounds = 20;
constexpr std::size_t k_sample_migrations = 5;

// Who applied what, from the replicas' logs: "migration NAME applied in".
std::map<std::string, int> applied_counts(const std::vector<ProcessResult>& results) {
  static const std::regex applied("migration (\\S+) applied in");
  std::map<std::string, int> counts;
  for (const ProcessResult& result : results) {
    for (std::sregex_iterator it(result.err.begin(), result.err.end(), applied), end; it != end; ++it) {
      counts[(*it)[1]] += 1;
    }
  }
  return counts;
}

}  // namespace

TEST_CASE("8 replicas starting at once apply each migration exactly once and all start") {
  const std::string driver = GENERATE(as<std::string>{}, "sqlite3", "postgres");
  const std::string service = GANDER_EXAMPLE_SERVICE;
  for (int round = 1; round <= k_rounds; ++round) {
    INFO(driver << ", round " << round);
    const gander::test::TempDir dir;
    const auto database = gander::test::make_test_database(driver, dir.path());
    const std::vector<std::vector<std::string>> args(k_replicas, {"--db", database->dsn()});
    std::vector<ProcessResult> results;
    for (RunningProcess& replica : gander::test::start_together(service, args)) results.push_back(replica.wait());

    for (const ProcessResult& result : results) {
      INFO("exit " << result.exit_code << "\n" << result.err);
      REQUIRE(result.exit_code == 0);
      REQUIRE_THAT(result.err, Catch::Contains("ready; support e-mail is support@example.com"));
      REQUIRE_THAT(result.err, !Catch::Contains("locked") && !Catch::Contains("deadlock") &&
                                   !Catch::Contains("duplicate") && !Catch::Contains("refusing"));
    }
    const std::map<std::string, int> counts = applied_counts(results);
    REQUIRE(counts.size() == k_sample_migrations);
    for (const auto& [name, count] : counts) {
      INFO(name);
      REQUIRE(count == 1);
    }
    REQUIRE(*database->scalar("SELECT count(*) FROM schema_migrations") == std::to_string(k_sample_migrations));
    REQUIRE(*database->scalar("SELECT count(*) FROM schema_migrations WHERE state <> 'applied'") == "0");
  }
}

TEST_CASE("the example service refuses to start on a checksum mismatch and tells the operator what to do") {
  const std::string driver = GENERATE(as<std::string>{}, "sqlite3", "postgres");
  const gander::test::TempDir dir;
  const auto database = gander::test::make_test_database(driver, dir.path());
  const std::string service = GANDER_EXAMPLE_SERVICE;
  REQUIRE(gander::test::start_process(service, {"--db", database->dsn()}).wait().exit_code == 0);
  database->exec("UPDATE schema_migrations SET checksum = '" + std::string(64, '0') +
                 "' WHERE filename = '00002_create_orders.sql'");

  const ProcessResult refused = gander::test::start_process(service, {"--db", database->dsn()}).wait();
  INFO(refused.err);
  CHECK(refused.exit_code == 3);
  CHECK_THAT(refused.err, Catch::Contains("refusing to start (ChecksumMismatch)") &&
                              Catch::Contains("00002_create_orders.sql: MODIFIED db=" + std::string(64, '0')));
  CHECK_THAT(refused.err, Catch::Contains("ship the change as a new migration"));
  CHECK_THAT(refused.err, !Catch::Contains("ready;"));
}

TEST_CASE("a replica that starts during a slow migration waits says on whom and then starts with nothing to do") {
  const auto database = gander::test::make_postgres_database();
  const std::string service = GANDER_EXAMPLE_SERVICE;
  const ProcessResult first_three = gander::test::run_gander(
      {"--db", database->dsn(), "--dir", std::string(GANDER_SAMPLE_MIGRATIONS) + "/postgres", "up-to", "3"});
  REQUIRE(first_three.exit_code == 0);

  // A writer's open transaction on orders makes 00004's CREATE INDEX
  // CONCURRENTLY wait for it: the first replica holds the migration lock
  // for as long as the test likes.
  pqxx::connection writer(database->dsn());
  pqxx::work writing(writer);
  writing.exec("LOCK TABLE orders IN ROW EXCLUSIVE MODE");
  RunningProcess migrating = gander::test::start_process(service, {"--db", database->dsn()});
  gander::test::wait_until(
      [&] {
        return *database->scalar(
                   "SELECT count(*) FROM pg_stat_activity WHERE state = 'active' AND "
                   "query LIKE 'CREATE INDEX CONCURRENTLY%'") == "1";
      },
      "the first replica's CREATE INDEX CONCURRENTLY");
  RunningProcess waiting = gander::test::start_process(service, {"--db", database->dsn()});
  gander::test::wait_until([&] { return waiting.err_so_far().find("waiting for the lock") != std::string::npos; },
                           "the second replica to report that it waits");
  // The waiter holds no snapshot, so it cannot hold up the index build once
  // the writer is done.
  writing.commit();

  const ProcessResult migrated = migrating.wait();
  INFO("migrating replica:\n" << migrated.err);
  CHECK(migrated.exit_code == 0);
  CHECK_THAT(migrated.err, Catch::Contains("migration 00004_index_orders_by_status.sql applied in") &&
                               Catch::Contains("migration 00005_seed_settings.sql applied in"));
  const ProcessResult waited = waiting.wait();
  INFO("waiting replica:\n" << waited.err);
  CHECK(waited.exit_code == 0);
  CHECK_THAT(waited.err, Catch::Contains("another replica is migrating; waiting for the lock held by server pid ") &&
                             Catch::Contains("(gander) from 127.0.0.1:"));
  CHECK_THAT(waited.err, Catch::Contains("schema at version 5 (0 migrations applied"));
  CHECK_THAT(waited.err, Catch::Contains("ready; support e-mail is support@example.com"));
}
