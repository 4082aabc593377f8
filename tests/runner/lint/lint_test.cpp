// gander lint, rule by rule: each rule on SQL that triggers it (the exact
// line) and on SQL that only looks like it. Then whole directories: the
// directory rules, the fixture directory with one file per rule, and the
// repository's own migrations, which must be clean.

#include <gander/lint.hpp>

#include <algorithm>
#include <iterator>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

#include <gander/create.hpp>
#include <gander/migration_name.hpp>

#include "temp_dir.hpp"

namespace {

using gander::LintFinding;
using gander::LintSeverity;

std::vector<LintFinding> lint(const std::string& text, const std::string& name = "00001_x.sql") {
  return gander::lint_file(name, "m/" + name, text, gander::LintOptions{});
}

// "LINE rule" for each finding, in order: what a test compares.
std::vector<std::string> lines_and_rules(const std::vector<LintFinding>& findings) {
  std::vector<std::string> out;
  for (const LintFinding& finding : findings) out.push_back(std::to_string(finding.line) + " " + finding.rule);
  return out;
}

using Lines = std::vector<std::string>;

LintFinding only(const std::vector<LintFinding>& findings) {
  REQUIRE(findings.size() == 1);
  return findings.front();
}

// Lints `dir` after writing each of `names` into it as a clean goose file.
gander::LintReport lint_directory(const gander::test::TempDir& dir, const std::vector<std::string>& names) {
  for (const std::string& name : names) dir.write(name, "-- +goose Up\nSELECT 1;\n-- +goose Down\n");
  return gander::lint_source(*gander::open_directory_source(dir.path().string()), gander::LintOptions{});
}

std::vector<LintFinding> findings_of(const gander::LintReport& report, const std::string& rule) {
  std::vector<LintFinding> found;
  for (const LintFinding& finding : report.findings) {
    if (finding.rule == rule) found.push_back(finding);
  }
  return found;
}

bool migration_order(const std::string& left, const std::string& right) {
  return gander::migration_order_less(gander::migration_version(left), left, gander::migration_version(right), right);
}

}  // namespace

TEST_CASE("lint: a DO block's $$ body cut by goose is flagged at the cut and names where it opens") {
  const auto findings = lint(
      "-- +goose Up\n"
      "DO $$\n"
      "BEGIN\n"
      "    UPDATE accounts SET status = 'active' WHERE status IS NULL;\n"
      "    DELETE FROM accounts WHERE status = 'gone';\n"
      "END\n"
      "$$;\n"
      "-- +goose Down\n");
  const LintFinding finding = only(findings);
  CHECK(finding.file == "m/00001_x.sql");
  CHECK(finding.line == 4);
  CHECK(finding.rule == "statement-split-inside-dollar-quote");
  CHECK(finding.severity == LintSeverity::error);
  CHECK_THAT(finding.message, Catch::Contains("inside the $$ body of the DO block that opens at line 2") &&
                                  Catch::Contains("'-- +goose StatementBegin' and '-- +goose StatementEnd'"));
}

TEST_CASE("lint: a function's $tag$ body cut by goose names the function") {
  const auto findings = lint(
      "-- +goose Up\n"
      "CREATE OR REPLACE FUNCTION touch() RETURNS trigger AS $fn$\n"
      "BEGIN\n"
      "    NEW.updated_at := now();\n"
      "    RETURN NEW;\n"
      "END;\n"
      "$fn$ LANGUAGE plpgsql;\n"
      "-- +goose Down\n"
      "DROP FUNCTION touch();\n");
  const LintFinding finding = only(findings);
  CHECK(finding.line == 4);
  CHECK(finding.rule == "statement-split-inside-dollar-quote");
  CHECK_THAT(finding.message, Catch::Contains("the $fn$ body of the CREATE FUNCTION statement that opens at line 2"));
}

TEST_CASE("lint: a string or quoted identifier open at a line goose ends is flagged") {
  const auto string = lint("-- +goose Up\nINSERT INTO t VALUES ('one;\ntwo');\n-- +goose Down\nSELECT 1;\n");
  CHECK(lines_and_rules(string) == Lines{"2 statement-split-inside-string"});
  CHECK_THAT(string.front().message, Catch::Contains("the string literal that opens at line 2"));

  const auto escape = lint("-- +goose Up\nSELECT 1;\nINSERT INTO t VALUES (E'it\\'s;\nstill open');\n-- +goose Down\n");
  CHECK(lines_and_rules(escape) == Lines{"3 statement-split-inside-string"});
  CHECK_THAT(escape.front().message, Catch::Contains("the E'' string that opens at line 3"));

  const auto identifier = lint("-- +goose Up\nCREATE TABLE \"odd;\nname\" (id int);\n-- +goose Down\n");
  CHECK(lines_and_rules(identifier) == Lines{"2 statement-split-inside-string"});
  CHECK_THAT(identifier.front().message, Catch::Contains("the \"quoted identifier\" that opens at line 2"));
}

