// gander sum and gander verify --sum / --base-sum.

#include <filesystem>

#include <catch2/catch.hpp>

#include <gander/checksum/checksum.hpp>

#include "run_process.hpp"
#include "temp_dir.hpp"

namespace {

using gander::checksum::file_checksum;
using gander::checksum::sha256_hex;
using gander::test::ProcessResult;
using gander::test::run_gander;

const std::string k_first = "-- +goose Up\nCREATE TABLE a (id int);\n";
const std::string k_second = "-- +goose Up\nCREATE TABLE b (id int);\n";
const std::string k_tenth = "-- +goose Up\nCREATE TABLE c (id int);\n";

std::string slurp(const std::filesystem::path& path) { return gander::test::read_bytes(path); }

// A migrations directory summed by `gander sum`.
struct SummedDir {
  gander::test::TempDir temp;
  std::string dir = (temp.path() / "migrations").string();
  std::string sum_path = dir + "/gander.sum";

  SummedDir() {
    temp.write("migrations/2_second.sql", k_second);
    temp.write("migrations/10_tenth.sql", k_tenth);
    temp.write("migrations/1_first.sql", k_first);
    temp.write("migrations/notes.txt", "not a migration\n");
    const ProcessResult result = run_gander({"sum", "--dir", dir});
    INFO(result.err);
    REQUIRE(result.exit_code == 0);
  }

  ProcessResult verify(std::vector<std::string> extra = {"--sum"}) const {
    std::vector<std::string> args = {"verify", "--dir", dir};
    args.insert(args.end(), extra.begin(), extra.end());
    return run_gander(args);
  }
};

}  // namespace

TEST_CASE("sum writes one line per migration in migration order after a line hashing them") {
  const SummedDir summed;
  const std::string entries = file_checksum(k_first) + "  1_first.sql\n" + file_checksum(k_second) +
                              "  2_second.sql\n" + file_checksum(k_tenth) + "  10_tenth.sql\n";
  CHECK(slurp(summed.sum_path) == "gander-sum v1 " + sha256_hex(entries) + "\n" + entries);
  const ProcessResult again = run_gander({"sum", "--dir", summed.dir});
  CHECK(again.exit_code == 0);
  CHECK(again.out == "gander sum: wrote " + summed.sum_path + " (3 migrations)\n");
}

TEST_CASE("sum of an empty directory holds only its first line") {
  const gander::test::TempDir temp;
  std::filesystem::create_directories(temp.path() / "empty");
  CHECK(run_gander({"sum", "--dir", (temp.path() / "empty").string()}).exit_code == 0);
  CHECK(slurp(temp.path() / "empty" / "gander.sum") == "gander-sum v1 " + sha256_hex("") + "\n");
}

TEST_CASE("sum refuses a .sql file whose name carries no version") {
  const gander::test::TempDir temp;
  temp.write("migrations/readme.sql", "SELECT 1;\n");
  const ProcessResult result = run_gander({"sum", "--dir", (temp.path() / "migrations").string()});
  CHECK(result.exit_code == 1);
  CHECK_THAT(result.err, Catch::Contains("readme.sql: migration file name must start with its version"));
  CHECK_FALSE(std::filesystem::exists(temp.path() / "migrations" / "gander.sum"));
}

TEST_CASE("verify --sum passes right after gander sum") {
  const SummedDir summed;
  const ProcessResult result = summed.verify();
  INFO(result.out << result.err);
  CHECK(result.exit_code == 0);
  CHECK(result.out == "gander verify: OK: " + summed.dir + " matches " + summed.sum_path + " (3 migrations)\n");
}

TEST_CASE("verify --sum takes the sum file as --sum FILE or --sum=FILE") {
  const SummedDir summed;
  const std::string elsewhere = (summed.temp.path() / "release.sum").string();
  std::filesystem::rename(summed.sum_path, elsewhere);
  CHECK(summed.verify({"--sum", elsewhere}).exit_code == 0);
  CHECK(summed.verify({"--sum=" + elsewhere}).exit_code == 0);
  const ProcessResult missing = summed.verify();
  CHECK(missing.exit_code == 2);
  CHECK_THAT(missing.err, Catch::Contains(summed.sum_path + ": cannot open"));
}

