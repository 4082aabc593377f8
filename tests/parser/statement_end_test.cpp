// goose's statement terminator: the last word (bufio.ScanWords, Go
// whitespace) before the first word that starts with "--" ends in ';'.

#include "../../parser/src/statement_end.hpp"

#include <string_view>

#include <catch2/catch.hpp>

using gander::parser::detail::ends_with_semicolon;

TEST_CASE("ends_with_semicolon splits words like bufio.ScanWords", "[statement_end]") {
  struct Row {
    const char* name;
    std::string_view line;
    bool is_end;
  };
  const Row rows[] = {
      {"plain statement", "SELECT 1;", true},
      {"semicolon alone", ";", true},
      {"semicolon as its own word", "SELECT 1 ;", true},
      {"trailing spaces", "SELECT 1;   ", true},
      {"trailing tab", "SELECT 1;\t", true},
      {"trailing CR", "SELECT 1;\r", true},
      {"two statements on one line", "DROP TABLE b; DROP TABLE a;", true},
      {"trailing comment", "SELECT 1; -- done", true},
      {"trailing comment with a semicolon", "SELECT 1; -- done;", true},
      {"comment word that only starts with --", "SELECT 1; --done x", true},
      {"NBSP separates the comment", "SELECT 1;\xC2\xA0-- done", true},
      {"NEL U+0085 is a space", "SELECT 1;\xC2\x85", true},
      {"ideographic space U+3000", "SELECT 1;\xE3\x80\x80", true},
      {"em space U+2003 before the comment", "SELECT 1;\xE2\x80\x83--c", true},
      {"dollar-quoted end", "$$;", true},
      {"no semicolon", "SELECT 1", false},
      {"empty line", "", false},
      {"spaces only", "   \t", false},
      {"semicolon inside a string, then more", "SELECT ';' || x", false},
      {"semicolon glued to a comment", "SELECT 1;--x", false},
      {"semicolon glued to bare dashes", "SELECT 1;--", false},
      {"semicolon only inside the comment", "SELECT 1 --;", false},
      {"semicolon after a comment", "SELECT 1 -- a; b;", false},
      {"whole line is a comment", "-- SELECT 1;", false},
      {"three dashes start a comment word", "x ---;", false},
      {"semicolon then text", "END; $$", false},
      {"zero width space is not a space", "SELECT 1;\xE2\x80\x8B", false},
      {"BOM is not a space", "SELECT 1;\xEF\xBB\xBF", false},
      {"lone byte 0x85 is not NEL", "SELECT 1;\x85", false},
      {"invalid byte as the last word", "SELECT 1; \xFF", false},
  };
  for (const Row& row : rows) {
    DYNAMIC_SECTION(row.name) { CHECK(ends_with_semicolon(row.line) == row.is_end); }
  }
}
