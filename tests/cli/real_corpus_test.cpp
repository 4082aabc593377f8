// Two real migration directories (shared/corpus, read in place, never
// copied), taken through a whole life as a user would run it: up, status,
// roll back as far as their Down sections allow, up again, status. The
// schema rebuilt by Down + Up is compared with the one the first up built.
//
//   hatchet/         PostgreSQL, 150 files, 87 without a Down section
//   gophish-sqlite/  SQLite, 25 files, two Down sections that do not parse
//
// Where a corpus's own SQL stops a step, the test asserts exactly that stop
// (file, line, the database's message), so a change in gander's behaviour
// shows up here and a corpus quirk is never mistaken for a gander bug.

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <gander/error.hpp>
#include <gander/inspect.hpp>
#include <gander/migration_source.hpp>
#include <gander/validate.hpp>

#include "run_process.hpp"
#include "schema_snapshot.hpp"
#include "shared_data.hpp"
#include "temp_dir.hpp"
#include "test_database.hpp"

namespace {

namespace fs = std::filesystem;

using gander::test::ProcessResult;
using gander::test::run_gander;
using gander::test::TestDatabase;

struct CorpusFile {
  std::string name;
  std::int64_t version = 0;
  bool is_empty = false;         // skipped by up, never recorded
  bool has_usable_down = false;  // a Down section that parses (it may hold no statement: goose rolls that back)
  std::optional<std::size_t> down_error_line;  // the Down section does not parse: the line the parser names
};

// Every .sql file of `dir` in gander's migration order, read with the library.
//
// validate reports a malformed Down section as an error; the file itself
// applies (docs/file-format.md), and inspecting it alone gives the Down's error apart.
std::vector<CorpusFile> read_corpus(const fs::path& dir) {
  const auto source = gander::open_directory_source(dir.string());
  std::vector<CorpusFile> files;
  for (const gander::ValidationEntry& entry : gander::validate_source(*source, {{}, false})) {
    INFO(entry.name);
    REQUIRE(entry.version);
    CorpusFile file;
    file.name = entry.name;
    file.version = *entry.version;
    if (entry.error) {
      const gander::InspectedMigration inspected = gander::inspect_file(entry.display_path, {{}, false});
      REQUIRE(inspected.down_error);
      file.down_error_line = inspected.down_error->context().line;
    } else {
      file.is_empty = entry.inspected->migration.is_empty;
      file.has_usable_down = entry.inspected->migration.has_down;
    }
    files.push_back(file);
  }
  return files;
}

// The names up records, in migration order.
std::vector<std::string> recorded_names(const std::vector<CorpusFile>& files) {
  std::vector<std::string> names;
  for (const CorpusFile& file : files) {
    if (!file.is_empty) names.push_back(file.name);
  }
  return names;
}

// The newest recorded file whose Down cannot run: missing or malformed.
const CorpusFile& newest_without_usable_down(const std::vector<CorpusFile>& files) {
  const CorpusFile* newest = nullptr;
  for (auto file = files.rbegin(); file != files.rend() && newest == nullptr; ++file) {
    if (!file->is_empty && !file->has_usable_down) newest = &*file;
  }
  REQUIRE(newest != nullptr);
  return *newest;
}

std::vector<std::string> first(const std::vector<std::string>& names, std::size_t count) {
  REQUIRE(count <= names.size());
  return {names.begin(), names.begin() + static_cast<std::ptrdiff_t>(count)};
}

// The tracking table, whole, one "filename|checksum|state|applied_at" per
// row, to tell whether a command changed it.
std::vector<std::string> tracking_rows(TestDatabase& database) {
  std::vector<std::string> rows;
  for (const gander::test::Row& row :
       database.query("SELECT filename, checksum, state, applied_at FROM schema_migrations ORDER BY filename")) {
    std::string text;
    for (const std::optional<std::string>& value : row) text += value.value_or("NULL") + "|";
    rows.push_back(text);
  }
  return rows;
}

// The migrations recorded as applied, sorted by name; every row must be applied.
std::vector<std::string> applied_names(TestDatabase& database) {
  std::vector<std::string> names;
  for (const gander::test::Row& row : database.query("SELECT filename, state FROM schema_migrations")) {
    INFO(*row[0]);
    CHECK(*row[1] == "applied");
    names.push_back(*row[0]);
  }
  std::sort(names.begin(), names.end());
  return names;
}

// `after` equals `before`; if not, the failure lists what differs, not both wholes.
void check_unchanged(const char* what, const std::vector<std::string>& before, const std::vector<std::string>& after) {
  const gander::test::SnapshotDifference difference = gander::test::compare_snapshots(before, after);
  INFO(what << " changed:\n" << gander::test::describe(difference, 8));
  CHECK((before == after && difference.only_before.empty() && difference.only_after.empty()));
}

std::vector<std::string> sorted(std::vector<std::string> names) {
  std::sort(names.begin(), names.end());
  return names;
}

// The state `gander status` shows for each migration: the column two to the
// left of the name ("<date> <time> applied <checksum> <name>", "- pending
// <checksum> <name>").
std::map<std::string, std::string> status_states(const std::string& out) {
  std::map<std::string, std::string> states;
  std::istringstream lines(out);
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream words(line);
    std::vector<std::string> tokens;
    for (std::string token; words >> token;) tokens.push_back(token);
    for (std::size_t index = 2; index < tokens.size(); ++index) {
      const std::string& token = tokens[index];
      if (token.size() > 4 && token.compare(token.size() - 4, 4, ".sql") == 0) {
        states[token] = tokens[index - 2];
        break;
      }
    }
  }
  return states;
}

