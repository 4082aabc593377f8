#include <catch2/catch.hpp>

#include <gander/error.hpp>
#include "store/store.hpp"

using gander::parse_table_name;

TEST_CASE("table names are validated and quoted") {
  const gander::TableName plain = parse_table_name("schema_migrations", false);
  CHECK_FALSE(plain.schema);
  CHECK(plain.quoted() == "\"schema_migrations\"");
  CHECK(plain.display() == "schema_migrations");

  const gander::TableName qualified = parse_table_name("ops.Migrations_2", true);
  CHECK(qualified.schema == std::optional<std::string>("ops"));
  CHECK(qualified.quoted() == "\"ops\".\"Migrations_2\"");
  CHECK(qualified.display() == "ops.Migrations_2");
}

TEST_CASE("table names that could inject SQL or are not identifiers are refused") {
  const auto kind_of = [](const std::string& text, bool allows_schema) {
    try {
      parse_table_name(text, allows_schema);
    } catch (const gander::Error& error) {
      return std::optional<gander::ErrorKind>(error.kind());
    }
    return std::optional<gander::ErrorKind>();
  };
  for (const std::string& text : std::vector<std::string>{"", "1table", "a b", "t\"; DROP TABLE x; --", "a.b.c", ".t",
                                                          "t.", "tä", std::string(64, 'a')}) {
    INFO(text);
    CHECK(kind_of(text, true) == gander::ErrorKind::config);
  }
  CHECK(kind_of(std::string(63, 'a'), false) == std::nullopt);
  CHECK(kind_of("ops.t", false) == gander::ErrorKind::config);
}
