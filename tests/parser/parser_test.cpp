// parse_migration, one rule at a time: goose's rules, then gander's
// additions from docs/file-format.md (BOM, plain files, empty files, the empty-block
// error, no line length limit).

#include <gander/parser/migration.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <catch2/catch.hpp>

#include "../../parser/src/line_reader.hpp"

using gander::parser::Migration;
using gander::parser::parse_migration;
using gander::parser::ParseOptions;
using gander::parser::ParseResult;
using gander::parser::Statement;

namespace {

std::vector<std::string> sqls(const std::vector<Statement>& statements) {
  std::vector<std::string> out;
  for (const Statement& statement : statements) out.push_back(statement.sql);
  return out;
}

std::vector<std::size_t> lines(const std::vector<Statement>& statements) {
  std::vector<std::size_t> out;
  for (const Statement& statement : statements) out.push_back(statement.line);
  return out;
}

Migration parse_ok(std::string_view text, const ParseOptions& options = {}) {
  const ParseResult result = parse_migration(text, options);
  if (result.error) FAIL("unexpected error at line " << result.error->line << ": " << result.error->message);
  return result.migration;
}

std::string with_crlf(std::string_view text) {
  std::string out;
  for (const char c : text) {
    if (c == '\n') out += '\r';
    out += c;
  }
  return out;
}

std::optional<std::string> test_env(std::string_view name) {
  if (name == "WHO") return std::string("me");
  if (name == "EMPTY") return std::string();
  return std::nullopt;
}

// A file that exercises most rules at once; used by the CRLF and BOM tests.
constexpr std::string_view k_sample =
    "-- +goose Up\n"                           // 1
    "-- leading comment\n"                     // 2
    "\n"                                       // 3
    "CREATE TABLE a (\n"                       // 4
    "  id int -- inner comment\n"              // 5
    ");\n"                                     // 6
    "-- +goose StatementBegin\n"               // 7
    "CREATE FUNCTION f() RETURNS int AS $$\n"  // 8
    "BEGIN\n"                                  // 9
    "  RETURN 1;\n"                            // 10
    "END;\n"                                   // 11
    "$$ LANGUAGE plpgsql;\n"                   // 12
    "-- +goose StatementEnd\n"                 // 13
    "\n"                                       // 14
    "-- +goose Down\n"                         // 15
    "DROP FUNCTION f;\n"                       // 16
    "DROP TABLE a;";                           // 17, no final newline

const std::vector<std::string> k_sample_up = {
    "CREATE TABLE a (\n  id int -- inner comment\n);",
    "CREATE FUNCTION f() RETURNS int AS $$\nBEGIN\n  RETURN 1;\nEND;\n$$ LANGUAGE plpgsql;",
};
const std::vector<std::string> k_sample_down = {"DROP FUNCTION f;", "DROP TABLE a;"};

}  // namespace

TEST_CASE("Up and Down sections give the statements of each direction", "[parser]") {
  const Migration migration = parse_ok(k_sample);
  CHECK(sqls(migration.up) == k_sample_up);
  CHECK(sqls(migration.down) == k_sample_down);
  CHECK(lines(migration.up) == std::vector<std::size_t>{4, 8});
  CHECK(lines(migration.down) == std::vector<std::size_t>{16, 17});
  CHECK(migration.has_down);
  CHECK(migration.use_tx);
  CHECK_FALSE(migration.is_plain);
  CHECK_FALSE(migration.is_empty);
  CHECK_FALSE(migration.has_bom);
}

TEST_CASE("the Down section is optional", "[parser]") {
  SECTION("no Down annotation") {
    const Migration migration = parse_ok("-- +goose Up\nCREATE TABLE a (id int);\n");
    CHECK(sqls(migration.up) == std::vector<std::string>{"CREATE TABLE a (id int);"});
    CHECK(migration.down.empty());
    CHECK_FALSE(migration.has_down);
  }
  SECTION("a Down annotation with nothing under it") {
    const Migration migration =
        parse_ok("-- +goose Up\nCREATE TABLE a (id int);\n-- +goose Down\n-- nothing to undo\n");
    CHECK(migration.up.size() == 1);
    CHECK(migration.down.empty());
    CHECK(migration.has_down);
  }
}

TEST_CASE("a statement ends at a line whose last word before -- ends in a semicolon", "[parser]") {
  struct Row {
    const char* name;
    std::string_view body;  // after "-- +goose Up\n"
    std::vector<std::string> expected;
  };
  const Row rows[] = {
      {"semicolon before a trailing comment", "SELECT 1; -- done\nSELECT 2;\n", {"SELECT 1; -- done", "SELECT 2;"}},
      {"semicolon inside a string literal", "SELECT ';' || x\n  || 'y';\n", {"SELECT ';' || x\n  || 'y';"}},
      {"semicolon glued to a comment (the word is 1;--x)", "SELECT 1;--x\nSELECT 2;\n", {"SELECT 1;--x\nSELECT 2;"}},
      {"semicolon only inside the comment", "SELECT 1 -- not yet;\n;\n", {"SELECT 1 -- not yet;\n;"}},
      {"several statements on one line are one chunk",
       "DROP TABLE b; DROP TABLE a;\n",
       {"DROP TABLE b; DROP TABLE a;"}},
      {"NBSP between the semicolon and the comment",
       "SELECT 1;\xC2\xA0-- done\nSELECT 2;\n",
       {"SELECT 1;\xC2\xA0-- done", "SELECT 2;"}},
      {"tab after the semicolon", "SELECT 1;\t\nSELECT 2;\n", {"SELECT 1;", "SELECT 2;"}},
  };
  for (const Row& row : rows) {
    DYNAMIC_SECTION(row.name) {
      const Migration migration = parse_ok("-- +goose Up\n" + std::string(row.body));
      CHECK(sqls(migration.up) == row.expected);
    }
  }
}

