#include "store/store.hpp"

#include <catch2/catch.hpp>

#include <gander/error.hpp>

TEST_CASE("parse_table_name accepts a schema only where it is allowed") {
  const gander::TableName table = gander::parse_table_name("ops.Mixed_Case", true);
  CHECK(table.quoted() == "\"ops\".\"Mixed_Case\"");
  CHECK(table.display() == "ops.Mixed_Case");
  CHECK_THROWS_AS(gander::parse_table_name("ops.t", false), gander::Error);
  CHECK_THROWS_AS(gander::parse_table_name("t\"; DROP TABLE x", true), gander::Error);
}
