#include <catch2/catch.hpp>

#include <gander/checksum/checksum.hpp>

#include "run_process.hpp"
#include "temp_dir.hpp"

using gander::test::run_gander;

TEST_CASE("validate lists every migration with version, checksum, counts and kind") {
  const gander::test::TempDir dir;
  const std::string init =
      "-- +goose Up\nCREATE TABLE a (id int);\nCREATE TABLE b (id int);\n-- +goose Down\nDROP TABLE b;\n";
  dir.write("00001_init.sql", init);
  dir.write("00002_index.sql", "-- +goose NO TRANSACTION\n-- +goose Up\nCREATE INDEX i ON a (id);\n");
  dir.write("00003_plain.sql", "UPDATE a SET id = 1;\n");
  dir.write("00004_blank.sql", "\n\n");
  const auto result = run_gander({"validate", "--dir", dir.path().string()});
  CHECK(result.exit_code == 0);
  CHECK(result.err.empty());
  CHECK_THAT(result.out, Catch::Contains("1               " + gander::checksum::file_checksum(init).substr(0, 12) +
                                         "     2     1  goose           00001_init.sql"));
  CHECK_THAT(result.out, Catch::Contains("1     -  goose, no tx    00002_index.sql"));
  CHECK_THAT(result.out, Catch::Contains("plain           00003_plain.sql"));
  CHECK_THAT(result.out, Catch::Contains("empty, skipped  00004_blank.sql"));
  CHECK_THAT(result.out, Catch::Contains("4 valid, 0 invalid"));
}

TEST_CASE("validate reports every bad file as file:line: message and exits 1") {
  const gander::test::TempDir dir;
  dir.write("001_ok.sql", "-- +goose Up\nSELECT 1;\n");
  dir.write("002_bad.sql", "-- +goose Up\nSELECT 2\n");
  dir.write("003_bad.sql", "-- +goose Up\n-- +goose StatementEnd\n");
  dir.write("readme.sql", "SELECT 0;\n");
  const auto result = run_gander({"validate", "--dir", dir.path().string()});
  CHECK(result.exit_code == 1);
  const std::string prefix = dir.path().string() + "/";
  CHECK_THAT(result.err, Catch::Contains(prefix + "002_bad.sql:2: unfinished SQL statement"));
  CHECK_THAT(result.err, Catch::Contains(prefix + "003_bad.sql:2: StatementEnd without StatementBegin"));
  CHECK_THAT(result.err, Catch::Contains(prefix + "readme.sql: migration file name must start with its version"));
  CHECK_THAT(result.out, Catch::Contains("001_ok.sql"));
  CHECK_THAT(result.out, Catch::Contains("1 valid, 3 invalid"));
}

TEST_CASE("validate --json reports files and errors for tools") {
  const gander::test::TempDir dir;
  dir.write("001_ok.sql", "-- +goose Up\nSELECT 1;\n");
  dir.write("002_bad.sql", "-- +goose Up\nSELECT 2\n");
  const auto result = run_gander({"validate", "--json", "--dir", dir.path().string()});
  CHECK(result.exit_code == 1);
  CHECK_THAT(result.out, Catch::Contains("{\"filename\": \"001_ok.sql\"") &&
                             Catch::Contains("\"valid\": true, \"checksum\": \"") &&
                             Catch::Contains("\"up_statements\": 1, \"down_statements\": 0}"));
  CHECK_THAT(result.out, Catch::Contains("\"valid\": false, \"line\": 2, \"error\": \"unfinished SQL statement"));
  CHECK_THAT(result.out, Catch::EndsWith("\"valid\": 1, \"invalid\": 1}\n"));
}

TEST_CASE("validate on a missing directory exits 2 and names it") {
  const auto result = run_gander({"validate", "--dir", "/nonexistent/migrations"});
  CHECK(result.exit_code == 2);
  CHECK_THAT(result.err, Catch::Contains("/nonexistent/migrations: the migrations directory does not exist"));
}
