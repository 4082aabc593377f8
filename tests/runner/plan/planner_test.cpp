#include "plan/planner.hpp"

#include <deque>

#include <catch2/catch.hpp>

#include <gander/checksum/checksum.hpp>
#include <gander/error.hpp>

namespace {

using gander::AppliedRow;
using gander::MigrationFile;
using gander::MigrationState;
using gander::PlanOptions;

// The names of the migrations `up` applies, in order.
std::vector<std::string> names_to_apply(const gander::Plan& plan, const PlanOptions& options) {
  std::vector<std::string> names;
  for (const std::size_t position : gander::positions_to_apply(plan, options)) {
    names.push_back(plan.migrations[position].name);
  }
  return names;
}

// The fixture owns the text of its files (a deque never moves its
// elements), and each MigrationFile views into it.
struct Fixture {
  std::deque<std::string> storage;
  std::vector<MigrationFile> files;

  void add(const std::string& name, std::int64_t version, const std::string& bytes) {
    MigrationFile file;
    file.name = storage.emplace_back(name);
    file.version = version;
    file.bytes = storage.emplace_back(bytes);
    file.checksum = storage.emplace_back(gander::checksum::file_checksum(bytes));
    file.up_checksum = storage.emplace_back(gander::checksum::sha256_hex("up of " + bytes));
    file.is_empty = file.checksum == gander::checksum::sha256_hex("");
    files.push_back(file);
  }
};

AppliedRow row_for(const MigrationFile& file) {
  return AppliedRow{std::string(file.name),
                    std::string(file.checksum),
                    false,
                    "2026-11-21T09:30:00Z",
                    std::string(file.up_checksum),
                    std::nullopt,
                    false,
                    std::nullopt};
}

std::vector<MigrationState> states(const gander::Plan& plan) {
  std::vector<MigrationState> out;
  for (const auto& planned : plan.migrations) out.push_back(planned.state);
  return out;
}

std::vector<std::string> names(const gander::Plan& plan) {
  std::vector<std::string> out;
  for (const auto& planned : plan.migrations) out.push_back(planned.name);
  return out;
}

}  // namespace

TEST_CASE("a fresh database has every non-empty file pending, in migration order") {
  Fixture fixture;
  fixture.add("10_ten.sql", 10, "SELECT 10;");
  fixture.add("2_two.sql", 2, "SELECT 2;");
  fixture.add("3_blank.sql", 3, " \n");
  const gander::Plan plan = gander::make_plan(fixture.files, {}, {});
  CHECK(names(plan) == std::vector<std::string>{"2_two.sql", "10_ten.sql"});
  CHECK(states(plan) == std::vector<MigrationState>{MigrationState::pending, MigrationState::pending});
  CHECK(names_to_apply(plan, gander::PlanOptions{}) == std::vector<std::string>{"2_two.sql", "10_ten.sql"});
  CHECK_FALSE(plan.has_integrity_problems());
  CHECK_FALSE(plan.is_up_to_date());
  CHECK_NOTHROW(gander::check_plan(plan, {}));
}

TEST_CASE("applied files with equal checksums are applied and nothing is left to do") {
  Fixture fixture;
  fixture.add("1_a.sql", 1, "SELECT 1;");
  fixture.add("2_b.sql", 2, "SELECT 2;");
  const gander::Plan plan =
      gander::make_plan(fixture.files, {row_for(fixture.files[0]), row_for(fixture.files[1])}, {});
  CHECK(states(plan) == std::vector<MigrationState>{MigrationState::applied, MigrationState::applied});
  CHECK(names_to_apply(plan, gander::PlanOptions{}).empty());
  CHECK(plan.is_up_to_date());
  CHECK(plan.migrations[0].applied_at == std::string("2026-11-21T09:30:00Z"));
}

