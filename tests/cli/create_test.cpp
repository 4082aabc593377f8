// gander create and gander fix as a user runs them.

#include <filesystem>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <gander/create.hpp>
#include <gander/migration_name.hpp>

#include "run_process.hpp"
#include "temp_dir.hpp"

using gander::test::run_gander;

namespace fs = std::filesystem;

TEST_CASE("create writes the next sequential migration and validate accepts it") {
  const gander::test::TempDir dir;
  dir.write("001_init.sql", "-- +goose Up\nCREATE TABLE a (id int);\n");
  const std::string prefix = dir.path().string() + "/";

  const auto first = run_gander({"create", "add users", "--dir", dir.path().string()});
  CHECK(first.exit_code == 0);
  CHECK(first.err.empty());
  CHECK(first.out == "created " + prefix + "002_add_users.sql\n");
  // goose's optional type argument.
  const auto second = run_gander({"create", "Backfill-Emails", "sql", "--dir", dir.path().string()});
  CHECK(second.out == "created " + prefix + "003_backfill_emails.sql\n");

  const auto validate = run_gander({"validate", "--dir", dir.path().string()});
  CHECK(validate.exit_code == 0);
  CHECK(validate.err.empty());
  CHECK_THAT(validate.out, Catch::Contains("1     1  goose           002_add_users.sql"));
  CHECK_THAT(validate.out, Catch::Contains("003_backfill_emails.sql"));
  CHECK_THAT(validate.out, Catch::Contains("3 valid, 0 invalid"));
}

TEST_CASE("create writes into ./migrations, GANDER_DIR or GOOSE_MIGRATION_DIR like the other commands") {
  const gander::test::TempDir root;
  for (const char* dir : {"migrations", "gander", "goose"}) fs::create_directory(root.path() / dir);
  const auto create = [&](std::optional<std::string> gander_dir, std::optional<std::string> goose_dir) {
    return run_gander({"create", "add_x"}, {{"GANDER_DIR", gander_dir}, {"GOOSE_MIGRATION_DIR", goose_dir}},
                      root.path().string());
  };
  CHECK(create(std::nullopt, std::nullopt).out == "created migrations/00001_add_x.sql\n");
  CHECK(create("gander", "goose").out == "created gander/00001_add_x.sql\n");
  CHECK(create(std::nullopt, "goose").out == "created goose/00001_add_x.sql\n");
  CHECK(fs::exists(root.path() / "migrations" / "00001_add_x.sql"));
  CHECK(fs::exists(root.path() / "goose" / "00001_add_x.sql"));
}

TEST_CASE("create --timestamp versions the file by the UTC time") {
  const gander::test::TempDir dir;
  dir.write("00001_init.sql", "-- +goose Up\nSELECT 1;\n");
  const auto result = run_gander({"--timestamp", "create", "add_x", "--dir", dir.path().string()});
  CHECK(result.exit_code == 0);
  std::smatch match;
  const std::regex created("created .*/([0-9]{14})_add_x\\.sql\n");
  REQUIRE(std::regex_match(result.out, match, created));
  CHECK(gander::is_timestamp_version(gander::migration_version(match[1].str())));
  CHECK(fs::exists(dir.path() / (match[1].str() + "_add_x.sql")));
  CHECK(run_gander({"validate", "--dir", dir.path().string()}).exit_code == 0);
}

TEST_CASE("fix prints each rename and then that nothing is left to fix") {
  const gander::test::TempDir dir;
  dir.write("00001_a.sql", "-- +goose Up\nSELECT 1;\n");
  dir.write("20240301000000_c.sql", "-- +goose Up\nSELECT 3;\n");
  dir.write("20240101000000_b.sql", "-- +goose Up\nSELECT 2;\n");
  const auto fix = run_gander({"fix", "--dir", dir.path().string()});
  CHECK(fix.exit_code == 0);
  CHECK(fix.err.empty());
  CHECK(fix.out ==
        "renamed 20240101000000_b.sql -> 00002_b.sql\n"
        "renamed 20240301000000_c.sql -> 00003_c.sql\n");
  CHECK(fs::exists(dir.path() / "00002_b.sql"));
  CHECK(fs::exists(dir.path() / "00003_c.sql"));
  CHECK_FALSE(fs::exists(dir.path() / "20240101000000_b.sql"));

  const auto again = run_gander({"fix", "--dir", dir.path().string()});
  CHECK(again.exit_code == 0);
  CHECK(again.out == "nothing to fix\n");
}

TEST_CASE("fix refuses with exit 2 and renames nothing when a new name is taken") {
  const gander::test::TempDir dir;
  dir.write("20240101000000_b.sql", "-- +goose Up\nSELECT 2;\n");
  fs::create_directory(dir.path() / "00001_b.sql");
  const auto fix = run_gander({"fix", "--dir", dir.path().string()});
  CHECK(fix.exit_code == 2);
  CHECK(fix.out.empty());
  CHECK_THAT(fix.err, Catch::StartsWith(dir.path().string() + "/00001_b.sql: already exists"));
  CHECK_THAT(fix.err, Catch::Contains("nothing was renamed"));
  CHECK(fs::exists(dir.path() / "20240101000000_b.sql"));
}

TEST_CASE("create and fix usage errors exit 2 with a message") {
  const gander::test::TempDir dir;
  struct Case {
    std::vector<std::string> args;
    const char* message_part;
  };
  const Case cases[] = {
      {{"create"}, "create needs a NAME"},
      {{"create", "a", "b"}, "create takes one NAME"},
      {{"create", "a", "sql", "extra"}, "create takes one NAME"},
      {{"create", "a", "go"}, "SQL migrations only"},
      {{"create", "a/b"}, "may hold only letters, digits"},
      {{"create", ""}, "is empty"},
      {{"fix", "extra"}, "fix takes no arguments"},
  };
  for (const Case& c : cases) {
    INFO(c.message_part);
    std::vector<std::string> args = c.args;
    args.insert(args.end(), {"--dir", dir.path().string()});
    const auto result = run_gander(args);
    CHECK(result.exit_code == 2);
    CHECK_THAT(result.err, Catch::Contains(c.message_part));
    CHECK(result.out.empty());
  }
  CHECK(fs::is_empty(dir.path()));

  for (const char* command : {"create", "fix"}) {
    INFO(command);
    std::vector<std::string> args{command, "--dir", (dir.path() / "missing").string()};
    if (std::string(command) == "create") args.push_back("add_x");
    const auto result = run_gander(args);
    CHECK(result.exit_code == 2);
    CHECK_THAT(result.err, Catch::Contains("missing: the migrations directory does not exist"));
  }
  CHECK_FALSE(fs::exists(dir.path() / "missing"));
}

TEST_CASE("create --help and fix --help describe the commands") {
  const auto create = run_gander({"create", "--help"});
  CHECK(create.exit_code == 0);
  CHECK_THAT(create.out, Catch::StartsWith("Usage: gander [options] create NAME [--timestamp]"));
  CHECK_THAT(create.out, Catch::Contains("--timestamp"));
  const auto fix = run_gander({"fix", "--help"});
  CHECK(fix.exit_code == 0);
  CHECK_THAT(fix.out, Catch::StartsWith("Usage: gander [options] fix"));
  CHECK_THAT(run_gander({"--help"}).out, Catch::Contains("create NAME") && Catch::Contains("fix"));
}
