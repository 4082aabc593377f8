// The Store contract (runner/src/store/store.hpp) as both backends keep it:
// each case runs once per store, against a real SQLite file and a real
// PostgreSQL database. Where the backends' SQL or messages differ, the case
// says what each one expects, side by side. What only one backend does
// (locks, timeouts, DSNs, server settings) stays in store/postgres and
// store/sqlite.

#include "store/store.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include <gander/error.hpp>

#include "error_of.hpp"
#include "row_record.hpp"
#include "temp_dir.hpp"
#include "test_database.hpp"

namespace {

using gander::test::row_record;

using namespace std::chrono_literals;
using gander::ErrorKind;
using gander::TableShape;
using gander::test::Row;

// `sql` with each backend's column types where they differ: {timestamp} is
// how an earlier gander typed applied_at (TEXT on SQLite, TIMESTAMPTZ on
// PostgreSQL) and {bigint} its integer columns.
std::string with_backend_types(const std::string& driver, std::string sql) {
  const bool is_postgres = driver == "postgres";
  const std::pair<std::string, std::string> replacements[] = {
      {"{timestamp}", is_postgres ? "TIMESTAMPTZ" : "TEXT"},
      {"{bigint}", is_postgres ? "BIGINT" : "INTEGER"},
  };
  for (const auto& [placeholder, type] : replacements) {
    for (std::size_t at = sql.find(placeholder); at != std::string::npos; at = sql.find(placeholder, at)) {
      sql.replace(at, placeholder.size(), type);
    }
  }
  return sql;
}

std::vector<gander::AppliedRow> sorted_by_filename(std::vector<gander::AppliedRow> rows) {
  std::sort(rows.begin(), rows.end(),
            [](const auto& left, const auto& right) { return left.filename < right.filename; });
  return rows;
}

// A fresh database of one driver, and gander's store on it.
struct StoreFixture {
  explicit StoreFixture(const std::string& driver) : db(gander::test::make_test_database(driver, dir.path())) {}

  bool is_postgres() const { return db->driver() == "postgres"; }

  std::unique_ptr<gander::Store> open(const std::string& table = "schema_migrations") const {
    gander::StoreOptions options;
    options.driver = db->driver();
    options.dsn = db->dsn();
    options.table = table;
    return gander::open_store(options);
  }

  // Runs `sql` written with with_backend_types()'s placeholders.
  void exec_typed(const std::string& sql) const { db->exec(with_backend_types(db->driver(), sql)); }

  bool has_table(const std::string& name) const {
    const std::string sql = is_postgres()
                                ? "SELECT count(*) FROM pg_tables WHERE tablename = '" + name + "'"
                                : "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '" + name + "'";
    return *db->scalar(sql) == "1";
  }

  // The names of every table, index and sequence, sorted and comma-separated.
  std::string schema_objects() const {
    const std::string sql = is_postgres() ? "SELECT relname FROM pg_class WHERE relnamespace = 'public'::regnamespace "
                                            "ORDER BY relname"
                                          : "SELECT name FROM sqlite_master ORDER BY name";
    std::string names;
    for (const Row& row : db->query(sql)) names += (names.empty() ? "" : ",") + *row.at(0);
    return names;
  }

  std::vector<std::string> column_names(const std::string& table = "schema_migrations") const {
    const std::string sql = is_postgres() ? "SELECT column_name FROM information_schema.columns WHERE table_name = '" +
                                                table + "' ORDER BY ordinal_position"
                                          : "SELECT name FROM pragma_table_info('" + table + "') ORDER BY cid";
    std::vector<std::string> names;
    for (const Row& row : db->query(sql)) names.push_back(*row.at(0));
    return names;
  }

  // The type of a column as the database reports it.
  std::optional<std::string> column_type(const std::string& column) const {
    return db->scalar(is_postgres()
                          ? "SELECT data_type FROM information_schema.columns WHERE table_name = "
                            "'schema_migrations' AND column_name = '" +
                                column + "'"
                          : "SELECT type FROM pragma_table_info('schema_migrations') WHERE name = '" + column + "'");
  }

