// The lexer behind gander lint: what is open after each line, which
// statements the text holds, and where "$$" stands outside comments.

#include "util/sql_scanner.hpp"

#include <string>
#include <string_view>
#include <vector>

#include <catch2/catch.hpp>

using gander::detail::OpenConstruct;
using gander::detail::OpenKind;
using gander::detail::ScannedStatement;
using gander::detail::SqlScanner;

namespace {

// Scans `lines` (numbered from 1) and returns what is open after the last.
std::optional<OpenConstruct> open_after(const std::vector<std::string_view>& lines) {
  SqlScanner scanner;
  for (std::size_t index = 0; index < lines.size(); ++index) scanner.scan_line(lines[index], index + 1);
  return scanner.open_construct();
}

}  // namespace

TEST_CASE("lint scanner: each construct is open until its closing delimiter") {
  struct Row {
    std::vector<std::string_view> lines;
    OpenKind kind;
    std::size_t line;
    std::string delimiter;
    std::string statement;
  };
  const Row rows[] = {
      {{"SELECT 1;", "INSERT INTO t VALUES ('a;"}, OpenKind::string, 2, "'", "INSERT"},
      {{"SELECT e'\\';"}, OpenKind::string, 1, "E'", "SELECT"},
      {{"CREATE TABLE \"a;"}, OpenKind::quoted_identifier, 1, "\"", "CREATE TABLE"},
      {{"SELECT `a;"}, OpenKind::quoted_identifier, 1, "`", "SELECT"},
      {{"/* one", "two; */ SELECT 1; /* three;"}, OpenKind::block_comment, 2, "/*", ""},
      {{"DO $$", "BEGIN"}, OpenKind::dollar_quote, 1, "$$", "DO"},
      {{"CREATE OR REPLACE FUNCTION f() AS $body$ SELECT $$;"}, OpenKind::dollar_quote, 1, "$body$", "CREATE FUNCTION"},
      {{"CREATE TEMP TRIGGER t AFTER INSERT ON x", "BEGIN", "SELECT CASE WHEN 1 THEN 2 END;"},
       OpenKind::begin_block,
       2,
       "BEGIN",
       "CREATE TRIGGER"},
      {{"CREATE PROCEDURE p() BEGIN", "ATOMIC SELECT 1;"}, OpenKind::begin_block, 1, "BEGIN", "CREATE PROCEDURE"},
  };
  for (const Row& row : rows) {
    INFO(row.lines.back());
    const std::optional<OpenConstruct> open = open_after(row.lines);
    REQUIRE(open.has_value());
    CHECK(open->kind == row.kind);
    CHECK(open->line == row.line);
    CHECK(open->delimiter == row.delimiter);
    CHECK(open->statement == row.statement);
  }
}

TEST_CASE("lint scanner: closed constructs leave nothing open") {
  const std::vector<std::string_view> texts[] = {
      {"SELECT 'a;", "b';"},
      {"SELECT 'it''s', E'\\'', \"x\"\"y\", `z``w`;"},
      {"DO $$ BEGIN", "PERFORM 1;", "END $$;"},
      {"SELECT $a$ $$ $a$; -- '", "SELECT 1;"},
      {"CREATE TRIGGER t AFTER INSERT ON x BEGIN", "SELECT CASE WHEN new.a THEN 1 END;", "END;"},
      {"BEGIN;", "COMMIT;"},
      {"SELECT new.begin, t.atomic FROM t;"},
      {"SELECT 1 /* a */ + 2;"},
  };
  for (const auto& lines : texts) {
    INFO(lines.front());
    CHECK_FALSE(open_after(lines).has_value());
  }
}

TEST_CASE("lint scanner: statements end at semicolons outside every construct and keep their first words") {
  SqlScanner scanner;
  scanner.scan_line("create index concurrently i", 1);
  scanner.scan_line("  ON t (a); PRAGMA main.foreign_keys = 0;", 2);
  scanner.scan_line("CREATE TRIGGER t AFTER INSERT ON x BEGIN UPDATE y SET a = ';'; END;", 3);
  scanner.scan_line("SELECT a, b, c, d, e, f, g, h, i, j, k, l, m", 4);
  const std::vector<ScannedStatement> statements = scanner.finish();
  REQUIRE(statements.size() == 4);
  CHECK(statements[0].line == 1);
  CHECK(statements[0].words == std::vector<std::string>{"CREATE", "INDEX", "CONCURRENTLY", "I", "ON", "T", "A"});
  CHECK(statements[1].line == 2);
  CHECK(statements[1].words == std::vector<std::string>{"PRAGMA", "MAIN", "FOREIGN_KEYS", "0"});
  CHECK(statements[2].line == 3);
  CHECK(statements[2].words.front() == "CREATE");
  CHECK(statements[3].line == 4);
  CHECK(statements[3].words.size() == 12);
}

TEST_CASE("lint scanner: a line reports $$ outside comments only") {
  SqlScanner scanner;
  CHECK(scanner.scan_line("SELECT '$$' -- $$", 1));
  CHECK_FALSE(scanner.scan_line("-- $$", 2));
  CHECK_FALSE(scanner.scan_line("/* $$", 3));
  CHECK_FALSE(scanner.scan_line("$$ */ SELECT $a$;", 4));
  CHECK(scanner.scan_line("x $$ $a$;", 5));
  CHECK_FALSE(scanner.scan_line("SELECT $1, $tag;", 6));
}
