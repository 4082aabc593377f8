#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "run_process.hpp"
#include "temp_dir.hpp"

using gander::test::run_gander;

namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// A copy of tests/lint_fixtures, one file per rule.
void copy_fixtures(const gander::test::TempDir& dir) { std::filesystem::copy(GANDER_LINT_FIXTURES, dir.path()); }

}  // namespace

TEST_CASE("lint prints every fixture finding as severity then file:line: rule: message and a summary and exits 1") {
  const gander::test::TempDir dir;
  copy_fixtures(dir);
  const auto result = run_gander({"lint", "--dir", dir.path().string()});
  CHECK(result.exit_code == 1);
  CHECK(result.err.empty());
  const std::string p = dir.path().string() + "/";
  const std::vector<std::string> expected = {
      "error: " + p +
          "00001_split_dollar_quote.sql:4: statement-split-inside-dollar-quote: goose ends the statement "
          "at this line, inside the $$ body of the DO block that opens at line 2, so the database "
          "receives it cut in two: wrap the whole statement in '-- +goose StatementBegin' and "
          "'-- +goose StatementEnd'",
      "error: " + p + "00002_split_string.sql:2: statement-split-inside-string: ",
      "error: " + p + "00003_split_block.sql:4: statement-split-inside-block: ",
      "error: " + p + "00004_split_comment.sql:3: statement-split-inside-comment: ",
      "error: " + p +
          "00005_concurrently.sql:2: concurrently-in-transaction: CREATE INDEX CONCURRENTLY cannot run "
          "inside a transaction block, and this file runs in one: add '-- +goose NO TRANSACTION' to the "
          "file",
      "error: " + p + "00005_concurrently.sql:5: concurrently-in-transaction: DROP INDEX CONCURRENTLY ",
      "error: " + p + "00006_vacuum.sql:3: vacuum-in-transaction: ",
      "warning: " + p + "00007_no_down.sql:2: no-down-section: ",
      "error: " + p + "00008_pragma_in_transaction.sql:2: pragma-foreign-keys-in-transaction: ",
      "error: " + p + "00008_pragma_in_transaction.sql:7: pragma-foreign-keys-in-transaction: ",
      "warning: " + p + "00009_foreign_keys_left_off.sql:3: foreign-keys-left-off: ",
      "warning: " + p +
          "00010_duplicate_b.sql:1: duplicate-version: version 10 is also the version of "
          "00010_duplicate_a.sql",
      "warning: " + p + "00011_empty.sql:1: empty-file: ",
      "error: " + p + "00012_dollar_in_envsub.sql:4: dollar-in-envsub: ",
      "error: " + p + "00012_dollar_in_envsub.sql:6: dollar-in-envsub: ",
      "error: " + p + "00013_parse_error.sql:3: parse-error: StatementEnd without StatementBegin",
      "warning: " + p + "00015_plain.sql:1: plain-file: no '-- +goose Up' annotation: goose refuses this file",
      "warning: " + p +
          "20260301120000_timestamp.sql:1: mixed-version-styles: the directory mixes "
          "sequential versions (16 files) and timestamp versions (1 file: this one), but 'gander fix' "
          "would change the order in which they run",
      "warning: " + p +
          "20261131090000_invalid_timestamp.sql:1: invalid-timestamp-version: version 20261131090000 "
          "looks like a timestamp (14 digits) but is not a valid date: November has no day 31, so",
  };
  const std::vector<std::string> lines = lines_of(result.out);
  REQUIRE(lines.size() == expected.size() + 1);
  for (std::size_t index = 0; index < expected.size(); ++index) {
    INFO("line " << index + 1);
    CHECK_THAT(lines[index], Catch::StartsWith(expected[index]));
  }
  CHECK(lines.back() == "12 errors, 7 warnings (18 .sql files in " + dir.path().string() + ")");
}

TEST_CASE("lint exits 0 with only warnings and 1 when --strict makes warnings fail") {
  const gander::test::TempDir dir;
  dir.write("00001_seed.sql", "-- +goose Up\nINSERT INTO t VALUES (1);\n");
  dir.write("00002_empty.sql", "\n");
  const auto lenient = run_gander({"lint", "--dir", dir.path().string()});
  CHECK(lenient.exit_code == 0);
  CHECK_THAT(lenient.out, Catch::EndsWith("0 errors, 2 warnings (2 .sql files in " + dir.path().string() + ")\n"));
  const auto strict = run_gander({"lint", "--strict", "--dir", dir.path().string()});
  CHECK(strict.exit_code == 1);
  CHECK_THAT(strict.out, Catch::Contains("warning: " + dir.path().string() + "/00001_seed.sql:1: no-down-section: "));
  CHECK_THAT(strict.out, Catch::EndsWith("0 errors, 2 warnings (2 .sql files in " + dir.path().string() +
                                         "); --strict: warnings fail too\n"));
}