  // What a refusal or a read must leave alone, as text. SQLite: the whole
  // file's schema and rows. PostgreSQL: `table`'s columns with their types
  // and its rows.
  std::vector<Row> snapshot(const std::string& table = "schema_migrations") const {
    if (!is_postgres()) return {{dump_sqlite()}};
    std::vector<Row> snapshot = db->query(
        "SELECT string_agg(attname || ':' || format_type(atttypid, atttypmod), ',' ORDER BY attnum) "
        "FROM pg_attribute WHERE attrelid = '" +
        table +
        "'::regclass AND attnum > 0 AND NOT attisdropped "
        "UNION ALL SELECT count(*)::text FROM " +
        table);
    for (Row& row : db->query("SELECT t::text FROM " + table + " t ORDER BY 1")) snapshot.push_back(std::move(row));
    return snapshot;
  }

  gander::test::TempDir dir;
  std::unique_ptr<gander::test::TestDatabase> db;

 private:
  std::string dump_sqlite() const {
    std::string out;
    for (const Row& entry : db->query("SELECT type, name, sql FROM sqlite_master ORDER BY name")) {
      // Automatic indexes have no SQL.
      out += entry[2].value_or("-- " + *entry[1]) + ";\n";
      if (entry[0] != "table") continue;
      for (const Row& row : db->query("SELECT * FROM \"" + *entry[1] + "\" ORDER BY 1")) {
        for (const auto& value : row) out += (value ? "'" + *value + "'" : "NULL") + std::string(" ");
        out += "\n";
      }
    }
    return out;
  }
};

// The tracking table as the first gander made it, with two rows: a
// checksum with blanks that must survive as stored, and times with zone
// offsets that are read as UTC.
const char* const k_three_column_table =
    "CREATE TABLE schema_migrations (filename TEXT PRIMARY KEY, checksum TEXT NOT NULL, "
    "applied_at {timestamp} NOT NULL);"
    "INSERT INTO schema_migrations VALUES "
    "('00001_init.sql', 'f2ca1bb6c7e907d06dafe4687e579fce76b37e4e93b7605022da52e6ccc26fd2', "
    "'2026-11-21 09:30:00+00:00'),"
    "('00002_users.sql', ' Untrimmed Checksum\t', '2026-11-21 10:45:07+01:00');";

}  // namespace

TEST_CASE("store contract: a fresh database gets the tracking table with exactly the documented columns") {
  const std::string driver = GENERATE(as<std::string>{}, "sqlite3", "postgres");
  // Each backend's own column types, read from its own catalog.
  struct Columns {
    const char* sql;
    std::vector<Row> expected;
    const char* default_applied_at;  // the default value as stored, a regular expression
  };
  const Columns sqlite = {
      "SELECT name, type, \"notnull\", pk FROM pragma_table_info('schema_migrations') ORDER BY cid",
      {
          {"filename", "TEXT", "1", "1"},
          {"checksum", "TEXT", "1", "0"},
          {"applied_at", "TEXT", "1", "0"},
          {"version", "INTEGER", "0", "0"},
          {"execution_ms", "INTEGER", "0", "0"},
          {"state", "TEXT", "1", "0"},
          {"up_checksum", "TEXT", "0", "0"},
          {"statements_done", "INTEGER", "0", "0"},
          {"direction", "TEXT", "0", "0"},
          {"statement_started", "INTEGER", "0", "0"},
      },
      // ISO-8601 UTC text.
      R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)",
  };
  const Columns postgres = {
      "SELECT column_name, data_type, is_nullable, column_default FROM information_schema.columns "
      "WHERE table_name = 'schema_migrations' ORDER BY ordinal_position",
      {
          {"filename", "text", "NO", std::nullopt},
          {"checksum", "text", "NO", std::nullopt},
          {"applied_at", "timestamp with time zone", "NO", "now()"},
          {"version", "bigint", "YES", std::nullopt},
          {"execution_ms", "bigint", "YES", std::nullopt},
          {"state", "text", "NO", "'applied'::text"},
          {"up_checksum", "text", "YES", std::nullopt},
          {"statements_done", "bigint", "YES", std::nullopt},
          {"direction", "text", "YES", std::nullopt},
          {"statement_started", "bigint", "YES", std::nullopt},
      },
      R"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d[.\d]*[+-]\d\d(:\d\d)?)",
  };
  const Columns& columns = driver == "postgres" ? postgres : sqlite;
  const char* const primary_key_sql =
      driver == "postgres"
          ? "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid "
            "AND a.attnum = ANY(i.indkey) WHERE i.indrelid = 'schema_migrations'::regclass AND i.indisprimary"
          : "SELECT name FROM pragma_table_info('schema_migrations') WHERE pk > 0";

  const StoreFixture fixture(driver);
  const auto store = fixture.open();
  CHECK(store->driver() == driver);
  CHECK(store->table_shape() == TableShape::missing);
  CHECK(store->read_rows().empty());
  CHECK_FALSE(fixture.has_table("schema_migrations"));  // reading creates nothing

  store->prepare_table();
  CHECK(store->table_shape() == TableShape::current);
  CHECK(fixture.db->query(columns.sql) == columns.expected);
  CHECK(fixture.db->scalar(primary_key_sql) == "filename");

  // Defaults: applied_at is the time of the insert, state is 'applied'.
  fixture.db->exec("INSERT INTO schema_migrations (filename, checksum) VALUES ('1_a.sql', 'x')");
  const Row row = fixture.db->query("SELECT CAST(applied_at AS TEXT), state FROM schema_migrations").at(0);
  CHECK_THAT(row[0].value_or(""), Catch::Matches(columns.default_applied_at));
  CHECK(row[1] == "applied");
  const auto rows = store->read_rows();
  REQUIRE(rows.size() == 1);
  CHECK_THAT(rows[0].applied_at.value_or(""), Catch::Matches(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)"));

  // A second prepare changes nothing.
  const auto before = fixture.snapshot();
  store->prepare_table();
  fixture.open()->prepare_table();
  CHECK(fixture.snapshot() == before);
  CHECK(store->table_shape() == TableShape::current);
}

