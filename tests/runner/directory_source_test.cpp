#include <gander/migration_source.hpp>

#include <filesystem>
#include <functional>

#include <catch2/catch.hpp>

#include <gander/error.hpp>

#include "temp_dir.hpp"

TEST_CASE("a directory source lists only the .sql files directly inside it, sorted") {
  const gander::test::TempDir dir;
  dir.write("002_b.sql", "-- +goose Up\nSELECT 2;\n");
  dir.write("001_a.sql", "-- +goose Up\nSELECT 1;\n");
  dir.write("README.md", "not a migration");
  dir.write("gander.sum", "");
  std::filesystem::create_directory(dir.path() / "003_dir.sql");
  std::filesystem::create_directory(dir.path() / "sub");
  dir.write("sub/004_nested.sql", "SELECT 4;");

  const auto source = gander::open_directory_source(dir.path().string());
  CHECK(source->sql_file_names() == std::vector<std::string>{"001_a.sql", "002_b.sql"});
  CHECK(source->read("001_a.sql") == "-- +goose Up\nSELECT 1;\n");
  CHECK(source->display_path("001_a.sql") == (dir.path() / "001_a.sql").string());
}

TEST_CASE("read_file returns the bytes exactly, including CR, BOM and NUL") {
  const gander::test::TempDir dir;
  const std::string bytes("\xEF\xBB\xBF-- +goose Up\r\nSELECT '\0';\r\n", 30);
  const auto path = dir.write("001_a.sql", bytes);
  CHECK(gander::read_file(path.string()) == bytes);
  CHECK(gander::read_file(dir.write("002_empty.sql", "").string()).empty());
}

TEST_CASE("a missing or unusable path is a config error that names it") {
  const gander::test::TempDir dir;
  const std::string missing = (dir.path() / "nope").string();
  const std::string file = dir.write("file.sql", "SELECT 1;").string();
  struct Case {
    const char* what;
    std::function<void()> call;
    std::string path;
    const char* message_part;
  };
  const Case cases[] = {
      {"missing directory", [&] { gander::open_directory_source(missing); }, missing, "does not exist"},
      {"file as directory", [&] { gander::open_directory_source(file); }, file, "not a directory"},
      {"missing file", [&] { gander::read_file(missing); }, missing, "cannot open"},
      {"directory as file", [&] { gander::read_file(dir.path().string()); }, dir.path().string(), "is a directory"},
  };
  for (const Case& c : cases) {
    INFO(c.what);
    try {
      c.call();
      FAIL("no error");
    } catch (const gander::Error& error) {
      CHECK(error.kind() == gander::ErrorKind::config);
      CHECK(error.context().file == c.path);
      CHECK_THAT(error.what(), Catch::Contains(c.message_part));
    }
  }
}

TEST_CASE("a directory's gander.amend is read as the amendments and not listed as a migration") {
  const gander::test::TempDir dir;
  dir.write("001_a.sql", "SELECT 1;");
  const auto source = gander::open_directory_source(dir.path().string());
  CHECK_FALSE(source->read_amendments().has_value());
  dir.write("gander.amend", "# reviewed\n");
  CHECK(source->read_amendments() == std::optional<std::string>("# reviewed\n"));
  CHECK(source->sql_file_names() == std::vector<std::string>{"001_a.sql"});
}
