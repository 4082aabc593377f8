#include <gander/migration_name.hpp>

#include <catch2/catch.hpp>

#include <gander/error.hpp>

TEST_CASE("the version is the file name's leading decimal digits") {
  CHECK(gander::migration_version("00001_init.sql") == 1);
  CHECK(gander::migration_version("20261121093000_add_users.sql") == 20261121093000);
  CHECK(gander::migration_version("006b_guard.sql") == 6);
  CHECK(gander::migration_version("154a_indexes_notx.sql") == 154);
  CHECK(gander::migration_version("9223372036854775807_max.sql") == 9223372036854775807);
}

TEST_CASE("a name without a usable version is a parse error that names the file") {
  const char* bad[] = {"init.sql", "_1_init.sql", "0_zero.sql", "000_zero.sql", "9223372036854775808_too_big.sql"};
  for (const char* name : bad) {
    INFO(name);
    try {
      gander::migration_version(name);
      FAIL("accepted " << name);
    } catch (const gander::Error& error) {
      CHECK(error.kind() == gander::ErrorKind::parse);
      CHECK(error.context().file == std::string(name));
      CHECK(std::string(error.what()).rfind(std::string(name) + ": ", 0) == 0);
    }
    CHECK_FALSE(gander::migration_version_if_valid(name).has_value());
  }
  CHECK(gander::migration_version_if_valid("006b_guard.sql") == 6);
}

// goose's rule (NumericComponent): the part before the first '_' is a
// positive number; other Go files in the directory are not migrations.
TEST_CASE("goose Go migrations are named <version>_<name>.go and are not tests") {
  for (const char* name : {"20251226153622_v1_0_66.go", "00002_backfill.go", "1_x.go"}) {
    INFO(name);
    CHECK(gander::is_go_migration_name(name));
    CHECK(gander::is_migration_file_name(name));
  }
  for (const char* name : {"helpers.go", "embed.go", "0_zero.go", "00002_backfill_test.go", "002b_x.go", "12.go",
                           "_1.go", "00002_backfill.go.orig", "99999999999999999999_big.go"}) {
    INFO(name);
    CHECK_FALSE(gander::is_go_migration_name(name));
    CHECK_FALSE(gander::is_migration_file_name(name));
  }
  CHECK(gander::is_migration_file_name("00001_a.sql"));
}

TEST_CASE("only .sql files are migrations and _notx.sql marks plain files outside a transaction") {
  CHECK(gander::is_sql_file_name("001_a.sql"));
  CHECK_FALSE(gander::is_sql_file_name("001_a.go"));
  CHECK_FALSE(gander::is_sql_file_name("001_a.SQL"));
  CHECK_FALSE(gander::is_sql_file_name("gander.sum"));
  CHECK(gander::is_notx_name("062_add_index_notx.sql"));
  CHECK_FALSE(gander::is_notx_name("062_add_index.sql"));
  CHECK_FALSE(gander::is_notx_name("062_notx_index.sql"));
}

TEST_CASE("migrations order by version, then by name bytewise") {
  CHECK(gander::migration_order_less(2, "2_b.sql", 10, "10_a.sql"));
  CHECK(gander::migration_order_less(6, "006_z.sql", 6, "006b_a.sql"));
  CHECK(gander::migration_order_less(101, "101_A.sql", 101, "101_a.sql"));
  CHECK_FALSE(gander::migration_order_less(6, "006b_a.sql", 6, "006_z.sql"));
}

TEST_CASE("a listing puts migrations in order first and then the names without a version") {
  CHECK(gander::listing_order_less(10, "10_a.sql", std::nullopt, "a_readme.sql"));
  CHECK_FALSE(gander::listing_order_less(std::nullopt, "a_readme.sql", 10, "10_a.sql"));
  CHECK(gander::listing_order_less(2, "2_b.sql", 10, "10_a.sql"));
  CHECK(gander::listing_order_less(std::nullopt, "a.sql", std::nullopt, "b.sql"));
  CHECK_FALSE(gander::listing_order_less(std::nullopt, "b.sql", std::nullopt, "a.sql"));
}
