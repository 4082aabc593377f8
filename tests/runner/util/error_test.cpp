#include <gander/error.hpp>

#include <catch2/catch.hpp>

TEST_CASE("what() renders file, line, statement, message and SQLSTATE in one fixed form") {
  const gander::Error full(gander::ErrorKind::sql, "relation \"t\" does not exist",
                           gander::ErrorContext{"migrations/003_x.sql", 17, 2, "42P01"});
  CHECK(std::string(full.what()) ==
        "migrations/003_x.sql:17: statement 2: relation \"t\" does not exist [SQLSTATE 42P01]");
  CHECK(full.message() == "relation \"t\" does not exist");
  CHECK(full.kind() == gander::ErrorKind::sql);

  const gander::Error file_only(gander::ErrorKind::config, "not a directory", gander::ErrorContext{"migrations"});
  CHECK(std::string(file_only.what()) == "migrations: not a directory");

  const gander::Error bare(gander::ErrorKind::lock, "timed out");
  CHECK(std::string(bare.what()) == "timed out");
}

TEST_CASE("every kind has its documented name") {
  CHECK(std::string(gander::to_string(gander::ErrorKind::checksum_mismatch)) == "ChecksumMismatch");
  CHECK(std::string(gander::to_string(gander::ErrorKind::missing_file)) == "MissingFile");
  CHECK(std::string(gander::to_string(gander::ErrorKind::partial)) == "Partial");
  CHECK(std::string(gander::to_string(gander::ErrorKind::out_of_order)) == "OutOfOrder");
  CHECK(std::string(gander::to_string(gander::ErrorKind::parse)) == "Parse");
  CHECK(std::string(gander::to_string(gander::ErrorKind::sql)) == "Sql");
  CHECK(std::string(gander::to_string(gander::ErrorKind::lock)) == "Lock");
  CHECK(std::string(gander::to_string(gander::ErrorKind::connection)) == "Connection");
  CHECK(std::string(gander::to_string(gander::ErrorKind::config)) == "Config");
  CHECK(std::string(gander::to_string(gander::ErrorKind::io)) == "Io");
}
