// The Store contract (runner/include/gander/store.hpp) as both backends keep
// it: each case runs once per store, against a real SQLite file and a real
// PostgreSQL database. What only one backend does (locks, timeouts, its
// column types, its errors) stays in store/postgres and store/sqlite.

#include "store/store.hpp"

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <gander/error.hpp>

#include "error_of.hpp"
#include "row_record.hpp"
#include "temp_dir.hpp"
#include "test_database.hpp"

namespace {

using gander::test::row_record;

using gander::ErrorKind;
using gander::test::Row;

// A fresh database of one driver, and gander's store on it.
struct StoreFixture {
  explicit StoreFixture(const std::string& driver) : db(gander::test::make_test_database(driver, dir.path())) {}

  std::unique_ptr<gander::Store> open() const {
    gander::StoreOptions options;
    options.driver = db->driver();
    options.dsn = db->dsn();
    return gander::open_store(options);
  }

  bool has_table(const std::string& name) const {
    const std::string sql = db->driver() == "postgres"
                                ? "SELECT count(*) FROM pg_tables WHERE tablename = '" + name + "'"
                                : "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '" + name + "'";
    return *db->scalar(sql) == "1";
  }

  gander::test::TempDir dir;
  std::unique_ptr<gander::test::TestDatabase> db;
};

}  // namespace

TEST_CASE("store contract: a committed transaction persists, and nothing of it shows before") {
  const std::string driver = GENERATE(as<std::string>{}, "sqlite3", "postgres");
  const StoreFixture fixture(driver);
  const auto store = fixture.open();
  store->prepare_table();
  store->begin();
  store->execute("CREATE TABLE t (id INTEGER)");
  store->insert_row(row_record("00001_a.sql"));
  CHECK(fixture.db->scalar("SELECT count(*) FROM schema_migrations") == "0");
  store->commit();
  CHECK(fixture.has_table("t"));
  CHECK(fixture.db->scalar("SELECT count(*) FROM schema_migrations") == "1");
}

TEST_CASE("store contract: execute runs every statement of a chunk") {
  const std::string driver = GENERATE(as<std::string>{}, "sqlite3", "postgres");
  const StoreFixture fixture(driver);
  const auto store = fixture.open();
  store->execute("CREATE TABLE a (id INTEGER); CREATE TABLE b (id INTEGER);\nINSERT INTO a VALUES (1), (2); "
                 "INSERT INTO b SELECT id * 10 FROM a;");
  CHECK(fixture.db->scalar("SELECT sum(id) FROM b") == "30");
  // Rows are skipped; the statements after a SELECT still run.
  store->execute("SELECT 1 UNION ALL SELECT 2;\nINSERT INTO a VALUES (3);\n-- trailing comment");
  CHECK(fixture.db->scalar("SELECT count(*) FROM a") == "3");
}

TEST_CASE("store contract: read_checksums reads every row's name checksum and state and nothing else") {
  const std::string driver = GENERATE(as<std::string>{}, "sqlite3", "postgres");
  const StoreFixture fixture(driver);
  const auto store = fixture.open();
  store->prepare_table();
  store->insert_row(row_record("00002_b.sql", true));
  store->insert_row(row_record("00001_a.sql"));
  std::vector<gander::AppliedRow> rows = store->read_checksums();
  std::sort(rows.begin(), rows.end(), [](const auto& left, const auto& right) { return left.filename < right.filename; });
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].filename == "00001_a.sql");
  CHECK(rows[0].checksum == "c-00001_a.sql");
  CHECK_FALSE(rows[0].is_partial);
  CHECK(rows[1].filename == "00002_b.sql");
  CHECK(rows[1].checksum == "c-00002_b.sql");
  CHECK(rows[1].is_partial);
  for (const gander::AppliedRow& row : rows) {
    CHECK_FALSE(row.applied_at.has_value());
    CHECK_FALSE(row.up_checksum.has_value());
    CHECK_FALSE(row.statements_done.has_value());
  }
}

