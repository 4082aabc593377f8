// The gander binary as a user runs it: help, version, usage errors and the
// order in which flags and environment variables win.

#include <catch2/catch.hpp>

#include "run_process.hpp"
#include "temp_dir.hpp"

using gander::test::run_gander;

TEST_CASE("gander --version prints the version and exits 0") {
  const auto result = run_gander({"--version"});
  CHECK(result.exit_code == 0);
  CHECK_THAT(result.out, Catch::StartsWith("gander ") && Catch::Contains("."));
}

TEST_CASE("gander --help lists the commands, the options and their environment variables") {
  const auto result = run_gander({"--help"});
  CHECK(result.exit_code == 0);
  CHECK_THAT(result.out, Catch::Contains("show FILE"));
  CHECK_THAT(result.out, Catch::Contains("validate"));
  CHECK_THAT(result.out, Catch::Contains("--dir"));
  CHECK_THAT(result.out, Catch::Contains("GANDER_DIR"));
  CHECK_THAT(result.out, Catch::Contains("GOOSE_MIGRATION_DIR"));
  CHECK_THAT(result.out, Catch::Contains("Exit codes"));
}

TEST_CASE("COMMAND --help describes that command") {
  const auto show = run_gander({"show", "--help"});
  CHECK(show.exit_code == 0);
  CHECK_THAT(show.out, Catch::StartsWith("Usage: gander [options] show FILE"));
  CHECK_THAT(show.out, Catch::Contains("--json"));
  const auto validate = run_gander({"validate", "--help"});
  CHECK(validate.exit_code == 0);
  CHECK_THAT(validate.out, Catch::StartsWith("Usage: gander [options] validate"));
}

TEST_CASE("usage errors exit 2 with a message that names the problem") {
  struct Case {
    std::vector<std::string> args;
    const char* message_part;
  };
  const Case cases[] = {
      {{}, "Usage: gander"},
      {{"frobnicate"}, "unknown command 'frobnicate'"},
      {{"validate", "--no-such-flag"}, "no-such-flag"},
      {{"--dir"}, "dir"},
      {{"show"}, "exactly one FILE"},
      {{"show", "a.sql", "b.sql"}, "exactly one FILE"},
      {{"validate", "extra"}, "no arguments"},
  };
  for (const Case& c : cases) {
    INFO(c.message_part);
    const auto result = run_gander(c.args);
    CHECK(result.exit_code == 2);
    CHECK_THAT(result.err, Catch::Contains(c.message_part));
    CHECK(result.out.empty());
  }
}

TEST_CASE("the migrations directory comes from --dir, then GANDER_DIR, then GOOSE_MIGRATION_DIR, then ./migrations") {
  const gander::test::TempDir root;
  for (const char* dir : {"flag", "gander", "goose", "migrations"}) {
    std::filesystem::create_directory(root.path() / dir);
    root.write(std::string(dir) + "/001_" + dir + ".sql", "SELECT 1;\n");
  }
  const auto validate = [&](std::vector<std::string> args, std::optional<std::string> gander_dir,
                            std::optional<std::string> goose_dir) {
    args.insert(args.begin(), "validate");
    return run_gander(args, {{"GANDER_DIR", gander_dir}, {"GOOSE_MIGRATION_DIR", goose_dir}}, root.path().string());
  };
  CHECK_THAT(validate({"--dir", "flag"}, "gander", "goose").out, Catch::Contains("001_flag.sql"));
  CHECK_THAT(validate({}, "gander", "goose").out, Catch::Contains("001_gander.sql"));
  CHECK_THAT(validate({}, std::nullopt, "goose").out, Catch::Contains("001_goose.sql"));
  CHECK_THAT(validate({}, std::nullopt, std::nullopt).out, Catch::Contains("001_migrations.sql"));
  CHECK_THAT(validate({}, "", "goose").out, Catch::Contains("001_goose.sql"));
}

TEST_CASE("a DSN password never appears in verbose output or a connection error") {
  const gander::test::TempDir dir;
  dir.write("migrations/00001_a.sql", "-- +goose Up\nSELECT 1;\n");
  for (const std::string dsn : {"postgres://app:hunter2@127.0.0.1:1/app?connect_timeout=2",
                                "host=127.0.0.1 port=1 user=app password=hunter2 connect_timeout=2"}) {
    const auto result = run_gander({"-v", "--db", dsn, "--dir", (dir.path() / "migrations").string(), "up"});
    INFO(result.err);
    CHECK(result.exit_code == 1);
    CHECK_THAT(result.err, Catch::Contains("postgres database") && Catch::Contains("***"));
    CHECK_THAT(result.err, Catch::Contains("cannot connect to PostgreSQL"));
    CHECK_THAT(result.err + result.out, !Catch::Contains("hunter2"));
  }
}

TEST_CASE("GANDER_CONNECT_TIMEOUT retries an unreachable database says so and then fails with exit 1") {
  const gander::test::TempDir dir;
  dir.write("migrations/00001_a.sql", "-- +goose Up\nSELECT 1;\n");
  const std::string dsn = "host=127.0.0.1 port=1 user=app password=hunter2";
  const auto result = run_gander({"--db", dsn, "--dir", (dir.path() / "migrations").string(), "up"},
                                 {{"GANDER_CONNECT_TIMEOUT", "400ms"}});
  INFO(result.err);
  CHECK(result.exit_code == 1);
  CHECK_THAT(result.err, Catch::Contains("cannot connect to PostgreSQL") &&
                             Catch::Contains("retrying for up to 400ms") &&
                             Catch::Contains("gave up after 4 attempts"));
  CHECK_THAT(result.err, !Catch::Contains("hunter2"));
}

TEST_CASE("malformed flags for the runner are usage errors with exit 2") {
  const gander::test::TempDir dir;
  dir.write("migrations/00001_a.sql", "-- +goose Up\nSELECT 1;\n");
  for (const std::vector<std::string>& args : {std::vector<std::string>{"--lock-timeout", "soon", "status"},
                                               {"--lock", "sometimes", "status"},
                                               {"--connect-timeout", "-1s", "status"},
                                               {"--driver", "mysql", "status"},
                                               {"--table", "bad name", "status"},
                                               {"down", "extra"}}) {
    const auto result = run_gander(args, {}, dir.path().string());
    INFO(result.err);
    CHECK(result.exit_code == 2);
    CHECK_THAT(result.err, Catch::StartsWith("gander: error: "));
  }
}
