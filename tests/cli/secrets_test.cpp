// Secrets never reach gander's output (docs/commands.md): a DSN's password,
// however the DSN is spelled and whatever the command or failure, and the
// values ENVSUB substitutes into a migration.

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "migration_fixture.hpp"
#include "run_process.hpp"
#include "temp_dir.hpp"
#include "test_database.hpp"

namespace {

using gander::test::describe;
using gander::test::ProcessResult;
using gander::test::run_gander;

// Every password holds this in each of its pieces, so that a piece cut off
// at '/', '?', '@', '#', '&' or a space is caught too.
const std::string k_marker = "Zq7x";

struct Server {
  std::string host;
  std::string port;
  std::string user;
  std::string dbname;
};

// libpq spells a password in all these ways; each works when the server is
// reachable (the test server trusts every login, so any password does).
std::vector<std::string> readable_spellings(const Server& s) {
  const std::string pairs = "host=" + s.host + " port=" + s.port + " user=" + s.user + " dbname=" + s.dbname;
  const std::string at = s.host + ":" + s.port + "/" + s.dbname;
  return {
      pairs + " password=Zq7xPlain",
      "host=" + s.host + "\nport=" + s.port + "\nuser=" + s.user + "\ndbname=" + s.dbname + "\npassword=Zq7xNewline\n",
      "host=" + s.host + "\tport=" + s.port + "\tuser=" + s.user + "\tdbname=" + s.dbname + "\tpassword=Zq7xTab",
      "password = 'Zq7x quoted Zq7x \\' Zq7x' " + pairs,
      pairs + " sslpassword=Zq7xSsl password=Zq7xBoth",
      "postgres://" + s.user + ":Zq7xUrl@" + at,
      "postgresql://" + s.user + ":Zq7x%2FZq7x%3FZq7x%40Zq7x%23Zq7x%20Zq7x@" + at,
      // libpq reads an unencoded '?' or '#' before the '@' as part of the password.
      "postgres://" + s.user + ":Zq7xa?Zq7xb#Zq7xc@" + at,
      "postgres://" + s.user + "@" + at + "?password=Zq7xQuery&sslmode=disable",
      "postgres://" + at + "?sslmode=disable&password=Zq7xQuery%26Zq7x",
  };
}

// Spellings gander refuses, whatever the server: exit 2 before connecting.
std::vector<std::string> refused_spellings(const Server& s) {
  const std::string at = s.host + ":" + s.port + "/" + s.dbname;
  return {
      // libpq would read part of the password as host or database name.
      "postgres://" + s.user + ":Zq7xa/Zq7xb?Zq7xc@Zq7xd#Zq7xe@" + at,
      "postgres://" + s.user + ":Zq7xa@Zq7xb@" + at,
      "postgres://" + s.user + ":Zq7xa/Zq7xb@" + at,
      "POSTGRES://" + s.user + ":Zq7xUpper@" + at,
      "PostgreSQL://" + s.user + ":Zq7xMixed@" + at,
      "postgress://" + s.user + ":Zq7xTypo@" + at,
      "mysql://" + s.user + ":Zq7xMysql@" + at,
      "postgres://" + s.user + ":Zq7x%zzBad@" + at,
      "host=" + s.host + " password=Zq7x unquoted Zq7x",
      "host=" + s.host + " passwrd=Zq7xTypo",
  };
}

// Every command that reads a DSN, each as its own argument list after the
// DSN's flags.
std::vector<std::vector<std::string>> commands_with(const std::string& dsn) {
  return {
      {"--db", dsn, "up"},
      {"-v", "--db", dsn, "up"},
      {"--db", dsn, "status"},
      {"-v", "--db", dsn, "status"},
      {"--db", dsn, "version"},
      {"verify", "--db", dsn},
      {"verify", "--json", "--db", dsn},
      {"--db", dsn, "up", "--dry-run"},
      {"--db", dsn, "down", "--dry-run"},
      {"--db", dsn, "redo", "--dry-run"},
      {"--db", dsn, "down"},
      {"-v", "--db", dsn, "redo"},
      {"--db", dsn, "reset"},
      {"--db", dsn, "up"},
      {"--db", dsn, "amend", "00001_a.sql", "--reason", "why"},
      {"--db", dsn, "resolve", "00001_a.sql", "--applied"},
      {"postgres", dsn, "status"},
      {"--driver", "postgres", "--db", dsn, "status"},
  };
}

// Runs every command with `dsn` in a directory of its own and checks that no
// byte of the password shows and no file appears, the migrations aside.
// Returns the exit codes, for the caller to judge.
std::vector<int> run_every_command(const std::string& dsn) {
  const gander::test::TempDir dir;
  dir.write("migrations/00001_a.sql", "-- +goose Up\nCREATE TABLE a (id int);\n-- +goose Down\nDROP TABLE a;\n");
  dir.write("migrations/00002_b.sql", "-- +goose Up\nCREATE TABLE b (id int);\n-- +goose Down\nDROP TABLE b;\n");
  std::vector<int> exit_codes;
  for (const std::vector<std::string>& args : commands_with(dsn)) {
    const ProcessResult result = run_gander(args, {{"GANDER_DIR", std::nullopt}}, dir.path().string());
    INFO("gander " << args.front() << " ... " << args.back() << " with " << dsn << "\n" << describe(result));
    CHECK(result.out.find(k_marker) == std::string::npos);
    CHECK(result.err.find(k_marker) == std::string::npos);
    exit_codes.push_back(result.exit_code);
  }
  std::vector<std::string> entries;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    entries.push_back(entry.path().filename().string());
  }
  INFO(dsn);
  CHECK(entries == std::vector<std::string>{"migrations"});
  return exit_codes;
}

