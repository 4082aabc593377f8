// goose's own parser test data (shared/conformance/), walked as data: the
// folders are enumerated at run time, so a case added upstream is tested
// without touching this file.

#include <gander/parser/migration.hpp>

#include <algorithm>
#include <cstddef>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <catch2/catch.hpp>

#include "shared_data.hpp"

namespace fs = std::filesystem;

using gander::parser::Migration;
using gander::parser::parse_migration;
using gander::parser::ParseOptions;
using gander::parser::ParseResult;
using gander::parser::Statement;

namespace {

fs::path sqlparser_dir() { return fs::path(gander::test::require_shared_dir()) / "conformance" / "goose-sqlparser"; }

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE(in);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::vector<fs::path> sorted_entries(const fs::path& dir, bool want_directories) {
  std::vector<fs::path> out;
  for (const fs::directory_entry& entry : fs::directory_iterator(dir)) {
    if (entry.is_directory() == want_directories) out.push_back(entry.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

// The golden statements of one direction, in order. goose globs
// `*.<direction>.golden.sql` and reads the number before the first '.';
// number N must be the N-th statement, so the numbers must run 1..count.
std::vector<std::string> read_golden(const fs::path& dir, const std::string& direction) {
  const std::string suffix = "." + direction + ".golden.sql";
  std::map<int, std::string> by_number;
  for (const fs::path& file : sorted_entries(dir, false)) {
    const std::string name = file.filename().string();
    if (name.size() <= suffix.size() || name.compare(name.size() - suffix.size(), suffix.size(), suffix) != 0) continue;
    const int number = std::stoi(name.substr(0, name.find('.')));
    INFO(file);
    REQUIRE(by_number.emplace(number, read_file(file)).second);
  }
  std::vector<std::string> out;
  for (const auto& [number, text] : by_number) {
    INFO(dir << ": golden files must be numbered 1.." << by_number.size());
    REQUIRE(number == static_cast<int>(out.size()) + 1);
    out.push_back(text);
  }
  return out;
}

// The environment goose's TestEnvsub sets; everything else is unset.
std::optional<std::string> envsub_test_env(std::string_view name) {
  if (name == "GOOSE_ENV_REGION") return std::string("us_east_");
  if (name == "GOOSE_ENV_SET_BUT_EMPTY_VALUE") return std::string();
  if (name == "GOOSE_ENV_NAME") return std::string("foo");
  return std::nullopt;
}

Migration parse_without_error(const fs::path& file, const ParseOptions& options) {
  const ParseResult result = parse_migration(read_file(file), options);
  if (result.error) FAIL(file.string() << ":" << result.error->line << ": " << result.error->message);
  return result.migration;
}

void check_statements(const std::vector<Statement>& got, const std::vector<std::string>& expected) {
  REQUIRE(got.size() == expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    INFO("statement " << i + 1);
    CHECK(got[i].sql == expected[i]);
  }
}

// README: goose never compares down for valid-up; these are the values its
// parser returns. Cases not listed return no down statement.
const std::map<std::string, std::vector<std::string>> k_valid_up_down = {
    {"test06", {"TRUNCATE TABLE post;"}},
    {"test07", {"DROP INDEX IF EXISTS users_user_id_idx;"}},
    {"test09", {"DROP TABLE IF EXISTS t;"}},
};

}  // namespace

TEST_CASE("goose golden cases match byte for byte (valid-up, envsub)", "[conformance]") {
  for (const char* group : {"valid-up", "envsub"}) {
    const std::vector<fs::path> cases = sorted_entries(sqlparser_dir() / group, true);
    REQUIRE_FALSE(cases.empty());
    for (const fs::path& dir : cases) {
      const std::string name = dir.filename().string();
      DYNAMIC_SECTION(group << "/" << name) {
        ParseOptions options;
        options.env = envsub_test_env;
        const Migration migration = parse_without_error(dir / "input.sql", options);

        const std::vector<std::string> up = read_golden(dir, "up");
        REQUIRE_FALSE(up.empty());
        check_statements(migration.up, up);

        std::vector<std::string> down = read_golden(dir, "down");
        if (down.empty() && std::string(group) == "valid-up") {
          const auto known = k_valid_up_down.find(name);
          if (known != k_valid_up_down.end()) down = known->second;
        }
        check_statements(migration.down, down);
        CHECK_FALSE(migration.is_plain);
      }
    }
  }
  for (const auto& [name, down] : k_valid_up_down) {
    INFO("README names valid-up/" << name);
    CHECK(fs::is_directory(sqlparser_dir() / "valid-up" / name));
  }
}

TEST_CASE("goose invalid/up cases are rejected at the unfinished statement", "[conformance]") {
  const std::vector<fs::path> files = sorted_entries(sqlparser_dir() / "invalid" / "up", false);
  REQUIRE_FALSE(files.empty());
  for (const fs::path& file : files) {
    DYNAMIC_SECTION("invalid/up/" << file.filename().string()) {
      const std::string text = read_file(file);
      // Every file leaves "SELECT * FROM bar" without its ';' (README).
      std::size_t expected_line = 0;
      std::istringstream lines(text);
      std::string line;
      for (std::size_t number = 1; std::getline(lines, line); ++number) {
        if (line == "SELECT * FROM bar") {
          expected_line = number;
          break;
        }
      }
      REQUIRE(expected_line != 0);

      const ParseResult result = parse_migration(text, {});
      REQUIRE(result.error);
      CHECK(result.error->line == expected_line);
      CHECK_THAT(result.error->message, Catch::Contains("\"SELECT * FROM bar\": missing semicolon?"));
    }
  }
}

// goose's TestEnvsubError uses an inline file; the README gives the message prefix.
TEST_CASE("goose envsub error: an unset required variable fails at its line", "[conformance]") {
  const std::string_view text =
      "-- +goose Up\n"
      "-- +goose ENVSUB ON\n"
      "CREATE TABLE post (\n"
      "  id int NOT NULL,\n"
      "  ${SOME_UNSET_VAR?required env var not set} text\n"
      ");\n";
  ParseOptions options;
  options.env = envsub_test_env;
  const ParseResult result = parse_migration(text, options);
  REQUIRE(result.error);
  CHECK(result.error->line == 5);
  CHECK_THAT(result.error->message,
             Catch::StartsWith("variable substitution failed: $SOME_UNSET_VAR: required env var not set:"));
}

TEST_CASE("goose valid-txn cases: transaction flag and statements", "[conformance]") {
  struct Expected {
    bool use_tx;
    std::vector<std::string> up;
    std::vector<std::string> down;
  };
  const std::map<std::string, Expected> expectations = {
      {"00001_create_users_table.sql",
       {true,
        {"CREATE TABLE users (\n    id int NOT NULL PRIMARY KEY,\n    username text,\n"
         "    name text,\n    surname text\n);",
         "INSERT INTO users VALUES\n(0, 'root', '', ''),\n(1, 'vojtechvitek', 'Vojtech', 'Vitek');"},
        {"DROP TABLE users;"}}},
      {"00002_rename_root.sql",
       {true,
        {"UPDATE users SET username='admin' WHERE username='root';"},
        {"UPDATE users SET username='root' WHERE username='admin';"}}},
      {"00003_no_transaction.sql",
       {false,
        {"CREATE TABLE post (\n    id int NOT NULL,\n    title text,\n    body text,\n    PRIMARY KEY(id)\n);"},
        {"DROP TABLE post;"}}},
  };
  const std::vector<fs::path> files = sorted_entries(sqlparser_dir() / "valid-txn", false);
  std::set<std::string> seen;
  for (const fs::path& file : files) {
    const std::string name = file.filename().string();
    DYNAMIC_SECTION("valid-txn/" << name) {
      const auto expected = expectations.find(name);
      if (expected == expectations.end()) FAIL("no expectation for valid-txn/" << name << "; add it from the README");
      const Migration migration = parse_without_error(file, {});
      CHECK(migration.use_tx == expected->second.use_tx);
      check_statements(migration.up, expected->second.up);
      check_statements(migration.down, expected->second.down);
    }
    seen.insert(name);
  }
  for (const auto& [name, expected] : expectations) {
    INFO("README names valid-txn/" << name);
    CHECK(seen.count(name) == 1);
  }
}

TEST_CASE("goose integration migrations (postgres) all parse", "[conformance]") {
  struct Expected {
    std::size_t up_count;
    std::size_t down_count;
    bool use_tx;
    std::string_view up_first_line;  // of the first up statement, when there is one
  };
  const std::map<std::string, Expected> expectations = {
      // One block holding three DDL statements: one chunk.
      {"00001_table.sql", {1, 1, true, "CREATE TYPE owner_type as ENUM('user', 'organization');"}},
      {"00002_insert.sql", {3, 1, true, "INSERT INTO owners(owner_name, owner_type) "}},
      {"00003_alter.sql", {1, 1, true, "ALTER TABLE repos "}},
      {"00004_empty.sql", {0, 0, true, ""}},
      {"00005_no_tx.sql", {1, 1, false, "CREATE UNIQUE INDEX CONCURRENTLY ON owners(owner_name);"}},
      // Lower-case annotations (`-- +goose up`, `statementbegin`, ...).
      {"00006_complex.sql", {1, 1, true, "CREATE OR REPLACE FUNCTION insert_repository("}},
  };
  const fs::path dir = fs::path(gander::test::require_shared_dir()) / "conformance" / "goose-integration" / "postgres";
  const std::vector<fs::path> files = sorted_entries(dir, false);
  REQUIRE_FALSE(files.empty());
  std::set<std::string> seen;
  for (const fs::path& file : files) {
    if (file.extension() != ".sql") continue;
    const std::string name = file.filename().string();
    seen.insert(name);
    DYNAMIC_SECTION("postgres/" << name) {
      const Migration migration = parse_without_error(file, {});
      CHECK_FALSE(migration.is_plain);
      // Parsing is all that is asked of a file the table does not list.
      const auto expected = expectations.find(name);
      if (expected != expectations.end()) {
        CHECK(migration.up.size() == expected->second.up_count);
        CHECK(migration.down.size() == expected->second.down_count);
        CHECK(migration.use_tx == expected->second.use_tx);
        if (!migration.up.empty()) {
          const std::string& sql = migration.up.front().sql;
          CHECK(sql.substr(0, sql.find('\n')) == expected->second.up_first_line);
        }
      }
    }
  }
  for (const auto& [name, expected] : expectations) {
    INFO("goose-integration/postgres/" << name);
    CHECK(seen.count(name) == 1);
  }
}

TEST_CASE("goose integration: 00006 keeps the PL/pgSQL body whole", "[conformance]") {
  const fs::path file = fs::path(gander::test::require_shared_dir()) / "conformance" / "goose-integration" /
                        "postgres" / "00006_complex.sql";
  const Migration migration = parse_without_error(file, {});
  REQUIRE(migration.up.size() == 1);
  const std::string& body = migration.up.front().sql;
  CHECK_THAT(body, Catch::EndsWith("END;\n$$ LANGUAGE plpgsql;"));
  CHECK_THAT(body, Catch::Contains("    -- Check if the owner already exists\n"));
  CHECK(migration.up.front().line == 3);
  REQUIRE(migration.down.size() == 1);
  CHECK(migration.down.front().sql == "DROP FUNCTION IF EXISTS insert_repository(TEXT, TEXT, OWNER_TYPE);");
}
