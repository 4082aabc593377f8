#include <gander/checksum/checksum.hpp>

#include <algorithm>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

// Expected values were computed independently with Python's hashlib on the
// trimmed bytes, so these are known-answer tests of both SHA-256 and the trim.
namespace {

constexpr const char* k_sha256_empty = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
constexpr const char* k_sha256_select = "17db4fd369edb9244b9f91d9aeed145c3d04ad8ba6e95d06247f07a63527d11a";

}  // namespace

TEST_CASE("sha256_hex is lowercase hex SHA-256 of the bytes as given") {
  CHECK(gander::checksum::sha256_hex("") == k_sha256_empty);
  CHECK(gander::checksum::sha256_hex("hello") == "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824");
  CHECK(gander::checksum::sha256_hex(" hello") != gander::checksum::sha256_hex("hello"));
}

TEST_CASE("file_checksum trims exactly what Go's strings.TrimSpace trims") {
  struct Case {
    const char* name;
    std::string bytes;
    const char* expected;
  };
  const Case cases[] = {
      {"ASCII whitespace", std::string(" \t\n\v\f\rSELECT 1;\r\n\n"), k_sha256_select},
      {"NBSP U+00A0", "\xC2\xA0SELECT 1;\xC2\xA0", k_sha256_select},
      {"NEL U+0085", "\xC2\x85SELECT 1;\xC2\x85", k_sha256_select},
      {"ideographic space U+3000", "\xE3\x80\x80SELECT 1;\xE3\x80\x80", k_sha256_select},
      {"line separator U+2028", "\xE2\x80\xA8SELECT 1;\xE2\x80\xA9", k_sha256_select},
      {"en quad..hair space U+2000-U+200A", "\xE2\x80\x80\xE2\x80\x8ASELECT 1;\xE2\x80\x8A", k_sha256_select},
      {"ogham U+1680, narrow NBSP U+202F, math space U+205F", "\xE1\x9A\x80SELECT 1;\xE2\x80\xAF\xE2\x81\x9F",
       k_sha256_select},
      {"a BOM is not whitespace", "\xEF\xBB\xBFSELECT 1;\n",
       "a35432496aa3b58f1818bc547ae78c87d1a5e702dcc7f28e2e1fdb38ff3bbf52"},
      {"invalid UTF-8 is not whitespace", "\xFFSELECT 1;\x80",
       "a790847cca038df5d4fc45313e68468b5323bf23f905249cd013592d3ddf7b05"},
      {"a bare 0x85 byte is not U+0085", "\x85SELECT 1;",
       "8696408d63f04ab7560ae7b1e76b0757e90d8ad4afb395ba119862d08ca63ae7"},
      {"empty", "", k_sha256_empty},
      {"whitespace only", " \n\t\xC2\xA0\xE3\x80\x80\r\n", k_sha256_empty},
      {"inner whitespace kept", "-- +goose Up\nCREATE TABLE a (id int);\n\n",
       "9f120884430fb825e93b809adc435815e778b4a397f6afc784a2e502840193d3"},
  };
  for (const Case& c : cases) {
    INFO(c.name);
    CHECK(gander::checksum::file_checksum(c.bytes) == c.expected);
  }
}

TEST_CASE("file_checksum treats a zero-width space U+200B as content, as Go does") {
  CHECK(gander::checksum::file_checksum("\xE2\x80\x8BSELECT 1;") != k_sha256_select);
}

TEST_CASE("file_checksum hashes a 100 MB file in place") {
  // 100,000,000 'a' between whitespace; the expected value is SHA-256 of the
  // 'a's alone. The input is passed as a view and trimmed as a view, so the
  // only buffer is this one.
  std::string bytes(100'000'003, 'a');
  bytes[0] = ' ';
  bytes[1] = '\n';
  bytes.back() = '\n';
  CHECK(gander::checksum::file_checksum(bytes) == "83d30385a4a11980275dc23de3fb49ff37b906cc841efa048a96c62d90ff3b5f");
}

TEST_CASE("line-ending and BOM variants of a file are recognised, and nothing else is") {
  using gander::checksum::file_checksum;
  using gander::checksum::line_ending_variant_checksums;
  const std::string lf = "-- +goose Up\nSELECT 1;\n";
  const std::string crlf = "-- +goose Up\r\nSELECT 1;\r\n";
  const std::string bom = "\xEF\xBB\xBF";
  const auto contains = [](const std::vector<std::string>& list, const std::string& value) {
    return std::find(list.begin(), list.end(), value) != list.end();
  };

  const std::vector<std::string> from_lf = line_ending_variant_checksums(lf);
  CHECK(contains(from_lf, file_checksum(crlf)));
  CHECK(contains(from_lf, file_checksum(bom + lf)));
  CHECK(contains(from_lf, file_checksum(bom + crlf)));
  CHECK_FALSE(contains(from_lf, file_checksum(lf)));
  CHECK_FALSE(contains(from_lf, file_checksum("-- +goose Up\nSELECT 2;\n")));

  const std::vector<std::string> from_bom_crlf = line_ending_variant_checksums(bom + crlf);
  CHECK(contains(from_bom_crlf, file_checksum(lf)));
  CHECK(contains(from_bom_crlf, file_checksum(crlf)));
  CHECK(contains(from_bom_crlf, file_checksum(bom + lf)));

  // Mixed endings: each form is tried whole, so a half-converted file still
  // maps to its all-LF and all-CRLF forms.
  const std::vector<std::string> from_mixed = line_ending_variant_checksums("SELECT 1;\r\nSELECT 2;\nSELECT 3;");
  CHECK(contains(from_mixed, file_checksum("SELECT 1;\nSELECT 2;\nSELECT 3;")));
  CHECK(contains(from_mixed, file_checksum("SELECT 1;\r\nSELECT 2;\r\nSELECT 3;")));
}

TEST_CASE("up_checksum hashes the up statements joined by a newline, and nothing else") {
  gander::parser::Migration migration;
  migration.up = {{"CREATE TABLE a (id INT);", 2}, {"", 3}, {"INSERT INTO a VALUES (1);", 4}};
  migration.down = {{"DROP TABLE a;", 7}};
  CHECK(gander::checksum::up_checksum(migration) ==
        gander::checksum::sha256_hex("CREATE TABLE a (id INT);\n\nINSERT INTO a VALUES (1);"));
  CHECK(gander::checksum::up_checksum(migration) == gander::checksum::up_checksum(migration));
  migration.down.clear();
  CHECK(gander::checksum::up_checksum(migration) ==
        gander::checksum::sha256_hex("CREATE TABLE a (id INT);\n\nINSERT INTO a VALUES (1);"));
  CHECK(gander::checksum::up_checksum(gander::parser::Migration{}) == k_sha256_empty);
}

TEST_CASE("sha256_hex gives the same values on several threads at once") {
  std::vector<std::string> inputs;
  for (int i = 0; i < 200; ++i)
    inputs.push_back(std::string(static_cast<std::size_t>(i) * 37, static_cast<char>('a' + i % 26)));
  std::vector<std::string> expected;
  for (const std::string& input : inputs) expected.push_back(gander::checksum::sha256_hex(input));
  std::vector<std::string> first(inputs.size());
  std::vector<std::string> second(inputs.size());
  std::thread other([&] {
    for (std::size_t i = 0; i < inputs.size(); ++i) second[i] = gander::checksum::sha256_hex(inputs[i]);
  });
  for (std::size_t i = 0; i < inputs.size(); ++i) first[i] = gander::checksum::sha256_hex(inputs[i]);
  other.join();
  CHECK(first == expected);
  CHECK(second == expected);
}