void check_status(const ProcessResult& status, const std::vector<std::string>& names, std::size_t applied) {
  INFO("status exit " << status.exit_code << "\n" << status.out << status.err);
  CHECK(status.exit_code == 0);
  const std::map<std::string, std::string> states = status_states(status.out);
  CHECK(states.size() == names.size());
  for (std::size_t index = 0; index < names.size(); ++index) {
    INFO(names[index]);
    REQUIRE(states.count(names[index]) == 1);
    CHECK(states.at(names[index]) == (index < applied ? "applied" : "pending"));
  }
  CHECK_THAT(status.out, Catch::Contains(std::to_string(applied) + " applied, " +
                                         std::to_string(names.size() - applied) + " pending\n"));
}

// gander on one corpus directory and one database, as a user types it.
struct Gander {
  TestDatabase& database;
  fs::path dir;

  ProcessResult operator()(const std::vector<std::string>& command) const {
    std::vector<std::string> args = {"--driver", database.driver(), "--db", database.dsn(), "--dir", dir.string()};
    args.insert(args.end(), command.begin(), command.end());
    return run_gander(args);
  }
};

// Steps 1-3 of each corpus: `up` applies every migration, `status` says so;
// returns the schema they built.
std::vector<std::string> apply_all(const Gander& gander, const std::vector<std::string>& names) {
  const ProcessResult up = gander({"up"});
  {
    INFO("up exit " << up.exit_code << "\n" << up.out << up.err);
    REQUIRE(up.exit_code == 0);
  }
  CHECK(applied_names(gander.database) == sorted(names));
  check_status(gander({"status"}), names, names.size());
  return gander::test::schema_snapshot(gander.database);
}

}  // namespace