TEST_CASE("lint: a SQLite trigger body or BEGIN ATOMIC cut by goose is flagged as a block") {
  const auto trigger = lint(
      "-- +goose Up\n"
      "CREATE TRIGGER touch AFTER UPDATE ON orders\n"
      "BEGIN\n"
      "    UPDATE orders SET total = CASE WHEN NEW.total < 0 THEN 0 ELSE NEW.total END WHERE id = NEW.id;\n"
      "    UPDATE audit SET n = n + 1;\n"
      "END;\n"
      "-- +goose Down\n"
      "DROP TRIGGER touch;\n");
  CHECK(lines_and_rules(trigger) == Lines{"4 statement-split-inside-block"});
  CHECK_THAT(trigger.front().message,
             Catch::Contains("the BEGIN ... END block of the CREATE TRIGGER statement that opens at line 3"));

  const auto atomic = lint(
      "-- +goose Up\n"
      "CREATE FUNCTION one() RETURNS int LANGUAGE sql\n"
      "BEGIN ATOMIC\n"
      "    SELECT 1;\n"
      "END;\n"
      "-- +goose Down\n");
  CHECK(lines_and_rules(atomic) == Lines{"4 statement-split-inside-block"});
  CHECK_THAT(atomic.front().message, Catch::Contains("block of the CREATE FUNCTION statement that opens at line 3"));
}

TEST_CASE("lint: a /* comment */ open at a line goose ends is flagged") {
  const auto findings = lint("-- +goose Up\n/* retired:\nDROP TABLE t;\n*/\nSELECT 1;\n-- +goose Down\n");
  CHECK(lines_and_rules(findings) == Lines{"3 statement-split-inside-comment"});
  CHECK_THAT(findings.front().message,
             Catch::Contains("the /* comment that opens at line 2") && Catch::Contains("comment the lines out"));
}

TEST_CASE("lint: a cut construct is reported once at its first cut and the next construct again") {
  const auto findings = lint(
      "-- +goose Up\n"
      "DO $$ BEGIN\n"
      "  PERFORM 1;\n"
      "  PERFORM 2;\n"
      "END $$;\n"
      "DO $$ BEGIN\n"
      "  PERFORM 3;\n"
      "END $$;\n"
      "-- +goose Down\n"
      "DO $$ BEGIN PERFORM 4;\n"
      "END $$;\n");
  CHECK(lines_and_rules(findings) == Lines{"3 statement-split-inside-dollar-quote",
                                           "7 statement-split-inside-dollar-quote",
                                           "10 statement-split-inside-dollar-quote"});
}

TEST_CASE("lint: a StatementEnd inside a body cuts the statement at the StatementEnd line") {
  const auto findings = lint(
      "-- +goose Up\n"
      "-- +goose StatementBegin\n"
      "CREATE FUNCTION f() RETURNS int AS $$\n"
      "BEGIN RETURN 1; END;\n"
      "-- +goose StatementEnd\n"
      "$$ LANGUAGE plpgsql;\n"
      "-- +goose Down\n");
  CHECK(lines_and_rules(findings) == Lines{"5 statement-split-inside-dollar-quote"});
  CHECK_THAT(findings.front().message, Catch::Contains("move '-- +goose StatementEnd' below the line that closes it"));
}

TEST_CASE("lint: a plain _notx file is split as goose splits it but a plain batch file is not") {
  const std::string text = "DO $$ BEGIN\n  PERFORM 1;\nEND $$;\n";
  CHECK(lines_and_rules(lint(text, "00002_x_notx.sql")) ==
        Lines{"1 plain-file", "2 statement-split-inside-dollar-quote"});
  CHECK(lines_and_rules(lint(text, "00002_x.sql")) == Lines{"1 plain-file"});
}