TEST_CASE("a plan is up to date only when every migration is applied") {
  Fixture fixture;
  fixture.add("1_a.sql", 1, "SELECT 1;");
  fixture.add("2_b.sql", 2, "SELECT 2;");
  fixture.add("3_blank.sql", 3, "\n");
  const AppliedRow first = row_for(fixture.files[0]);
  const AppliedRow second = row_for(fixture.files[1]);
  CHECK(gander::make_plan(fixture.files, {first, second}, {}).is_up_to_date());

  AppliedRow partial = second;
  partial.is_partial = true;
  CHECK_FALSE(gander::make_plan(fixture.files, {first, partial}, {}).is_up_to_date());
  CHECK_FALSE(gander::make_plan(fixture.files, {second}, {}).is_up_to_date());  // 1_a is out of order
  CHECK_FALSE(gander::make_plan(fixture.files, {first}, {}).is_up_to_date());   // 2_b is pending
  AppliedRow modified = second;
  modified.checksum = gander::checksum::file_checksum("SELECT 0;");
  CHECK_FALSE(gander::make_plan(fixture.files, {first, modified}, {}).is_up_to_date());
  const AppliedRow gone{"4_gone.sql", first.checksum, false, std::nullopt,
                        std::nullopt, std::nullopt,   false, std::nullopt};
  CHECK_FALSE(gander::make_plan(fixture.files, {first, second, gone}, {}).is_up_to_date());
}

TEST_CASE("a modified file is refused with both checksums and a diagnosis") {
  Fixture fixture;
  fixture.add("1_a.sql", 1, "-- +goose Up\nSELECT 1;");
  AppliedRow row = row_for(fixture.files[0]);
  row.checksum = gander::checksum::file_checksum("-- +goose Up\nSELECT 0;");

  SECTION("the SQL that ran changed") {
    row.up_checksum = gander::checksum::sha256_hex("something else");
    const gander::Plan plan = gander::make_plan(fixture.files, {row}, {});
    REQUIRE(plan.migrations[0].state == MigrationState::modified);
    CHECK(plan.migrations[0].note_text == "the SQL that ran has changed");
    CHECK(plan.migrations[0].note == gander::Note::sql_changed);
  }
  SECTION("only comments or Down changed") {
    const gander::Plan plan = gander::make_plan(fixture.files, {row}, {});
    CHECK_THAT(plan.migrations[0].note_text, Catch::Contains("the SQL that ran is the same"));
    CHECK(plan.migrations[0].note == gander::Note::same_sql);
  }
  SECTION("an adopted row cannot say more") {
    row.up_checksum.reset();
    const gander::Plan plan = gander::make_plan(fixture.files, {row}, {});
    CHECK(plan.migrations[0].note_text.empty());
    CHECK(plan.migrations[0].note == gander::Note::none);
  }
  const gander::Plan plan = gander::make_plan(fixture.files, {row}, {});
  CHECK(plan.has_integrity_problems());
  try {
    gander::check_plan(plan, {});
    FAIL("a modified file was accepted");
  } catch (const gander::Error& error) {
    CHECK(error.kind() == gander::ErrorKind::checksum_mismatch);
    CHECK_THAT(error.what(), Catch::Contains("1_a.sql: MODIFIED db=" + row.checksum +
                                             " file=" + std::string(fixture.files[0].checksum)));
    CHECK_THAT(error.what(), Catch::Contains("nothing was applied"));
    CHECK_THAT(error.what(), Catch::Contains("new migration"));
  }
}

TEST_CASE("a checksum of the untrimmed file is diagnosed as such") {
  Fixture fixture;
  const std::string bytes = "SELECT 1;\n";
  fixture.add("1_a.sql", 1, bytes);
  AppliedRow row = row_for(fixture.files[0]);
  row.checksum = gander::checksum::sha256_hex(bytes);
  const gander::Plan plan = gander::make_plan(fixture.files, {row}, {});
  CHECK(plan.migrations[0].state == MigrationState::modified);
  CHECK_THAT(plan.migrations[0].note_text, Catch::Contains("untrimmed"));
  CHECK(plan.migrations[0].note == gander::Note::untrimmed_checksum);
}

