// Several gander processes starting at once against one database: each
// migration is applied exactly once and every process succeeds.

#include <catch2/catch.hpp>

#include "run_process.hpp"
#include "temp_dir.hpp"
#include "test_database.hpp"

namespace {

using gander::test::ProcessResult;
using gander::test::RunningGander;

constexpr int k_processes = 4;
constexpr int k_migrations = 20;

}  // namespace

TEST_CASE("processes racing up on one fresh database apply each migration once and all exit 0") {
  const std::string driver = GENERATE(as<std::string>{}, "sqlite3", "postgres");
  const gander::test::TempDir dir;
  const auto database = gander::test::make_test_database(driver, dir.path());
  for (int index = 1; index <= k_migrations; ++index) {
    const std::string table = "t" + std::to_string(index);
    dir.write("migrations/" + std::to_string(1000 + index) + "_create_" + table + ".sql",
              "-- +goose Up\nCREATE TABLE " + table + " (id INTEGER);\nINSERT INTO " + table +
                  " VALUES (1);\n-- +goose Down\nDROP TABLE " + table + ";\n");
  }
  std::vector<RunningGander> running;
  for (int process = 0; process < k_processes; ++process) {
    running.push_back(gander::test::start_gander(
        {"--driver", driver, "--db", database->dsn(), "--dir", (dir.path() / "migrations").string(), "up"}));
  }
  std::size_t applied_lines = 0;
  for (RunningGander& gander : running) {
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
