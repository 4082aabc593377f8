#include <gander/migration_source.hpp>

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include <sys/stat.h>

#include <catch2/catch.hpp>

#include <gander/error.hpp>

#include "source/file_reading.hpp"
#include "temp_dir.hpp"

TEST_CASE("a directory source lists only the migration files directly inside it, sorted") {
  const gander::test::TempDir dir;
  dir.write("002_b.sql", "-- +goose Up\nSELECT 2;\n");
  dir.write("002_c.go", "package migrations\n");
  dir.write("main.go", "package migrations\n");
  dir.write("002_c_test.go", "package migrations\n");
  dir.write("001_a.sql", "-- +goose Up\nSELECT 1;\n");
  dir.write("README.md", "not a migration");
  dir.write("gander.sum", "");
  std::filesystem::create_directory(dir.path() / "003_dir.sql");
  std::filesystem::create_directory(dir.path() / "sub");
  dir.write("sub/004_nested.sql", "SELECT 4;");

  const auto source = gander::open_directory_source(dir.path().string());
  CHECK(source->migration_file_names() == std::vector<std::string>{"001_a.sql", "002_b.sql", "002_c.go"});
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
  CHECK(source->migration_file_names() == std::vector<std::string>{"001_a.sql"});
}

TEST_CASE("the batch reader reads files of every size exactly, mapping the large ones") {
  const gander::test::TempDir dir;
  std::vector<std::string> names;
  for (const std::size_t size : {0, 1, 150, 16383, 16384, 16385, 40000, 262143, 262144, 1000000}) {
    std::string bytes;
    for (std::size_t i = 0; i < size; ++i) bytes.push_back(static_cast<char>('a' + i % 23));
    const std::string name = std::to_string(size + 1) + "_size.sql";
    dir.write(name, bytes);
    names.push_back(name);
  }
  const auto source = gander::open_directory_source(dir.path().string());
  const auto reader = gander::open_batch_reader(*source);
  for (const std::string& name : names) {
    INFO(name);
    const std::string expected = gander::read_file((dir.path() / name).string());
    CHECK(reader->read(name).view() == expected);
    CHECK(gander::read_file_bytes((dir.path() / name).string()).view() == expected);
    CHECK(source->read(name) == expected);
  }
}

TEST_CASE("the batch reader names a file that is gone or a directory as read_file does") {
  const gander::test::TempDir dir;
  dir.write("001_a.sql", "SELECT 1;");
  std::filesystem::create_directory(dir.path() / "002_dir.sql");
  const auto source = gander::open_directory_source(dir.path().string());
  const auto reader = gander::open_batch_reader(*source);
  for (const char* name : {"003_gone.sql", "002_dir.sql"}) {
    INFO(name);
    const std::string path = source->display_path(name);
    std::string expected;
    try {
      gander::read_file(path);
    } catch (const gander::Error& error) {
      expected = error.what();
    }
    REQUIRE_FALSE(expected.empty());
    try {
      reader->read(name);
      FAIL("no error");
    } catch (const gander::Error& error) {
      CHECK(error.kind() == gander::ErrorKind::config);
      CHECK(std::string(error.what()) == expected);
    }
  }
}

TEST_CASE("listing keeps links to files inside, skips links to directories and refuses pipes and dangling links") {
  const gander::test::TempDir dir;
  dir.write("001_a.sql", "SELECT 1;");
  dir.write("kept/002_b.sql", "SELECT 2;");
  std::filesystem::create_symlink("kept/002_b.sql", dir.path() / "002_link.sql");
  std::filesystem::create_symlink("kept", dir.path() / "003_dir_link.sql");
  const auto source = gander::open_directory_source(dir.path().string());
  CHECK(source->migration_file_names() == std::vector<std::string>{"001_a.sql", "002_link.sql"});
  CHECK(gander::open_batch_reader(*source)->read("002_link.sql").view() == "SELECT 2;");

  REQUIRE(::mkfifo((dir.path() / "004_pipe.sql").c_str(), 0644) == 0);
  try {
    source->migration_file_names();
    FAIL("listed a FIFO");
  } catch (const gander::Error& error) {
    CHECK(std::string(error.what()) ==
          source->display_path("004_pipe.sql") + ": is not a regular file (a pipe, socket or device)");
  }
  std::filesystem::remove(dir.path() / "004_pipe.sql");
  std::filesystem::create_symlink("nowhere.sql", dir.path() / "005_dangling.sql");
  try {
    source->migration_file_names();
    FAIL("listed a dangling link");
  } catch (const gander::Error& error) {
    CHECK(std::string(error.what()) ==
          source->display_path("005_dangling.sql") + ": is a symbolic link to nowhere.sql, which cannot be opened");
  }
}

TEST_CASE("display paths join the directory and the name as std::filesystem does") {
  const gander::test::TempDir dir;
  const std::string base = dir.path().string();
  for (const std::string& spelled : {base, base + "/", base + "/."}) {
    INFO(spelled);
    const auto source = gander::open_directory_source(spelled);
    CHECK(source->display_path("001_a.sql") == (std::filesystem::path(spelled) / "001_a.sql").string());
  }
}