TEST_CASE("line-ending and BOM differences are not mismatches unless checksums are strict") {
  Fixture fixture;
  fixture.add("1_a.sql", 1, "\xEF\xBB\xBF-- +goose Up\r\nSELECT 1;\r\nSELECT 2;\r\n");
  AppliedRow row = row_for(fixture.files[0]);
  row.checksum = gander::checksum::file_checksum("-- +goose Up\nSELECT 1;\nSELECT 2;\n");
  const gander::Plan lenient = gander::make_plan(fixture.files, {row}, {});
  CHECK(lenient.migrations[0].state == MigrationState::applied);
  CHECK(lenient.migrations[0].note_text == "line endings differ");
  CHECK(lenient.migrations[0].note == gander::Note::line_endings_differ);
  CHECK_FALSE(lenient.has_integrity_problems());

  PlanOptions strict;
  strict.strict_checksums = true;
  const gander::Plan plan = gander::make_plan(fixture.files, {row}, strict);
  CHECK(plan.migrations[0].state == MigrationState::modified);
  CHECK_THROWS_AS(gander::check_plan(plan, strict), gander::Error);
}

TEST_CASE("a change recorded in gander.amend is amended: applied with the reason and nothing to do") {
  Fixture fixture;
  fixture.add("1_a.sql", 1, "-- +goose Up\nSELECT 1; -- fixed comment");
  AppliedRow row = row_for(fixture.files[0]);
  row.checksum = gander::checksum::file_checksum("-- +goose Up\nSELECT 1; -- fixd comment");
  PlanOptions options;
  options.amendments.push_back(
      {"1_a.sql", row.checksum, std::string(fixture.files[0].checksum), "typo in a comment", 3});
  const gander::Plan plan = gander::make_plan(fixture.files, {row}, options);
  CHECK(plan.migrations[0].state == MigrationState::amended);
  CHECK(plan.migrations[0].note_text == "amended: typo in a comment");
  CHECK(plan.migrations[0].note == gander::Note::amended);
  CHECK(plan.is_up_to_date());
  CHECK_FALSE(plan.has_integrity_problems());
  CHECK(names_to_apply(plan, options).empty());
  CHECK_NOTHROW(gander::check_plan(plan, options));

  // Only that exact change: another edit of the file is a mismatch again.
  options.amendments.front().new_checksum = gander::checksum::file_checksum("something else");
  CHECK(gander::make_plan(fixture.files, {row}, options).migrations[0].state == MigrationState::modified);
}

TEST_CASE("a row without a file is missing, and a partial row is partial") {
  Fixture fixture;
  fixture.add("1_a.sql", 1, "SELECT 1;");
  fixture.add("3_c_notx.sql", 3, "CREATE INDEX CONCURRENTLY i ON t (a);");
  AppliedRow partial = row_for(fixture.files[1]);
  partial.is_partial = true;
  const AppliedRow gone{
      "2_gone.sql", gander::checksum::sha256_hex("x"), false, "2026-11-20T17:02:11Z", std::nullopt, std::nullopt, false,
      std::nullopt};
  const gander::Plan plan = gander::make_plan(fixture.files, {row_for(fixture.files[0]), gone, partial}, {});
  CHECK(names(plan) == std::vector<std::string>{"1_a.sql", "2_gone.sql", "3_c_notx.sql"});
  CHECK(states(plan) ==
        std::vector<MigrationState>{MigrationState::applied, MigrationState::missing, MigrationState::partial});
  CHECK_FALSE(plan.migrations[1].file_checksum);
  try {
    gander::check_plan(plan, {});
    FAIL("accepted");
  } catch (const gander::Error& error) {
    CHECK(error.kind() == gander::ErrorKind::missing_file);
    CHECK_THAT(error.what(), Catch::Contains("2 applied migrations do not match"));
    CHECK_THAT(error.what(), Catch::Contains("2_gone.sql: MISSING db=" + gone.checksum + " file=(no file)"));
    CHECK_THAT(error.what(), Catch::Contains("3_c_notx.sql: PARTIAL"));
    // The remedy in the library's words and as data; the CLI names the commands.
    CHECK_THAT(error.what(), Catch::Contains("resolve it as applied or rolled back") && !Catch::Contains("'gander "));
    CHECK(error.context().remedy.kind == gander::RemedyKind::repair_applied);
  }
}

