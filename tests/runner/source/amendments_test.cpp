#include <gander/amendments.hpp>

#include <catch2/catch.hpp>

#include <gander/error.hpp>
#include <gander/migration_source.hpp>

#include "error_of.hpp"
#include "source/file_reading.hpp"
#include "temp_dir.hpp"

namespace {

const std::string k_old(64, 'a');
const std::string k_new(64, 'b');

}  // namespace

TEST_CASE("gander.amend lines are parsed with their line numbers and comments are skipped") {
  const std::string bytes = "# reviewed changes\n\n00002_users.sql " + k_old + " " + k_new +
                            " fixed a comment typo\r\n  00003_x.sql\t" + k_new + "  " + k_old + "  reverted  \n";
  const std::vector<gander::Amendment> amendments = gander::parse_amendments(bytes, "migrations/gander.amend");
  REQUIRE(amendments.size() == 2);
  CHECK(amendments[0].filename == "00002_users.sql");
  CHECK(amendments[0].stored_checksum == k_old);
  CHECK(amendments[0].new_checksum == k_new);
  CHECK(amendments[0].reason == "fixed a comment typo");
  CHECK(amendments[0].line == 3);
  CHECK(amendments[1].filename == "00003_x.sql");
  CHECK(amendments[1].reason == "reverted");
  CHECK(amendments[1].line == 4);
  CHECK(gander::find_amendment(amendments, "00002_users.sql", k_old, k_new) == &amendments[0]);
  CHECK(gander::find_amendment(amendments, "00002_users.sql", k_new, k_old) == nullptr);
  CHECK(gander::find_amendment(amendments, "00009_other.sql", k_old, k_new) == nullptr);
}

TEST_CASE("a malformed gander.amend line is a parse error naming the file and line") {
  for (const std::string& line : {"00002_users.sql " + k_old + " " + k_new,                        // no reason
                                  "00002_users.sql " + k_old + " nothex reason",                   // bad checksum
                                  "00002_users.sql " + std::string(64, 'A') + " " + k_new + " r",  // upper case
                                  std::string("00002_users.sql")}) {
    INFO(line);
    const gander::Error error =
        gander::test::error_of([&] { gander::parse_amendments("# header\n" + line + "\n", "m/gander.amend"); });
    CHECK(error.kind() == gander::ErrorKind::parse);
    CHECK(error.context().file == std::string("m/gander.amend"));
    CHECK(error.context().line == std::size_t{2});
  }
}

TEST_CASE("append_amendment creates gander.amend with a header and appends parseable lines") {
  const gander::test::TempDir dir;
  gander::Amendment first{"00002_users.sql", k_old, k_new, "fixed a comment typo", 0};
  const std::string path = gander::append_amendment(dir.path().string(), first);
  gander::Amendment second{"00003_x.sql", k_new, k_old, "reverted", 0};
  gander::append_amendment(dir.path().string(), second);
  const std::vector<gander::Amendment> read = gander::parse_amendments(gander::read_file(path), path);
  REQUIRE(read.size() == 2);
  CHECK(read[0].filename == "00002_users.sql");
  CHECK(read[1].reason == "reverted");
  CHECK_THAT(gander::read_file(path), Catch::StartsWith("# "));

  gander::Amendment spaced{"0004 bad name.sql", k_old, k_new, "x", 0};
  CHECK(gander::test::error_of([&] { gander::append_amendment(dir.path().string(), spaced); }).kind() ==
        gander::ErrorKind::config);
  gander::Amendment no_reason{"00004_a.sql", k_old, k_new, "  ", 0};
  CHECK(gander::test::error_of([&] { gander::append_amendment(dir.path().string(), no_reason); }).kind() ==
        gander::ErrorKind::config);
  CHECK(gander::parse_amendments(gander::read_file(path), path).size() == 2);
}