TEST_CASE("hatchet's 150 migrations go up, back as far as their Down sections allow, and up again on PostgreSQL",
          "[corpus]") {
  const fs::path dir = fs::path(gander::test::require_shared_dir()) / "corpus/hatchet/migrations";
  const std::vector<CorpusFile> files = read_corpus(dir);
  const std::vector<std::string> names = recorded_names(files);
  REQUIRE(files.size() == 150);
  REQUIRE(names.size() == 150);
  const auto database = gander::test::make_postgres_database();
  const Gander gander{*database, dir};

  // 1-3. up, status, and the schema hatchet builds
  const std::vector<std::string> s1 = apply_all(gander, names);
  REQUIRE(s1.size() > 1000);

  // 4. Roll back. The newest migration without a Down section is v1_0_14
  // (87 files have none): down-to 0 must refuse before touching anything,
  // naming it (it used to roll back the 14 newest and stop at v1_0_51).
  const CorpusFile& stop = newest_without_usable_down(files);
  REQUIRE(stop.name == "20250417143656_v1_0_14.sql");
  REQUIRE_FALSE(stop.down_error_line);
  const std::vector<std::string> rows_before = tracking_rows(*database);
  {
    const ProcessResult refused = gander({"down-to", "0"});
    INFO("down-to 0 exit " << refused.exit_code << "\n" << refused.out << refused.err);
    CHECK(refused.exit_code == 2);
    CHECK_THAT(refused.err, Catch::Contains(stop.name));
    check_unchanged("tracking rows", rows_before, tracking_rows(*database));
    check_unchanged("schema", s1, gander::test::schema_snapshot(*database));
  }

  // down-to V, V the version of v1_0_14: every migration above it has a Down
  // section, but hatchet's own SQL stops the rollback after 14 (as goose's
  // does, SOURCE.md). v1_0_60's Down puts back v1_0_59's 7-argument
  // list_paginated_olap_payloads_for_offload; v1_0_59's Down then
  // CREATE OR REPLACEs the older 5-argument one beside it and never drops the
  // 7-argument overload. That overload returns a column of the enum
  // v1_payload_location_olap, so v1_0_51's Down (its DROP TYPE of that enum)
  // fails on the dependency and the transaction undoes v1_0_51's rollback.
  const ProcessResult down = gander({"down-to", std::to_string(stop.version)});
  {
    INFO("down-to " << stop.version << " exit " << down.exit_code << "\n" << down.out << down.err);
    CHECK(down.exit_code == 1);
    CHECK_THAT(down.err, Catch::Contains((dir / "20251015164344_v1_0_51.sql").string() + ":35: statement 1: "));
    CHECK_THAT(down.err,
               Catch::Contains("cannot drop type v1_payload_location_olap because other objects depend on it"));
    CHECK_THAT(down.err, Catch::Contains("function list_paginated_olap_payloads_for_offload(date,uuid,uuid,timestamp "
                                         "with time zone,uuid,uuid,timestamp with time zone) depends on type "
                                         "v1_payload_location_olap"));
    CHECK_THAT(down.err, Catch::Contains("[SQLSTATE 2BP01]"));
  }
  CHECK(applied_names(*database) == sorted(first(names, 136)));
  CHECK(names[135] == "20251015164344_v1_0_51.sql");
  const std::vector<gander::test::Row> overloads = database->query(
      "SELECT oid::regprocedure::text FROM pg_proc WHERE proname = 'list_paginated_olap_payloads_for_offload'");
  REQUIRE(overloads.size() == 1);
  CHECK(*overloads[0][0] ==
        "list_paginated_olap_payloads_for_offload(date,uuid,uuid,timestamp with time zone,uuid,uuid,timestamp with "
        "time zone)");

  // 5. up again: the 14 rolled back are applied again. v1_0_59's Up
  // CREATE OR REPLACEs the leftover overload and v1_0_60's Up drops it, so
  // the schema is exactly the first one.
  const ProcessResult again = gander({"up"});
  {
    INFO("up exit " << again.exit_code << "\n" << again.out << again.err);
    REQUIRE(again.exit_code == 0);
    CHECK_THAT(again.out, Catch::Contains("applied 14 migrations"));
  }
  CHECK(applied_names(*database) == sorted(names));
  const std::vector<std::string> s2 = gander::test::schema_snapshot(*database);
  {
    INFO(gander::test::describe(gander::test::compare_snapshots(s1, s2)));
    CHECK(s2 == s1);
  }

  // 6. status
  check_status(gander({"status"}), names, names.size());
}