// The Migrator refuses a COMMIT in a transactional migration up front; the
// store still fails a statement that ends its transaction (DESIGN §5).
TEST_CASE("store contract: a statement that ends the store's transaction fails loudly") {
  const std::string driver = GENERATE(as<std::string>{}, "sqlite3", "postgres");
  const StoreFixture fixture(driver);
  const auto store = fixture.open();
  store->prepare_table();
  store->begin();
  store->execute("CREATE TABLE t (id INTEGER)");
  const gander::Error error = gander::test::error_of([&] { store->execute("COMMIT"); });
  CHECK(error.kind() == ErrorKind::sql);
  CHECK_THAT(error.message(), Catch::Contains("ended the transaction gander runs this migration in"));
  CHECK_THROWS_AS(store->commit(), gander::Error);
  store->rollback();
  // Outside a transaction (NO TRANSACTION migrations) the same statement kinds are the file's business.
  store->execute("BEGIN; CREATE TABLE u (id INTEGER); COMMIT;");
  CHECK(fixture.has_table("u"));
}

TEST_CASE("store contract: a rollback outside a transaction and a statement in doubt are recorded in the row") {
  const std::string driver = GENERATE(as<std::string>{}, "sqlite3", "postgres");
  const StoreFixture fixture(driver);
  const auto store = fixture.open();
  store->prepare_table();
  store->insert_row(row_record("1_a.sql"));
  store->insert_row(row_record("2_b.sql", true));
  const auto table = [&] {
    return fixture.db->query(
        "SELECT filename, state, statements_done, direction, statement_started FROM schema_migrations ORDER BY filename");
  };
  CHECK(table() == std::vector<Row>{{"1_a.sql", "applied", std::nullopt, std::nullopt, std::nullopt},
                                    {"2_b.sql", "partial", "0", "up", std::nullopt}});
  const auto row_of = [&](const std::string& name) {
    for (const gander::AppliedRow& row : store->read_rows()) {
      if (row.filename == name) return row;
    }
    FAIL("no row " << name);
    return gander::AppliedRow{};
  };

  store->mark_rolling_back("1_a.sql");
  gander::AppliedRow row = row_of("1_a.sql");
  CHECK(row.is_partial);
  CHECK(row.is_rolling_back);
  CHECK(row.statements_done == 0);
  CHECK_FALSE(row.statement_in_doubt.has_value());
  CHECK_FALSE(row_of("2_b.sql").is_rolling_back);

  store->record_statement_started("1_a.sql", 3);
  row = row_of("1_a.sql");
  CHECK(row.statements_done == 2);
  CHECK(row.statement_in_doubt == 3);
  CHECK(table().at(0) == Row{"1_a.sql", "partial", "2", "down", "3"});

  store->record_progress("1_a.sql", 2);
  row = row_of("1_a.sql");
  CHECK(row.statements_done == 2);
  CHECK_FALSE(row.statement_in_doubt.has_value());
  CHECK(row.is_rolling_back);

  // A person restored it: applied again, nothing in doubt, no direction.
  store->record_statement_started("1_a.sql", 3);
  store->mark_applied("1_a.sql", 0);
  CHECK(table().at(0) == Row{"1_a.sql", "applied", "2", std::nullopt, std::nullopt});

  // Only an applied row can start rolling back.
  CHECK(gander::test::error_of([&] { store->mark_rolling_back("2_b.sql"); }).kind() == ErrorKind::sql);
  CHECK(gander::test::error_of([&] { store->mark_rolling_back("3_never.sql"); }).kind() == ErrorKind::sql);
}

