// The production corpus: 268 migrations of a Go service, with the checksums
// its runner stored. gander must read every file and agree on every value.

#include <filesystem>
#include <map>

#include <catch2/catch.hpp>

#include <gander/inspect.hpp>
#include <gander/validate.hpp>

#include "shared_data.hpp"

TEST_CASE("every corpus file parses and has the checksum the Go runner stored") {
  const std::filesystem::path corpus = std::filesystem::path(gander::test::require_shared_dir()) / "corpus/sub2api";
  const std::map<std::string, std::string> expected =
      gander::test::read_checksum_list((corpus / "checksums.sha256").string());
  REQUIRE(expected.size() == 268);

  const auto source = gander::open_directory_source((corpus / "migrations").string());
  const std::vector<gander::ValidationEntry> entries = gander::validate_source(*source, {{}, false});
  REQUIRE(entries.size() == expected.size());
  std::size_t plain = 0;
  std::size_t notx = 0;
  for (const gander::ValidationEntry& entry : entries) {
    INFO(entry.name);
    REQUIRE_FALSE(entry.error);
    CHECK(entry.inspected->checksum == expected.at(entry.name));
    if (entry.inspected->migration.is_plain) ++plain;
    if (!entry.inspected->migration.use_tx) ++notx;
  }
  CHECK(plain == 265);
  CHECK(notx == 16);
}

TEST_CASE("corpus files that share a version are ordered by name") {
  const std::filesystem::path corpus = std::filesystem::path(gander::test::require_shared_dir()) / "corpus/sub2api";
  const auto source = gander::open_directory_source((corpus / "migrations").string());
  const std::vector<gander::ValidationEntry> entries = gander::validate_source(*source, {{}, false});
  std::vector<std::string> sixes;
  for (const auto& entry : entries) {
    if (entry.version == 6) sixes.push_back(entry.name);
  }
  CHECK(sixes == std::vector<std::string>{"006_add_users_allowed_groups_compat.sql",
                                          "006_fix_invalid_subscription_expires_at.sql",
                                          "006b_guard_users_allowed_groups.sql"});
}

TEST_CASE("the corpus file whose Down drops what Up created keeps the sections apart") {
  const std::filesystem::path corpus = std::filesystem::path(gander::test::require_shared_dir()) / "corpus/sub2api";
  const auto source = gander::open_directory_source((corpus / "migrations").string());
  const std::string name = "037_ops_alert_silences.sql";
  const gander::InspectedMigration inspected =
      gander::inspect_bytes(name, source->display_path(name), source->read(name), {{}, false});
  CHECK_FALSE(inspected.migration.is_plain);
  CHECK(inspected.migration.has_down);
  REQUIRE(inspected.migration.up.size() == 1);
  CHECK_THAT(inspected.migration.up[0].sql, !Catch::Contains("DROP TABLE"));
  REQUIRE(inspected.migration.down.size() == 1);
  CHECK(inspected.migration.down[0].sql == "DROP TABLE IF EXISTS ops_alert_silences;");
}
