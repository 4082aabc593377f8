#include <gander/inspect.hpp>
#include <gander/validate.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include <catch2/catch.hpp>

#include <gander/checksum/checksum.hpp>
#include <gander/parser/line_rules.hpp>

#include "error_of.hpp"
#include "source/migration_set.hpp"
#include "temp_dir.hpp"

namespace {

gander::InspectOptions no_env() { return gander::InspectOptions{{}, false}; }

}  // namespace

TEST_CASE("inspect_file parses, checksums the stored bytes and reads the version from the name") {
  const gander::test::TempDir dir;
  const std::string bytes =
      "\xEF\xBB\xBF-- +goose Up\r\nCREATE TABLE a (id int);\r\n-- +goose Down\r\nDROP TABLE a;\r\n";
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

namespace {

// A directory of `count` small migrations (more than one loading thread
// takes) whose files at `bad_indices` (0-based, in name order) are malformed.
std::vector<std::string> write_many(const gander::test::TempDir& dir, std::size_t count,
                                    const std::vector<std::size_t>& bad_indices) {
  std::vector<std::string> names;
  for (std::size_t i = 0; i < count; ++i) {
    char name[32];
    std::snprintf(name, sizeof name, "%05zu_t%zu.sql", i + 1, i + 1);
    const bool is_bad = std::find(bad_indices.begin(), bad_indices.end(), i) != bad_indices.end();
    const std::string table = "t" + std::to_string(i + 1);
    dir.write(name, is_bad ? "-- +goose Up\nCREATE TABLE " + table + " (id int)\n-- +goose StatementEnd\n"
                           : "-- +goose Up\nCREATE TABLE " + table + " (id int);\nINSERT INTO " + table +
                                 " VALUES (1);\n-- +goose Down\nDROP TABLE " + table + ";\n");
    names.push_back(name);
  }
  return names;
}

}  // namespace

TEST_CASE("validate_source over many files gives each file's own result, in order, as inspect_file does") {
  const gander::test::TempDir dir;
  const std::vector<std::string> names = write_many(dir, 300, {41, 42, 250});
  const auto source = gander::open_directory_source(dir.path().string());
  const std::vector<gander::ValidationEntry> entries = gander::validate_source(*source, no_env());
  REQUIRE(entries.size() == names.size());
  for (std::size_t i = 0; i < names.size(); ++i) {
    INFO(names[i]);
    const gander::ValidationEntry& entry = entries[i];
    CHECK(entry.name == names[i]);
    CHECK(entry.display_path == source->display_path(names[i]));
    CHECK(entry.version == static_cast<std::int64_t>(i + 1));
    try {
      const gander::InspectedMigration alone = gander::inspect_file(entry.display_path, no_env());
      REQUIRE(entry.inspected);
      CHECK_FALSE(entry.error);
      CHECK(entry.inspected->checksum == alone.checksum);
      CHECK(entry.inspected->migration.up.size() == alone.migration.up.size());
      CHECK(entry.inspected->migration.up[0].sql == alone.migration.up[0].sql);
    } catch (const gander::Error& alone_error) {
      REQUIRE(entry.error);
      CHECK(std::string(entry.error->what()) == alone_error.what());
    }
  }
}

TEST_CASE("a migration set over many files names every bad file in order however the threads run") {
  const gander::test::TempDir dir;
  const std::vector<std::string> names = write_many(dir, 400, {137, 300});
  dir.write("0_zero.sql", "-- +goose Up\nSELECT 0;\n");  // after every 00...: '_' > '0'
  const auto source = gander::open_directory_source(dir.path().string());
  const std::string expected = "3 migration files cannot be used; nothing was run:\n  " +
                               source->display_path(names[137]) + ":3: StatementEnd without StatementBegin\n  " +
                               source->display_path(names[300]) + ":3: StatementEnd without StatementBegin\n  " +
                               source->display_path("0_zero.sql") + ": version must be greater than 0";
  for (int run = 0; run < 20; ++run) {
    try {
      const gander::MigrationSet set(*source, no_env());
      FAIL("loaded a set with malformed files");
    } catch (const gander::Error& error) {
      CHECK(error.kind() == gander::ErrorKind::parse);
      CHECK(std::string(error.what()) == expected);
    }
  }
  std::filesystem::remove(dir.path() / names[137]);
  std::filesystem::remove(dir.path() / names[300]);
  const gander::Error version_error =
      gander::test::error_of([&] { const gander::MigrationSet set(*source, no_env()); });
  CHECK(version_error.context().file == source->display_path("0_zero.sql"));
}

TEST_CASE("a migration set over many files is in migration order with each file's checksums") {
  const gander::test::TempDir dir;
  const std::vector<std::string> names = write_many(dir, 200, {});
  const auto source = gander::open_directory_source(dir.path().string());
  const gander::MigrationSet set(*source, no_env());
  REQUIRE(set.migrations().size() == names.size());
  for (std::size_t i = 0; i < names.size(); ++i) {
    const gander::LoadedMigration& loaded = set.migrations()[i];
    INFO(names[i]);
    CHECK(loaded.inspected.name == names[i]);
    CHECK(loaded.version == static_cast<std::int64_t>(i + 1));
    const std::string bytes = source->read(names[i]);
    CHECK(loaded.bytes.view() == bytes);
    CHECK(loaded.inspected.checksum == gander::checksum::file_checksum(bytes));
    const auto& up = loaded.inspected.migration.up;
    CHECK(loaded.up_checksum == gander::checksum::sha256_hex(up[0].sql + "\n" + up[1].sql));
    CHECK(&set.find(names[i]) == &loaded);
  }
  CHECK(gander::test::error_of([&] { set.find("99999_none.sql"); }).kind() == gander::ErrorKind::missing_file);
}

TEST_CASE("a migration set is recorded exactly only by one unchanged whole row per file that is not empty") {
  const gander::test::TempDir dir;
  dir.write("00001_a.sql", "-- +goose Up\nSELECT 1;\n");
  dir.write("00002_empty.sql", "  \n");
  dir.write("00003_c.sql", "-- +goose Up\nSELECT 3;\n");
  const auto source = gander::open_directory_source(dir.path().string());
  const gander::MigrationSet set(*source, no_env());
  const auto row_of = [&](const std::string& name) {
    gander::AppliedRow row;
    row.filename = name;
    row.checksum = set.find(name).inspected.checksum;
    return row;
  };
  const gander::AppliedRow a = row_of("00001_a.sql");
  const gander::AppliedRow c = row_of("00003_c.sql");
  CHECK(set.newest_version() == 3);

  CHECK(set.is_recorded_exactly({a, c}));
  CHECK(set.is_recorded_exactly({c, a}));     // rows in another order
  CHECK_FALSE(set.is_recorded_exactly({a}));  // 00003 pending
  CHECK_FALSE(set.is_recorded_exactly({}));
  CHECK_FALSE(set.is_recorded_exactly({a, c, row_of("00002_empty.sql")}));  // a row for the empty file
  gander::AppliedRow edited = c;
  edited.checksum = gander::checksum::file_checksum("-- +goose Up\nSELECT 4;\n");
  CHECK_FALSE(set.is_recorded_exactly({a, edited}));
  gander::AppliedRow partial = c;
  partial.is_partial = true;
  CHECK_FALSE(set.is_recorded_exactly({partial, a}));
  gander::AppliedRow other = c;
  other.filename = "00004_d.sql";
  CHECK_FALSE(set.is_recorded_exactly({a, other}));  // 00003 pending and 00004 missing
  CHECK_FALSE(set.is_recorded_exactly({other, a}));
}

TEST_CASE("a large file is checksummed while parsed with the results and errors of a small one") {
  std::string body = "-- +goose Up\n";
  while (body.size() < 2 * 1024 * 1024) body += "INSERT INTO t VALUES (1, 'x');\n";
  const std::string large = body + "-- +goose Down\nDELETE FROM t;\n";
  const gander::InspectedMigration inspected = gander::inspect_bytes("1_large.sql", "m/1_large.sql", large, no_env());
  CHECK(inspected.checksum == gander::checksum::file_checksum(large));
  CHECK(inspected.migration.up.size() == gander::parser::parse_migration(large, {}).migration.up.size());

  std::string with_nul = large;
  with_nul[body.size() + 3] = '\0';
  const gander::Error nul =
      gander::test::error_of([&] { gander::inspect_bytes("1_l.sql", "m/1_l.sql", with_nul, no_env()); });
  CHECK(nul.context().line == gander::parser::migration_lines(body).size() + 1);
  CHECK(nul.message() == "a NUL byte: this is not a text file");

  const std::string malformed = body + "-- +goose StatementEnd\n";
  const gander::Error parse =
      gander::test::error_of([&] { gander::inspect_bytes("1_l.sql", "m/1_l.sql", malformed, no_env()); });
  CHECK(parse.message() == "StatementEnd without StatementBegin");
  CHECK(parse.context().line == gander::parser::migration_lines(body).size() + 1);
}