TEST_CASE("store contract: read_rows on a missing table returns nothing and creates nothing") {
  const std::string driver = GENERATE(as<std::string>{}, "sqlite3", "postgres");
  const StoreFixture fixture(driver);
  const auto store = fixture.open();
  CHECK(store->read_rows().empty());
  CHECK(fixture.schema_objects() == "");
  CHECK(store->table_shape() == TableShape::missing);
}

TEST_CASE("store contract: a legacy three-column table is read as is and upgraded in place keeping every row") {
  const std::string driver = GENERATE(as<std::string>{}, "sqlite3", "postgres");
  const StoreFixture fixture(driver);
  fixture.exec_typed(k_three_column_table);
  const char* const stored_sql =
      "SELECT filename, checksum, CAST(applied_at AS TEXT) FROM schema_migrations ORDER BY filename";
  const std::vector<Row> stored_before = fixture.db->query(stored_sql);
  const auto store = fixture.open();
  CHECK(store->table_shape() == TableShape::legacy);

  const auto check_rows = [&](const std::vector<gander::AppliedRow>& rows) {
    REQUIRE(rows.size() == 2);
    CHECK(rows[0].filename == "00001_init.sql");
    CHECK(rows[0].checksum == "f2ca1bb6c7e907d06dafe4687e579fce76b37e4e93b7605022da52e6ccc26fd2");
    CHECK(rows[0].applied_at == "2026-11-21T09:30:00Z");
    CHECK(rows[1].filename == "00002_users.sql");
    CHECK(rows[1].checksum == " Untrimmed Checksum\t");
    CHECK(rows[1].applied_at == "2026-11-21T09:45:07Z");
    for (const gander::AppliedRow& row : rows) {
      CHECK_FALSE(row.up_checksum.has_value());
      CHECK_FALSE(row.is_partial);
    }
  };
  SECTION("read without an upgrade") {
    const auto before = fixture.snapshot();
    check_rows(sorted_by_filename(store->read_rows()));
    CHECK(store->table_shape() == TableShape::legacy);
    CHECK(fixture.snapshot() == before);
  }
  SECTION("upgraded") {
    store->prepare_table();
    CHECK(store->table_shape() == TableShape::current);
    CHECK(fixture.column_names() == std::vector<std::string>{"filename", "checksum", "applied_at", "version",
                                                             "execution_ms", "state", "up_checksum", "statements_done",
                                                             "direction", "statement_started"});
    CHECK(fixture.db->query(stored_sql) == stored_before);
    CHECK(fixture.db->query("SELECT DISTINCT state, version, execution_ms, up_checksum FROM schema_migrations") ==
          std::vector<Row>{{"applied", std::nullopt, std::nullopt, std::nullopt}});
    check_rows(sorted_by_filename(store->read_rows()));
    store->insert_row(row_record("00003_orders.sql"));
    CHECK(store->read_rows().size() == 3);
  }
}