TEST_CASE("lint warns about a plain SQL file and exits 0, and with --strict it is one error and exits 1") {
  const gander::test::TempDir dir;
  dir.write("001_plain.sql", "CREATE TABLE t (id int);\n");
  const std::string finding = dir.path().string() +
                              "/001_plain.sql:1: plain-file: no '-- +goose Up' annotation: goose refuses this file, "
                              "so a project that also deploys with goose stops here; add '-- +goose Up' at the top";
  const auto lenient = run_gander({"lint", "--dir", dir.path().string()});
  CHECK(lenient.exit_code == 0);
  const std::vector<std::string> warned = lines_of(lenient.out);
  REQUIRE(warned.size() == 2);
  CHECK_THAT(warned[0], Catch::StartsWith("warning: " + finding));
  CHECK(warned[1] == "0 errors, 1 warning (1 .sql file in " + dir.path().string() + ")");

  // --strict, where the parser refuses plain files, still lints the file as gander runs it: one
  // plain-file error, no parse-error beside it.
  const auto strict = run_gander({"lint", "--strict", "--dir", dir.path().string()});
  CHECK(strict.exit_code == 1);
  const std::vector<std::string> failed = lines_of(strict.out);
  REQUIRE(failed.size() == 2);
  CHECK_THAT(failed[0], Catch::StartsWith("error: " + finding));
  CHECK(failed[1] == "1 error, 0 warnings (1 .sql file in " + dir.path().string() + ")");

  const auto json = run_gander({"lint", "--strict", "--json", "--dir", dir.path().string()});
  CHECK(json.exit_code == 1);
  CHECK_THAT(json.out, Catch::Contains("\"rule\": \"plain-file\", \"severity\": \"error\"") &&
                           Catch::EndsWith("\"summary\": {\"errors\": 1, \"warnings\": 0, \"files\": 1}}\n"));
}

TEST_CASE("lint --json prints every finding and the counts") {
  const gander::test::TempDir dir;
  dir.write("00001_index.sql", "-- +goose Up\nCREATE INDEX CONCURRENTLY i ON t (a);\n");
  const auto result = run_gander({"lint", "--json", "--dir", dir.path().string()});
  CHECK(result.exit_code == 1);
  const std::string file = dir.path().string() + "/00001_index.sql";
  CHECK_THAT(result.out, Catch::StartsWith("{\"findings\": [{\"file\": \"" + file +
                                           "\", \"line\": 1, \"rule\": \"no-down-section\", \"severity\": \"warning\", "
                                           "\"message\": \"no '-- +goose Down' section"));
  CHECK_THAT(result.out, Catch::Contains("}, {\"file\": \"" + file +
                                         "\", \"line\": 2, \"rule\": \"concurrently-in-transaction\", \"severity\": "
                                         "\"error\", \"message\": \"CREATE INDEX CONCURRENTLY cannot run inside a "
                                         "transaction block"));
  CHECK_THAT(result.out, Catch::EndsWith("], \"summary\": {\"errors\": 1, \"warnings\": 1, \"files\": 1}}\n"));
}

TEST_CASE("lint finds nothing in the repository's sample migrations") {
  for (const std::string& dir :
       {std::string(GANDER_SAMPLE_MIGRATIONS), std::string(GANDER_SAMPLE_MIGRATIONS) + "/postgres"}) {
    const auto result = run_gander({"lint", "--strict", "--dir", dir});
    CHECK(result.exit_code == 0);
    CHECK(result.out == "0 errors, 0 warnings (5 .sql files in " + dir + ")\n");
  }
}

TEST_CASE("lint refuses arguments and a missing directory with exit 2") {
  const auto argument = run_gander({"lint", "somefile.sql"});
  CHECK(argument.exit_code == 2);
  CHECK_THAT(argument.err, Catch::Contains("lint takes no arguments"));
  const auto missing = run_gander({"lint", "--dir", "/nonexistent/migrations"});
  CHECK(missing.exit_code == 2);
  CHECK_THAT(missing.err, Catch::Contains("/nonexistent/migrations: the migrations directory does not exist"));
}

TEST_CASE("lint --help lists every rule with its severity") {
  const auto result = run_gander({"lint", "--help"});
  CHECK(result.exit_code == 0);
  CHECK_THAT(result.out, Catch::Contains("  statement-split-inside-dollar-quote (error): ") &&
                             Catch::Contains("  mixed-version-styles (warning): ") &&
                             Catch::Contains("  invalid-timestamp-version (warning): ") &&
                             Catch::Contains("  plain-file (warning): ") && Catch::Contains("an error with --strict"));
}