TEST_CASE("comments and blank lines are skipped before a statement and kept inside it", "[parser]") {
  SECTION("outside a block") {
    const Migration migration = parse_ok(
        "-- +goose Up\n"
        "-- leading comment\n"
        "\n"
        "   -- indented leading comment\n"
        "SELECT 1,\n"
        "-- inner comment\n"
        "\n"
        "  2;\n"
        "-- between statements\n"
        "SELECT 3;\n"
        "-- trailing comment of the section\n");
    CHECK(sqls(migration.up) == std::vector<std::string>{"SELECT 1,\n-- inner comment\n\n  2;", "SELECT 3;"});
    CHECK(lines(migration.up) == std::vector<std::size_t>{5, 10});
  }
  SECTION("inside a block, leading ones are dropped and trailing ones kept") {
    const Migration migration = parse_ok(
        "-- +goose Up\n"
        "-- +goose StatementBegin\n"
        "\n"
        "-- dropped\n"
        "SELECT 1;\n"
        "-- kept\n"
        "-- +goose StatementEnd\n");
    CHECK(sqls(migration.up) == std::vector<std::string>{"SELECT 1;\n-- kept"});
    CHECK(lines(migration.up) == std::vector<std::size_t>{5});
  }
  SECTION("a whitespace-only line is not skipped: it starts the statement, as in goose") {
    const Migration migration = parse_ok("-- +goose Up\n   \n-- kept comment\nSELECT 1;\n");
    CHECK(sqls(migration.up) == std::vector<std::string>{"-- kept comment\nSELECT 1;"});
    CHECK(lines(migration.up) == std::vector<std::size_t>{3});
  }
}

TEST_CASE("StatementBegin/End wraps one statement that holds semicolons", "[parser]") {
  const Migration migration = parse_ok(
      "-- +goose Up\n"
      "-- +goose StatementBegin\n"
      "CREATE TABLE a (id int);\n"
      "CREATE TABLE b (id int);\n"
      "-- +goose StatementEnd\n"
      "SELECT 3;\n"
      "-- +goose Down\n"
      "-- +goose StatementBegin\n"
      "DROP TABLE b; -- one\n"
      "DROP TABLE a; -- two\n"
      "-- +goose StatementEnd\n");
  CHECK(sqls(migration.up) ==
        std::vector<std::string>{"CREATE TABLE a (id int);\nCREATE TABLE b (id int);", "SELECT 3;"});
  CHECK(sqls(migration.down) == std::vector<std::string>{"DROP TABLE b; -- one\nDROP TABLE a; -- two"});
  CHECK(lines(migration.up) == std::vector<std::size_t>{3, 6});
  CHECK(lines(migration.down) == std::vector<std::size_t>{9});
}

TEST_CASE("statements are trimmed of Go whitespace at both ends only", "[parser]") {
  const Migration migration = parse_ok(
      "-- +goose Up\n"
      "\t  SELECT 1;   \n"
      "\xC2\xA0SELECT 2;\xE3\x80\x80\n"
      "  SELECT\n"
      "    3;\n");
  CHECK(sqls(migration.up) == std::vector<std::string>{"SELECT 1;", "SELECT 2;", "SELECT\n    3;"});
  CHECK(lines(migration.up) == std::vector<std::size_t>{2, 3, 4});
}

TEST_CASE("CRLF input gives the same LF-joined statements and lines as LF input", "[parser]") {
  const std::string crlf = with_crlf(k_sample);
  REQUIRE(crlf.find("\r\n") != std::string::npos);
  const Migration lf_migration = parse_ok(k_sample);
  const Migration crlf_migration = parse_ok(crlf);
  CHECK(sqls(crlf_migration.up) == k_sample_up);
  CHECK(sqls(crlf_migration.down) == k_sample_down);
  CHECK(lines(crlf_migration.up) == lines(lf_migration.up));
  CHECK(lines(crlf_migration.down) == lines(lf_migration.down));
}

TEST_CASE("a final line without a newline still counts", "[parser]") {
  CHECK(sqls(parse_ok("-- +goose Up\nSELECT 1;").up) == std::vector<std::string>{"SELECT 1;"});
  CHECK(sqls(parse_ok("-- +goose Up\n-- +goose StatementBegin\nSELECT 1\n-- +goose StatementEnd").up) ==
        std::vector<std::string>{"SELECT 1"});
}

