// gander verify --db: a live database's applied migrations against their
// files, read-only.

#include <atomic>
#include <filesystem>

#include <unistd.h>

#include <catch2/catch.hpp>

#include <gander/checksum/checksum.hpp>

#include "run_process.hpp"
#include "temp_dir.hpp"
#include "test_database.hpp"

namespace {

using gander::checksum::file_checksum;
using gander::test::ProcessResult;
using gander::test::run_gander;

const std::string k_first = "-- +goose Up\nCREATE TABLE a (id int);\n-- +goose Down\nDROP TABLE a;\n";
const std::string k_second = "-- +goose Up\nCREATE TABLE b (id int);\n-- +goose Down\nDROP TABLE b;\n";

// A role that may only read the tracking table of one database; dropped
// at scope end.
class SelectOnlyRole {
 public:
  explicit SelectOnlyRole(gander::test::TestDatabase& database) : m_database(database) {
    static std::atomic<int> counter{0};
    m_name = "gander_reader_" + std::to_string(::getpid()) + "_" + std::to_string(counter++);
    m_database.exec("CREATE ROLE " + m_name + " LOGIN; GRANT SELECT ON schema_migrations TO " + m_name);
  }
  ~SelectOnlyRole() {
    try {
      m_database.exec("REVOKE ALL ON schema_migrations FROM " + m_name + "; DROP ROLE " + m_name);
    } catch (const std::exception&) {
      // The database is dropped next; a left-over role only costs a name on a throwaway server.
    }
  }
  SelectOnlyRole(const SelectOnlyRole&) = delete;
  SelectOnlyRole& operator=(const SelectOnlyRole&) = delete;

  const std::string& name() const { return m_name; }

 private:
  gander::test::TestDatabase& m_database;
  std::string m_name;
};

}  // namespace

TEST_CASE("verify --db passes when every applied migration matches its file and pending ones are new") {
  const gander::test::TempDir temp;
  const auto database = gander::test::make_sqlite_database(temp.path());
  const std::string dir = (temp.path() / "migrations").string();
  temp.write("migrations/1_first.sql", k_first);
  REQUIRE(run_gander({"--db", database->dsn(), "--dir", dir, "up"}).exit_code == 0);
  temp.write("migrations/2_second.sql", k_second);
  const ProcessResult result = run_gander({"verify", "--db", database->dsn(), "--dir", dir});
  INFO(result.out << result.err);
  CHECK(result.exit_code == 0);
  CHECK(result.out == "gander verify: OK: every migration applied to " + database->dsn() + " matches its file in " +
                          dir + " (1 checked, 1 pending)\n");
}

TEST_CASE("verify --db reports modified and missing migrations on SQLite and exits 3") {
  const gander::test::TempDir temp;
  const auto database = gander::test::make_sqlite_database(temp.path());
  const std::string dir = (temp.path() / "migrations").string();
  temp.write("migrations/1_first.sql", k_first);
  temp.write("migrations/2_second.sql", k_second);
  REQUIRE(run_gander({"--db", database->dsn(), "--dir", dir, "up"}).exit_code == 0);
  const std::string edited = "-- +goose Up\nCREATE TABLE a (id bigint);\n";
  temp.write("migrations/1_first.sql", edited);
  std::filesystem::remove(dir + "/2_second.sql");

  const ProcessResult result = run_gander({"verify", "--db", database->dsn(), "--dir", dir});
  INFO(result.out << result.err);
  CHECK(result.exit_code == 3);
  CHECK_THAT(result.out, Catch::Contains("MODIFIED  " + dir + "/1_first.sql\n"));
  CHECK_THAT(result.out, Catch::Contains("checksum in the database: " + file_checksum(k_first)));
  CHECK_THAT(result.out, Catch::Contains("checksum now:             " + file_checksum(edited)));
  CHECK_THAT(result.out, Catch::Contains("gander amend 1_first.sql --reason TEXT"));
  CHECK_THAT(result.out, Catch::Contains("MISSING  " + dir + "/2_second.sql\n"));

  const ProcessResult json = run_gander({"verify", "--json", "--dir", dir}, {{"GANDER_DBSTRING", database->dsn()}});
  CHECK(json.exit_code == 3);
  CHECK_THAT(json.out, Catch::StartsWith("{\"mode\": \"db\", \"base\": \"" + database->dsn() + "\""));
  CHECK_THAT(json.out, Catch::Contains("{\"file\": \"2_second.sql\", \"kind\": \"missing\", \"expected_checksum\": \"" +
                                       file_checksum(k_second) + "\", \"actual_checksum\": null"));
}

TEST_CASE("verify --db works for a PostgreSQL role that may only SELECT the tracking table") {
  const auto database = gander::test::make_postgres_database();
  const gander::test::TempDir temp;
  const std::string dir = (temp.path() / "migrations").string();
  temp.write("migrations/1_first.sql", k_first);
  temp.write("migrations/2_second.sql", k_second);
  REQUIRE(run_gander({"--db", database->dsn(), "--dir", dir, "up"}).exit_code == 0);
  const SelectOnlyRole reader(*database);
  const std::string reader_dsn = database->dsn() + " user=" + reader.name();

  const ProcessResult clean = run_gander({"verify", "--db", reader_dsn, "--dir", dir});
  INFO(clean.out << clean.err);
  CHECK(clean.exit_code == 0);
  CHECK_THAT(clean.out, Catch::Contains("(2 checked, 0 pending)"));

  const std::string edited = "-- +goose Up\nCREATE TABLE b (id bigint);\n";
  temp.write("migrations/2_second.sql", edited);
  temp.write("migrations/3_third.sql", "-- +goose Up\nCREATE TABLE c (id int);\n");
  const ProcessResult modified = run_gander({"verify", "--json", "--db", reader_dsn, "--dir", dir});
  INFO(modified.out << modified.err);
  CHECK(modified.exit_code == 3);
  CHECK_THAT(modified.out,
             Catch::Contains("{\"file\": \"2_second.sql\", \"kind\": \"modified\", \"expected_checksum\": \"" +
                             file_checksum(k_second) + "\", \"actual_checksum\": \"" + file_checksum(edited) + "\""));
  CHECK_THAT(modified.out, Catch::Contains("\"new_files\": [\"3_third.sql\"]"));
  CHECK(database->scalar("SELECT count(*) FROM schema_migrations") == "2");
  CHECK(database->scalar("SELECT count(*) FROM pg_tables WHERE tablename LIKE 'schema_migrations%'") == "1");
}

TEST_CASE("verify --db creates no tracking table in a database that has none") {
  const auto database = gander::test::make_postgres_database();
  const gander::test::TempDir temp;
  const std::string dir = (temp.path() / "migrations").string();
  temp.write("migrations/1_first.sql", k_first);
  const ProcessResult result = run_gander({"verify", "--db", database->dsn(), "--dir", dir});
  INFO(result.out << result.err);
  CHECK(result.exit_code == 0);
  CHECK_THAT(result.out, Catch::Contains("(0 checked, 1 pending)"));
  CHECK(database->scalar("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'") == "0");
}
