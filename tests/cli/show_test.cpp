#include <catch2/catch.hpp>

#include <gander/checksum/checksum.hpp>

#include "run_process.hpp"
#include "temp_dir.hpp"

using gander::test::run_gander;

TEST_CASE("show --json prints the documented shape with each statement and its line") {
  const gander::test::TempDir dir;
  const std::string bytes =
      "-- +goose Up\nCREATE TABLE a (id int);\n\n-- +goose StatementBegin\nCREATE FUNCTION f() RETURNS int AS $$\n"
      "BEGIN RETURN 1; END;\n$$ LANGUAGE plpgsql;\n-- +goose StatementEnd\n-- +goose Down\nDROP TABLE a;\n";
  const std::string path = dir.write("00001_init.sql", bytes).string();
  const auto result = run_gander({"show", path, "--json"});
  REQUIRE(result.exit_code == 0);
  CHECK(result.err.empty());
  CHECK(result.out == "{\"file\": \"" + path + "\", \"checksum\": \"" + gander::checksum::file_checksum(bytes) +
                          "\", \"plain\": false, \"use_tx\": true, \"empty\": false, \"bom\": false, "
                          "\"has_down\": true, \"version\": 1, \"up\": [{\"sql\": \"CREATE TABLE a (id int);\", "
                          "\"line\": 2}, {\"sql\": \"CREATE FUNCTION f() RETURNS int AS $$\\nBEGIN RETURN 1; "
                          "END;\\n$$ LANGUAGE plpgsql;\", \"line\": 5}], \"down\": [{\"sql\": \"DROP TABLE a;\", "
                          "\"line\": 10}]}\n");
}

TEST_CASE("show --json escapes control characters and writes invalid UTF-8 as U+FFFD") {
  const gander::test::TempDir dir;
  const std::string path = dir.write("001_x.sql", "-- +goose Up\nSELECT '\t\"\\\x01\xFF';\n").string();
  const auto result = run_gander({"--json", "show", path});
  REQUIRE(result.exit_code == 0);
  CHECK_THAT(result.out, Catch::Contains("\"sql\": \"SELECT '\\t\\\"\\\\\\u0001\\ufffd';\""));
}

TEST_CASE("show applies ENVSUB from the environment, telling unset from empty") {
  const gander::test::TempDir dir;
  const std::string path =
      dir.write(
             "001_env.sql",
             "-- +goose Up\n-- +goose ENVSUB ON\nCREATE TABLE ${PREFIX}t (c text DEFAULT '${EMPTY-unset}${GONE-unset}');\n")
          .string();
  const auto result = run_gander({"show", "--json", path}, {{"PREFIX", "app_"}, {"EMPTY", ""}, {"GONE", std::nullopt}});
  REQUIRE(result.exit_code == 0);
  CHECK_THAT(result.out, Catch::Contains("CREATE TABLE app_t (c text DEFAULT 'unset');"));
}

TEST_CASE("show on a malformed file exits 1 with file:line: message on stderr") {
  const gander::test::TempDir dir;
  struct Case {
    const char* content;
    int line;
    const char* message_part;
  };
  const Case cases[] = {
      {"-- +goose Up\nSELECT 1\n-- +goose Down\n", 2, "missing semicolon"},
      {"-- +goose Up\n-- +goose StatementBegin\nSELECT 1;\n", 2, "StatementBegin without StatementEnd"},
      {"-- +goose Up\n-- +goose StatementBegin\n-- +goose StatementEnd\nSELECT 1;\n", 4, "silently drop"},
      {"-- +goose Up\n-- +goose ENVSUB ON\nSELECT '${GANDER_TEST_UNSET?must be set}';\n", 3,
       "variable substitution failed: $GANDER_TEST_UNSET: must be set"},
      {"-- +goose Upp\n", 1, "unknown annotation"},
  };
  for (const Case& c : cases) {
    INFO(c.content);
    const std::string path = dir.write("001_bad.sql", c.content).string();
    const auto result = run_gander({"show", "--json", path}, {{"GANDER_TEST_UNSET", std::nullopt}});
    CHECK(result.exit_code == 1);
    CHECK(result.out.empty());
    CHECK_THAT(result.err, Catch::StartsWith(path + ":" + std::to_string(c.line) + ": "));
    CHECK_THAT(result.err, Catch::Contains(c.message_part));
  }
}

TEST_CASE("show on a file whose Down section alone is malformed shows the up statements and exits 1") {
  const gander::test::TempDir dir;
  const std::string path =
      dir.write("001_t.sql", "-- +goose Up\nCREATE TABLE t (id int);\n-- +goose Down\nDROP TABLE t\n").string();
  const auto json = run_gander({"show", "--json", path});
  CHECK(json.exit_code == 1);
  CHECK_THAT(json.out, Catch::Contains(R"("up": [{"sql": "CREATE TABLE t (id int);", "line": 2}], "down": [], )"
                                       R"("down_error": ")" +
                                       path + ":4: unfinished SQL statement"));
  CHECK_THAT(json.err, Catch::StartsWith(path + ":4: ") && Catch::Contains("missing semicolon"));
  const auto text = run_gander({"show", path});
  CHECK(text.exit_code == 1);
  CHECK_THAT(text.out, Catch::Contains("CREATE TABLE t (id int);") && Catch::Contains("down: malformed"));
}

TEST_CASE("show names a file it cannot read and exits 2") {
  const auto result = run_gander({"show", "/nonexistent/001_x.sql"});
  CHECK(result.exit_code == 2);
  CHECK_THAT(result.err, Catch::StartsWith("/nonexistent/001_x.sql: cannot open"));
}

TEST_CASE("show describes plain, no-transaction and empty files") {
  const gander::test::TempDir dir;
  const auto plain = run_gander({"show", "--json", dir.write("001_p.sql", "\n\nCREATE TABLE p (id int);\n").string()});
  CHECK_THAT(plain.out, Catch::Contains("\"plain\": true, \"use_tx\": true") &&
                            Catch::Contains("\"up\": [{\"sql\": \"CREATE TABLE p (id int);\", \"line\": 3}]"));
  const auto notx =
      run_gander({"show", dir.write("002_i_notx.sql", "CREATE INDEX CONCURRENTLY i ON p (id);\n").string()});
  CHECK_THAT(notx.out, Catch::Contains("transaction: no"));
  const auto empty = run_gander({"show", "--json", dir.write("003_e.sql", " \n\t\n").string()});
  CHECK_THAT(empty.out, Catch::Contains("\"empty\": true") && Catch::Contains("\"up\": []"));
  const auto strict = run_gander({"show", "--strict", dir.write("004_s.sql", "SELECT 1;\n").string()});
  CHECK(strict.exit_code == 1);
  CHECK_THAT(strict.err, Catch::Contains("--strict"));
}

TEST_CASE("show prints a readable listing by default") {
  const gander::test::TempDir dir;
  const std::string path = dir.write("001_x.sql", "-- +goose Up\n-- +goose NO TRANSACTION\nSELECT 1;\n").string();
  const auto result = run_gander({"show", path});
  REQUIRE(result.exit_code == 0);
  CHECK_THAT(result.out, Catch::Contains("file:        " + path));
  CHECK_THAT(result.out, Catch::Contains("transaction: no"));
  CHECK_THAT(result.out, Catch::Contains("-- up statement 1, line 3\nSELECT 1;"));
  CHECK_THAT(result.out, Catch::Contains("down: no Down section"));
}