TEST_CASE("LineReader splits like bufio.ScanLines without a length limit", "[parser]") {
  struct Row {
    const char* name;
    std::string_view text;
    std::vector<std::string> expected;
  };
  const Row rows[] = {
      {"empty text has no line", "", {}},
      {"one newline is one empty line", "\n", {""}},
      {"last line without newline", "a\nb", {"a", "b"}},
      {"trailing newline adds no line", "a\nb\n", {"a", "b"}},
      {"CRLF drops the CR", "a\r\nb\r\n", {"a", "b"}},
      {"only one CR is dropped", "a\r\r\n", {"a\r"}},
      {"a lone CR inside a line stays", "a\rb\n", {"a\rb"}},
      {"CR at the very end is dropped", "a\r", {"a"}},
      {"blank lines are lines", "a\n\n\nb", {"a", "", "", "b"}},
  };
  for (const Row& row : rows) {
    DYNAMIC_SECTION(row.name) {
      gander::parser::detail::LineReader reader(row.text);
      std::vector<std::string> got;
      std::string_view line;
      std::size_t number = 0;
      while (reader.next(line, number)) {
        got.emplace_back(line);
        CHECK(number == got.size());
      }
      CHECK(got == row.expected);
    }
  }
}

TEST_CASE("NO TRANSACTION turns use_tx off wherever it appears", "[parser]") {
  struct Row {
    const char* name;
    std::string_view text;
  };
  const Row rows[] = {
      {"before Up", "-- +goose NO TRANSACTION\n-- +goose Up\nCREATE INDEX CONCURRENTLY i ON t (x);\n"},
      {"after Up", "-- +goose Up\n-- +goose NO TRANSACTION\nCREATE INDEX CONCURRENTLY i ON t (x);\n"},
      {"in the Down section", "-- +goose Up\nSELECT 1;\n-- +goose Down\n-- +goose NO TRANSACTION\nSELECT 2;\n"},
      {"lower case", "-- +goose up\n-- +goose no transaction\nSELECT 1;\n"},
  };
  for (const Row& row : rows) {
    DYNAMIC_SECTION(row.name) {
      const Migration migration = parse_ok(row.text);
      CHECK_FALSE(migration.use_tx);
      CHECK(migration.up.size() == 1);
    }
  }
  CHECK(parse_ok("-- +goose Up\nSELECT 1;\n").use_tx);
}

TEST_CASE("statement lines are the first non-blank line of the trimmed statement", "[parser]") {
  const Migration migration = parse_ok(
      "\n"                          // 1
      "-- +goose Up\n"              // 2
      "\n"                          // 3
      "-- comment\n"                // 4
      "CREATE TABLE a (\n"          // 5
      "  id int\n"                  // 6
      ");\n"                        // 7
      "\n"                          // 8
      "SELECT 1; SELECT 2;\n"       // 9
      "-- +goose StatementBegin\n"  // 10
      "\n"                          // 11
      "SELECT 3;\n"                 // 12
      "-- +goose StatementEnd\n"    // 13
      "-- +goose Down\n"            // 14
      "\n"                          // 15
      "DROP TABLE a;\n");           // 16
  CHECK(lines(migration.up) == std::vector<std::size_t>{5, 9, 12});
  CHECK(lines(migration.down) == std::vector<std::size_t>{16});
}

TEST_CASE("a UTF-8 BOM at the start is skipped", "[parser]") {
  const std::string with_bom = "\xEF\xBB\xBF" + std::string(k_sample);
  const Migration plain = parse_ok(k_sample);
  const Migration bom = parse_ok(with_bom);
  CHECK(bom.has_bom);
  CHECK_FALSE(plain.has_bom);
  CHECK(sqls(bom.up) == k_sample_up);
  CHECK(sqls(bom.down) == k_sample_down);
  CHECK(lines(bom.up) == lines(plain.up));
  CHECK(lines(bom.down) == lines(plain.down));

  SECTION("a BOM anywhere else is content") {
    const Migration migration = parse_ok("-- +goose Up\n\xEF\xBB\xBFSELECT 1;\n");
    CHECK_FALSE(migration.has_bom);
    CHECK(sqls(migration.up) == std::vector<std::string>{"\xEF\xBB\xBFSELECT 1;"});
  }
}

TEST_CASE("a file without any annotation is a plain file: one batch, no down", "[parser]") {
  const std::string_view text =
      "\n"                          // 1
      "  \n"                        // 2
      "-- create the table\n"       // 3
      "CREATE TABLE a (id int);\n"  // 4
      "\n"                          // 5
      "INSERT INTO a VALUES (1)\n"  // 6: no ';' needed, nothing is split
      "\n";
  const Migration migration = parse_ok(text);
  CHECK(migration.is_plain);
  CHECK_FALSE(migration.is_empty);
  CHECK(migration.use_tx);
  CHECK_FALSE(migration.has_down);
  CHECK(migration.down.empty());
  REQUIRE(migration.up.size() == 1);
  CHECK(migration.up[0].sql == "-- create the table\nCREATE TABLE a (id int);\n\nINSERT INTO a VALUES (1)");
  CHECK(migration.up[0].line == 3);

  SECTION("with a BOM, lines are unchanged") {
    const Migration bom = parse_ok("\xEF\xBB\xBF" + std::string(text));
    CHECK(bom.is_plain);
    CHECK(bom.has_bom);
    REQUIRE(bom.up.size() == 1);
    CHECK(bom.up[0].sql == migration.up[0].sql);
    CHECK(bom.up[0].line == 3);
  }
  SECTION("a wrongly cased marker is not an annotation, so the file is plain") {
    const Migration upper = parse_ok("-- +GOOSE Up\nSELECT 1;\n");
    CHECK(upper.is_plain);
    CHECK(sqls(upper.up) == std::vector<std::string>{"-- +GOOSE Up\nSELECT 1;"});
  }
}

