// Which statements control transactions (docs/operations.md): a transactional
// migration holding one is refused before it runs, and lint flags it.

#include <catch2/catch.hpp>

#include "plan/transaction_control.hpp"

using gander::detail::find_transaction_control;

TEST_CASE("top-level transaction control is found, with its name and line") {
  struct Case {
    const char* sql;
    const char* name;
    std::size_t line;
  };
  const Case cases[] = {
      {"BEGIN;", "BEGIN", 1},
      {"begin transaction;", "BEGIN", 1},
      {"BEGIN IMMEDIATE;", "BEGIN", 1},
      {"START TRANSACTION ISOLATION LEVEL SERIALIZABLE;", "START TRANSACTION", 1},
      {"ALTER TABLE t ADD COLUMN c int;\nCOMMIT;", "COMMIT", 2},
      {"UPDATE t SET c = 1; commit;", "COMMIT", 1},
      {"END;", "END", 1},
      {"ROLLBACK;", "ROLLBACK", 1},
      {"ABORT;", "ABORT", 1},
      {"SAVEPOINT before_update;", "SAVEPOINT", 1},
      {"RELEASE SAVEPOINT before_update;", "RELEASE", 1},
      {"PREPARE TRANSACTION 'x';", "PREPARE TRANSACTION", 1},
      {"-- wrapped by hand\nBEGIN;\nCREATE TABLE a (id int);\nCOMMIT;", "BEGIN", 2},
  };
  for (const Case& c : cases) {
    INFO(c.sql);
    const auto found = find_transaction_control(c.sql);
    REQUIRE(found);
    CHECK(found->name == c.name);
    CHECK(found->line == c.line);
  }
}

TEST_CASE("bodies, strings, comments and other statements are not transaction control") {
  for (const char* sql : {
           "DO $$ BEGIN PERFORM 1; COMMIT; END $$;",
           "CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $$\nBEGIN\n  RETURN 1;\nEND;\n$$;",
           "CREATE TRIGGER tr AFTER INSERT ON t BEGIN\n  UPDATE u SET n = n + 1;\nEND;",
           "CREATE FUNCTION g() RETURNS int LANGUAGE sql BEGIN ATOMIC\n  SELECT 1;\nEND;",
           "INSERT INTO log (event) VALUES ('COMMIT');",
           "-- COMMIT;\nSELECT 1;",
           "/* BEGIN; */ SELECT 1;",
           "SELECT begin, \"commit\" FROM ranges;",
           "PREPARE plan AS SELECT 1;",
           "ALTER TABLE t RENAME COLUMN a TO b;",
       }) {
    INFO(sql);
    CHECK_FALSE(find_transaction_control(sql));
  }
}
