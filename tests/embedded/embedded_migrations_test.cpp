// Migrations compiled in by gander_embed_migrations() (see
// tests/CMakeLists.txt) must be the files on disk byte for byte, so that the
// checksums a service computes from its binary are those of the files.

#include <gander/embedded_source.hpp>

#include <filesystem>
#include <map>

#include <catch2/catch.hpp>

#include <gander/checksum/checksum.hpp>
#include <gander/inspect.hpp>
#include <gander/validate.hpp>

#include "shared_data.hpp"

namespace gander_test {

std::shared_ptr<const gander::MigrationSource> odd_migrations();
#if GANDER_HAS_EMBEDDED_CORPUS
std::shared_ptr<const gander::MigrationSource> corpus_migrations();
#endif

}  // namespace gander_test

namespace {

// Checks that `embedded` lists the .sql files of `dir` and holds their exact bytes.
void check_same_files(const gander::MigrationSource& embedded, const std::string& dir) {
  const auto on_disk = gander::open_directory_source(dir);
  REQUIRE(embedded.migration_file_names() == on_disk->migration_file_names());
  for (const std::string& name : on_disk->migration_file_names()) {
    INFO(name);
    CHECK(embedded.read(name) == on_disk->read(name));
  }
}

// The checksum of every valid file, by name, as validate_source computes it.
std::map<std::string, std::string> checksums_of(const gander::MigrationSource& source) {
  std::map<std::string, std::string> checksums;
  for (const gander::ValidationEntry& entry : gander::validate_source(source, gander::InspectOptions{{}, false})) {
    INFO(entry.display_path);
    REQUIRE_FALSE(entry.error);
    checksums[entry.name] = entry.inspected->checksum;
  }
  return checksums;
}

// Checks that the checksums computed from `embedded` are `expected`, name for name.
void check_checksums(const gander::MigrationSource& embedded, const std::map<std::string, std::string>& expected) {
  const std::map<std::string, std::string> actual = checksums_of(embedded);
  CHECK(actual.size() == expected.size());
  for (const auto& [name, checksum] : expected) {
    INFO(name);
    const auto found = actual.find(name);
    REQUIRE(found != actual.end());
    CHECK(found->second == checksum);
  }
}

}  // namespace

TEST_CASE("the repository's migrations are embedded byte for byte under the default function name") {
  const auto embedded = gander::embedded_migrations();
  CHECK(embedded->migration_file_names().size() == 5);
  check_same_files(*embedded, GANDER_REPOSITORY_MIGRATIONS_DIR);
  const auto on_disk = gander::open_directory_source(GANDER_REPOSITORY_MIGRATIONS_DIR);
  check_checksums(*embedded, checksums_of(*on_disk));
}

TEST_CASE("an embedded source is named after the embedded directory") {
  const auto embedded = gander::embedded_migrations();
  CHECK(embedded->location() == "embedded:migrations");
  CHECK(embedded->display_path("00001_create_users.sql") == "migrations/00001_create_users.sql");
}

TEST_CASE("the generated function returns one source for the whole process") {
  CHECK(gander::embedded_migrations().get() == gander::embedded_migrations().get());
}

TEST_CASE("quotes and backslashes and non-ASCII in names and NUL or no bytes in files survive embedding") {
  const auto embedded = gander_test::odd_migrations();
  CHECK(embedded->migration_file_names() == std::vector<std::string>{"00001_quote\"d.sql", "00002_back\\slash.sql",
                                                                     "00003_\xC3\xBCn\xC3\xAF"
                                                                     "c\xC3\xB6"
                                                                     "d\xC3\xA9 name.sql",
                                                                     "00004_empty.sql", "00006_backfill.go"});
  check_same_files(*embedded, GANDER_ODD_MIGRATIONS_DIR);
  const std::string odd_bytes = embedded->read("00001_quote\"d.sql");
  CHECK(odd_bytes.size() == 109);
  CHECK(odd_bytes.find('\0') != std::string::npos);
  CHECK(embedded->read("00002_back\\slash.sql") == "SELECT 'back\\slash';\n");
  CHECK(embedded->read("00004_empty.sql").empty());
  const auto on_disk = gander::open_directory_source(GANDER_ODD_MIGRATIONS_DIR);
  for (const std::string& name : embedded->migration_file_names()) {
    INFO(name);
    CHECK(gander::checksum::file_checksum(embedded->read(name)) ==
          gander::checksum::file_checksum(on_disk->read(name)));
  }
}

TEST_CASE("the embedded production corpus has the checksums the Go runner stored") {
  const std::filesystem::path corpus = std::filesystem::path(gander::test::require_shared_dir()) / "corpus/sub2api";
#if GANDER_HAS_EMBEDDED_CORPUS
  const std::map<std::string, std::string> expected =
      gander::test::read_checksum_list((corpus / "checksums.sha256").string());
  REQUIRE(expected.size() == 268);
  const auto embedded = gander_test::corpus_migrations();
  check_same_files(*embedded, (corpus / "migrations").string());
  check_checksums(*embedded, expected);
#else
  FAIL(corpus.string() + " was missing when the build was configured; configure again to embed it");
#endif
}