TEST_CASE("a plain _notx.sql file is split like goose and runs outside a transaction", "[parser]") {
  ParseOptions options;
  options.is_notx_name = true;
  const Migration migration = parse_ok(
      "-- build the indexes\n"                              // 1
      "CREATE INDEX CONCURRENTLY a ON t (x);\n"             // 2
      "\n"                                                  // 3
      "CREATE INDEX CONCURRENTLY b ON t (y); -- second\n",  // 4
      options);
  CHECK(migration.is_plain);
  CHECK_FALSE(migration.use_tx);
  CHECK(sqls(migration.up) == std::vector<std::string>{"CREATE INDEX CONCURRENTLY a ON t (x);",
                                                       "CREATE INDEX CONCURRENTLY b ON t (y); -- second"});
  CHECK(lines(migration.up) == std::vector<std::size_t>{2, 4});
  CHECK(migration.down.empty());

  SECTION("the name changes nothing for an annotated file") {
    const Migration annotated = parse_ok("-- +goose Up\nSELECT 1;\n", options);
    CHECK_FALSE(annotated.is_plain);
    CHECK(annotated.use_tx);
  }
}

TEST_CASE("empty and whitespace-only files are empty, with no statement", "[parser]") {
  struct Row {
    const char* name;
    std::string_view text;
    bool has_bom;
  };
  const Row rows[] = {
      {"no bytes", "", false},
      {"ASCII whitespace", " \n\t\r\n\n", false},
      {"only a BOM", "\xEF\xBB\xBF", true},
      {"a BOM and newlines", "\xEF\xBB\xBF\n\n", true},
      {"only NBSP", "\xC2\xA0", false},
      {"NBSP, ideographic space and newlines", "\xC2\xA0\n\xE3\x80\x80\n", false},
  };
  for (const Row& row : rows) {
    DYNAMIC_SECTION(row.name) {
      const Migration migration = parse_ok(row.text);
      CHECK(migration.is_empty);
      CHECK_FALSE(migration.is_plain);
      CHECK(migration.up.empty());
      CHECK(migration.down.empty());
      CHECK(migration.has_bom == row.has_bom);
    }
  }
}

TEST_CASE("a file with only '-- +goose Up' has no statement and is not plain", "[parser]") {
  const Migration migration = parse_ok("-- +goose Up\n");
  CHECK_FALSE(migration.is_plain);
  CHECK_FALSE(migration.is_empty);
  CHECK(migration.up.empty());
  CHECK(migration.down.empty());
  CHECK_FALSE(migration.has_down);
}

TEST_CASE("annotations match like goose: case-insensitive, dashes and spaces removed", "[parser]") {
  struct Row {
    const char* name;
    std::string_view text;
  };
  const Row rows[] = {
      {"lower case",
       "-- +goose up\n-- +goose statementbegin\nSELECT 1;\n-- +goose statementend\n-- +goose down\nSELECT 2;\n"},
      {"upper case",
       "-- +goose UP\n-- +goose STATEMENTBEGIN\nSELECT 1;\n-- +goose STATEMENTEND\n-- +goose DOWN\nSELECT 2;\n"},
      {"four dashes", "---- +goose Up\nSELECT 1;\n---- +goose Down\nSELECT 2;\n"},
      {"extra spaces", "-- +goose   Up  \nSELECT 1;\n--   +goose Down\t\nSELECT 2;\n"},
      {"long S (U+017F) for s, like Go's EqualFold",
       "-- +goose Up\n-- +goose \xC5\xBFtatementBegin\nSELECT 1;\n-- +goose \xC5\xBFtatementEnd\n"
       "-- +goose Down\nSELECT 2;\n"},
  };
  for (const Row& row : rows) {
    DYNAMIC_SECTION(row.name) {
      const Migration migration = parse_ok(row.text);
      CHECK(sqls(migration.up) == std::vector<std::string>{"SELECT 1;"});
      CHECK(sqls(migration.down) == std::vector<std::string>{"SELECT 2;"});
    }
  }
}

