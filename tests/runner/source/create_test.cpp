#include <gander/create.hpp>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <functional>
#include <stdexcept>
#include <vector>

#include <catch2/catch.hpp>

#include <gander/error.hpp>
#include <gander/migration_name.hpp>
#include <gander/migration_source.hpp>

#include "source/file_reading.hpp"
#include "temp_dir.hpp"

namespace fs = std::filesystem;

namespace {

const std::string k_template =
    "-- +goose Up\n-- +goose StatementBegin\nSELECT 'up SQL query';\n-- +goose StatementEnd\n\n"
    "-- +goose Down\n-- +goose StatementBegin\nSELECT 'down SQL query';\n-- +goose StatementEnd\n";

// Every regular file name in `dir`, sorted: what a test expects the
// directory to hold afterwards.
std::vector<std::string> listing(const fs::path& dir) {
  std::vector<std::string> names;
  for (const fs::directory_entry& entry : fs::directory_iterator(dir)) {
    if (entry.is_regular_file()) names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

gander::CreateOptions sequential() { return gander::CreateOptions{false, std::chrono::system_clock::now()}; }

// Runs `call`, which must throw a config error whose what() contains
// `message_part`; returns the error for further checks.
gander::Error expect_config_error(const std::function<void()>& call, const std::string& message_part) {
  try {
    call();
  } catch (const gander::Error& error) {
    CHECK(error.kind() == gander::ErrorKind::config);
    CHECK_THAT(error.what(), Catch::Contains(message_part));
    return error;
  }
  FAIL("no error, expected one containing: " << message_part);
  throw std::logic_error("unreachable");
}

}  // namespace

TEST_CASE("create numbers the next sequential file at the width of the newest one") {
  struct Case {
    std::vector<std::string> existing;
    const char* expected;
  };
  const Case cases[] = {
      {{}, "00001_add_x.sql"},
      {{"00001_a.sql", "00005_b.sql"}, "00006_add_x.sql"},
      {{"001_a.sql", "002_b.sql"}, "003_add_x.sql"},
      {{"1_a.sql"}, "2_add_x.sql"},
      {{"998_a.sql", "999_b.sql"}, "1000_add_x.sql"},
      {{"005_a.sql", "006b_guard.sql"}, "007_add_x.sql"},
      // The newest file decides the width, not the widest.
      {{"00001_a.sql", "002_b.sql"}, "003_add_x.sql"},
      // Timestamp versions do not count, as in goose.
      {{"00002_a.sql", "20240101120000_b.sql"}, "00003_add_x.sql"},
      {{"20240101120000_b.sql"}, "00001_add_x.sql"},
      // 14 digits that are no valid time after 1970 are sequential in goose.
      {{"20241301000000_bad_month.sql"}, "20241301000001_add_x.sql"},
      {{"19691231235959_before_epoch.sql"}, "19691231235960_add_x.sql"},
      // Files that are not migrations are ignored.
      {{"readme.sql", "7_notes.txt"}, "00001_add_x.sql"},
  };
  for (const Case& c : cases) {
    INFO(c.expected);
    const gander::test::TempDir dir;
    for (const std::string& name : c.existing) dir.write(name, "-- +goose Up\nSELECT 1;\n");
    const gander::CreatedMigration created = gander::create_migration(dir.path().string(), "add_x", sequential());
    CHECK(created.name == c.expected);
    CHECK(created.path == (dir.path() / c.expected).string());
    CHECK(created.version == gander::migration_version(c.expected));
    CHECK(gander::read_file(created.path) == k_template);
  }
}

TEST_CASE("create with timestamp names the file by the given time in UTC") {
  const gander::test::TempDir dir;
  dir.write("00007_a.sql", "-- +goose Up\nSELECT 1;\n");
  // 2026-11-21 09:30:00 UTC, plus a fraction of a second that is dropped.
  const auto now = std::chrono::system_clock::from_time_t(1795253400) + std::chrono::milliseconds(999);
  const gander::CreatedMigration created =
      gander::create_migration(dir.path().string(), "Add Users", gander::CreateOptions{true, now});
  CHECK(created.name == "20261121093000_add_users.sql");
  CHECK(created.version == 20261121093000);
  CHECK(gander::is_timestamp_version(created.version));
  CHECK(gander::read_file(created.path) == k_template);
}

TEST_CASE("goose's timestamp rule: 14 digits of a valid UTC time after 1970") {
  const std::int64_t timestamps[] = {20240101120000, 20240229235959, 20000229000000, 19700101000001, 99991231235959};
  for (const std::int64_t version : timestamps) {
    INFO(version);
    CHECK(gander::is_timestamp_version(version));
  }
  const std::int64_t others[] = {
      1,
      0,
      -20240101120000,
      19700101000000,   // the epoch itself is not after the epoch
      19691231235959,   // before 1970
      20230229000000,   // no 29 February in 2023
      21000229000000,   // nor in 2100
      20241301000000,   // month 13
      20240100000000,   // day 0
      20240431000000,   // 31 April
      20240101240000,   // hour 24
      20240101126000,   // minute 60
      20240101120060,   // second 60
      2024010112000,    // 13 digits
      202401011200000,  // 15 digits
  };
  for (const std::int64_t version : others) {
    INFO(version);
    CHECK_FALSE(gander::is_timestamp_version(version));
  }
}

TEST_CASE("migration names are lowercased and their separators become one underscore") {
  const std::pair<const char*, const char*> cases[] = {
      {"add_x", "add_x"},
      {"Add User-Email", "add_user_email"},
      {"  add  --  x__ ", "add_x"},
      {"_leading_and_trailing_", "leading_and_trailing"},
      {"V2 Backfill", "v2_backfill"},
      {"2fa", "2fa"},
  };
  for (const auto& [name, expected] : cases) {
    INFO(name);
    CHECK(gander::normalize_migration_name(name) == expected);
  }
}

TEST_CASE("a name that is empty or holds other characters is refused and nothing is written") {
  const std::pair<std::string, const char*> cases[] = {
      {"", "is empty"},        {"   ", "is empty"},           {"-_-", "is empty"},
      {"a/b", "(found '/')"},  {"../x", "(found '.')"},       {"a\\b", "(found '\\')"},
      {"it's", "(found ''')"}, {"a\tb", "(found byte 0x09)"}, {"caf\xC3\xA9", "(found byte 0xC3)"},
  };
  const gander::test::TempDir dir;
  for (const auto& [name, message_part] : cases) {
    INFO(name);
    expect_config_error([&] { gander::create_migration(dir.path().string(), name, sequential()); }, message_part);
  }
  CHECK(listing(dir.path()).empty());
}

TEST_CASE("create never overwrites a file and needs the directory to exist") {
  const gander::test::TempDir dir;
  const gander::CreateOptions at_noon{true, std::chrono::system_clock::from_time_t(1795253400)};
  const gander::CreatedMigration first = gander::create_migration(dir.path().string(), "a", at_noon);
  const std::string edited = "-- +goose Up\nSELECT 42;\n";
  dir.write(first.name, edited);
  const gander::Error error =
      expect_config_error([&] { gander::create_migration(dir.path().string(), "a", at_noon); }, "already exists");
  CHECK(error.context().file == first.path);
  CHECK(gander::read_file(first.path) == edited);

  // A directory in the way of the next sequential name is refused too.
  fs::create_directory(dir.path() / "00001_b.sql");
  expect_config_error([&] { gander::create_migration(dir.path().string(), "b", sequential()); }, "already exists");

  const std::string missing = (dir.path() / "missing").string();
  const gander::Error no_dir =
      expect_config_error([&] { gander::create_migration(missing, "a", sequential()); }, "does not exist");
  CHECK(no_dir.context().file == missing);
  CHECK_FALSE(fs::exists(missing));
  CHECK(listing(dir.path()) == std::vector<std::string>{first.name});
}

TEST_CASE("fix renames timestamp files in migration order after the highest sequential version") {
  const gander::test::TempDir dir;
  dir.write("00001_a.sql", "SELECT 1;\n");
  dir.write("00002_b.sql", "SELECT 2;\n");
  dir.write("20240301000000_c.sql", "SELECT 'c';\n");
  dir.write("20240101000000_d.sql", "SELECT 'd';\n");
  dir.write("20240101000000_a_twin.sql", "SELECT 'twin';\n");
  dir.write("notes.txt", "20240101000000");

  const std::vector<gander::Renamed> renames = gander::fix_migrations(dir.path().string());
  REQUIRE(renames.size() == 3);
  CHECK(renames[0].from == "20240101000000_a_twin.sql");
  CHECK(renames[0].to == "00003_a_twin.sql");
  CHECK(renames[1].from == "20240101000000_d.sql");
  CHECK(renames[1].to == "00004_d.sql");
  CHECK(renames[2].from == "20240301000000_c.sql");
  CHECK(renames[2].to == "00005_c.sql");
  CHECK(listing(dir.path()) == std::vector<std::string>{"00001_a.sql", "00002_b.sql", "00003_a_twin.sql", "00004_d.sql",
                                                        "00005_c.sql", "notes.txt"});
  CHECK(gander::read_file((dir.path() / "00004_d.sql").string()) == "SELECT 'd';\n");

  // A second run has nothing left to do.
  CHECK(gander::fix_migrations(dir.path().string()).empty());
}

TEST_CASE("fix pads to the sequential files' width, or to 5 digits when there are none") {
  struct Case {
    std::vector<std::string> existing;
    std::vector<std::string> expected;
  };
  const Case cases[] = {
      {{"20240101000000_x.sql"}, {"00001_x.sql"}},
      {{"001_a.sql", "20240101000000_x.sql"}, {"001_a.sql", "002_x.sql"}},
      {{"9_a.sql", "20240101000000_x.sql", "20240102000000_y.sql"}, {"10_x.sql", "11_y.sql", "9_a.sql"}},
      {{"00001_a.sql", "20241301000000_not_a_time.sql"}, {"00001_a.sql", "20241301000000_not_a_time.sql"}},
  };
  for (const Case& c : cases) {
    INFO(c.expected.back());
    const gander::test::TempDir dir;
    for (const std::string& name : c.existing) dir.write(name, "SELECT 1;\n");
    gander::fix_migrations(dir.path().string());
    CHECK(listing(dir.path()) == c.expected);
  }
}

TEST_CASE("fix renames nothing when any new name is taken") {
  const gander::test::TempDir dir;
  dir.write("00001_a.sql", "SELECT 1;\n");
  dir.write("20240101000000_b.sql", "SELECT 2;\n");
  dir.write("20240102000000_c.sql", "SELECT 3;\n");
  // Only the second rename collides: the first, whose name is free, must not happen either.
  fs::create_directory(dir.path() / "00003_c.sql");
  const std::string target = (dir.path() / "00003_c.sql").string();
  const gander::Error error =
      expect_config_error([&] { gander::fix_migrations(dir.path().string()); }, "nothing was renamed");
  CHECK(error.context().file == target);
  CHECK_THAT(error.message(), Catch::Contains("20240102000000_c.sql"));
  CHECK(listing(dir.path()) == std::vector<std::string>{"00001_a.sql", "20240101000000_b.sql", "20240102000000_c.sql"});
}

TEST_CASE("fix on a missing directory is a config error that names it") {
  const gander::test::TempDir dir;
  const std::string missing = (dir.path() / "missing").string();
  const gander::Error error = expect_config_error([&] { gander::fix_migrations(missing); }, "does not exist");
  CHECK(error.context().file == missing);
}