TEST_CASE("verify --sum reports modified deleted and unlisted files") {
  const SummedDir summed;
  summed.temp.write("migrations/1_first.sql", k_first + "CREATE TABLE d (id int);\n");
  std::filesystem::remove(summed.dir + "/2_second.sql");
  summed.temp.write("migrations/11_new.sql", "-- +goose Up\nCREATE TABLE e (id int);\n");
  const ProcessResult result = summed.verify();
  INFO(result.out << result.err);
  CHECK(result.exit_code == 3);
  CHECK_THAT(result.out, Catch::Contains("FAILED: 3 problems: " + summed.dir + " does not match " + summed.sum_path));
  CHECK_THAT(result.out, Catch::Contains("MODIFIED  " + summed.dir + "/1_first.sql\n"));
  CHECK_THAT(result.out, Catch::Contains("checksum in " + summed.sum_path + ": " + file_checksum(k_first)));
  CHECK_THAT(result.out, Catch::Contains("DELETED  " + summed.dir + "/2_second.sql\n"));
  CHECK_THAT(result.out, Catch::Contains("UNLISTED  " + summed.dir + "/11_new.sql\n"));
  CHECK_THAT(result.out, Catch::Contains("list it: gander sum --dir " + summed.dir));
  // Migration order: 1, 2, 11.
  CHECK(result.out.find("1_first.sql") < result.out.find("2_second.sql"));
  CHECK(result.out.find("2_second.sql") < result.out.find("11_new.sql"));
}

TEST_CASE("verify --sum reports a renamed file as renamed") {
  const SummedDir summed;
  std::filesystem::rename(summed.dir + "/2_second.sql", summed.dir + "/2_create_b.sql");
  const ProcessResult result = summed.verify({"--sum", "--json"});
  CHECK(result.exit_code == 3);
  CHECK_THAT(result.out, Catch::Contains("{\"file\": \"2_second.sql\", \"kind\": \"renamed\""));
  CHECK_THAT(result.out, Catch::Contains("\"renamed_to\": \"2_create_b.sql\""));
  CHECK_THAT(result.out, !Catch::Contains("unlisted"));
}

TEST_CASE("verify --sum detects an entry edited by hand") {
  const SummedDir summed;
  const std::string edited_checksum = file_checksum("something else");
  std::string sum = slurp(summed.sum_path);
  sum.replace(sum.find(file_checksum(k_second)), 64, edited_checksum);
  summed.temp.write("migrations/gander.sum", sum);
  const ProcessResult result = summed.verify();
  INFO(result.out << result.err);
  CHECK(result.exit_code == 3);
  CHECK_THAT(result.out, Catch::Contains("SUM FILE EDITED  " + summed.sum_path +
                                         "\n"
                                         "    its first line does not match its entries: the file was edited by hand"));
  CHECK_THAT(result.out, Catch::Contains("regenerate it: gander sum --dir " + summed.dir + ", and review the diff"));
  CHECK_THAT(result.out, Catch::Contains("MODIFIED  " + summed.dir + "/2_second.sql\n"));
  CHECK(result.out.find("SUM FILE EDITED") < result.out.find("MODIFIED"));
}

TEST_CASE("verify --sum detects an edited first line") {
  const SummedDir summed;
  std::string sum = slurp(summed.sum_path);
  sum.replace(sum.find(' ', 11) + 1, 64, std::string(64, 'a'));
  summed.temp.write("migrations/gander.sum", sum);
  const ProcessResult result = summed.verify({"--sum", "--json"});
  INFO(result.out << result.err);
  CHECK(result.exit_code == 3);
  CHECK_THAT(result.out, Catch::Contains("\"violations\": [{\"file\": \"" + summed.sum_path +
                                         "\", \"kind\": \"sum-tampered\", \"expected_checksum\": \"" +
                                         std::string(64, 'a') + "\""));
  CHECK_THAT(result.out, Catch::Contains("\"clean\": false"));
}

TEST_CASE("verify --sum reads a sum file checked out with CRLF line endings") {
  const SummedDir summed;
  std::string sum = slurp(summed.sum_path);
  std::string converted;
  for (const char c : sum) {
    if (c == '\n') converted += '\r';
    converted += c;
  }
  summed.temp.write("migrations/gander.sum", converted);
  CHECK(summed.verify().exit_code == 0);
}

