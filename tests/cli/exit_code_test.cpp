// The exit-code table of docs/commands.md against the binary: every ErrorKind, brought
// about for real through the CLI, exits with the code the table gives that
// kind, and each kind has exactly one row.

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <string>
#include <vector>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <gander/error.hpp>

#include "run_process.hpp"
#include "temp_dir.hpp"

namespace fs = std::filesystem;

using gander::ErrorKind;
using gander::test::ProcessResult;
using gander::test::run_gander;

namespace {

const std::vector<ErrorKind> k_every_kind = {
    ErrorKind::checksum_mismatch, ErrorKind::missing_file, ErrorKind::partial, ErrorKind::out_of_order,
    ErrorKind::go_migration,      ErrorKind::parse,        ErrorKind::sql,     ErrorKind::lock,
    ErrorKind::connection,        ErrorKind::config,       ErrorKind::io,
};

// The exit code of each kind name in the table in docs/commands.md: a row whose first
// cell is a code in backticks lists its kinds in backticks in the last cell.
std::map<std::string, std::vector<int>> documented_exit_codes() {
  std::ifstream doc(GANDER_EXIT_CODES_DOC);
  REQUIRE(doc);
  const std::regex row(R"(^\| `(\d)` \|.*\|([^|]*)\|\s*$)");
  const std::regex kind_name("`([A-Za-z]+)`");
  std::map<std::string, std::vector<int>> codes;
  std::string line;
  while (std::getline(doc, line)) {
    std::smatch match;
    if (!std::regex_match(line, match, row)) continue;
    const int code = std::stoi(match[1]);
    const std::string kinds = match[2];
    for (auto it = std::sregex_iterator(kinds.begin(), kinds.end(), kind_name); it != std::sregex_iterator(); ++it) {
      codes[(*it)[1]].push_back(code);
    }
  }
  return codes;
}

// A directory with migrations/ and a SQLite database app.db beside it.
struct Project {
  gander::test::TempDir dir;