TEST_CASE("lint: SQL that only looks like an open construct is not flagged") {
  const char* const texts[] = {
      // A function wrapped as it should be, with ';' in strings and comments.
      "-- +goose Up\n-- +goose StatementBegin\nCREATE FUNCTION f() RETURNS trigger AS $$\nBEGIN\n"
      "  NEW.a := 'x;'; -- done;\n  RETURN NEW;\nEND;\n$$ LANGUAGE plpgsql;\n-- +goose StatementEnd\n"
      "-- +goose Down\nDROP FUNCTION f();\n",
      // A ';' inside a string inside a StatementBegin/End block.
      "-- +goose Up\n-- +goose StatementBegin\nINSERT INTO t VALUES ('a;\nb');\n-- +goose StatementEnd\n-- +goose Down\n",
      // BEGIN and END as transaction statements in a NO TRANSACTION file.
      "-- +goose NO TRANSACTION\n-- +goose Up\nBEGIN;\nUPDATE t SET a = 1;\nCOMMIT;\nBEGIN TRANSACTION;\n"
      "UPDATE t SET a = 2;\nEND TRANSACTION;\n-- +goose Down\n",
      // Quotes inside comments, comments inside quotes, doubled quotes.
      "-- +goose Up\n-- don't\nSELECT 'it''s'; /* it's */\nSELECT '-- not a comment;', '/* nor this;';\n"
      "SELECT \"a;b\", `c;d` FROM t;\n-- +goose Down\n",
      // E'' strings with escaped quotes and backslashes.
      "-- +goose Up\nSELECT E'it\\'s;', E'back\\\\';\nSELECT 'plain\\';\n-- +goose Down\n",
      // Parameters and identifiers with '$' are not dollar quotes.
      "-- +goose Up\nPREPARE p AS SELECT $1, a$b$c FROM t;\nSELECT 1;\n-- +goose Down\n",
      // CASE ... END and a column named like a keyword outside any block.
      "-- +goose Up\nSELECT CASE WHEN a THEN 1 ELSE 2 END FROM t;\nCREATE TABLE s (begin_at int, \"end\" int);\n"
      "SELECT t.begin FROM t;\n-- +goose Down\n",
      // A wrapped trigger: a qualified name that reads BEGIN, CASE ... END in the body.
      "-- +goose Up\n-- +goose StatementBegin\nCREATE TRIGGER t AFTER UPDATE ON x WHEN new.begin > 0\nBEGIN\n"
      "  UPDATE y SET a = CASE WHEN new.a THEN 1 END;\nEND;\n-- +goose StatementEnd\nSELECT 1;\n-- +goose Down\n",
      // Nested dollar quotes with different tags.
      "-- +goose Up\n-- +goose StatementBegin\nDO $outer$ BEGIN EXECUTE $q$SELECT 1;$q$; END $outer$;\n"
      "-- +goose StatementEnd\n-- +goose Down\n",
  };
  for (const char* text : texts) {
    INFO(text);
    CHECK(lint(text).empty());
  }
}

TEST_CASE("lint: CONCURRENTLY in a file that runs in a transaction is an error in either section") {
  const auto findings = lint(
      "-- +goose Up\n"
      "CREATE UNIQUE INDEX CONCURRENTLY a ON t (a);\n"
      "REFRESH MATERIALIZED VIEW CONCURRENTLY v;\n"
      "SELECT 'CREATE INDEX CONCURRENTLY';\n"
      "REINDEX TABLE CONCURRENTLY t;\n"
      "-- +goose Down\n"
      "DROP INDEX CONCURRENTLY a;\n");
  CHECK(lines_and_rules(findings) ==
        Lines{"2 concurrently-in-transaction", "5 concurrently-in-transaction", "7 concurrently-in-transaction"});
  CHECK(findings[0].severity == LintSeverity::error);
  CHECK_THAT(findings[0].message,
             Catch::StartsWith("CREATE UNIQUE INDEX CONCURRENTLY cannot run inside a transaction") &&
                 Catch::EndsWith("add '-- +goose NO TRANSACTION' to the file"));
  CHECK(
      lint("-- +goose NO TRANSACTION\n-- +goose Up\nCREATE INDEX CONCURRENTLY a ON t (a);\n-- +goose Down\n").empty());
  const std::string plain = "CREATE INDEX CONCURRENTLY a ON t (a);\n";
  CHECK(lines_and_rules(lint(plain, "00001_x_notx.sql")) == Lines{"1 plain-file"});
  const auto batch = lint(plain, "00001_x.sql");
  CHECK(lines_and_rules(batch) == Lines{"1 plain-file", "1 concurrently-in-transaction"});
  CHECK_THAT(batch.back().message,
             Catch::EndsWith("rename the file to end in _notx.sql, so that it runs outside a transaction"));
}

TEST_CASE("lint: VACUUM in a file that runs in a transaction is an error") {
  CHECK(lines_and_rules(lint("-- +goose Up\nDELETE FROM t;\nvacuum;\n-- +goose Down\n")) ==
        Lines{"3 vacuum-in-transaction"});
  CHECK(lint("-- +goose NO TRANSACTION\n-- +goose Up\nVACUUM;\n-- +goose Down\n").empty());
  CHECK(lint("-- +goose Up\nSELECT 'VACUUM';\n-- VACUUM;\n-- +goose Down\n").empty());
}

