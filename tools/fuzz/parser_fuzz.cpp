// libFuzzer target for the parser (built and run by tools/fuzz-parser).
// Whatever bytes arrive, parse_migration must return, not crash, and its
// result must keep the invariants callers rely on: statements trimmed and
// in file order, lines inside the file, errors with a line and a message.
// The same bytes are parsed a second time inside an ENVSUB block, since
// substitution is the parser's other way of turning bytes into SQL.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include <gander/checksum/checksum.hpp>
#include <gander/parser/go_text.hpp>
#include <gander/parser/migration.hpp>

namespace {

void require(bool holds, const char* invariant) {
  if (holds) return;
  std::fprintf(stderr, "parser invariant broken: %s\n", invariant);
  std::abort();
}

std::size_t line_count(std::string_view text) {
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')) + 1;
}

std::optional<std::string> fuzz_env(std::string_view name) {
  if (name == "EMPTY") return std::string();
  if (name.empty() || name.front() == 'U') return std::nullopt;
  return std::string(name) + "_value";
}

void check_statements(const std::vector<gander::parser::Statement>& statements, std::size_t lines) {
  std::size_t previous_line = 0;
  for (const gander::parser::Statement& statement : statements) {
    require(statement.line > previous_line, "statement lines increase");
    require(statement.line <= lines, "statement line inside the file");
    require(!statement.sql.empty(), "statement not empty");
    require(gander::parser::trim_go_space(statement.sql) == statement.sql, "statement trimmed");
    previous_line = statement.line;
  }
}

void check_parse(std::string_view text, const gander::parser::ParseOptions& options) {
  const gander::parser::ParseResult result = gander::parser::parse_migration(text, options);
  const std::size_t lines = line_count(text);
  if (result.error) {
    require(result.error->line >= 1 && result.error->line <= lines, "error line inside the file");
    require(!result.error->message.empty(), "error has a message");
    return;
  }
  const gander::parser::Migration& migration = result.migration;
  check_statements(migration.up, lines);
  check_statements(migration.down, lines);
  if (migration.is_empty) require(migration.up.empty() && migration.down.empty(), "an empty file has no statements");
  if (!migration.has_down) require(migration.down.empty(), "no Down section, no down statements");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);

  const std::string checksum = gander::checksum::file_checksum(bytes);
  require(checksum.size() == 64, "checksum is 64 characters");
  require(checksum.find_first_not_of("0123456789abcdef") == std::string::npos, "checksum is lowercase hex");

  gander::parser::ParseOptions options;
  options.is_notx_name = size % 2 == 1;
  options.strict = size % 3 == 1;
  check_parse(bytes, options);

  options.env = fuzz_env;
  const std::string in_envsub_block = "-- +goose Up\n-- +goose ENVSUB ON\n" + std::string(bytes);
  check_parse(in_envsub_block, options);
  return 0;
}