TEST_CASE("a row for a file that is now empty is a mismatch, not a skip") {
  Fixture fixture;
  fixture.add("1_a.sql", 1, "\n");
  const AppliedRow row{
      "1_a.sql",   gander::checksum::file_checksum("SELECT 1;"), false, std::nullopt, std::nullopt, std::nullopt, false,
      std::nullopt};
  const gander::Plan plan = gander::make_plan(fixture.files, {row}, {});
  REQUIRE(plan.migrations.size() == 1);
  CHECK(plan.migrations[0].state == MigrationState::modified);
}

TEST_CASE("pending files before the newest applied one are out of order") {
  Fixture fixture;
  fixture.add("1_a.sql", 1, "SELECT 1;");
  fixture.add("2_b.sql", 2, "SELECT 2;");
  fixture.add("3_c.sql", 3, "SELECT 3;");
  fixture.add("4_d.sql", 4, "SELECT 4;");
  const std::vector<AppliedRow> rows{row_for(fixture.files[0]), row_for(fixture.files[2])};
  const gander::Plan plan = gander::make_plan(fixture.files, rows, {});
  CHECK(states(plan) == std::vector<MigrationState>{MigrationState::applied, MigrationState::out_of_order,
                                                    MigrationState::applied, MigrationState::pending});
  CHECK_FALSE(plan.has_integrity_problems());
  try {
    gander::check_plan(plan, {});
    FAIL("accepted");
  } catch (const gander::Error& error) {
    CHECK(error.kind() == gander::ErrorKind::out_of_order);
    CHECK_THAT(error.what(), Catch::Contains("  2_b.sql\n"));
    CHECK_THAT(error.what(), Catch::Contains("allow applying them out of order") && !Catch::Contains("--"));
    CHECK(error.context().remedy.kind == gander::RemedyKind::allow_out_of_order);
  }
  PlanOptions allow;
  allow.allow_out_of_order = true;
  CHECK_NOTHROW(gander::check_plan(plan, allow));
  CHECK(names_to_apply(plan, allow) == std::vector<std::string>{"2_b.sql", "4_d.sql"});
  CHECK(names_to_apply(plan, gander::PlanOptions{}) == std::vector<std::string>{"4_d.sql"});
}

TEST_CASE("files sharing a version order by name, and a missing newest row still sets the bar") {
  Fixture fixture;
  fixture.add("006_b.sql", 6, "SELECT 'b';");
  fixture.add("006_a.sql", 6, "SELECT 'a';");
  fixture.add("006b_c.sql", 6, "SELECT 'c';");
  const AppliedRow newest_gone{
      "007_gone.sql", gander::checksum::sha256_hex("g"), false, std::nullopt, std::nullopt, std::nullopt, false,
      std::nullopt};
  const gander::Plan plan = gander::make_plan(fixture.files, {newest_gone}, {});
  CHECK(names(plan) == std::vector<std::string>{"006_a.sql", "006_b.sql", "006b_c.sql", "007_gone.sql"});
  CHECK(plan.migrations[0].state == MigrationState::out_of_order);
  CHECK(plan.migrations[3].state == MigrationState::missing);
}