TEST_CASE("lint: a goose file without a Down section is a warning at its Up line") {
  const LintFinding finding = only(lint("-- seed\n\n-- +goose Up\nINSERT INTO t VALUES (1);\n"));
  CHECK(finding.line == 3);
  CHECK(finding.rule == "no-down-section");
  CHECK(finding.severity == LintSeverity::warning);
  CHECK(lint("-- +goose Up\nSELECT 1;\n-- +goose Down\n").empty());
  // A plain file has no Down section by design: it is flagged as plain, not for that.
  CHECK(lines_and_rules(lint("INSERT INTO t VALUES (1);\n")) == Lines{"1 plain-file"});
}

TEST_CASE("lint: PRAGMA foreign_keys set in a transactional file is an error at each pragma") {
  const auto findings = lint(
      "-- +goose Up\n"
      "PRAGMA foreign_keys = OFF;\n"
      "PRAGMA foreign_keys;\n"
      "PRAGMA foreign_key_check;\n"
      "PRAGMA main.foreign_keys = true;\n"
      "-- +goose Down\n"
      "PRAGMA foreign_keys(0);\n"
      "pragma Foreign_Keys = 1;\n");
  CHECK(lines_and_rules(findings) ==
        Lines{"2 pragma-foreign-keys-in-transaction", "5 pragma-foreign-keys-in-transaction",
              "7 pragma-foreign-keys-in-transaction", "8 pragma-foreign-keys-in-transaction"});
  CHECK(findings[0].severity == LintSeverity::error);
  CHECK_THAT(findings[0].message, Catch::Contains("SQLite ignores PRAGMA foreign_keys inside a transaction"));
  CHECK(lint("-- +goose NO TRANSACTION\n-- +goose Up\nPRAGMA foreign_keys = OFF;\nPRAGMA foreign_keys = ON;\n"
             "-- +goose Down\n")
            .empty());
}

TEST_CASE("lint: foreign_keys turned OFF and not back ON in its section is a warning") {
  const auto findings = lint(
      "-- +goose NO TRANSACTION\n"
      "-- +goose Up\n"
      "PRAGMA foreign_keys = OFF;\n"
      "PRAGMA foreign_keys = ON;\n"
      "PRAGMA foreign_keys = off;\n"
      "DROP TABLE t;\n"
      "-- +goose Down\n"
      "PRAGMA foreign_keys = ON;\n");
  CHECK(lines_and_rules(findings) == Lines{"5 foreign-keys-left-off"});
  CHECK(findings[0].severity == LintSeverity::warning);
}

TEST_CASE("lint: $$ between ENVSUB ON and OFF is flagged on each line and nowhere else") {
  const auto findings = lint(
      "-- +goose Up\n"
      "SELECT '$$';\n"
      "-- +goose ENVSUB ON\n"
      "-- +goose StatementBegin\n"
      "CREATE FUNCTION f() RETURNS text AS $$\n"
      "  SELECT '${NAME:-x}';\n"
      "$$ LANGUAGE sql;\n"
      "-- +goose StatementEnd\n"
      "INSERT INTO t VALUES ('$$'); /* $$ */ -- $$\n"
      "SELECT 1; -- costs $$\n"
      "-- $$ in a comment line\n"
      "-- +goose ENVSUB OFF\n"
      "SELECT $$a$$;\n"
      "-- +goose Down\n");
  CHECK(lines_and_rules(findings) == Lines{"5 dollar-in-envsub", "7 dollar-in-envsub", "9 dollar-in-envsub"});
  CHECK(findings[0].severity == LintSeverity::error);
  CHECK_THAT(findings[0].message, Catch::Contains("'-- +goose ENVSUB OFF'"));
}

TEST_CASE("lint: a plain file, which goose refuses, is a warning at line 1 that says what to add") {
  const LintFinding batch = only(lint("\n\nCREATE TABLE t (id int);\n"));
  CHECK(batch.file == "m/00001_x.sql");
  CHECK(batch.line == 1);
  CHECK(batch.rule == "plain-file");
  CHECK(batch.severity == LintSeverity::warning);
  CHECK_THAT(batch.message, Catch::StartsWith("no '-- +goose Up' annotation: goose refuses this file, so a project "
                                              "that also deploys with goose stops here; add '-- +goose Up' at the "
                                              "top"));
  // With the annotation alone it would run in a transaction: the advice keeps it outside one.
  const LintFinding notx = only(lint("CREATE INDEX CONCURRENTLY a ON t (a);\n", "00001_x_notx.sql"));
  CHECK(notx.rule == "plain-file");
  CHECK_THAT(notx.message, Catch::EndsWith("add '-- +goose NO TRANSACTION' and '-- +goose Up' at the top, so that it "
                                           "still runs outside a transaction"));
  // Only comments, no annotation: still plain.
  CHECK(lines_and_rules(lint("-- nothing yet\n")) == Lines{"1 plain-file"});
  // Any annotation makes a goose file.
  CHECK(lint("-- +goose NO TRANSACTION\n-- +goose Up\nSELECT 1;\n-- +goose Down\n").empty());
}

