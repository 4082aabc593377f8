// The check that keeps a migration outside a transaction from dropping the
// tracking table (docs/operations.md, "The tracking table").

#include <catch2/catch.hpp>

#include "plan/table_drop_check.hpp"

using gander::detail::drops_or_renames_table;

TEST_CASE("DROP TABLE and ALTER TABLE ... RENAME TO of the tracking table are found") {
  for (const char* sql : {
           "DROP TABLE schema_migrations;",
           "drop table if exists schema_migrations;",
           "DROP TABLE IF EXISTS public.schema_migrations CASCADE;",
           "DROP TABLE old_a, schema_migrations;",
           "CREATE TABLE kept (id int); DROP TABLE schema_migrations;",
           "DROP TABLE\n  -- the old runner's\n  schema_migrations;",
           "ALTER TABLE schema_migrations RENAME TO schema_migrations_old;",
           "ALTER TABLE IF EXISTS ONLY public.schema_migrations RENAME TO x;",
       }) {
    INFO(sql);
    CHECK(drops_or_renames_table(sql, "schema_migrations"));
  }
}

TEST_CASE("other tables, columns, comments, strings and bodies are not the tracking table") {
  for (const char* sql : {
           "DROP TABLE schema_migrations_old;",
           "DROP TABLE users;",
           "ALTER TABLE schema_migrations ADD COLUMN note text;",
           "ALTER TABLE users RENAME TO schema_migrations_users;",
           "-- DROP TABLE schema_migrations;\nSELECT 1;",
           "/* DROP TABLE schema_migrations; */ SELECT 1;",
           "INSERT INTO notes VALUES ('DROP TABLE schema_migrations;');",
           "CREATE FUNCTION f() RETURNS void AS $$ DROP TABLE schema_migrations; $$ LANGUAGE sql;",
           "DROP INDEX schema_migrations_pkey;",
       }) {
    INFO(sql);
    CHECK_FALSE(drops_or_renames_table(sql, "schema_migrations"));
  }
}

TEST_CASE("the tracking table's own name decides, and a name with capitals is never named unquoted") {
  CHECK(drops_or_renames_table("DROP TABLE gander_migrations;", "gander_migrations"));
  CHECK_FALSE(drops_or_renames_table("DROP TABLE schema_migrations;", "gander_migrations"));
  CHECK_FALSE(drops_or_renames_table("DROP TABLE mytable;", "MyTable"));
}
