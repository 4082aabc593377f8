// docs/operations.md: a migration never ends gander's transaction. A hand-written
// BEGIN/COMMIT wrapper is refused before anything runs, on both stores, and
// lint names it.

#include <catch2/catch.hpp>

#include "migration_fixture.hpp"

using gander::test::describe;
using gander::test::Fixture;
using gander::test::ProcessResult;

TEST_CASE("a transactional migration with its own BEGIN/COMMIT is refused before anything runs") {
  const Fixture fixture(GENERATE(as<std::string>{}, "sqlite3", "postgres"));
  fixture.write("00001_users.sql",
                "-- +goose Up\nCREATE TABLE users (id INTEGER);\n-- +goose Down\nDROP TABLE users;\n");
  fixture.write("00002_wrapped.sql",
                "-- +goose Up\nBEGIN;\nALTER TABLE users ADD COLUMN plan TEXT;\nCOMMIT;\n"
                "-- +goose Down\nALTER TABLE users DROP COLUMN plan;\n");

  const ProcessResult up = fixture.gander({"up"});
  INFO(describe(up));
  CHECK(up.exit_code == 1);
  CHECK_THAT(up.err, Catch::Contains("00002_wrapped.sql:2: statement 1: BEGIN controls the transaction") &&
                         Catch::Contains("nothing was run") && Catch::Contains("NO TRANSACTION"));
  // Refused before anything ran: not even the migration before it.
  CHECK_FALSE(fixture.has_table("users"));

  const ProcessResult lint = fixture.gander({"lint"});
  INFO(describe(lint));
  CHECK(lint.exit_code == 1);
  CHECK_THAT(lint.out, Catch::Contains("00002_wrapped.sql:2: transaction-control-in-transaction") &&
                           Catch::Contains("00002_wrapped.sql:4: transaction-control-in-transaction"));

  // Outside a transaction the file controls its own transactions.
  fixture.write("00002_wrapped.sql",
                "-- +goose NO TRANSACTION\n-- +goose Up\nBEGIN;\nALTER TABLE users ADD COLUMN plan TEXT;\nCOMMIT;\n"
                "-- +goose Down\nALTER TABLE users DROP COLUMN plan;\n");
  const ProcessResult notx = fixture.gander({"up"});
  INFO(describe(notx));
  CHECK(notx.exit_code == 0);
  CHECK(fixture.rows() == 2);
}
