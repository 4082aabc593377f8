// Mutated inputs: whatever bytes arrive, the parser returns a result whose
// invariants hold, and (under the sanitizers of ./tools/test) touches no
// memory it should not. Deterministic, so a failure reproduces.

#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <gander/parser/go_text.hpp>
#include <gander/parser/migration.hpp>

namespace {

// Fragments that steer mutations into the parser's interesting states.
const std::vector<std::string> k_fragments = {
    "-- +goose Up\n",
    "-- +goose Down\n",
    "-- +goose StatementBegin\n",
    "-- +goose StatementEnd\n",
    "-- +goose NO TRANSACTION\n",
    "-- +goose ENVSUB ON\n",
    "-- +goose ENVSUB OFF\n",
    "-- +goose\n",
    "SELECT 1;\n",
    "SELECT 1\n",
    "-- comment\n",
    "\n",
    "   \n",
    "\r\n",
    ";",
    "--",
    "$",
    "${A:-${B}}",
    "${X?m}",
    "${V:1:-2}",
    "\\$",
    "$$",
    "\xEF\xBB\xBF",
    "\xC2\xA0",
    "\xE2\x80\xA8",
    "\xFF",
    "\xC3",
    "+goose",
};

std::string mutate(std::mt19937& random, std::string text) {
  const int edits = 1 + static_cast<int>(random() % 6);
  for (int i = 0; i < edits; ++i) {
    const std::size_t pos = text.empty() ? 0 : random() % (text.size() + 1);
    switch (random() % 4) {
      case 0: text.insert(pos, k_fragments[random() % k_fragments.size()]); break;
      case 1:
        if (pos < text.size()) text.erase(pos, 1 + random() % 16);
        break;
      case 2: text.insert(pos, 1, static_cast<char>(random() % 256)); break;
      default:
        if (pos < text.size()) text[pos] = static_cast<char>(random() % 256);
        break;
    }
  }
  return text;
}

std::size_t line_count(const std::string& text) {
  return std::max<std::size_t>(1, static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')) + 1);
}

}  // namespace

TEST_CASE("parse_migration keeps its invariants on 20000 mutated files") {
  const std::string seed_file =
      "-- +goose Up\n-- +goose ENVSUB ON\nCREATE TABLE ${T:-t} (id int);\n-- +goose ENVSUB OFF\n"
      "-- +goose StatementBegin\nCREATE FUNCTION f() RETURNS int AS $$\nBEGIN RETURN 1; END;\n$$ LANGUAGE sql;\n"
      "-- +goose StatementEnd\n-- +goose Down\nDROP TABLE t; -- bye\n";
  gander::parser::ParseOptions options;
  options.env = [](std::string_view name) -> std::optional<std::string> {
    if (name == "A") return std::string("a");
    return std::nullopt;
  };
  std::mt19937 random(20261121);
  std::size_t accepted = 0;
  for (int round = 0; round < 20000; ++round) {
    const std::string text = mutate(random, seed_file);
    options.is_notx_name = round % 2 == 0;
    const gander::parser::ParseResult result = gander::parser::parse_migration(text, options);
    const std::size_t lines = line_count(text);
    if (result.error) {
      INFO(gander::parser::go_quote(text));
      REQUIRE(result.error->line >= 1);
      REQUIRE(result.error->line <= lines);
      REQUIRE_FALSE(result.error->message.empty());
      continue;
    }
    ++accepted;
    for (const auto* statements : {&result.migration.up, &result.migration.down}) {
      for (const gander::parser::Statement& statement : *statements) {
        INFO(gander::parser::go_quote(text));
        REQUIRE(gander::parser::trim_go_space(statement.sql) == statement.sql);
        REQUIRE(statement.line >= 1);
        REQUIRE(statement.line <= lines);
      }
    }
  }
  // The mutations must leave a good share of files valid, or the test would
  // only ever exercise error paths.
  CHECK(accepted > 2000);
}