TEST_CASE("state names are the JSON names that docs/commands.md documents") {
  CHECK(std::string(gander::to_string(MigrationState::applied)) == "applied");
  CHECK(std::string(gander::to_string(MigrationState::pending)) == "pending");
  CHECK(std::string(gander::to_string(MigrationState::out_of_order)) == "out-of-order");
  CHECK(std::string(gander::to_string(MigrationState::modified)) == "modified");
  CHECK(std::string(gander::to_string(MigrationState::missing)) == "missing");
  CHECK(std::string(gander::to_string(MigrationState::partial)) == "partial");
}

TEST_CASE("a partial row's note says when it was rolling back and which statement may or may not have completed") {
  Fixture fixture;
  fixture.add("1_index.sql", 1, "CREATE INDEX CONCURRENTLY i ON t (a);");
  fixture.files[0].up_statement_count = 4;
  fixture.files[0].down_statement_count = 5;
  AppliedRow partial = row_for(fixture.files[0]);
  partial.is_partial = true;
  partial.is_rolling_back = true;
  partial.statements_done = 2;
  partial.statement_in_doubt = 3;
  gander::Plan plan = gander::make_plan(fixture.files, {partial}, {});
  const gander::PlannedMigration& planned = plan.migrations[0];
  CHECK(planned.state == MigrationState::partial);
  CHECK(planned.is_rolling_back);
  CHECK(planned.statement_in_doubt == 3);
  CHECK_THAT(planned.note_text, Catch::Contains("rolling back: 2 of 5 Down statements done") &&
                                    Catch::Contains("statement 3 may or may not have completed"));
  CHECK(plan.has_integrity_problems());
  try {
    gander::check_plan(plan, {});
    FAIL("accepted");
  } catch (const gander::Error& error) {
    CHECK(error.kind() == gander::ErrorKind::partial);
    CHECK_THAT(error.what(), Catch::Contains("1_index.sql: PARTIAL") && Catch::Contains("rolling back") &&
                                 Catch::Contains("resuming from N runs it again") &&
                                 Catch::Contains("resolve it as rolled back"));
    CHECK(error.context().remedy.kind == gander::RemedyKind::repair_applied);
  }

  partial.is_rolling_back = false;
  plan = gander::make_plan(fixture.files, {partial}, {});
  CHECK_FALSE(plan.migrations[0].is_rolling_back);
  CHECK_THAT(plan.migrations[0].note_text, Catch::Contains("2 of 4 statements completed; statement 3 may or may not"));

  // Without its file, what the row knows is still said.
  plan = gander::make_plan({}, {partial}, {});
  CHECK(plan.migrations[0].state == MigrationState::partial);
  CHECK(plan.migrations[0].statement_in_doubt == 3);
  CHECK_THAT(plan.migrations[0].note_text, Catch::Contains("statement 3 may or may not have completed (no file)"));
}

TEST_CASE("a partial row's note says how many of the file's statements completed or that it is not recorded") {
  Fixture fixture;
  fixture.add("1_backfill.sql", 1, "UPDATE t SET a = 1;");
  fixture.files[0].up_statement_count = 5;
  AppliedRow partial = row_for(fixture.files[0]);
  partial.is_partial = true;
  partial.statements_done = 2;
  gander::Plan plan = gander::make_plan(fixture.files, {partial}, {});
  CHECK(plan.migrations[0].statements_done == 2);
  CHECK_THAT(plan.migrations[0].note_text, Catch::Contains("2 of 5 statements completed"));
  try {
    gander::check_plan(plan, {});
    FAIL("accepted");
  } catch (const gander::Error& error) {
    CHECK(error.kind() == gander::ErrorKind::partial);
    CHECK_THAT(error.what(), Catch::Contains("1_backfill.sql: PARTIAL") &&
                                 Catch::Contains("2 of 5 statements completed") &&
                                 Catch::Contains("resume it to run the statements that did not complete"));
  }

  partial.statements_done = std::nullopt;
  plan = gander::make_plan(fixture.files, {partial}, {});
  CHECK_FALSE(plan.migrations[0].statements_done.has_value());
  CHECK_THAT(plan.migrations[0].note_text, Catch::Contains("how many statements completed is not recorded"));
}