TEST_CASE("verify --sum on a malformed sum file exits 2 with file and line") {
  const SummedDir summed;
  const std::string header = slurp(summed.sum_path).substr(0, 78);

  summed.temp.write("migrations/gander.sum", header + "\n" + file_checksum(k_first) + " 1_first.sql\n");
  const ProcessResult one_space = summed.verify();
  CHECK(one_space.exit_code == 2);
  CHECK_THAT(one_space.err, Catch::Contains(summed.sum_path + ":2: expected '<checksum>  <filename>'"));

  summed.temp.write("migrations/gander.sum", "gander-sum v2 " + std::string(64, '0') + "\n");
  const ProcessResult bad_header = summed.verify();
  CHECK(bad_header.exit_code == 2);
  CHECK_THAT(bad_header.err, Catch::Contains(summed.sum_path + ":1: expected the first line 'gander-sum v1"));

  const std::string entry = file_checksum(k_first) + "  1_first.sql\n";
  summed.temp.write("migrations/gander.sum", header + "\n" + entry + "\n" + entry);
  const ProcessResult blank_and_twice = summed.verify();
  CHECK(blank_and_twice.exit_code == 2);
  CHECK_THAT(blank_and_twice.err, Catch::Contains(summed.sum_path + ":3: expected"));

  summed.temp.write("migrations/gander.sum", header + "\n" + entry + entry);
  const ProcessResult twice = summed.verify();
  CHECK(twice.exit_code == 2);
  CHECK_THAT(twice.err, Catch::Contains(summed.sum_path + ":3: 1_first.sql is listed twice (also on line 2)"));
}

TEST_CASE("verify --sum accepts a line-ending-only change with a note unless --strict-checksums") {
  const SummedDir summed;
  summed.temp.write("migrations/1_first.sql", "-- +goose Up\r\nCREATE TABLE a (id int);\r\n");
  const ProcessResult lenient = summed.verify();
  CHECK(lenient.exit_code == 0);
  CHECK_THAT(lenient.out, Catch::Contains("accepted: " + summed.dir + "/1_first.sql: only line endings differ"));
  CHECK(summed.verify({"--sum", "--strict-checksums"}).exit_code == 3);
}

TEST_CASE("verify --base-sum allows new files and refuses changed or removed entries") {
  const SummedDir summed;
  const std::string base_sum = (summed.temp.path() / "v1.sum").string();
  std::filesystem::copy_file(summed.sum_path, base_sum);
  summed.temp.write("migrations/11_new.sql", "-- +goose Up\nCREATE TABLE e (id int);\n");
  run_gander({"sum", "--dir", summed.dir});

  const ProcessResult grown = summed.verify({"--base-sum", base_sum});
  INFO(grown.out << grown.err);
  CHECK(grown.exit_code == 0);
  CHECK_THAT(grown.out, Catch::Contains("OK: no migration listed in " + base_sum + " was changed in " + summed.dir +
                                        " (3 checked, 1 new file)"));
  CHECK(summed.verify({"--base-sum", base_sum, "--json"}).out ==
        "{\"mode\": \"base-sum\", \"base\": \"" + base_sum + "\", \"dir\": \"" + summed.dir +
            "\", \"checked\": 3, \"clean\": true, \"violations\": [], \"accepted\": [], \"new_files\": "
            "[\"11_new.sql\"]}\n");

  const std::string edited = k_tenth + "-- changed\nCREATE TABLE f (id int);\n";
  summed.temp.write("migrations/10_tenth.sql", edited);
  std::filesystem::remove(summed.dir + "/1_first.sql");
  const ProcessResult changed = summed.verify({"--base-sum", base_sum});
  INFO(changed.out << changed.err);
  CHECK(changed.exit_code == 3);
  CHECK_THAT(changed.out, Catch::Contains("DELETED  " + summed.dir + "/1_first.sql\n"));
  CHECK_THAT(changed.out, Catch::Contains("MODIFIED  " + summed.dir + "/10_tenth.sql\n"));

  summed.temp.write("migrations/1_first.sql", k_first);
  summed.temp.write("migrations/gander.amend", "10_tenth.sql " + file_checksum(k_tenth) + " " + file_checksum(edited) +
                                                   " reviewed: already live\n");
  const ProcessResult amended = summed.verify({"--base-sum", base_sum});
  INFO(amended.out << amended.err);
  CHECK(amended.exit_code == 0);
  CHECK_THAT(amended.out, Catch::Contains("10_tenth.sql: amended: reviewed: already live\n"));
}