bool all_are(const std::vector<int>& exit_codes, int expected) {
  return std::all_of(exit_codes.begin(), exit_codes.end(), [expected](int code) { return code == expected; });
}

}  // namespace

TEST_CASE("no spelling of a password shows when the connection is refused or the DSN is refused") {
  // Nothing listens on port 1 of the loopback: every connection is refused at once.
  const Server nowhere{"127.0.0.1", "1", "app", "app"};
  for (const std::string& dsn : readable_spellings(nowhere)) {
    const std::vector<int> exit_codes = run_every_command(dsn);
    INFO(dsn);
    CHECK(all_are(exit_codes, 1));
  }
  for (const std::string& dsn : refused_spellings(nowhere)) {
    const std::vector<int> exit_codes = run_every_command(dsn);
    INFO(dsn);
    CHECK(all_are(exit_codes, 2));
  }
}

TEST_CASE("a PostgreSQL DSN with driver sqlite3 is a usage error that hides the password and creates no file") {
  const Server nowhere{"127.0.0.1", "1", "app", "app"};
  std::vector<std::string> spellings = readable_spellings(nowhere);
  const std::vector<std::string> refused = refused_spellings(nowhere);
  spellings.insert(spellings.end(), refused.begin(), refused.end());
  for (const std::string& dsn : spellings) {
    const gander::test::TempDir dir;
    dir.write("migrations/00001_a.sql", "-- +goose Up\nCREATE TABLE a (id int);\n");
    for (const std::vector<std::string>& args : {std::vector<std::string>{"--driver", "sqlite3", "--db", dsn, "up"},
                                                 {"-v", "--driver", "sqlite3", "--db", dsn, "status"},
                                                 {"--driver", "sqlite3", "verify", "--json", "--db", dsn},
                                                 {"sqlite3", dsn, "up"}}) {
      const ProcessResult result = run_gander(args, {}, dir.path().string());
      INFO(dsn << "\n" << describe(result));
      CHECK(result.exit_code == 2);
      CHECK((result.out + result.err).find(k_marker) == std::string::npos);
    }
    CHECK(std::distance(std::filesystem::directory_iterator(dir.path()), {}) == 1);
  }
}

TEST_CASE("no spelling of a password shows through any command against a real PostgreSQL server") {
  const auto database = gander::test::make_postgres_database();
  const char* host = std::getenv("PGHOST");
  const char* port = std::getenv("PGPORT");
  const char* user = std::getenv("PGUSER");
  REQUIRE((host && port && user));
  const std::string dbname = database->dsn().substr(std::string("dbname=").size());
  const Server server{host, port, user, dbname};
  for (const std::string& dsn : readable_spellings(server)) {
    const std::vector<int> exit_codes = run_every_command(dsn);
    INFO(dsn);
    // amend and resolve refuse (nothing is modified or partial); everything else works.
    std::vector<int> expected(exit_codes.size(), 0);
    expected[14] = 2;
    expected[15] = 2;
    CHECK(exit_codes == expected);
  }
  // The refused spellings never reach a server: the test above covers them.
}

TEST_CASE("an ENVSUB value never appears in an error: the statement is quoted as written in the file") {
  const gander::test::Fixture fixture("sqlite3");
  const std::map<std::string, std::optional<std::string>> env = {{"GANDER_TEST_SECRET", "Zq7xEnv"}};
  const auto run = [&](std::vector<std::string> args) {
    std::vector<std::string> all = {
        "--driver", "sqlite3", "--db", fixture.database->dsn(), "--dir", fixture.migrations.string()};
    all.insert(all.end(), args.begin(), args.end());
    return run_gander(all, env);
  };

  SECTION("a failing statement") {
    fixture.write("00001_secret.sql",
                  "-- +goose Up\n-- +goose ENVSUB ON\nINSERT INTO missing_table VALUES ('${GANDER_TEST_SECRET}');\n");
    for (const std::vector<std::string>& args : {std::vector<std::string>{"up"}, {"-v", "up"}, {"up-by-one"}}) {
      const ProcessResult result = run(args);
      INFO(describe(result));
      CHECK(result.exit_code == 1);
      CHECK_THAT(result.err, Catch::Contains("`INSERT INTO missing_table VALUES ('${GANDER_TEST_SECRET}');`") &&
                                 Catch::Contains("no such table"));
      CHECK((result.out + result.err).find(k_marker) == std::string::npos);
    }
  }
  SECTION("a file that does not parse") {
    fixture.write("00001_secret.sql", "-- +goose Up\n-- +goose ENVSUB ON\nSELECT '${GANDER_TEST_SECRET}'\n");
    for (const std::vector<std::string>& args :
         {std::vector<std::string>{"up"}, {"status"}, {"validate"}, {"lint"}, {"up", "--dry-run"}}) {
      const ProcessResult result = run(args);
      INFO(describe(result));
      CHECK(result.exit_code != 0);
      CHECK_THAT(result.out + result.err, Catch::Contains("SELECT '${GANDER_TEST_SECRET}'"));
      CHECK((result.out + result.err).find(k_marker) == std::string::npos);
    }
  }
}
