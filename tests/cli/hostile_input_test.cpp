// Hostile and broken input, each with a clear message and a documented exit
// code (docs/commands.md, "Bad input"), run through the built binary as a user would.

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "run_process.hpp"
#include "temp_dir.hpp"
#include "test_database.hpp"

using gander::test::run_gander;

namespace fs = std::filesystem;

namespace {

gander::test::ProcessResult gander_in(const gander::test::TempDir& dir, std::vector<std::string> args) {
  args.insert(args.begin(), {"--dir", (dir.path() / "migrations").string(), "--db", (dir.path() / "app.db").string()});
  return run_gander(args);
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

TEST_CASE("a binary file is refused at its first NUL byte with exit 1") {
  const gander::test::TempDir dir;
  dir.write("migrations/00001_binary.sql",
            "-- +goose Up\nSELECT 1;\n\x7f"
            "ELF" +
                std::string("\0\x01\xff;\n", 5));
  const auto result = gander_in(dir, {"validate"});
  CHECK(result.exit_code == 1);
  CHECK_THAT(result.err, Catch::Contains("00001_binary.sql:3: a NUL byte: this is not a text file"));
  CHECK(gander_in(dir, {"up"}).exit_code == 1);
}

TEST_CASE("invalid UTF-8 passes through to the database as goose passes it") {
  const gander::test::TempDir dir;
  dir.write("migrations/00001_latin1.sql", "-- +goose Up\nCREATE TABLE t (name text DEFAULT 'caf\xe9 \xc3\x28');\n");
  CHECK(gander_in(dir, {"validate"}).exit_code == 0);
  const auto up = gander_in(dir, {"up"});
  INFO(up.err);
  CHECK(up.exit_code == 0);
}

TEST_CASE("a 200 MB migration validates in linear time and memory") {
  const gander::test::TempDir dir;
  fs::create_directories(dir.path() / "migrations");
  {
    std::ofstream file(dir.path() / "migrations" / "00001_big.sql", std::ios::binary);
    file << "-- +goose Up\n";
    std::string statement = "INSERT INTO t VALUES\n";
    for (int row = 0; row < 64; ++row) statement += "  ('" + std::string(1000, 'y') + "'),\n";
    statement += "  ('end');\n";
    for (std::size_t written = 0; written < 200u * 1024 * 1024; written += statement.size()) file << statement;
  }
  const auto start = std::chrono::steady_clock::now();
  const auto result = gander_in(dir, {"validate"});
  const double elapsed = seconds_since(start);
  INFO(result.err);
  CHECK(result.exit_code == 0);
  CHECK_THAT(result.out, Catch::Contains("1 valid, 0 invalid"));
  // About 6 s under the sanitizers on the reference machine; quadratic work would take hours.
  CHECK(elapsed < 90);
}

TEST_CASE("a 10 MB single line is one statement") {
  const gander::test::TempDir dir;
  dir.write("migrations/00001_line.sql", "-- +goose Up\nSELECT '" + std::string(10 * 1024 * 1024, 'x') + "';\n");
  const auto validate = gander_in(dir, {"validate"});
  CHECK(validate.exit_code == 0);
  CHECK_THAT(validate.out, Catch::Contains("1 valid, 0 invalid"));
  CHECK(gander_in(dir, {"up"}).exit_code == 0);
}

TEST_CASE("100000 files in the directory are listed by validate and status in reasonable time") {
  const gander::test::TempDir dir;
  fs::create_directories(dir.path() / "migrations");
  for (int version = 1; version <= 100000; ++version) {
    std::ofstream((dir.path() / "migrations" / (std::to_string(version) + "_m.sql")).string())
        << "-- +goose Up\nSELECT " << version << ";\n";
  }
  auto start = std::chrono::steady_clock::now();
  const auto validate = gander_in(dir, {"validate"});
  CHECK(validate.exit_code == 0);
  CHECK_THAT(validate.out, Catch::Contains("100000 valid, 0 invalid"));
  CHECK(seconds_since(start) < 120);                // about 16 s under the sanitizers
  std::ofstream((dir.path() / "app.db").string());  // status creates no database
  start = std::chrono::steady_clock::now();
  const auto status = gander_in(dir, {"status"});
  CHECK(status.exit_code == 0);
  CHECK_THAT(status.out, Catch::Contains("0 applied, 100000 pending"));
  CHECK(seconds_since(start) < 120);
}

TEST_CASE("a file the user may not read fails with exit 1 naming the file") {
  // Tests run as root, for whom permissions do not apply: gander runs as nobody.
  const gander::test::TempDir dir;
  const fs::path file = dir.write("migrations/00001_secret.sql", "-- +goose Up\nSELECT 1;\n");
  ::chmod(file.c_str(), 0);
  for (fs::path path = dir.path(); path.has_relative_path(); path = path.parent_path()) {
    fs::permissions(path, fs::perms::others_exec | fs::perms::others_read, fs::perm_options::add);
  }
  auto process = gander::test::start_process(
      "/usr/bin/setpriv", {"--reuid=nobody", "--regid=nogroup", "--clear-groups", std::getenv("GANDER"), "validate",
                           "--dir", (dir.path() / "migrations").string()});
  const auto result = process.wait();
  CHECK(result.exit_code == 1);
  CHECK_THAT(result.err, Catch::Contains("00001_secret.sql: cannot open: Permission denied"));
}

TEST_CASE("a FIFO or a dangling link named *.sql is refused with exit 2 instead of hanging") {
  const gander::test::TempDir dir;
  fs::create_directories(dir.path() / "migrations");
  REQUIRE(::mkfifo((dir.path() / "migrations" / "00001_pipe.sql").c_str(), 0644) == 0);
  const auto fifo = gander_in(dir, {"validate"});
  CHECK(fifo.exit_code == 2);
  CHECK_THAT(fifo.err, Catch::Contains("00001_pipe.sql: is not a regular file"));
  fs::remove(dir.path() / "migrations" / "00001_pipe.sql");
  fs::create_symlink("/nonexistent/00001.sql", dir.path() / "migrations" / "00001_gone.sql");
  const auto dangling = gander_in(dir, {"up"});
  CHECK(dangling.exit_code == 2);
  CHECK_THAT(dangling.err, Catch::Contains("00001_gone.sql: is a symbolic link to /nonexistent/00001.sql"));
}

TEST_CASE("a symbolic link out of --dir is refused unless --follow-symlinks and one inside is read") {
  const gander::test::TempDir dir;
  dir.write("elsewhere/shared.sql", "-- +goose Up\nSELECT 1;\n");
  dir.write("migrations/kept/00002_real.sql", "-- +goose Up\nSELECT 2;\n");
  fs::create_symlink("../elsewhere/shared.sql", dir.path() / "migrations" / "00001_outside.sql");
  fs::create_symlink("kept/00002_real.sql", dir.path() / "migrations" / "00002_inside.sql");
  for (const char* command : {"validate", "status", "up", "lint"}) {
    INFO(command);
    const auto refused = gander_in(dir, {command});
    CHECK(refused.exit_code == 2);
    CHECK_THAT(refused.err, Catch::Contains("00001_outside.sql: is a symbolic link to") &&
                                Catch::Contains("outside the migrations directory") &&
                                Catch::Contains("gander: what to do: pass --follow-symlinks to read it"));
  }
  const auto followed = gander_in(dir, {"--follow-symlinks", "up"});
  INFO(followed.err);
  CHECK(followed.exit_code == 0);
  CHECK_THAT(gander_in(dir, {"status"}).err, Catch::Contains("outside the migrations directory"));
  CHECK_THAT(gander_in(dir, {"--follow-symlinks", "status"}).out,
             Catch::Contains("00001_outside.sql") && Catch::Contains("00002_inside.sql"));
}

TEST_CASE("file names with spaces quotes and non-ASCII are applied and recorded as they are") {
  for (const std::string driver : {"sqlite3", "postgres"}) {
    INFO(driver);
    const gander::test::TempDir dir;
    const auto database = gander::test::make_test_database(driver, dir.path());
    const std::vector<std::string> names = {"00001_with space.sql", "00002_it's \"quoted\".sql",
                                            "00003_caf\xc3\xa9_\xe6\x97\xa5\xe6\x9c\xac.sql"};
    for (const std::string& name : names) dir.write("migrations/" + name, "-- +goose Up\nSELECT 1;\n");
    const auto up =
        run_gander({"--driver", driver, "--db", database->dsn(), "--dir", (dir.path() / "migrations").string(), "up"});
    INFO(up.err);
    REQUIRE(up.exit_code == 0);
    const auto rows = database->query("SELECT filename FROM schema_migrations ORDER BY filename");
    REQUIRE(rows.size() == names.size());
    for (std::size_t i = 0; i < names.size(); ++i) CHECK(rows[i][0] == names[i]);
    const auto status = run_gander(
        {"--driver", driver, "--db", database->dsn(), "--dir", (dir.path() / "migrations").string(), "status"});
    CHECK(status.exit_code == 0);
    for (const std::string& name : names) CHECK_THAT(status.out, Catch::Contains(name));
  }
}

TEST_CASE("tracking table names that try SQL injection exit 2 and leave the database untouched") {
  const gander::test::TempDir dir;
  dir.write("migrations/00001_a.sql", "-- +goose Up\nCREATE TABLE y (id int);\n");
  const auto database = gander::test::make_sqlite_database(dir.path());
  database->exec("CREATE TABLE victim (id int)");
  for (const std::string& table :
       {std::string("x; DROP TABLE victim"), std::string("x\"; DROP TABLE victim; --"), std::string("x' OR '1'='1"),
        std::string("a.b.c"), std::string(200, 'a'), std::string("")}) {
    INFO(table);
    const auto result =
        run_gander({"--db", database->dsn(), "--dir", (dir.path() / "migrations").string(), "--table", table, "up"});
    CHECK(result.exit_code == 2);
    CHECK_THAT(result.err, Catch::StartsWith("gander: error: "));
  }
  CHECK(database->scalar("SELECT group_concat(name) FROM sqlite_master") == std::optional<std::string>("victim"));
}

TEST_CASE("malformed DSNs exit 2 for what cannot be parsed and 1 for what cannot be reached") {
  const gander::test::TempDir dir;
  dir.write("migrations/00001_a.sql", "-- +goose Up\nSELECT 1;\n");
  struct Case {
    std::vector<std::string> args;
    int exit_code;
  };
  const Case cases[] = {
      {{"--driver", "postgres", "--db", "postgres://app:hunter2@[::1"}, 2},
      // libpq reads any port; only connecting finds it wrong.
      {{"--driver", "postgres", "--db", "host=127.0.0.1 port=notaport password=hunter2"}, 1},
      {{"--driver", "postgres", "--db", "password=hunter2 this is not a dsn"}, 2},
      {{"--driver", "sqlite3", "--db", (dir.path() / "no" / "such" / "dir" / "app.db").string()}, 1},
  };
  for (const Case& c : cases) {
    std::vector<std::string> args = c.args;
    args.insert(args.end(), {"--dir", (dir.path() / "migrations").string(), "status"});
    const auto result = run_gander(args);
    INFO(c.args[3] << "\n" << result.err);
    CHECK(result.exit_code == c.exit_code);
    CHECK_THAT(result.err, Catch::StartsWith("gander: error: "));
    CHECK_THAT(result.err + result.out, !Catch::Contains("hunter2"));
  }
}

TEST_CASE("a DSN password appears in no output of up status verify or a dry run") {
  const gander::test::TempDir dir;
  dir.write("migrations/00001_a.sql", "-- +goose Up\nSELECT 1;\n");
  const std::string migrations = (dir.path() / "migrations").string();
  for (const std::string dsn : {"postgres://app:s3cr3t-pw@127.0.0.1:1/app?connect_timeout=2",
                                "host=127.0.0.1 port=1 user=app password='s3cr3t-pw' connect_timeout=2"}) {
    for (const std::vector<std::string>& command :
         {std::vector<std::string>{"up"}, {"up", "--dry-run"}, {"status"}, {"verify"}, {"down"}}) {
      std::vector<std::string> args = {"-v", "--db", dsn, "--dir", migrations};
      args.insert(args.end(), command.begin(), command.end());
      const auto result = run_gander(args);
      INFO(command[0] << " " << dsn << "\n" << result.err);
      CHECK(result.exit_code == 1);
      CHECK_THAT(result.err + result.out, !Catch::Contains("s3cr3t-pw"));
    }
  }
}

TEST_CASE("tracking rows that do not parse give a clear error or a sensible state without a crash") {
  // A table another tool wrote, without gander's constraints, so that any row fits.
  const std::string table =
      "CREATE TABLE schema_migrations (filename TEXT, checksum TEXT, applied_at TEXT, version INTEGER, "
      "execution_ms INTEGER, state TEXT, up_checksum TEXT);";
  const char* const rows[] = {
      "('00001_a.sql', NULL, NULL, 1, NULL, 'applied', NULL)",
      "('', '', '', '', '', '', '')",
      "('00001_a.sql', 'zz', 'yesterday', 'abc', 'slow', 'weird', X'00FF')",
      "(NULL, NULL, NULL, NULL, NULL, NULL, NULL)",
      "(X'FF00FE', 42, 3.5, -7, -1, 'applied', 'b16148e3')",
  };
  for (const char* row : rows) {
    INFO(row);
    const gander::test::TempDir dir;
    dir.write("migrations/00001_a.sql", "-- +goose Up\nSELECT 1;\n");
    const auto database = gander::test::make_sqlite_database(dir.path());
    database->exec(table + "INSERT INTO schema_migrations VALUES " + row);
    for (const char* command : {"status", "up", "verify"}) {
      const auto result = run_gander({"--db", database->dsn(), "--dir", (dir.path() / "migrations").string(), command});
      INFO(command << " exit " << result.exit_code << "\n" << result.out << result.err);
      // Unknown rows show as MISSING, unreadable checksums as MODIFIED: an integrity refusal, never a crash;
      // a state gander never writes is refused naming the row (exit 2).
      CHECK((result.exit_code == 0 || result.exit_code == 1 || result.exit_code == 3 || result.exit_code == 2));
      if (result.exit_code == 2) CHECK_THAT(result.err, Catch::Contains("a state gander never writes"));
      CHECK_FALSE((result.out + result.err).empty());
    }
  }
}

TEST_CASE("file names that differ only in case are two migrations and lint warns about them") {
  const gander::test::TempDir dir;
  dir.write("migrations/00001_Users.sql", "-- +goose Up\nSELECT 1;\n-- +goose Down\n");
  dir.write("migrations/00001_users.sql", "-- +goose Up\nSELECT 2;\n-- +goose Down\n");
  const auto lint = gander_in(dir, {"lint"});
  CHECK(lint.exit_code == 0);
  CHECK_THAT(lint.err + lint.out,
             Catch::Contains("duplicate-version") && Catch::Contains("the names differ only in case"));
  CHECK(gander_in(dir, {"lint", "--strict"}).exit_code == 1);
  const auto up = gander_in(dir, {"up"});
  CHECK(up.exit_code == 0);
  CHECK_THAT(up.out, Catch::Contains("applied 2 migrations"));
}

TEST_CASE("a PostgreSQL role without CREATE rights fails up with exit 1 naming the privilege and the table") {
  const gander::test::TempDir dir;
  dir.write("migrations/00001_a.sql", "-- +goose Up\nSELECT 1;\n");
  const auto database = gander::test::make_postgres_database();
  // Since PostgreSQL 15, PUBLIC has CONNECT on the database and USAGE, not CREATE, on schema public.
  const std::string role = "gander_no_create_" + std::to_string(::getpid());
  database->exec("CREATE ROLE " + role + " LOGIN");
  const auto result =
      run_gander({"--db", database->dsn() + " user=" + role, "--dir", (dir.path() / "migrations").string(), "up"});
  database->exec("DROP ROLE " + role);
  INFO(result.err);
  CHECK(result.exit_code == 1);
  CHECK_THAT(result.err, Catch::Contains("cannot create the tracking table \"schema_migrations\"") &&
                             Catch::Contains("permission denied for schema public [SQLSTATE 42501]"));
  CHECK(database->scalar("SELECT count(*) FROM pg_tables WHERE tablename = 'schema_migrations'") ==
        std::optional<std::string>("0"));
}
