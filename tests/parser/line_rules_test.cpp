// The public line rules: the same lines, annotations and statement ends that
// parse_migration sees (the rules themselves are tested in
// annotation_test.cpp and statement_end_test.cpp).

#include <gander/parser/line_rules.hpp>

#include <optional>
#include <string_view>
#include <vector>

#include <catch2/catch.hpp>

#include <gander/parser/migration.hpp>

using gander::parser::Annotation;
using gander::parser::ends_goose_statement;
using gander::parser::goose_annotation;
using gander::parser::migration_lines;

TEST_CASE("line_rules: migration_lines numbers lines as the parser does") {
  using Lines = std::vector<std::string_view>;
  CHECK(migration_lines("").empty());
  CHECK(migration_lines("a\nb") == Lines{"a", "b"});
  CHECK(migration_lines("a\r\n\nb\r\n") == Lines{"a", "", "b"});
  CHECK(migration_lines("\xEF\xBB\xBF-- +goose Up\n") == Lines{"-- +goose Up"});
  CHECK(migration_lines("x\xEF\xBB\xBF\n") == Lines{"x\xEF\xBB\xBF"});

  const std::string_view text = "\xEF\xBB\xBF-- +goose Up\r\n\r\nSELECT 1;\r\n";
  const gander::parser::ParseResult parsed = gander::parser::parse_migration(text, {});
  REQUIRE(parsed.migration.up.size() == 1);
  CHECK(migration_lines(text)[parsed.migration.up[0].line - 1] == "SELECT 1;");
}

TEST_CASE("line_rules: goose_annotation reads the annotations goose accepts and nothing else") {
  CHECK(goose_annotation("-- +goose Up") == Annotation::up);
  CHECK(goose_annotation("-- +goose down") == Annotation::down);
  CHECK(goose_annotation("--+goose StatementBegin") == Annotation::statement_begin);
  CHECK(goose_annotation("-- +goose StatementEnd --") == Annotation::statement_end);
  CHECK(goose_annotation("-- +goose NO TRANSACTION") == Annotation::no_transaction);
  CHECK(goose_annotation("-- +goose ENVSUB ON") == Annotation::envsub_on);
  CHECK(goose_annotation("-- +goose ENVSUB OFF") == Annotation::envsub_off);
  CHECK(goose_annotation("-- +goose Upp") == std::nullopt);
  CHECK(goose_annotation("  -- +goose Up") == std::nullopt);
  CHECK(goose_annotation("SELECT 1; -- +goose Up") == std::nullopt);
  CHECK(goose_annotation("-- a comment") == std::nullopt);
}

TEST_CASE("line_rules: ends_goose_statement is goose's terminator test") {
  CHECK(ends_goose_statement("SELECT 1;"));
  CHECK(ends_goose_statement("SELECT 1; -- done"));
  CHECK(ends_goose_statement("INSERT INTO t VALUES ('a;"));
  CHECK_FALSE(ends_goose_statement("SELECT 1 -- done;"));
  CHECK_FALSE(ends_goose_statement("SELECT 1;--x"));
  CHECK_FALSE(ends_goose_statement(""));
}