TEST_CASE("ENVSUB substitutes only between ON and OFF, in lines that join a statement", "[parser]") {
  ParseOptions options;
  options.env = test_env;
  const Migration migration = parse_ok(
      "-- +goose Up\n"
      "SELECT '$WHO';\n"  // before ON: verbatim
      "-- +goose ENVSUB ON\n"
      "-- skipped comment ${UNSET?never read}\n"  // skipped before a statement: not substituted
      "SELECT '$WHO' -- for ${WHO}\n"             // a comment inside a statement is substituted
      ", '${EMPTY-x}', '${UNSET-y}';\n"
      "-- +goose ENVSUB OFF\n"
      "SELECT '$WHO';\n"
      "-- +goose Down\n"
      "-- +goose ENVSUB ON\n"
      "DROP TABLE t_${WHO};\n",
      options);
  CHECK(sqls(migration.up) ==
        std::vector<std::string>{"SELECT '$WHO';", "SELECT 'me' -- for me\n, '', 'y';", "SELECT '$WHO';"});
  CHECK(sqls(migration.down) == std::vector<std::string>{"DROP TABLE t_me;"});

  SECTION("without a lookup every variable is unset") {
    const Migration unset = parse_ok("-- +goose Up\n-- +goose ENVSUB ON\nSELECT '${WHO:-nobody}';\n");
    CHECK(sqls(unset.up) == std::vector<std::string>{"SELECT 'nobody';"});
  }
}

TEST_CASE("a statement read under ENVSUB keeps its first line as written, and errors quote the file", "[parser]") {
  ParseOptions options;
  options.env = [](std::string_view name) -> std::optional<std::string> {
    if (name == "SECRET") return std::string("zq7value");
    if (name == "LINES") return std::string("zq7a\nzq7b\nzq7c");
    return std::nullopt;
  };
  const Migration migration = parse_ok(
      "-- +goose Up\n"
      "SELECT 1;\n"
      "-- +goose ENVSUB ON\n"
      "  INSERT INTO t VALUES ('${SECRET}');\n"
      "${EMPTY}\n"
      "  SELECT 2,\n"
      "  '$SECRET';\n"
      "SELECT '${LINES}';\n",
      options);
  REQUIRE(migration.up.size() == 4);
  CHECK_FALSE(migration.up[0].written_first_line);
  CHECK(migration.up[1].sql == "INSERT INTO t VALUES ('zq7value');");
  CHECK(migration.up[1].written_first_line == std::optional<std::string>("INSERT INTO t VALUES ('${SECRET}');"));
  // An empty first line after substitution: the statement starts on the next one.
  CHECK(migration.up[2].line == 6);
  CHECK(migration.up[2].written_first_line == std::optional<std::string>("SELECT 2,"));
  CHECK(migration.up[3].written_first_line == std::optional<std::string>("SELECT '${LINES}';"));

  struct Case {
    const char* name;
    std::string_view text;
    const char* message_part;
  };
  const Case cases[] = {
      {"an unfinished statement", "-- +goose Up\n-- +goose ENVSUB ON\nSELECT '${SECRET}'\n",
       "\"SELECT '${SECRET}'\": missing semicolon?"},
      {"SQL before Up", "-- +goose ENVSUB ON\nSELECT '${SECRET}';\n-- +goose Up\nSELECT 1;\n",
       "SQL before the '-- +goose Up' annotation: \"SELECT '${SECRET}';\""},
      {"a line after an empty block",
       "-- +goose Up\n-- +goose ENVSUB ON\n-- +goose StatementBegin\n-- +goose StatementEnd\nSELECT '$SECRET';\n",
       "drop this line: \"SELECT '$SECRET';\""},
  };
  for (const Case& c : cases) {
    INFO(c.name);
    const ParseResult result = parse_migration(c.text, options);
    REQUIRE(result.error);
    CHECK_THAT(result.error->message, Catch::Contains(c.message_part) && !Catch::Contains("zq7"));
  }
}

TEST_CASE("empty StatementBegin/End blocks (docs/file-format.md)", "[parser]") {
  const std::string_view empty_block = "-- +goose Up\n-- +goose StatementBegin\n-- +goose StatementEnd\n";

  SECTION("followed by nothing: valid, no statement") { CHECK(parse_ok(empty_block).up.empty()); }
  SECTION("followed by empty lines: valid, no statement") {
    CHECK(parse_ok(std::string(empty_block) + "\n\n").up.empty());
  }
  SECTION("holding only a comment: still empty") {
    CHECK(parse_ok("-- +goose Up\n-- +goose StatementBegin\n-- placeholder\n-- +goose StatementEnd\n").up.empty());
  }
  SECTION("followed by Down: valid, the down SQL is kept") {
    const Migration migration = parse_ok(std::string(empty_block) + "-- +goose Down\nDROP TABLE a;\n");
    CHECK(migration.up.empty());
    CHECK(sqls(migration.down) == std::vector<std::string>{"DROP TABLE a;"});
  }
  SECTION("followed by another block: valid") {
    const Migration migration =
        parse_ok(std::string(empty_block) + "-- +goose StatementBegin\nSELECT 1;\n-- +goose StatementEnd\n");
    CHECK(sqls(migration.up) == std::vector<std::string>{"SELECT 1;"});
  }
  SECTION("followed by a whitespace-only line: an empty statement, as goose returns") {
    const Migration migration = parse_ok(std::string(empty_block) + "  \nSELECT 1;\n");
    CHECK(sqls(migration.up) == std::vector<std::string>{"", "SELECT 1;"});
    CHECK(lines(migration.up) == std::vector<std::size_t>{4, 5});
  }
}