TEST_CASE("store contract: read_rows reads a legacy table without upgrading it") {
  const std::string driver = GENERATE(as<std::string>{}, "sqlite3", "postgres");
  const StoreFixture fixture(driver);
  fixture.exec_typed(
      "CREATE TABLE schema_migrations (filename TEXT PRIMARY KEY, checksum TEXT NOT NULL, applied_at {timestamp} "
      "NOT NULL);"
      "INSERT INTO schema_migrations VALUES ('00001_init.sql', 'abc', '2024-03-01T10:00:00Z')");
  const auto before = fixture.snapshot();

  const auto rows = fixture.open()->read_rows();
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].filename == "00001_init.sql");
  CHECK(rows[0].checksum == "abc");
  CHECK(rows[0].applied_at == "2024-03-01T10:00:00Z");
  CHECK_FALSE(rows[0].is_partial);
  CHECK_FALSE(rows[0].up_checksum.has_value());
  CHECK(fixture.snapshot() == before);
  CHECK(fixture.column_names() == std::vector<std::string>{"filename", "checksum", "applied_at"});
}

TEST_CASE("store contract: a legacy table with some of the newer columns gets only the missing ones") {
  const std::string driver = GENERATE(as<std::string>{}, "sqlite3", "postgres");
  const StoreFixture fixture(driver);
  SECTION("a state column it has is honoured before and after the upgrade") {
    fixture.exec_typed(
        "CREATE TABLE schema_migrations (filename TEXT PRIMARY KEY, checksum TEXT NOT NULL, applied_at {timestamp} "
        "NOT NULL, state TEXT NOT NULL DEFAULT 'applied');"
        "INSERT INTO schema_migrations VALUES ('1_a.sql', 'x', '2024-03-01 10:00:00', 'partial')");
    const auto store = fixture.open();
    CHECK(store->table_shape() == TableShape::legacy);

    // Read before the upgrade: the state column that exists is honoured.
    auto rows = store->read_rows();
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].is_partial);

    store->prepare_table();
    CHECK(store->table_shape() == TableShape::current);
    rows = store->read_rows();
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].is_partial);
  }
  SECTION("a column it has keeps its type") {
    fixture.exec_typed(
        "CREATE TABLE schema_migrations (filename TEXT PRIMARY KEY, checksum TEXT NOT NULL, applied_at {timestamp} "
        "NOT NULL, version INT);"
        "INSERT INTO schema_migrations VALUES ('00001_a.sql', 'abc', '2024-03-01 10:00:00', 1)");
    const auto store = fixture.open();
    CHECK(store->table_shape() == TableShape::legacy);
    store->prepare_table();
    CHECK(store->table_shape() == TableShape::current);
    // gander would make it BIGINT (PostgreSQL) or INTEGER (SQLite).
    CHECK(fixture.column_type("version") == (driver == "postgres" ? "integer" : "INT"));
    CHECK(fixture.db->scalar("SELECT checksum || version || state FROM schema_migrations") == "abc1applied");
  }
}

TEST_CASE("store contract: a seven-column table without statements_done is read as is and upgraded in place") {
  const std::string driver = GENERATE(as<std::string>{}, "sqlite3", "postgres");
  const StoreFixture fixture(driver);
  fixture.exec_typed(
      "CREATE TABLE schema_migrations (filename TEXT PRIMARY KEY NOT NULL, checksum TEXT NOT NULL, applied_at "
      "{timestamp} NOT NULL, version {bigint}, execution_ms {bigint}, state TEXT NOT NULL DEFAULT 'applied', "
      "up_checksum TEXT);"
      "INSERT INTO schema_migrations VALUES ('1_a.sql', 'x', '2024-03-01T10:00:00Z', 1, 5, 'partial', 'u')");
  const auto store = fixture.open();
  CHECK(store->table_shape() == TableShape::legacy);
  auto rows = store->read_rows();
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].is_partial);
  CHECK(rows[0].up_checksum == "u");
  CHECK_FALSE(rows[0].statements_done.has_value());

  store->prepare_table();
  CHECK(store->table_shape() == TableShape::current);
  store->record_progress("1_a.sql", 2);
  rows = store->read_rows();
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].is_partial);
  CHECK(rows[0].statements_done == 2);
  CHECK(fixture.db->scalar("SELECT checksum || version || execution_ms || up_checksum FROM schema_migrations") ==
        "x15u");
}