TEST_CASE("store contract: delete_row removes only that file's row") {
  const std::string driver = GENERATE(as<std::string>{}, "sqlite3", "postgres");
  const StoreFixture fixture(driver);
  const auto store = fixture.open();
  store->prepare_table();
  store->insert_row(row_record("1_a.sql"));
  store->insert_row(row_record("2_b.sql"));
  store->delete_row("2_b.sql");
  const auto rows = store->read_rows();
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].filename == "1_a.sql");
  // Values are bound, never interpolated.
  store->delete_row("1_a.sql' OR '1'='1");
  CHECK(store->read_rows().size() == 1);
}

TEST_CASE("store contract: a partial row becomes applied with mark_applied and its time") {
  const std::string driver = GENERATE(as<std::string>{}, "sqlite3", "postgres");
  const StoreFixture fixture(driver);
  const auto store = fixture.open();
  store->prepare_table();
  gander::RowRecord row = row_record("00002_idx_notx.sql", true);
  row.version.reset();
  store->insert_row(row);

  auto rows = store->read_rows();
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].is_partial);
  CHECK(rows[0].checksum == "c-00002_idx_notx.sql");
  CHECK(rows[0].up_checksum == "u-00002_idx_notx.sql");
  CHECK(fixture.db->query("SELECT version, execution_ms, state FROM schema_migrations") ==
        std::vector<Row>{{std::nullopt, "12", "partial"}});

  fixture.db->exec("UPDATE schema_migrations SET applied_at = '2000-01-01T00:00:00Z'");
  store->mark_applied("00002_idx_notx.sql", 345);
  rows = store->read_rows();
  REQUIRE(rows.size() == 1);
  CHECK_FALSE(rows[0].is_partial);
  CHECK(rows[0].applied_at != "2000-01-01T00:00:00Z");
  CHECK_THAT(rows[0].applied_at.value_or(""), Catch::Matches(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)"));
  CHECK(fixture.db->query("SELECT version, execution_ms, state FROM schema_migrations") ==
        std::vector<Row>{{std::nullopt, "345", "applied"}});
  CHECK(gander::test::error_of([&] { store->mark_applied("00004_never_inserted.sql", 1); }).kind() == ErrorKind::sql);

  store->insert_row(row_record("00003_b.sql"));
  CHECK(fixture.db->scalar("SELECT version FROM schema_migrations WHERE filename = '00003_b.sql'") == "1");
  // The primary key refuses a second row for a file.
  CHECK(gander::test::error_of([&] { store->insert_row(row_record("00003_b.sql")); }).kind() == ErrorKind::sql);
}

TEST_CASE("store contract: an empty or comment-only statement succeeds and does nothing") {
  const std::string driver = GENERATE(as<std::string>{}, "sqlite3", "postgres");
  const StoreFixture fixture(driver);
  const auto store = fixture.open();
  const auto run_each = [&] {
    for (const char* sql : {"", "   \n", "-- only a comment", "/* block */", "/* block */\n-- line\n", ";", " ; ;\n-- x\n"}) {
      INFO(sql);
      CHECK_NOTHROW(store->execute(sql));
    }
  };
  run_each();
  store->begin();
  run_each();
  store->commit();
  CHECK_FALSE(fixture.has_table("schema_migrations"));
}

TEST_CASE("store contract: rollback without a transaction is harmless and begin and commit are paired") {
  const std::string driver = GENERATE(as<std::string>{}, "sqlite3", "postgres");
  const StoreFixture fixture(driver);
  const auto store = fixture.open();
  store->execute("CREATE TABLE a (x INTEGER)");
  store->rollback();
  store->rollback();
  CHECK(fixture.has_table("a"));
  CHECK(gander::test::error_of([&] { store->commit(); }).kind() == ErrorKind::sql);
  store->begin();
  CHECK(gander::test::error_of([&] { store->begin(); }).kind() == ErrorKind::sql);
  store->execute("INSERT INTO a VALUES (1)");
  store->commit();
  CHECK(gander::test::error_of([&] { store->commit(); }).kind() == ErrorKind::sql);  // committed once only
  CHECK(fixture.db->scalar("SELECT count(*) FROM a") == "1");
}