TEST_CASE("a very long line parses: there is no 4 MiB limit", "[parser]") {
  const std::string payload(10 * 1024 * 1024, 'x');
  const std::string statement = "SELECT '" + payload + "';";
  const Migration migration = parse_ok("-- +goose Up\n" + statement + "\n-- +goose Down\nSELECT 2;\n");
  REQUIRE(migration.up.size() == 1);
  CHECK(migration.up[0].sql.size() == statement.size());
  CHECK(migration.up[0].sql == statement);
  CHECK(sqls(migration.down) == std::vector<std::string>{"SELECT 2;"});
}

TEST_CASE("invalid UTF-8 passes through unchanged when ENVSUB is off", "[parser]") {
  const std::string_view text = "-- +goose Up\nSELECT '\xFF\xC3(\xED\xA0\x80';\n";
  CHECK(sqls(parse_ok(text).up) == std::vector<std::string>{"SELECT '\xFF\xC3(\xED\xA0\x80';"});
  // With ENVSUB on, the line goes through Go's decoder: each bad byte becomes U+FFFD.
  const Migration substituted = parse_ok("-- +goose Up\n-- +goose ENVSUB ON\nSELECT '\xFF(';\n");
  CHECK(sqls(substituted.up) == std::vector<std::string>{"SELECT '\xEF\xBF\xBD(';"});
}

TEST_CASE("every rejected file names the line and the reason", "[parser][errors]") {
  struct Row {
    const char* name;
    std::string_view text;
    std::size_t line;
    std::string_view message_part;
    bool strict = false;
    bool is_notx_name = false;
  };
  const Row rows[] = {
      {"missing semicolon at Down (line = start of the statement)",
       "-- +goose Up\nSELECT 1;\n\nSELECT *\n  FROM bar\n-- +goose Down\nSELECT 2;\n", 4,
       "before '-- +goose Down' (up section): \"SELECT *\\n  FROM bar\": missing semicolon?"},
      {"missing semicolon at end of file", "-- +goose Up\nSELECT 1;\nSELECT 2\n", 3,
       "at the end of the file (up section): \"SELECT 2\": missing semicolon?"},
      {"unfinished statement begins at its first non-blank line", "-- +goose Up\n   \n-- kept\nSELECT 1\n", 3,
       "\"-- kept\\nSELECT 1\": missing semicolon?"},
      {"duplicate Up", "-- +goose Up\nSELECT 1;\n-- +goose Up\nSELECT 2;\n", 3, "duplicate '-- +goose Up' annotation"},
      {"Down before Up", "-- +goose Down\nSELECT 1;\n-- +goose Up\n", 1, "'-- +goose Down' before '-- +goose Up'"},
      {"duplicate Down", "-- +goose Up\n-- +goose Down\nSELECT 1;\n-- +goose Down\n", 4,
       "duplicate '-- +goose Down' annotation"},
      {"Down inside a block", "-- +goose Up\n-- +goose StatementBegin\nSELECT 1;\n-- +goose Down\n", 4,
       "'-- +goose Down' inside a StatementBegin block (the block begins at line 2)"},
      {"StatementBegin before Up", "-- +goose StatementBegin\nSELECT 1;\n-- +goose StatementEnd\n", 1,
       "StatementBegin before '-- +goose Up'"},
      {"nested StatementBegin", "-- +goose Up\n-- +goose StatementBegin\nSELECT 1;\n-- +goose StatementBegin\n", 4,
       "StatementBegin inside another StatementBegin block (the block begins at line 2)"},
      {"nested StatementBegin in Down",
       "-- +goose Up\n-- +goose Down\n-- +goose StatementBegin\n-- +goose StatementBegin\n", 4,
       "(the block begins at line 3)"},
      {"StatementEnd without StatementBegin", "-- +goose Up\nSELECT 1;\n-- +goose StatementEnd\n", 3,
       "StatementEnd without StatementBegin"},
      {"StatementEnd twice",
       "-- +goose Up\n-- +goose StatementBegin\nSELECT 1;\n-- +goose StatementEnd\n-- +goose StatementEnd\n", 5,
       "StatementEnd without StatementBegin"},
      {"missing StatementEnd (line = the StatementBegin)",
       "-- +goose Up\nSELECT 1;\n-- +goose StatementBegin\nSELECT 2;\n\n", 3, "StatementBegin without StatementEnd"},
      {"missing StatementEnd in Down", "-- +goose Up\n-- +goose Down\n-- +goose StatementBegin\nDROP TABLE a;\n", 3,
       "StatementBegin without StatementEnd"},
      {"SQL before Up", "-- header\nSELECT 1;\n-- +goose Up\nSELECT 2;\n", 2,
       "SQL before the '-- +goose Up' annotation: \"SELECT 1;\""},
      {"annotations but no Up", "\n-- +goose NO TRANSACTION\n\n", 2, "no '-- +goose Up' annotation"},
      {"unknown annotation", "-- +goose Up\n-- +goose Upp\n", 2, "unknown annotation \"Upp\""},
      {"empty annotation", "-- +goose Up\nSELECT 1;\n-- +goose\n", 3, "empty annotation"},
      {"annotation with a leading space", "-- +goose Up\nSELECT 1;\n  -- +goose Down\n", 3,
       "annotation must start at the beginning of the line"},
      {"annotation with a leading tab", "\t-- +goose Up\n", 1, "annotation must start at the beginning of the line"},
      {"two +goose on one line", "-- +goose Up +goose Down\n", 1, "more than one '+goose' in one annotation"},
      {"an annotation-looking comment inside a block",
       "-- +goose Up\n-- +goose StatementBegin\nCREATE FUNCTION f() AS $$\n-- see +goose docs\n$$;\n"
       "-- +goose StatementEnd\n",
       4, "unknown annotation \"see  docs\""},
      {"ENVSUB failure inside a statement", "-- +goose Up\n-- +goose ENVSUB ON\nSELECT 1,\n  '${X?boom}';\n", 4,
       "variable substitution failed: $X: boom"},
      {"ENVSUB failure in the Down section",
       "-- +goose Up\nSELECT 1;\n-- +goose Down\n-- +goose ENVSUB ON\nDROP TABLE ${T?table name};\n", 5,
       "variable substitution failed: $T: table name"},
      {"ENVSUB syntax error", "-- +goose Up\n-- +goose ENVSUB ON\nSELECT $1;\n", 3,
       "variable substitution failed: Expected identifier to start with a letter, got 1"},
      {"empty block followed by SQL", "-- +goose Up\n-- +goose StatementBegin\n-- +goose StatementEnd\nSELECT 1;\n", 4,
       "the StatementBegin/StatementEnd block at lines 2-3 holds no SQL"},
      {"empty block, a comment, then SQL",
       "-- +goose Up\n-- +goose StatementBegin\n-- +goose StatementEnd\n\n-- note\nSELECT 1;\n", 6,
       "block at lines 2-3 holds no SQL, and goose would silently drop this line: \"SELECT 1;\""},
      {"strict mode refuses a plain file", "SELECT 1;\n", 1, "plain SQL files are refused with --strict", true},
      {"plain _notx file with an unfinished statement", "CREATE INDEX CONCURRENTLY a ON t (x)\n", 1,
       "\"CREATE INDEX CONCURRENTLY a ON t (x)\": missing semicolon?", false, true},
  };
  for (const Row& row : rows) {
    DYNAMIC_SECTION(row.name) {
      ParseOptions options;
      options.strict = row.strict;
      options.is_notx_name = row.is_notx_name;
      const ParseResult result = parse_migration(row.text, options);
      REQUIRE(result.error.has_value());
      CHECK(result.error->line == row.line);
      CHECK_THAT(result.error->message, Catch::Contains(std::string(row.message_part)));
    }
  }
}