TEST_CASE("store contract: a table with every earlier column but no direction is read as is and upgraded in place") {
  const std::string driver = GENERATE(as<std::string>{}, "sqlite3", "postgres");
  const StoreFixture fixture(driver);
  fixture.exec_typed(
      "CREATE TABLE schema_migrations (filename TEXT PRIMARY KEY NOT NULL, checksum TEXT NOT NULL, applied_at "
      "{timestamp} NOT NULL, version {bigint}, execution_ms {bigint}, state TEXT NOT NULL DEFAULT 'applied', "
      "up_checksum TEXT, statements_done {bigint});"
      "INSERT INTO schema_migrations VALUES ('1_a.sql', 'x', '2024-03-01T10:00:00Z', 1, 5, 'applied', 'u', NULL);"
      "INSERT INTO schema_migrations VALUES ('2_b.sql', 'y', '2024-03-01T10:00:00Z', 2, 0, 'partial', 'v', 2)");
  const auto before = fixture.snapshot();
  const std::vector<std::string> columns_before = fixture.column_names();
  const auto store = fixture.open();
  CHECK(store->table_shape() == TableShape::legacy);
  std::vector<gander::AppliedRow> rows = sorted_by_filename(store->read_rows());
  REQUIRE(rows.size() == 2);
  CHECK(rows[1].is_partial);
  CHECK(rows[1].statements_done == 2);
  CHECK_FALSE(rows[1].is_rolling_back);  // written by an older gander: it was being applied
  CHECK_FALSE(rows[1].statement_in_doubt.has_value());
  CHECK(fixture.snapshot() == before);  // reading changed nothing
  CHECK(fixture.column_names() == columns_before);

  store->prepare_table();
  CHECK(store->table_shape() == TableShape::current);
  CHECK(fixture.db->query("SELECT filename, checksum, CAST(version AS TEXT), CAST(execution_ms AS TEXT), state, "
                          "up_checksum, CAST(statements_done AS TEXT), direction, CAST(statement_started AS TEXT) "
                          "FROM schema_migrations ORDER BY filename") ==
        std::vector<Row>{{"1_a.sql", "x", "1", "5", "applied", "u", std::nullopt, std::nullopt, std::nullopt},
                         {"2_b.sql", "y", "2", "0", "partial", "v", "2", std::nullopt, std::nullopt}});
  store->mark_rolling_back("1_a.sql");
  CHECK(sorted_by_filename(store->read_rows()).at(0).is_rolling_back);
  CHECK(fixture.db->scalar("SELECT direction FROM schema_migrations WHERE filename = '1_a.sql'") == "down");
}