TEST_CASE("lint: with strict a plain file is exactly one error, and the file is still linted") {
  const gander::LintOptions strict{{}, true};
  const auto plain = gander::lint_file("00001_x.sql", "m/00001_x.sql", "CREATE TABLE t (id int);\n", strict);
  const LintFinding finding = only(plain);
  CHECK(finding.rule == "plain-file");
  CHECK(finding.severity == LintSeverity::error);
  CHECK_THAT(finding.message, Catch::StartsWith("no '-- +goose Up' annotation: goose refuses this file"));

  const auto concurrently =
      gander::lint_file("00002_x.sql", "m/00002_x.sql", "CREATE INDEX CONCURRENTLY a ON t (a);\n", strict);
  CHECK(lines_and_rules(concurrently) == Lines{"1 plain-file", "1 concurrently-in-transaction"});

  // Neither a goose file nor an empty one is plain.
  const auto goose = gander::lint_file("00003_x.sql", "m/00003_x.sql", "-- +goose Up\nSELECT 1;\n", strict);
  CHECK(lines_and_rules(goose) == Lines{"1 no-down-section"});
  const LintFinding empty = only(gander::lint_file("00004_x.sql", "m/00004_x.sql", " \n", strict));
  CHECK(empty.rule == "empty-file");
  CHECK(empty.severity == LintSeverity::warning);
}

TEST_CASE("lint: an empty file is a warning and nothing else") {
  const LintFinding finding = only(lint("\n \t\n"));
  CHECK(finding.line == 1);
  CHECK(finding.rule == "empty-file");
  CHECK(finding.severity == LintSeverity::warning);
}

TEST_CASE("lint: a file that does not parse is one parse-error at the parser's line") {
  const LintFinding finding = only(lint("-- +goose Up\nDO $$ BEGIN\n  PERFORM 1;\n-- +goose StatementEnd\n"));
  CHECK(finding.line == 4);
  CHECK(finding.rule == "parse-error");
  CHECK(finding.severity == LintSeverity::error);
  CHECK(finding.message == "StatementEnd without StatementBegin");
}

TEST_CASE("lint: the line numbers count a byte-order mark and CRLF line ends as the parser does") {
  const auto findings =
      lint("\xEF\xBB\xBF-- +goose Up\r\nDO $$ BEGIN\r\n  PERFORM 1;\r\nEND $$;\r\n-- +goose Down\r\n");
  CHECK(lines_and_rules(findings) == Lines{"3 statement-split-inside-dollar-quote"});
}

TEST_CASE("lint_source: a version shared by several files warns at every file after the first") {
  const gander::test::TempDir dir;
  const std::string ok = "-- +goose Up\nSELECT 1;\n-- +goose Down\n";
  dir.write("006_a.sql", ok);
  dir.write("006_b.sql", ok);
  dir.write("006b_c.sql", ok);
  dir.write("007_d.sql", ok);
  const gander::LintReport report =
      gander::lint_source(*gander::open_directory_source(dir.path().string()), gander::LintOptions{});
  CHECK(report.file_count == 4);
  REQUIRE(report.findings.size() == 2);
  CHECK(report.findings[0].file == (dir.path() / "006_b.sql").string());
  CHECK(report.findings[0].rule == "duplicate-version");
  CHECK(report.findings[0].severity == LintSeverity::warning);
  CHECK_THAT(report.findings[0].message, Catch::StartsWith("version 6 is also the version of 006_a.sql"));
  CHECK(report.findings[1].file == (dir.path() / "006b_c.sql").string());
}

TEST_CASE("lint_source: sequential and timestamp versions mixed warn once at the first timestamp file") {
  const gander::test::TempDir dir;
  const gander::LintReport report =
      lint_directory(dir, {"00001_a.sql", "00002_b.sql", "20260301120000_c.sql", "20260302120000_d.sql"});
  const LintFinding finding = only(report.findings);
  CHECK(finding.file == (dir.path() / "20260301120000_c.sql").string());
  CHECK(finding.line == 1);
  CHECK(finding.rule == "mixed-version-styles");
  CHECK(finding.severity == LintSeverity::warning);
  CHECK_THAT(finding.message,
             Catch::StartsWith("the directory mixes sequential versions (2 files) and timestamp versions (2 "
                               "files, this one first): run 'gander fix' to renumber the timestamp files "
                               "sequentially"));
}