// docs/file-format.md: goose's CLI parses only the direction it runs, so a Down
// section only goose's down pass rejects never kept a file from being
// applied. gander keeps that problem apart from the up section.
TEST_CASE("a problem only going down leaves the up section usable", "[parser][errors]") {
  struct Row {
    const char* name;
    std::string_view text;
    std::size_t line;
    std::string_view message_part;
  };
  const Row rows[] = {
      {"missing semicolon at the end of the down section",
       "-- +goose Up\nCREATE TABLE a (id int);\n-- +goose Down\nDROP TABLE a\n", 4,
       "at the end of the file (down section): \"DROP TABLE a\": missing semicolon?"},
      {"missing semicolon after a complete Down statement",
       "-- +goose Up\nCREATE TABLE a (id int);\n-- +goose Down\nDROP INDEX i;\nDROP TABLE a\n", 5,
       "(down section): \"DROP TABLE a\": missing semicolon?"},
      {"empty block in Down followed by SQL",
       "-- +goose Up\nCREATE TABLE a (id int);\n-- +goose Down\n-- +goose StatementBegin\n\n-- +goose StatementEnd\n"
       "DROP TABLE a;\n",
       7, "block at lines 4-6 holds no SQL"},
      // goose's up pass skips a comment when no statement has started; its down pass is inside one.
      {"ENVSUB failure in a comment inside a Down statement",
       "-- +goose Up\nCREATE TABLE a (id int);\n-- +goose Down\n-- +goose ENVSUB ON\nDROP TABLE a\n-- costs $5\n;\n", 6,
       "variable substitution failed: Expected identifier to start with a letter, got 5"},
      // After a StatementEnd in Down, goose's up pass stays in a state that substitutes nothing.
      {"ENVSUB failure after a Down block",
       "-- +goose Up\nCREATE TABLE a (id int);\n-- +goose Down\n-- +goose ENVSUB ON\n-- +goose StatementBegin\n"
       "DROP TABLE a;\n-- +goose StatementEnd\nDROP TABLE ${T?table name};\n",
       8, "variable substitution failed: $T: table name"},
  };
  for (const Row& row : rows) {
    DYNAMIC_SECTION(row.name) {
      const ParseResult result = parse_migration(row.text, {});
      REQUIRE_FALSE(result.error.has_value());
      REQUIRE(result.down_error.has_value());
      CHECK(result.down_error->line == row.line);
      CHECK_THAT(result.down_error->message, Catch::Contains(std::string(row.message_part)));
      CHECK(sqls(result.migration.up) == std::vector<std::string>{"CREATE TABLE a (id int);"});
      CHECK(result.migration.has_down);
      CHECK(result.migration.down.empty());
    }
  }
}