TEST_CASE("gophish's 25 migrations go up, back as far as their Down sections allow, and up again on SQLite",
          "[corpus]") {
  const fs::path dir = fs::path(gander::test::require_shared_dir()) / "corpus/gophish-sqlite/migrations";
  const std::vector<CorpusFile> files = read_corpus(dir);
  const std::vector<std::string> names = recorded_names(files);
  REQUIRE(files.size() == 25);
  REQUIRE(names.size() == 25);
  const gander::test::TempDir temp;
  const auto database = gander::test::make_sqlite_database(temp.path());
  const Gander gander{*database, dir};

  // 1-3. up (two Down sections do not parse, which never blocks going up:
  // docs/file-format.md), status, and the schema gophish builds
  const std::vector<std::string> s1 = apply_all(gander, names);
  REQUIRE(s1.size() > 20);

  // 4. Roll back. Every file has a Down section; the newest that cannot run
  // is rbac's, whose last statements lack their `;`. down-to 0 must refuse
  // before touching anything, naming it with the line the parser names.
  const CorpusFile& stop = newest_without_usable_down(files);
  REQUIRE(stop.name == "20190105192341_0.8.0_rbac.sql");
  REQUIRE(stop.down_error_line == 75u);
  const std::vector<std::string> rows_before = tracking_rows(*database);
  {
    const ProcessResult refused = gander({"down-to", "0"});
    INFO("down-to 0 exit " << refused.exit_code << "\n" << refused.out << refused.err);
    CHECK(refused.exit_code == 2);
    CHECK_THAT(refused.err, Catch::Contains(stop.name + ":" + std::to_string(*stop.down_error_line)));
    check_unchanged("tracking rows", rows_before, tracking_rows(*database));
    check_unchanged("schema", s1, gander::test::schema_snapshot(*database));
  }

  // down-to V, V rbac's version: the 7 newer migrations roll back. Only
  // imap's Down holds a statement (DROP TABLE "imap"); the other six are
  // empty, which goose and gander roll back by deleting the row.
  const ProcessResult down = gander({"down-to", std::to_string(stop.version)});
  {
    INFO("down-to " << stop.version << " exit " << down.exit_code << "\n" << down.out << down.err);
    CHECK(down.exit_code == 0);
    CHECK_THAT(down.out, Catch::Contains("rolled back 7 migrations"));
  }
  CHECK(applied_names(*database) == sorted(first(names, 18)));
  CHECK(names[17] == stop.name);

  // 5. up again stops on gophish's own SQL: the empty Down of
  // 20200619000000_0.11.0_password_policy left its column in users, so its
  // Up (ALTER TABLE users ADD COLUMN password_change_required) fails, as it
  // would under goose. webhooks (CREATE TABLE IF NOT EXISTS) and imap
  // (dropped by its Down) applied again before it.
  const ProcessResult again = gander({"up"});
  {
    INFO("up exit " << again.exit_code << "\n" << again.out << again.err);
    CHECK(again.exit_code == 1);
    CHECK_THAT(again.err,
               Catch::Contains((dir / "20200619000000_0.11.0_password_policy.sql").string() + ":4: statement 1: "));
    CHECK_THAT(again.err, Catch::Contains("duplicate column name: password_change_required"));
  }
  CHECK(applied_names(*database) == sorted(first(names, 20)));

  // So the schema differs from the first in exactly one object: imap was
  // re-created, and 20200730000000_0.11.0_imap_ignore_cert_errors, which
  // added ignore_cert_errors to it, is now pending. Every column the other
  // empty Downs left behind is still in place, as in S1.
  const std::vector<std::string> s2 = gander::test::schema_snapshot(*database);
  const gander::test::SnapshotDifference difference = gander::test::compare_snapshots(s1, s2);
  INFO(gander::test::describe(difference));
  REQUIRE(difference.only_before.size() == 1);
  REQUIRE(difference.only_after.size() == 1);
  const std::string imap_after = difference.only_after[0];
  CHECK_THAT(imap_after, Catch::StartsWith("table|imap|imap|CREATE TABLE \"imap\" (") && Catch::EndsWith(")"));
  CHECK(difference.only_before[0] == imap_after.substr(0, imap_after.size() - 1) + ", ignore_cert_errors BOOLEAN)");

  // 6. status: 20 applied, the 5 from password_policy on pending.
  check_status(gander({"status"}), names, 20);
}