TEST_CASE("lint_source: a 14-digit version that is no real time is a warning that names the part that is wrong") {
  const std::pair<const char*, const char*> cases[] = {
      {"20230230120000_a.sql", "is not a valid date: February has no day 30"},
      {"20230229000000_b.sql", "is not a valid date: February 2023 has no day 29 (2023 is not a leap year)"},
      {"21000229000000_c.sql", "is not a valid date: February 2100 has no day 29 (2100 is not a leap year)"},
      {"20231301000000_d.sql", "is not a valid date: there is no month 13"},
      {"20230001000000_e.sql", "is not a valid date: there is no month 00"},
      {"20230400000000_f.sql", "is not a valid date: there is no day 00"},
      {"20230431000000_g.sql", "is not a valid date: April has no day 31"},
      {"20230101250000_h.sql", "is not a valid time: there is no hour 25"},
      {"20230101126000_i.sql", "is not a valid time: there is no minute 60"},
      {"20230101120060_j.sql", "is not a valid time: there is no second 60"},
      {"20231330256161_k.sql",
       "is not a valid date and time: there is no month 13, there is no hour 25, there is no minute 61, there is no "
       "second 61"},
      {"20231332000000_l.sql", "is not a valid date: there is no month 13, there is no day 32"},
      {"19700101000000_m.sql", "is not later than 1970-01-01 00:00:00 UTC, where goose's timestamps begin"},
  };
  const gander::test::TempDir dir;
  std::vector<std::string> names;
  for (const auto& [name, problem] : cases) names.emplace_back(name);
  // Real times, leap days included, are timestamps; a name's leading zeros do not make 14 digits.
  for (const char* valid : {"20240229000000_v.sql", "20000229000000_w.sql", "19700101000001_x.sql"}) {
    names.emplace_back(valid);
  }
  const gander::LintReport report = lint_directory(dir, names);
  std::set<std::string> flagged;
  for (const LintFinding& finding : report.findings) {
    const std::string name = finding.file.substr(finding.file.rfind('/') + 1);
    INFO(name);
    CHECK(finding.rule == "invalid-timestamp-version");
    CHECK(finding.severity == LintSeverity::warning);
    CHECK(finding.line == 1);
    flagged.insert(name);
    for (const auto& [case_name, problem] : cases) {
      if (name != case_name) continue;
      CHECK_THAT(finding.message, Catch::StartsWith("version " + name.substr(0, 14) +
                                                    " looks like a timestamp (14 digits) but " + problem + ", so") &&
                                      Catch::Contains("rename it to a valid timestamp that keeps its place"));
    }
  }
  // Each case once and nothing else: no real time, and no mixed-version-styles, since a broken
  // timestamp is not a sequential version.
  CHECK(report.findings.size() == std::size(cases));
  CHECK(flagged == std::set<std::string>(names.begin(), names.begin() + std::size(cases)));
}

TEST_CASE("lint_source: a broken timestamp does not count as sequential beside real ones") {
  const gander::test::TempDir dir;
  const gander::LintReport report = lint_directory(dir, {"20230230120000_a.sql", "20240101000000_b.sql"});
  CHECK(only(report.findings).rule == "invalid-timestamp-version");

  // 14 digits in the name, but without its leading zero the version has 13: sequential.
  const gander::test::TempDir padded;
  const gander::LintReport mixed = lint_directory(padded, {"02023023012000_a.sql", "20240101000000_b.sql"});
  CHECK(lines_and_rules(mixed.findings) == Lines{"1 mixed-version-styles"});
}

TEST_CASE("lint_source: mixed versions that gander fix would reorder say so and do not suggest it") {
  struct Case {
    std::vector<std::string> names;
    const char* counts;
    const char* highest;
  };
  const Case cases[] = {
      // A broken timestamp after a real one: fix numbers the real one after it.
      {{"00001_a.sql", "20230101000000_b.sql", "20230230120000_c.sql"},
       "(1 file) and timestamp versions (1 file: this one)",
       "20230230120000_c.sql"},
      // A sequential version of more than 14 digits is higher than every timestamp.
      {{"00001_a.sql", "20240101000000_b.sql", "20240102000000_c.sql", "100000000000000_d.sql"},
       "(2 files) and timestamp versions (2 files, this one first)",
       "100000000000000_d.sql"},
  };
  for (const Case& c : cases) {
    INFO(c.highest);
    const gander::test::TempDir dir;
    const gander::LintReport report = lint_directory(dir, c.names);
    const std::vector<LintFinding> mixed = findings_of(report, "mixed-version-styles");
    const LintFinding finding = only(mixed);
    CHECK(finding.file == (dir.path() / c.names[1]).string());
    CHECK_THAT(finding.message,
               Catch::StartsWith(std::string("the directory mixes sequential versions ") + c.counts +
                                 ", but 'gander fix' would change the order in which they run: it numbers the "
                                 "timestamp files after the highest version that is not a timestamp, " +
                                 c.highest + ", so this file would run after that one instead of before it") &&
                   Catch::Contains("rename the files by hand so that they keep their order, or leave the names as "
                                   "they are") &&
                   !Catch::Contains("run 'gander fix' to renumber"));
  }
}