TEST_CASE("store contract: foreign tracking tables are refused with their columns listed and left untouched") {
  const std::string driver = GENERATE(as<std::string>{}, "sqlite3", "postgres");
  struct Case {
    std::string table;
    std::string sqlite_create;
    std::string postgres_create;
    std::string columns;
  };
  const std::string dirty_schema_migrations =
      "CREATE TABLE schema_migrations (filename TEXT PRIMARY KEY, checksum TEXT, applied_at TEXT, dirty bool)";
  const std::string almost = "CREATE TABLE almost (filename text, checksum text, applied_at timestamptz, extra int)";
  const Case cases[] = {
      // goose's own table.
      {"goose_db_version",
       "CREATE TABLE goose_db_version (id INTEGER PRIMARY KEY AUTOINCREMENT, version_id INTEGER NOT NULL,"
       " is_applied INTEGER NOT NULL, tstamp TIMESTAMP DEFAULT (datetime('now')));"
       "INSERT INTO goose_db_version (version_id, is_applied) VALUES (0, 1), (1, 1)",
       "CREATE TABLE goose_db_version (id serial PRIMARY KEY, version_id bigint NOT NULL, is_applied boolean NOT NULL, "
       "tstamp timestamp DEFAULT now()); INSERT INTO goose_db_version (version_id, is_applied) VALUES (0, true)",
       "(id, version_id, is_applied, tstamp)"},
      // golang-migrate's, under gander's default name.
      {"schema_migrations",
       "CREATE TABLE schema_migrations (version uint64, dirty bool);"
       "INSERT INTO schema_migrations VALUES (3, 0)",
       "CREATE TABLE schema_migrations (version bigint NOT NULL PRIMARY KEY, dirty boolean NOT NULL);"
       "INSERT INTO schema_migrations VALUES (20261121093000, false)",
       "(version, dirty)"},
      {"schema_migrations", dirty_schema_migrations, dirty_schema_migrations,
       "(filename, checksum, applied_at, dirty)"},
      {"almost", almost, almost, "(filename, checksum, applied_at, extra)"},
  };
  for (const Case& c : cases) {
    DYNAMIC_SECTION(c.table << " " << c.columns) {
      const StoreFixture fixture(driver);
      fixture.db->exec(driver == "postgres" ? c.postgres_create : c.sqlite_create);
      const auto before = fixture.snapshot(c.table);
      const auto store = fixture.open(c.table);
      const std::vector<std::function<void()>> actions = {
          [&] { store->table_shape(); },
          [&] { store->prepare_table(); },
          [&] { store->read_rows(); },
      };
      for (const auto& action : actions) {
        const gander::Error error = gander::test::error_of(action);
        CHECK(error.kind() == ErrorKind::config);
        const std::string refusal =
            "table " + c.table + " has columns " + c.columns + ", which is not a gander tracking table";
        CHECK_THAT(error.message(), Catch::Contains(refusal));
        CHECK_THAT(error.what(), Catch::Contains(refusal));
        CHECK_THAT(error.message(), Catch::Contains("gander needs (filename, checksum, applied_at[, version"));
        CHECK_THAT(error.message(), Catch::Contains("Give gander a tracking table of its own"));
        CHECK(error.context().remedy.kind == gander::RemedyKind::choose_own_table);
      }
      CHECK(fixture.snapshot(c.table) == before);
    }
  }
}

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
  store->execute(
      "CREATE TABLE a (id INTEGER); CREATE TABLE b (id INTEGER);\nINSERT INTO a VALUES (1), (2); "
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
  const std::vector<gander::AppliedRow> rows = sorted_by_filename(store->read_checksums());
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
// store still fails a statement that ends its transaction (docs/operations.md).
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

TEST_CASE("store contract: insert_row stores NULL for a missing version or up checksum") {
  const std::string driver = GENERATE(as<std::string>{}, "sqlite3", "postgres");
  const StoreFixture fixture(driver);
  const auto store = fixture.open();
  store->prepare_table();
  gander::RowRecord row = row_record("no_version.sql");
  row.version.reset();
  row.up_checksum.clear();
  store->insert_row(row);
  CHECK(fixture.db->query("SELECT version, up_checksum, state FROM schema_migrations") ==
        std::vector<Row>{{std::nullopt, std::nullopt, "applied"}});
  const auto rows = store->read_rows();
  REQUIRE(rows.size() == 1);
  CHECK_FALSE(rows[0].up_checksum);
  // An empty value (an older gander wrote it on SQLite) reads as none too.
  fixture.db->exec("UPDATE schema_migrations SET up_checksum = ''");
  REQUIRE(store->read_rows().size() == 1);
  CHECK_FALSE(store->read_rows()[0].up_checksum);
  // A value is bound, never interpolated.
  row.filename = "x'); DROP TABLE schema_migrations; --";
  store->insert_row(row);
  CHECK(store->read_rows().size() == 2);
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
    for (const char* sql :
         {"", "   \n", "-- only a comment", "/* block */", "/* block */\n-- line\n", ";", " ; ;\n-- x\n"}) {
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

TEST_CASE("store contract: a table name that is a keyword or mixed case is quoted everywhere") {
  const std::string driver = GENERATE(as<std::string>{}, "sqlite3", "postgres");
  const std::string table = GENERATE(as<std::string>{}, "order", "Mixed_Case");
  const StoreFixture fixture(driver);
  const auto store = fixture.open(table);
  store->prepare_table();
  CHECK(fixture.has_table(table));
  if (table == "Mixed_Case") CHECK_FALSE(fixture.has_table("mixed_case"));
  store->insert_row(row_record("00001_a.sql"));
  CHECK(fixture.db->scalar("SELECT filename FROM \"" + table + "\"") == "00001_a.sql");
  store->mark_applied("00001_a.sql", 5);
  CHECK(store->read_rows().size() == 1);
  store->delete_row("00001_a.sql");
  CHECK(store->read_rows().empty());
  CHECK(store->table_shape() == TableShape::current);
}

TEST_CASE("store contract: a failing statement is Error{sql} with the database's message") {
  const std::string driver = GENERATE(as<std::string>{}, "sqlite3", "postgres");
  // What each database says, and its SQLSTATE: SQLite has none.
  struct Failure {
    std::string message;
    std::optional<std::string> sqlstate;
  };
  struct Expected {
    Failure missing;
    std::string missing_what;
    Failure duplicate;
    Failure syntax;
  };
  const Expected sqlite = {
      {"no such table: missing", std::nullopt},
      "no such table: missing",
      {"UNIQUE constraint failed: u.x", std::nullopt},
      {"near \"SELEC\": syntax error", std::nullopt},
  };
  const Expected postgres = {
      {"relation \"missing\" does not exist", "42P01"},
      "relation \"missing\" does not exist [SQLSTATE 42P01]",
      {"duplicate key value violates unique constraint \"u_pkey\"; DETAIL: Key (x)=(1) already exists.", "23505"},
      {"syntax error at or near \"SELEC\"", "42601"},
  };
  const Expected& expected = driver == "postgres" ? postgres : sqlite;
  const auto check_failure = [](const gander::Error& error, const Failure& failure) {
    CHECK(error.kind() == ErrorKind::sql);
    CHECK(error.message() == failure.message);
    CHECK(error.context().sqlstate == failure.sqlstate);
  };
  const StoreFixture fixture(driver);
  const auto store = fixture.open();

  const gander::Error missing =
      gander::test::error_of([&] { store->execute("CREATE TABLE a (x INTEGER);\nINSERT INTO missing VALUES (1);"); });
  check_failure(missing, expected.missing);
  CHECK(std::string(missing.what()) == expected.missing_what);
  // SQLite runs a chunk statement by statement: the ones before the failing
  // one ran, and the caller's transaction decides their fate.
  if (driver == "sqlite3") CHECK(fixture.has_table("a"));

  store->execute("CREATE TABLE u (x INTEGER PRIMARY KEY); INSERT INTO u VALUES (1);");
  check_failure(gander::test::error_of([&] { store->execute("INSERT INTO u VALUES (1)"); }), expected.duplicate);

  const gander::Error syntax = gander::test::error_of([&] { store->execute("SELEC 1"); });
  check_failure(syntax, expected.syntax);
  CHECK_THAT(syntax.message(), Catch::Contains("syntax error"));
}

TEST_CASE("store contract: an uncommitted transaction leaves nothing at scope end or by rollback") {
  const std::string driver = GENERATE(as<std::string>{}, "sqlite3", "postgres");
  const StoreFixture fixture(driver);
  fixture.open()->prepare_table();

  SECTION("store closed with the transaction open") {
    const auto store = fixture.open();
    store->begin();
    store->execute("CREATE TABLE a (x INTEGER)");
    store->insert_row(row_record("1_a.sql"));
  }
  SECTION("explicit rollback") {
    const auto store = fixture.open();
    store->begin();
    store->execute("CREATE TABLE a (x INTEGER)");
    store->insert_row(row_record("1_a.sql"));
    store->rollback();
    CHECK(store->read_rows().empty());
    // The store is usable afterwards.
    store->begin();
    store->commit();
  }
  SECTION("rollback after a failing statement") {
    const auto store = fixture.open();
    store->begin();
    store->execute("CREATE TABLE a (x INTEGER)");
    CHECK_THROWS_AS(store->execute("INSERT INTO nowhere VALUES (1)"), gander::Error);
    store->rollback();
  }
  CHECK_FALSE(fixture.has_table("a"));
  CHECK(fixture.db->scalar("SELECT count(*) FROM schema_migrations") == "0");
  CHECK(fixture.open()->read_rows().empty());
}

TEST_CASE("store contract: rolling back to a savepoint undoes its work and the transaction goes on") {
  const std::string driver = GENERATE(as<std::string>{}, "sqlite3", "postgres");
  const StoreFixture fixture(driver);
  const auto store = fixture.open();
  CHECK_FALSE(store->rollback_to_savepoint());  // no transaction
  store->begin();
  store->execute("CREATE TABLE kept (x INTEGER)");
  store->savepoint();
  store->execute("CREATE TABLE undone (x INTEGER)");
  // A failed statement leaves SQLite's transaction open; on PostgreSQL it
  // ends the whole transaction (store/postgres tests that).
  if (driver == "sqlite3") {
    CHECK(gander::test::error_of([&] { store->execute("SELECT * FROM no_such_table"); }).kind() == ErrorKind::sql);
  }
  CHECK(store->rollback_to_savepoint());
  store->savepoint();
  store->execute("CREATE TABLE released (x INTEGER)");
  store->release_savepoint();
  CHECK_FALSE(store->has_unresolved_foreign_keys());
  store->commit();
  CHECK(fixture.schema_objects() == "kept,released");
  CHECK(fixture.has_table("kept"));
  CHECK(fixture.has_table("released"));
  CHECK_FALSE(fixture.has_table("undone"));
  CHECK_FALSE(store->rollback_to_savepoint());  // no transaction
}

TEST_CASE("store contract: a second commit throws and keeps what the first committed") {
  const std::string driver = GENERATE(as<std::string>{}, "sqlite3", "postgres");
  const StoreFixture fixture(driver);
  const auto store = fixture.open();
  store->begin();
  store->execute("CREATE TABLE a (x INTEGER)");
  store->commit();
  const gander::Error error = gander::test::error_of([&] { store->commit(); });
  CHECK(error.kind() == ErrorKind::sql);
  CHECK_THAT(error.message(),
             Catch::Contains(driver == "postgres" ? "no transaction is open" : "no transaction is active"));
  CHECK(fixture.has_table("a"));
}

TEST_CASE("store contract: a direction gander never writes is refused naming the row") {
  const std::string driver = GENERATE(as<std::string>{}, "sqlite3", "postgres");
  const StoreFixture fixture(driver);
  const auto store = fixture.open();
  store->prepare_table();
  store->insert_row(row_record("1_a.sql", true));
  fixture.db->exec("UPDATE schema_migrations SET direction = 'sideways'");
  const gander::Error error = gander::test::error_of([&] { store->read_rows(); });
  CHECK(error.kind() == ErrorKind::config);
  CHECK_THAT(error.message(), Catch::Contains("1_a.sql: direction 'sideways'"));
}

TEST_CASE("store contract: cancel from another thread interrupts a running statement") {
  const std::string driver = GENERATE(as<std::string>{}, "sqlite3", "postgres");
  // A statement that runs far longer than the test, and how each database
  // reports it stopped.
  struct Expected {
    const char* long_statement;
    const char* message;
    std::optional<std::string> sqlstate;
  };
  const Expected sqlite = {
      "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10000000000) SELECT count(*) FROM n",
      "interrupted",
      std::nullopt,
  };
  const Expected postgres = {"SELECT pg_sleep(30)", "canceling statement due to user request", "57014"};
  const Expected& expected = driver == "postgres" ? postgres : sqlite;

  const StoreFixture fixture(driver);
  const auto store = fixture.open();
  store->cancel();  // nothing running: harmless
  std::atomic<bool> is_done{false};
  // A cancel that comes before the statement starts is lost (SQLite clears
  // its flag when no statement runs; the server has nothing to cancel), so
  // keep asking until it stops.
  std::thread canceller([&] {
    const auto deadline = std::chrono::steady_clock::now() + 60s;
    while (!is_done && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(20ms);
      store->cancel();
    }
  });
  const auto started = std::chrono::steady_clock::now();
  std::optional<gander::Error> error;
  try {
    store->execute(expected.long_statement);
  } catch (const gander::Error& thrown) {
    error = thrown;
  }
  is_done = true;
  canceller.join();
  CHECK(std::chrono::steady_clock::now() - started < 10s);
  REQUIRE(error.has_value());
  CHECK(error->kind() == ErrorKind::sql);
  CHECK_THAT(error->message(), Catch::Contains(expected.message));
  if (driver == "sqlite3") CHECK(error->message() == expected.message);
  CHECK(error->context().sqlstate == expected.sqlstate);
  CHECK_NOTHROW(store->execute("SELECT 1"));
}
