#include <gander/embedded_source.hpp>

#include <catch2/catch.hpp>

#include <gander/error.hpp>

#include "error_of.hpp"

namespace {

const char k_bytes_with_nul[] = "-- +goose Up\r\nSELECT '\0';\r\n";

// Out of order on purpose, with bytes above 0x7F that a signed char
// comparison would sort first.
const gander::EmbeddedFile k_files[] = {
    {"010_b.sql", "SELECT 10;", 10},
    {"002_\xC3\xA9t\xC3\xA9.sql", "SELECT 2;", 9},
    {"README.md", "not a migration", 15},
    {"002_a.sql", k_bytes_with_nul, sizeof(k_bytes_with_nul) - 1},
    {"003_empty.sql", "", 0},
    {"001_a.sql.orig", "SELECT 1;", 9},
    {"004_backfill.go", "package m", 9},
    {"helpers.go", "package m", 9},
};

std::shared_ptr<const gander::MigrationSource> sample_source() {
  return gander::open_embedded_source("migrations", k_files, sizeof(k_files) / sizeof(k_files[0]));
}

}  // namespace

TEST_CASE("an embedded source lists only the migration names sorted bytewise") {
  CHECK(sample_source()->migration_file_names() == std::vector<std::string>{"002_a.sql", "002_\xC3\xA9t\xC3\xA9.sql",
                                                                            "003_empty.sql", "004_backfill.go",
                                                                            "010_b.sql"});
}

TEST_CASE("an embedded source reads the bytes exactly including NUL and CR") {
  const auto source = sample_source();
  CHECK(source->read("002_a.sql") == std::string(k_bytes_with_nul, sizeof(k_bytes_with_nul) - 1));
  CHECK(source->read("002_a.sql").size() == 27);
  CHECK(source->read("003_empty.sql").empty());
  CHECK(source->read("010_b.sql") == "SELECT 10;");
}

TEST_CASE("an embedded source names itself and its files after the embedded directory") {
  const auto source = sample_source();
  CHECK(source->location() == "embedded:migrations");
  CHECK(source->display_path("010_b.sql") == "migrations/010_b.sql");
}

TEST_CASE("reading a name an embedded source does not list is a config error naming it") {
  const auto source = sample_source();
  for (const std::string name : {"999_missing.sql", "README.md", "002_A.sql"}) {
    INFO(name);
    const gander::Error error = gander::test::error_of([&] { source->read(name); });
    CHECK(error.kind() == gander::ErrorKind::config);
    CHECK(error.context().file == "migrations/" + name);
    CHECK_THAT(error.what(), Catch::Contains("no such embedded migration"));
  }
}

TEST_CASE("an empty embedded source lists nothing") {
  const auto source = gander::open_embedded_source("migrations", nullptr, 0);
  CHECK(source->migration_file_names().empty());
  CHECK(gander::test::error_of([&] { source->read("001_a.sql"); }).kind() == gander::ErrorKind::config);
}

TEST_CASE("two embedded files with one name are a config error") {
  const gander::EmbeddedFile twice[] = {{"001_a.sql", "SELECT 1;", 9}, {"001_a.sql", "SELECT 2;", 9}};
  const gander::Error error = gander::test::error_of([&] { gander::open_embedded_source("db", twice, 2); });
  CHECK(error.kind() == gander::ErrorKind::config);
  CHECK(error.context().file == "db/001_a.sql");
}

TEST_CASE("an embedded gander.amend is read as the amendments and not listed as a migration") {
  const gander::EmbeddedFile files[] = {{"001_a.sql", "SELECT 1;", 9}, {"gander.amend", "# none yet\n", 11}};
  const auto source = gander::open_embedded_source("migrations", files, 2);
  CHECK(source->migration_file_names() == std::vector<std::string>{"001_a.sql"});
  CHECK(source->read_amendments() == std::optional<std::string>("# none yet\n"));
  CHECK_FALSE(sample_source()->read_amendments().has_value());
}