TEST_CASE("lint_source: mixed versions that gander fix would number after a broken timestamp do not suggest it") {
  const gander::test::TempDir dir;
  const gander::LintReport report =
      lint_directory(dir, {"00001_a.sql", "20230230120000_b.sql", "20240101000000_c.sql"});
  CHECK(lines_and_rules(report.findings) == Lines{"1 invalid-timestamp-version", "1 mixed-version-styles"});
  const LintFinding finding = only(findings_of(report, "mixed-version-styles"));
  CHECK(finding.file == (dir.path() / "20240101000000_c.sql").string());
  CHECK_THAT(finding.message,
             Catch::StartsWith("the directory mixes sequential versions (1 file) and timestamp versions (1 file: "
                               "this one), but 'gander fix' would number the timestamp files after "
                               "20230230120000_b.sql, whose version is not a valid timestamp") &&
                 !Catch::Contains("run 'gander fix' to renumber"));
}

TEST_CASE("lint_source: gander fix is suggested exactly when it keeps the order and leaves sequential versions") {
  const std::vector<std::vector<std::string>> directories = {
      {"00001_a.sql", "00002_b.sql", "20260301120000_c.sql", "20260302120000_d.sql"},
      {"001_a.sql", "20240101000000_b.sql", "20240101000000_a_twin.sql", "9_c.sql"},
      {"00001_a.sql", "19691231235959_b.sql", "20240101000000_c.sql"},
      {"00001_a.sql", "20230101000000_b.sql", "20230230120000_c.sql"},
      {"00001_a.sql", "20230230120000_b.sql", "20240101000000_c.sql"},
      {"00001_a.sql", "20240101000000_b.sql", "100000000000000_c.sql"},
      {"00001_a.sql", "20230101000099_b.sql", "20240101000000_c.sql"},
  };
  std::size_t suggested = 0;
  for (const std::vector<std::string>& names : directories) {
    INFO(names.back());
    const gander::test::TempDir dir;
    const LintFinding finding = only(findings_of(lint_directory(dir, names), "mixed-version-styles"));
    const bool suggests_fix = finding.message.find("run 'gander fix' to renumber") != std::string::npos;
    suggested += suggests_fix ? 1 : 0;

    const std::vector<gander::Renamed> renames = gander::fix_migrations(dir.path().string());
    std::vector<std::string> before = names;
    std::sort(before.begin(), before.end(), migration_order);
    // Each file under its name after the fix, in the order the fix gives.
    std::vector<std::pair<std::string, std::string>> after;
    for (const std::string& name : before) {
      const auto rename = std::find_if(renames.begin(), renames.end(),
                                       [&](const gander::Renamed& renamed) { return renamed.from == name; });
      after.emplace_back(rename == renames.end() ? name : rename->to, name);
    }
    std::sort(after.begin(), after.end(),
              [](const auto& left, const auto& right) { return migration_order(left.first, right.first); });
    std::vector<std::string> order_after;
    for (const auto& renamed : after) order_after.push_back(renamed.second);
    const bool keeps_order = order_after == before;
    const bool leaves_sequential = std::all_of(renames.begin(), renames.end(), [](const gander::Renamed& renamed) {
      return gander::migration_version(renamed.to) < 10000000000000;
    });
    CHECK(suggests_fix == (keeps_order && leaves_sequential));
  }
  // Both answers occur, so the comparison is tested both ways.
  CHECK(suggested > 0);
  CHECK(suggested < directories.size());
}

TEST_CASE("lint_source: a goose Go migration is named once, and no SQL rule looks at it") {
  const gander::test::TempDir dir;
  dir.write("00001_a.sql", "-- +goose Up\nSELECT 1;\n-- +goose Down\n");
  // Read as SQL it would be a plain file holding VACUUM.
  dir.write("00002_backfill.go", "package migrations\n\n// Runs VACUUM; afterwards.\nfunc init() {}\n");
  const gander::LintReport report =
      gander::lint_source(*gander::open_directory_source(dir.path().string()), gander::LintOptions{{}, true});
  REQUIRE(report.findings.size() == 1);
  CHECK(report.findings[0].rule == "go-migration");
  CHECK_THAT(report.findings[0].message, Catch::Contains("gander resolve 00002_backfill.go --applied"));
}

