#include <gander/inspect.hpp>

#include <cstdlib>

#include <catch2/catch.hpp>

#include <gander/checksum/checksum.hpp>

#include "temp_dir.hpp"

namespace {

gander::InspectOptions no_env() { return gander::InspectOptions{{}, false}; }

}  // namespace

TEST_CASE("inspect_file parses, checksums the stored bytes and reads the version from the name") {
  const gander::test::TempDir dir;
  const std::string bytes = "\xEF\xBB\xBF-- +goose Up\r\nCREATE TABLE a (id int);\r\n-- +goose Down\r\nDROP TABLE a;\r\n";
  const auto path = dir.write("006b_create_a.sql", bytes);
  const gander::InspectedMigration inspected = gander::inspect_file(path.string(), no_env());
  CHECK(inspected.name == "006b_create_a.sql");
  CHECK(inspected.display_path == path.string());
  CHECK(inspected.version == 6);
  CHECK(inspected.checksum == gander::checksum::file_checksum(bytes));
  REQUIRE(inspected.migration.up.size() == 1);
  CHECK(inspected.migration.up[0].sql == "CREATE TABLE a (id int);");
  CHECK(inspected.migration.up[0].line == 2);
  REQUIRE(inspected.migration.down.size() == 1);
  CHECK(inspected.migration.has_bom);
}

TEST_CASE("a parse error becomes Error{parse} carrying the path and the line") {
  const gander::test::TempDir dir;
  const auto path = dir.write("003_x.sql", "-- +goose Up\nSELECT 1;\n-- +goose StatementEnd\n");
  try {
    gander::inspect_file(path.string(), no_env());
    FAIL("accepted a StatementEnd without StatementBegin");
  } catch (const gander::Error& error) {
    CHECK(error.kind() == gander::ErrorKind::parse);
    CHECK(error.context().file == path.string());
    CHECK(error.context().line == 3);
    CHECK(std::string(error.what()) == path.string() + ":3: StatementEnd without StatementBegin");
  }
}

TEST_CASE("the file name decides whether a plain file runs outside a transaction") {
  const gander::test::TempDir dir;
  const std::string plain = "CREATE INDEX CONCURRENTLY i ON t (a);\nCREATE INDEX CONCURRENTLY j ON t (b);\n";
  const auto notx = gander::inspect_file(dir.write("062_idx_notx.sql", plain).string(), no_env());
  CHECK(notx.migration.is_plain);
  CHECK_FALSE(notx.migration.use_tx);
  CHECK(notx.migration.up.size() == 2);
  const auto batch = gander::inspect_file(dir.write("063_idx.sql", plain).string(), no_env());
  CHECK(batch.migration.is_plain);
  CHECK(batch.migration.use_tx);
  CHECK(batch.migration.up.size() == 1);
}

TEST_CASE("the strict option refuses plain files") {
  const gander::test::TempDir dir;
  const auto path = dir.write("001_plain.sql", "SELECT 1;\n");
  CHECK_THROWS_AS(gander::inspect_file(path.string(), gander::InspectOptions{{}, true}), gander::Error);
  CHECK_NOTHROW(gander::inspect_file(path.string(), no_env()));
}

TEST_CASE("process_env tells unset from set-but-empty") {
  ::setenv("GANDER_TEST_SET_EMPTY", "", 1);
  ::setenv("GANDER_TEST_SET", "v", 1);
  ::unsetenv("GANDER_TEST_UNSET");
  const gander::parser::EnvLookup lookup = gander::process_env();
  CHECK(lookup("GANDER_TEST_SET_EMPTY") == std::string());
  CHECK(lookup("GANDER_TEST_SET") == std::string("v"));
  CHECK_FALSE(lookup("GANDER_TEST_UNSET").has_value());
}

TEST_CASE("validate_source reports every bad file and keeps migration order") {
  const gander::test::TempDir dir;
  dir.write("10_ten.sql", "-- +goose Up\nSELECT 10;\n");
  dir.write("2_two.sql", "-- +goose Up\nSELECT 2;\n");
  dir.write("3_broken.sql", "-- +goose Up\nSELECT 3\n");
  dir.write("4_also_broken.sql", "-- +goose Down\nSELECT 4;\n");
  dir.write("notes.sql", "SELECT 0;\n");
  dir.write("006b_letter.sql", "SELECT 6;\n");
  dir.write("006_plain.sql", "SELECT 6;\n");
  const auto source = gander::open_directory_source(dir.path().string());
  const std::vector<gander::ValidationEntry> entries = gander::validate_source(*source, no_env());

  std::vector<std::string> names;
  for (const auto& entry : entries) names.push_back(entry.name);
  CHECK(names == std::vector<std::string>{"2_two.sql", "3_broken.sql", "4_also_broken.sql", "006_plain.sql",
                                          "006b_letter.sql", "10_ten.sql", "notes.sql"});
  const auto error_line = [&](std::size_t index) { return entries[index].error->context().line; };
  REQUIRE(entries[1].error);
  CHECK(error_line(1) == 2);
  REQUIRE(entries[2].error);
  CHECK(error_line(2) == 1);
  REQUIRE(entries[6].error);
  CHECK_FALSE(entries[6].version);
  CHECK(entries[6].error->context().file == source->display_path("notes.sql"));
  for (std::size_t index : {0, 3, 4, 5}) {
    INFO(names[index]);
    CHECK(entries[index].inspected);
    CHECK_FALSE(entries[index].error);
  }
}