  fs::path migrations() const { return dir.path() / "migrations"; }
  fs::path database() const { return dir.path() / "app.db"; }
  void write(const std::string& name, const std::string& bytes) const { dir.write("migrations/" + name, bytes); }
  ProcessResult gander(std::vector<std::string> args) const {
    args.insert(args.begin(), {"--dir", migrations().string(), "--db", database().string()});
    return run_gander(args);
  }
  void up() const { REQUIRE(gander({"up"}).exit_code == 0); }
};

const std::string k_table_a = "-- +goose Up\nCREATE TABLE a (x INTEGER);\n";
const std::string k_table_b = "-- +goose Up\nCREATE TABLE b (x INTEGER);\n";

// `gander create` where no file may grow: RLIMIT_FSIZE 0 with SIGXFSZ
// ignored makes write() fail with EFBIG, for root as for anyone. Its stderr
// goes through a pipe, which the limit does not cover, and its exit status
// through a file that the unlimited shell writes.
ProcessResult create_with_no_room(const Project& project) {
  const std::string status_file = (project.dir.path() / "status").string();
  const std::string script =
      "trap '' XFSZ; { (ulimit -f 0; exec \"$GANDER\" --dir \"$1\" create add_a sql 2>&1); echo $? > \"$2\"; } | "
      "cat >&2; exit $(cat \"$2\")";
  return gander::test::start_process("/bin/sh", {"-c", script, "sh", project.migrations().string(), status_file})
      .wait();
}

struct Outcome {
  ProcessResult result;
  std::string says;  // what the message says, to show the run failed for the intended reason
};

// Brings about an error of `kind` through the CLI. No default: -Wswitch
// flags a new kind that this test does not bring about yet.
Outcome bring_about(ErrorKind kind, const Project& project) {
  switch (kind) {
    case ErrorKind::checksum_mismatch:
      project.write("00001_a.sql", k_table_a);
      project.up();
      project.write("00001_a.sql", k_table_a + "CREATE TABLE c (x INTEGER);\n");
      return {project.gander({"up"}), "MODIFIED"};
    case ErrorKind::missing_file:
      project.write("00001_a.sql", k_table_a);
      project.up();
      fs::remove(project.migrations() / "00001_a.sql");
      return {project.gander({"up"}), "MISSING"};
    case ErrorKind::partial: {
      project.write("00001_a.sql", "-- +goose NO TRANSACTION\n" + k_table_a + "SELECT * FROM nope;\n");
      const ProcessResult failed = project.gander({"up"});
      REQUIRE(failed.exit_code != 0);
      return {project.gander({"up"}), "PARTIAL"};
    }
    case ErrorKind::out_of_order:
      project.write("00002_b.sql", k_table_b);
      project.up();
      project.write("00001_a.sql", k_table_a);
      return {project.gander({"up"}), "sort before the newest applied one"};
    case ErrorKind::go_migration:
      project.write("00001_a.go", "package migrations\n");
      return {project.gander({"up"}), "goose Go migration"};
    case ErrorKind::parse:
      project.write("00001_a.sql", "-- +goose Up\n-- +goose StatementBegin\nSELECT 1;\n");
      return {project.gander({"up"}), "00001_a.sql:"};
    case ErrorKind::sql:
      project.write("00001_a.sql", "-- +goose Up\nSELECT * FROM nope;\n");
      return {project.gander({"up"}), "no such table: nope"};
    case ErrorKind::lock: {
      project.write("00001_a.sql", k_table_a);
      const int held = ::open(project.database().c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
      REQUIRE(held >= 0);
      REQUIRE(::flock(held, LOCK_EX) == 0);
      ProcessResult result = project.gander({"--lock-timeout", "200ms", "up"});
      ::close(held);
      return {result, "timed out"};
    }
    case ErrorKind::connection:
      project.write("00001_a.sql", k_table_a);
      return {project.gander({"status"}), "cannot open SQLite database"};
    case ErrorKind::config: return {project.gander({"no-such-command"}), "unknown command"};
    case ErrorKind::io:
      fs::create_directories(project.migrations());
      return {create_with_no_room(project), "cannot write: File too large"};
  }
  FAIL("no scenario");
  return {};
}

}  // namespace

TEST_CASE("every error kind exits with the one code the exit-code table of docs/commands.md gives it") {
  const std::map<std::string, std::vector<int>> documented = documented_exit_codes();
  for (const ErrorKind kind : k_every_kind) {
    const std::string name = gander::to_string(kind);
    DYNAMIC_SECTION(name) {
      const auto row = documented.find(name);
      INFO("the exit-code table of docs/commands.md has no row for " << name);
      REQUIRE(row != documented.end());
      REQUIRE(row->second.size() == 1);
      const Project project;
      const Outcome outcome = bring_about(kind, project);
      INFO("exit " << outcome.result.exit_code << "\n" << outcome.result.out << outcome.result.err);
      CHECK_THAT(outcome.result.err, Catch::Contains(outcome.says));
      CHECK(outcome.result.exit_code == row->second.front());
    }
  }
  std::size_t rows = 0;
  for (const auto& entry : documented) rows += entry.second.size();
  CHECK(rows == k_every_kind.size());
}

TEST_CASE("I/O failures exit 1 and name the file: a read that fails and git that cannot be started") {
  const Project project;
  project.write("00001_a.sql", k_table_a);
  // /proc/self/mem is a regular file whose first page is never mapped: reading it fails with EIO.
  fs::create_symlink("/proc/self/mem", project.migrations() / "00002_mem.sql");
  const ProcessResult read = project.gander({"--follow-symlinks", "up"});
  INFO(read.err);
  CHECK(read.exit_code == 1);
  CHECK_THAT(read.err, Catch::Contains("00002_mem.sql: cannot read: Input/output error"));

  fs::remove(project.migrations() / "00002_mem.sql");
  const ProcessResult git = run_gander({"--dir", project.migrations().string(), "verify", "--git-base", "main"},
                                       {{"PATH", project.dir.path().string()}});
  INFO(git.err);
  CHECK(git.exit_code == 1);
  CHECK_THAT(git.err, Catch::Contains("cannot be started"));
}

TEST_CASE("the CLI names the command of an error's remedy, which the library's message leaves out") {
  const Project project;
  project.write("00001_a.sql", "-- +goose NO TRANSACTION\n" + k_table_a + "SELECT * FROM nope;\n");
  const ProcessResult failed = project.gander({"up"});
  INFO(failed.err);
  CHECK(failed.exit_code == 1);
  CHECK_THAT(failed.err, Catch::Contains("resolve it as applied or rolled back") &&
                             Catch::Contains("gander: what to do: run 'gander resolve 00001_a.sql --applied' or "
                                             "'gander resolve 00001_a.sql --rolled-back', or, when the failure was "
                                             "transient, 'gander up --resume'"));
}
