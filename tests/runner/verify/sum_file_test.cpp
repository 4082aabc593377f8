#include <gander/sum_file.hpp>

#include <catch2/catch.hpp>

#include <gander/checksum/checksum.hpp>
#include <gander/error.hpp>

#include "error_of.hpp"
#include "temp_dir.hpp"

namespace {

const std::string k_a(64, 'a');
const std::string k_b(64, 'b');

}  // namespace

TEST_CASE("sum file: names with spaces and non-ASCII text survive a round trip") {
  const std::vector<gander::SumEntry> entries = {{k_a, "00001_two  spaces.sql"}, {k_b, "00002_ünïcödé name .sql"}};
  const std::string bytes = gander::render_sum_file(entries);
  const gander::SumFile sum = gander::parse_sum_file(bytes, "gander.sum");
  REQUIRE(sum.entries.size() == 2);
  CHECK(sum.entries[0].filename == "00001_two  spaces.sql");
  CHECK(sum.entries[0].checksum == k_a);
  CHECK(sum.entries[0].line == 2);
  CHECK(sum.entries[1].filename == "00002_ünïcödé name .sql");
  CHECK(sum.entries[1].line == 3);
  CHECK(sum.is_intact());
  CHECK(sum.recorded_digest == gander::checksum::sha256_hex(bytes.substr(bytes.find('\n') + 1)));
}

TEST_CASE("sum file: an edited entry no longer matches the first line") {
  std::string bytes = gander::render_sum_file({{k_a, "1_a.sql"}, {k_b, "2_b.sql"}});
  bytes.replace(bytes.rfind(k_b), 64, k_a);
  const gander::SumFile sum = gander::parse_sum_file(bytes, "gander.sum");
  CHECK_FALSE(sum.is_intact());
  CHECK(sum.entries[1].checksum == k_a);
}

TEST_CASE("sum file: CRLF line endings and a missing final newline read the same") {
  const std::string bytes = gander::render_sum_file({{k_a, "1_a.sql"}});
  std::string crlf;
  for (const char c : bytes) {
    if (c == '\n') crlf += '\r';
    crlf += c;
  }
  CHECK(gander::parse_sum_file(crlf, "gander.sum").is_intact());
  CHECK(gander::parse_sum_file(crlf, "gander.sum").entries[0].filename == "1_a.sql");
  CHECK(gander::parse_sum_file(bytes.substr(0, bytes.size() - 1), "gander.sum").is_intact());
}

TEST_CASE("sum file: malformed files are config errors naming the file and line") {
  const std::string header = gander::render_sum_file({}).substr(0, 78);
  const auto error_for = [](const std::string& bytes) {
    return gander::test::error_of([&] { gander::parse_sum_file(bytes, "db/gander.sum"); });
  };
  const gander::Error empty = error_for("");
  CHECK(empty.kind() == gander::ErrorKind::config);
  CHECK(empty.context().file == "db/gander.sum");
  CHECK(empty.context().line == 1);
  CHECK(error_for(header.substr(0, 77) + "\n").context().line == 1);
  CHECK(error_for(header + "\n" + k_a + "  \n").context().line == 2);
  CHECK(error_for(header + "\n" + k_a + "\t1_a.sql\n").context().line == 2);
  CHECK(error_for(header + "\n" + std::string(64, 'A') + "  1_a.sql\n").context().line == 2);
  const gander::Error twice = error_for(header + "\n" + k_a + "  1_a.sql\n" + k_b + "  1_a.sql\n");
  CHECK(twice.context().line == 3);
  CHECK_THAT(twice.message(), Catch::Contains("1_a.sql is listed twice (also on line 2)"));
}

TEST_CASE("sum file: a file name with a line break cannot be written") {
  const gander::Error error = gander::test::error_of([] { gander::render_sum_file({{k_a, "1_a\n.sql"}}); });
  CHECK(error.kind() == gander::ErrorKind::config);
}

TEST_CASE("sum file: entries follow migration order and checksum each file as stored") {
  const gander::test::TempDir dir;
  dir.write("10_ten.sql", "SELECT 10;\n");
  dir.write("2_two.sql", "  SELECT 2;  \n");
  dir.write("2_a.sql", "SELECT 2;");
  dir.write("gander.amend", "# not a migration\n");
  const auto source = gander::open_directory_source(dir.path().string());
  const std::vector<gander::SumEntry> entries = gander::sum_entries(*source);
  REQUIRE(entries.size() == 3);
  CHECK(entries[0].filename == "2_a.sql");
  CHECK(entries[1].filename == "2_two.sql");
  CHECK(entries[2].filename == "10_ten.sql");
  CHECK(entries[1].checksum == gander::checksum::file_checksum("SELECT 2;"));
  CHECK(entries[0].checksum == entries[1].checksum);
}