TEST_CASE("lint_file: a malformed Down section is a parse-error, and the up section is still linted") {
  const std::vector<gander::LintFinding> findings =
      gander::lint_file("00001_a.sql", "00001_a.sql",
                        "-- +goose Up\nCREATE INDEX CONCURRENTLY i ON t (c);\n-- +goose Down\nDROP INDEX i\n", {});
  REQUIRE(findings.size() == 2);
  CHECK(findings[0].rule == "concurrently-in-transaction");
  CHECK(findings[1].rule == "parse-error");
  CHECK(findings[1].line == 4);
  CHECK_THAT(findings[1].message, Catch::Contains("missing semicolon") && Catch::Contains("the Down section"));
}

TEST_CASE("lint_source: a name without a version is a parse-error and the other files are still linted") {
  const gander::test::TempDir dir;
  dir.write("readme.sql", "-- +goose Up\nSELECT 1;\n");
  dir.write("002_bad.sql", "-- +goose Up\nSELECT 2\n");
  dir.write("003_empty.sql", "");
  const auto source = gander::open_directory_source(dir.path().string());
  const gander::LintReport report = gander::lint_source(*source, gander::LintOptions{});
  REQUIRE(report.findings.size() == 4);
  CHECK(report.findings[0].file == (dir.path() / "002_bad.sql").string());
  CHECK(lines_and_rules(report.findings) ==
        Lines{"2 parse-error", "1 empty-file", "1 parse-error", "1 no-down-section"});
  CHECK(report.findings[2].file == (dir.path() / "readme.sql").string());
  CHECK_THAT(report.findings[2].message, Catch::StartsWith("migration file name must start with its version number"));
}

TEST_CASE("lint_source: the fixture directory yields each rule at its line") {
  const auto source = gander::open_directory_source(GANDER_LINT_FIXTURES);
  const gander::LintReport report = gander::lint_source(*source, gander::LintOptions{});
  std::vector<std::string> found;
  for (const LintFinding& finding : report.findings) {
    const std::string name = finding.file.substr(finding.file.rfind('/') + 1);
    CHECK(finding.file == source->display_path(name));
    found.push_back(name + ":" + std::to_string(finding.line) + " " + finding.rule);
  }
  CHECK(found == Lines{
                     "00001_split_dollar_quote.sql:4 statement-split-inside-dollar-quote",
                     "00002_split_string.sql:2 statement-split-inside-string",
                     "00003_split_block.sql:4 statement-split-inside-block",
                     "00004_split_comment.sql:3 statement-split-inside-comment",
                     "00005_concurrently.sql:2 concurrently-in-transaction",
                     "00005_concurrently.sql:5 concurrently-in-transaction",
                     "00006_vacuum.sql:3 vacuum-in-transaction",
                     "00007_no_down.sql:2 no-down-section",
                     "00008_pragma_in_transaction.sql:2 pragma-foreign-keys-in-transaction",
                     "00008_pragma_in_transaction.sql:7 pragma-foreign-keys-in-transaction",
                     "00009_foreign_keys_left_off.sql:3 foreign-keys-left-off",
                     "00010_duplicate_b.sql:1 duplicate-version",
                     "00011_empty.sql:1 empty-file",
                     "00012_dollar_in_envsub.sql:4 dollar-in-envsub",
                     "00012_dollar_in_envsub.sql:6 dollar-in-envsub",
                     "00013_parse_error.sql:3 parse-error",
                     "00015_plain.sql:1 plain-file",
                     "20260301120000_timestamp.sql:1 mixed-version-styles",
                     "20261131090000_invalid_timestamp.sql:1 invalid-timestamp-version",
                 });
  CHECK(report.file_count == 18);
}

TEST_CASE("lint_source: the repository's sample migrations have no finding") {
  for (const char* dir : {GANDER_SAMPLE_MIGRATIONS, GANDER_SAMPLE_MIGRATIONS "/postgres"}) {
    INFO(dir);
    const gander::LintReport report = gander::lint_source(*gander::open_directory_source(dir), gander::LintOptions{});
    CHECK(report.file_count == 5);
    CHECK(lines_and_rules(report.findings).empty());
  }
}

TEST_CASE("lint_rules: every rule has a unique kebab-case name and a severity and a summary") {
  std::set<std::string> names;
  for (const gander::LintRule& rule : gander::lint_rules()) {
    const std::string name = rule.name;
    INFO(name);
    CHECK(name.find_first_not_of("abcdefghijklmnopqrstuvwxyz-") == std::string::npos);
    CHECK(names.insert(name).second);
    CHECK(std::string(rule.summary).size() > 10);
  }
  CHECK(names.size() == 18);
  CHECK(std::string(gander::to_string(LintSeverity::warning)) == "warning");
  CHECK(std::string(gander::to_string(LintSeverity::error)) == "error");
}
