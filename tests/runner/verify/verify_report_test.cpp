#include <gander/verify.hpp>

#include <catch2/catch.hpp>

namespace {

gander::PlannedMigration planned(const std::string& name, gander::MigrationState state,
                                 gander::Note note = gander::Note::none, const std::string& note_text = "") {
  gander::PlannedMigration migration;
  migration.name = name;
  migration.state = state;
  migration.file_checksum =
      state == gander::MigrationState::missing ? std::nullopt : std::optional<std::string>("file-" + name);
  if (state != gander::MigrationState::pending && state != gander::MigrationState::out_of_order) {
    migration.db_checksum = "db-" + name;
  }
  migration.note = note;
  migration.note_text = note_text;
  return migration;
}

}  // namespace

TEST_CASE("verify report from a database plan: problems are violations and tolerated changes are accepted") {
  using gander::MigrationState;
  gander::Plan plan;
  plan.migrations = {
      planned("1_ok.sql", MigrationState::applied),
      planned("2_crlf.sql", MigrationState::applied, gander::Note::line_endings_differ, "line endings differ"),
      planned("3_amended.sql", MigrationState::amended, gander::Note::amended, "amended: typo"),
      planned("4_edited.sql", MigrationState::modified, gander::Note::sql_changed, "the SQL that ran has changed"),
      planned("5_gone.sql", MigrationState::missing),
      planned("6_half.sql", MigrationState::partial, gander::Note::stopped_applying, "did not finish"),
      planned("7_early.sql", MigrationState::out_of_order),
      planned("8_next.sql", MigrationState::pending)};
  const gander::VerifyReport report = gander::verify_report_from_plan(plan, "dbname=app password=***", "db");

  CHECK(report.mode == gander::VerifyMode::database);
  CHECK(std::string(gander::to_string(report.mode)) == "db");
  CHECK(report.base == "dbname=app password=***");
  CHECK(report.checked == 6);
  CHECK_FALSE(report.is_clean());
  REQUIRE(report.violations.size() == 3);
  CHECK(report.violations[0].kind == gander::ViolationKind::modified);
  CHECK(report.violations[0].file == "4_edited.sql");
  CHECK(report.violations[0].expected_checksum == "db-4_edited.sql");
  CHECK(report.violations[0].actual_checksum == "file-4_edited.sql");
  CHECK(report.violations[0].note == "the SQL that ran has changed");
  CHECK(report.violations[1].kind == gander::ViolationKind::missing);
  CHECK_FALSE(report.violations[1].actual_checksum);
  CHECK(report.violations[2].kind == gander::ViolationKind::partial);
  REQUIRE(report.accepted.size() == 2);
  CHECK(report.accepted[0].file == "2_crlf.sql");
  CHECK(report.accepted[0].why == gander::Note::line_endings_differ);
  CHECK(report.accepted[0].reason == "line endings differ");
  CHECK(report.accepted[1].why == gander::Note::amended);
  CHECK(report.accepted[1].reason == "amended: typo");
  CHECK(report.new_files == std::vector<std::string>{"7_early.sql", "8_next.sql"});
}

TEST_CASE("verify report kinds have the documented JSON names") {
  using gander::ViolationKind;
  CHECK(std::string(gander::to_string(ViolationKind::sum_tampered)) == "sum-tampered");
  CHECK(std::string(gander::to_string(ViolationKind::amendment_removed)) == "amendment-removed");
  CHECK(std::string(gander::to_string(ViolationKind::unlisted)) == "unlisted");
  CHECK(std::string(gander::to_string(gander::VerifyMode::git_base)) == "git-base");
  CHECK(std::string(gander::to_string(gander::VerifyMode::base_sum)) == "base-sum");
}