TEST_CASE("a problem going up wins over one only going down", "[parser][errors]") {
  SECTION("a later structural error concerns both directions") {
    const ParseResult result =
        parse_migration("-- +goose Up\nSELECT 1;\n-- +goose Down\nDROP TABLE a\n-- +goose StatementEnd\n", {});
    REQUIRE(result.error.has_value());
    CHECK(result.error->line == 5);
    CHECK_FALSE(result.down_error.has_value());
  }
  SECTION("ENVSUB failure on a Down line goose's up pass substitutes too") {
    const ParseResult result = parse_migration(
        "-- +goose Up\nSELECT 1;\n-- +goose Down\n-- +goose ENVSUB ON\nDROP TABLE ${T?table name};\n", {});
    REQUIRE(result.error.has_value());
    CHECK(result.error->line == 5);
    CHECK_FALSE(result.down_error.has_value());
  }
}

// goose's up pass leaves a line of blanks in its buffer at '-- +goose Down',
// so it substitutes the next line even when that is a comment, and a failing
// expression there rejects the file going up (issue 12).
TEST_CASE("with ENVSUB on, a line of blanks before Down makes the next line count going up", "[parser][errors]") {
  const std::string_view text =
      "-- +goose ENVSUB ON\n-- +goose Up\nCREATE TABLE t (price int);\n    \n-- +goose Down\n-- costs $5 to undo\n"
      "DROP TABLE t;\n";
  const ParseResult result = parse_migration(text, {});
  REQUIRE(result.error.has_value());
  CHECK(result.error->line == 6);
  CHECK_THAT(result.error->message,
             Catch::Contains("variable substitution failed: Expected identifier to start with a letter, got 5"));

  SECTION("an empty line before Down leaves goose's buffer empty") {
    std::string without_blanks(text);
    without_blanks.replace(without_blanks.find("    \n"), 5, "\n");
    const Migration migration = parse_ok(without_blanks);
    CHECK(sqls(migration.down) == std::vector<std::string>{"DROP TABLE t;"});
  }
  SECTION("only the first line after Down is read that way") {
    std::string comment_second(text);
    comment_second.replace(comment_second.find("-- costs"), 0, "DROP INDEX i;\n");
    const Migration migration = parse_ok(comment_second);
    CHECK(sqls(migration.down) == std::vector<std::string>{"DROP INDEX i;", "DROP TABLE t;"});
  }
  SECTION("ENVSUB OFF before that line turns it off") {
    std::string turned_off(text);
    turned_off.replace(turned_off.find("-- costs"), 0, "-- +goose ENVSUB OFF\n");
    CHECK(parse_ok(turned_off).down.size() == 1);
  }
  SECTION("without ENVSUB nothing is substituted") {
    CHECK(parse_ok(text.substr(std::string_view("-- +goose ENVSUB ON\n").size())).down.size() == 1);
  }
}

TEST_CASE("strict mode accepts annotated files", "[parser]") {
  ParseOptions options;
  options.strict = true;
  CHECK(parse_ok("-- +goose Up\nSELECT 1;\n", options).up.size() == 1);
}

// The parser keeps a statement as a view into the file while its lines lie
// back to back, and copies it otherwise; both ways must give goose's text.
TEST_CASE("statements read the same whether their lines lie back to back in the file or not", "[parser]") {
  ParseOptions options;
  options.env = test_env;
  const Migration migration = parse_ok(
      "-- +goose Up\n"
      "SELECT 1,\n"  // 2: back to back with line 3
      "  2;\n"
      "SELECT 3 -\n"                // 4: a '-' that starts no comment
      "-- +goose NO TRANSACTION\n"  // 5: skipped inside the statement
      "  4; -- four\n"
      "SELECT 'a'\r\n"  // 7: a dropped '\r' between lines
      "  || 'b';\r\n"
      "-- +goose ENVSUB ON\n"
      "SELECT '${WHO}'\n"  // 10: expanded, so copied
      "  , 5;\n"
      "-- +goose ENVSUB OFF\n"
      "SELECT 6\n"
      "  ;",  // 14: no newline at the end of the file
      options);
  CHECK(sqls(migration.up) == std::vector<std::string>{"SELECT 1,\n  2;", "SELECT 3 -\n  4; -- four",
                                                       "SELECT 'a'\n  || 'b';", "SELECT 'me'\n  , 5;",
                                                       "SELECT 6\n  ;"});
  CHECK(lines(migration.up) == std::vector<std::size_t>{2, 4, 7, 10, 13});
  CHECK_FALSE(migration.use_tx);
}

TEST_CASE("a line holding '-' ends a statement only by its words before a comment", "[parser]") {
  const Migration migration = parse_ok(
      "-- +goose Up\n"
      "SELECT 1 - 1;\n"
      "SELECT 2 -- not the end;\n"
      "  ;\n"
      "SELECT '--';\n"
      "SELECT 3; -- the end\n");
  CHECK(sqls(migration.up) == std::vector<std::string>{"SELECT 1 - 1;", "SELECT 2 -- not the end;\n  ;", "SELECT '--';",
                                                       "SELECT 3; -- the end"});
}
