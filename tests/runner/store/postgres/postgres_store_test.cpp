// What only the PostgreSQL store does, against a real server: SQLSTATEs and
// aborted transactions, advisory and table locks, schema-qualified names,
// synchronous_commit and SET LOCAL settings, server notices, DSN redaction.
// What both stores do is tested once, for both, in store_contract_test.cpp.

#include "store/store.hpp"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <stdexcept>
#include <thread>

#include <unistd.h>

#include <catch2/catch.hpp>

#include <gander/checksum/checksum.hpp>
#include <gander/error.hpp>

#include "error_of.hpp"
#include "row_record.hpp"
#include "test_database.hpp"

namespace {

using gander::test::row_record;

using gander::ErrorKind;
using gander::TableShape;
using gander::test::Row;

// A fresh database per test, and gander's store on it.
struct Fixture {
  std::unique_ptr<gander::test::TestDatabase> db = gander::test::make_postgres_database();

  std::unique_ptr<gander::Store> open(const std::string& table = "schema_migrations") const {
    gander::StoreOptions options;
    options.driver = "postgres";
    options.dsn = db->dsn();
    options.table = table;
    return gander::open_postgres_store(options, gander::parse_table_name(table, true));
  }

  bool exists(const std::string& relation) const {
    return !db->query("SELECT 1 WHERE to_regclass('" + relation + "') IS NOT NULL").empty();
  }

  // The advisory locks granted in this test's database as (classid, objid,
  // pid); pg_locks shows the whole server, where other tests run too.
  std::vector<Row> advisory_locks() const {
    return db->query(
        "SELECT classid::text, objid::text, pid::text FROM pg_locks WHERE locktype = 'advisory' AND granted "
        "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())");
  }
};

}  // namespace

TEST_CASE("postgres: prepare_table on a current table runs no DDL") {
  const Fixture fixture;
  const auto store = fixture.open();
  store->prepare_table();
  const auto catalog_version = [&] {
    return fixture.db->scalar("SELECT xmin::text FROM pg_class WHERE oid = 'schema_migrations'::regclass");
  };
  const auto before = catalog_version();
  fixture.open()->prepare_table();
  store->prepare_table();
  CHECK(catalog_version() == before);
}

TEST_CASE("postgres: a table another replica creates meanwhile is never read without its columns") {
  const Fixture fixture;
  const auto creator = fixture.open();
  const auto reader = fixture.open();
  std::atomic<bool> is_done{false};
  std::atomic<int> reads{0};
  std::string failure;
  std::thread reading([&] {
    try {
      while (!is_done) {
        reader->table_shape();
        ++reads;
      }
    } catch (const std::exception& error) {
      failure = error.what();
    }
  });
  for (int round = 0; round < 300 && failure.empty(); ++round) {
    creator->prepare_table();
    creator->execute("DROP TABLE schema_migrations");
  }
  is_done = true;
  reading.join();
  CHECK(failure == "");
  CHECK(reads > 0);
}

TEST_CASE("postgres: a schema-qualified table lives in its schema") {
  const Fixture fixture;
  fixture.db->exec("CREATE SCHEMA ops; CREATE TABLE schema_migrations (version bigint, dirty boolean)");
  const auto store = fixture.open("ops.schema_migrations");
  CHECK(store->table_shape() == TableShape::missing);  // not the public one
  store->prepare_table();
  CHECK(store->table_shape() == TableShape::current);
  store->insert_row(row_record("00001_a.sql"));
  CHECK(fixture.db->scalar("SELECT filename FROM ops.schema_migrations") == "00001_a.sql");
  CHECK(fixture.db->scalar("SELECT count(*) FROM public.schema_migrations") == "0");
  const auto rows = store->read_rows();
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].filename == "00001_a.sql");
}

TEST_CASE("postgres: a raised exception's detail, hint and context join its message on one line") {
  const Fixture fixture;
  const auto store = fixture.open();
  const gander::Error raised = gander::test::error_of([&] {
    store->execute("DO $$ BEGIN RAISE EXCEPTION 'boom' USING DETAIL = E'first\\nsecond', HINT = 'try again'; END $$");
  });
  CHECK(raised.context().sqlstate == std::optional<std::string>("P0001"));
  CHECK(raised.message() ==
        "boom; DETAIL: first second; HINT: try again; CONTEXT: PL/pgSQL function inline_code_block line 1 at RAISE");
}

TEST_CASE("postgres: after a failure inside a transaction rollback makes the store usable again") {
  const Fixture fixture;
  const auto store = fixture.open();
  store->begin();
  store->execute("CREATE TABLE t (id int)");
  CHECK(gander::test::error_of([&] { store->execute("SELECT * FROM no_such_table"); }).kind() == ErrorKind::sql);
  const gander::Error aborted = gander::test::error_of([&] { store->execute("SELECT 1"); });
  CHECK(aborted.context().sqlstate == std::optional<std::string>("25P02"));
  CHECK_THAT(aborted.message(), Catch::Contains("aborted by an earlier error"));
  store->rollback();
  store->execute("CREATE TABLE u (id int)");
  CHECK_FALSE(fixture.exists("t"));
  CHECK(fixture.exists("u"));
}

TEST_CASE("postgres: commit after a failure inside the transaction throws and rolls it back") {
  const Fixture fixture;
  const auto store = fixture.open();
  store->begin();
  store->execute("CREATE TABLE t (id int)");
  CHECK(gander::test::error_of([&] { store->execute("SELECT * FROM no_such_table"); }).kind() == ErrorKind::sql);
  const gander::Error error = gander::test::error_of([&] { store->commit(); });
  CHECK(error.kind() == ErrorKind::sql);
  CHECK(error.context().sqlstate == std::optional<std::string>("25P02"));
  CHECK_FALSE(fixture.exists("t"));
  store->rollback();
  store->begin();
  store->execute("CREATE TABLE t (id int)");
  store->commit();
  CHECK(fixture.exists("t"));
}

TEST_CASE("postgres: a commit the server refuses is an sql error and ends the transaction") {
  const Fixture fixture;
  const auto store = fixture.open();
  store->execute("CREATE TABLE t (id int PRIMARY KEY DEFERRABLE INITIALLY DEFERRED)");
  store->begin();
  store->execute("INSERT INTO t VALUES (1), (1)");
  const gander::Error error = gander::test::error_of([&] { store->commit(); });
  CHECK(error.kind() == ErrorKind::sql);
  CHECK(error.context().sqlstate == std::optional<std::string>("23505"));
  CHECK(fixture.db->scalar("SELECT count(*) FROM t") == "0");
  store->begin();
  store->execute("INSERT INTO t VALUES (2)");
  store->commit();
  CHECK(fixture.db->scalar("SELECT count(*) FROM t") == "1");
}

TEST_CASE("postgres: after a failed statement the whole transaction is gone, as rolling back to a savepoint says") {
  const Fixture fixture;
  const auto store = fixture.open();
  store->begin();
  store->execute("CREATE TABLE lost (id int)");
  store->savepoint();
  CHECK(gander::test::error_of([&] { store->execute("SELECT * FROM no_such_table"); }).kind() == ErrorKind::sql);
  CHECK_FALSE(store->rollback_to_savepoint());
  store->begin();
  store->execute("CREATE TABLE next (id int)");
  store->commit();
  CHECK(fixture.exists("next"));
  CHECK_FALSE(fixture.exists("lost"));
}

TEST_CASE("postgres: commits stop waiting for the disk until asked to, and make_commits_durable restores the wait") {
  const Fixture fixture;
  const auto store = fixture.open();
  store->prepare_table();
  const auto expect_synchronous_commit = [&](const std::string& value) {
    store->execute("DO $$ BEGIN IF current_setting('synchronous_commit') <> '" + value +
                   "' THEN RAISE EXCEPTION 'synchronous_commit is %', current_setting('synchronous_commit'); "
                   "END IF; END $$");
  };
  const auto expect_in_transaction = [&](const std::string& value) {
    store->begin();
    expect_synchronous_commit(value);
    store->commit();
  };
  expect_in_transaction("on");
  store->set_commit_waits_for_disk(false);
  expect_in_transaction("off");
  // Only gander's transactions have it, never the session (docs/operations.md, "Locking": poolers).
  expect_synchronous_commit("on");
  store->set_commit_waits_for_disk(true);
  expect_in_transaction("on");
  store->set_commit_waits_for_disk(false);
  store->begin();
  store->insert_row({"00001_a.sql", "c", 1, "u", 0, false});
  store->commit();
  // Its row lock needs a row; without one it would wait for nothing.
  store->make_commits_durable();
  expect_in_transaction("on");
  CHECK(fixture.db->scalar("SELECT count(*) FROM schema_migrations") == "1");
  store->begin();
  // Only a bug in the Migrator calls it there: an internal error, not a database one.
  CHECK_THROWS_AS(store->make_commits_durable(), std::logic_error);
  store->rollback();
}

TEST_CASE(
    "postgres: statement_timeout and lock_timeout last for gander's transaction or statement, never the session") {
  const Fixture fixture;
  gander::StoreOptions options;
  options.dsn = fixture.db->dsn();
  options.statement_timeout = std::chrono::seconds(7);
  options.ddl_lock_timeout = std::chrono::seconds(3);
  const auto store = gander::open_postgres_store(options, gander::parse_table_name("schema_migrations", true));
  store->prepare_table();
  const auto record = [&](const std::string& table) {
    store->execute("CREATE TABLE " + table +
                   " AS SELECT current_setting('statement_timeout') AS s, current_setting('lock_timeout') AS l");
  };
  record("outside");
  store->begin();
  record("inside");
  store->commit();
  const std::vector<Row> set = {{std::string("7s"), std::string("3s")}};
  CHECK(fixture.db->query("SELECT s, l FROM outside") == set);
  CHECK(fixture.db->query("SELECT s, l FROM inside") == set);
  // The session itself, as the next client of a pooled server connection
  // would see it: a trigger on the tracking table reads it when the store
  // writes a row outside any transaction of its own.
  fixture.db->exec(
      "CREATE TABLE session_seen (s TEXT, l TEXT); "
      "CREATE FUNCTION record_session() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
      "INSERT INTO session_seen VALUES (current_setting('statement_timeout'), current_setting('lock_timeout')); "
      "RETURN NEW; END $$; "
      "CREATE TRIGGER record_session AFTER INSERT ON schema_migrations FOR EACH ROW EXECUTE FUNCTION record_session()");
  store->insert_row({"00001_a.sql", "c", 1, "u", 0, false});
  CHECK(fixture.db->query("SELECT s, l FROM session_seen") == std::vector<Row>{{std::string("0"), std::string("0")}});
}

TEST_CASE("postgres: the advisory lock makes a second store wait and names the holder") {
  const Fixture fixture;
  const auto first = fixture.open();
  std::unique_ptr<gander::StoreLock> held = first->lock({});
  // Only the first store's session is connected yet; fallback_application_name names it.
  const std::string holder_pid =
      fixture.db
          ->scalar(
              "SELECT pid::text FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'gander'")
          .value();
  // The key is the first 8 bytes of SHA-256("gander:schema_migrations").
  const std::string hex = gander::checksum::sha256_hex("gander:schema_migrations");
  CHECK(fixture.advisory_locks() ==
        std::vector<Row>{{std::to_string(std::stoul(hex.substr(0, 8), nullptr, 16)),
                          std::to_string(std::stoul(hex.substr(8, 8), nullptr, 16)), holder_pid}});

  const auto second = fixture.open();
  int waits = 0;
  std::string described;
  gander::LockOptions options;
  options.timeout = std::chrono::milliseconds(300);
  options.on_wait = [&](const std::string& holder) {
    ++waits;
    described = holder;
  };
  const auto started = std::chrono::steady_clock::now();
  const gander::Error timeout = gander::test::error_of([&] { second->lock(options); });
  CHECK(std::chrono::steady_clock::now() - started >= std::chrono::milliseconds(300));
  CHECK(timeout.kind() == ErrorKind::lock);
  CHECK(waits == 1);
  CHECK_THAT(described, Catch::StartsWith("server pid " + holder_pid + " (gander) from 127.0.0.1:"));
  CHECK_THAT(described, Catch::Contains(", connected since "));
  CHECK_THAT(described, Catch::EndsWith(" UTC"));
  CHECK_THAT(timeout.message(),
             Catch::StartsWith("timed out after 0.3s waiting for the migration lock held by server pid " + holder_pid +
                               " (gander)"));

  held.reset();
  CHECK(fixture.advisory_locks().empty());
  waits = 0;
  options.timeout = std::chrono::seconds(5);
  const auto taken = second->lock(options);
  CHECK(waits == 0);
  CHECK(fixture.advisory_locks().size() == 1);
}

TEST_CASE("postgres: a lock waited for is taken as soon as it is released") {
  const Fixture fixture;
  const auto first = fixture.open();
  const auto second = fixture.open();
  for (const gander::LockMethod method : {gander::LockMethod::advisory, gander::LockMethod::table}) {
    gander::LockOptions options;
    options.method = method;
    std::unique_ptr<gander::StoreLock> held = first->lock(options);
    std::atomic<int> waits{0};
    options.on_wait = [&](const std::string&) { ++waits; };
    std::thread releaser([&] {
      std::this_thread::sleep_for(std::chrono::milliseconds(400));
      held.reset();
    });
    options.timeout = std::chrono::seconds(20);
    const auto started = std::chrono::steady_clock::now();
    const auto taken = second->lock(options);
    const auto waited = std::chrono::steady_clock::now() - started;
    releaser.join();
    CHECK(waits == 1);
    CHECK(waited >= std::chrono::milliseconds(400));
    CHECK(waited < std::chrono::seconds(3));
  }
}

TEST_CASE("postgres: different tables have different advisory locks") {
  const Fixture fixture;
  const auto first = fixture.open("schema_migrations");
  const auto second = fixture.open("ops.schema_migrations");
  const auto held = first->lock({});
  gander::LockOptions options;
  options.timeout = std::chrono::milliseconds(0);
  CHECK_NOTHROW(second->lock(options));
}

TEST_CASE("postgres: the table lock makes a second store wait and names the holder") {
  const Fixture fixture;
  const auto first = fixture.open();
  gander::LockOptions options;
  options.method = gander::LockMethod::table;
  std::unique_ptr<gander::StoreLock> held = first->lock(options);
  CHECK(fixture.db->scalar("SELECT count(*) FROM schema_migrations_lock") == "1");
  CHECK_FALSE(fixture.exists("schema_migrations"));  // the lock table only

  const auto second = fixture.open();
  int waits = 0;
  std::string described;
  options.timeout = std::chrono::milliseconds(300);
  options.on_wait = [&](const std::string& holder) {
    ++waits;
    described = holder;
  };
  const gander::Error timeout = gander::test::error_of([&] { second->lock(options); });
  CHECK(timeout.kind() == ErrorKind::lock);
  CHECK(waits == 1);
  const std::string pid = "pid " + std::to_string(::getpid()) + " on ";
  CHECK_THAT(described, Catch::StartsWith(pid));
  CHECK_THAT(described, Catch::Contains(", holding it since "));
  CHECK_THAT(timeout.message(),
             Catch::StartsWith("timed out after 0.3s waiting for the migration lock held by " + pid));
  CHECK_THAT(timeout.message(), Catch::Contains("DELETE FROM \"public\".\"schema_migrations_lock\""));

  held.reset();
  CHECK(fixture.db->scalar("SELECT count(*) FROM schema_migrations_lock") == "0");
  waits = 0;
  options.timeout = std::chrono::seconds(5);
  {
    const auto taken = second->lock(options);
    CHECK(waits == 0);
    CHECK(fixture.db->scalar("SELECT count(*) FROM schema_migrations_lock") == "1");
  }
  CHECK(fixture.db->scalar("SELECT count(*) FROM schema_migrations_lock") == "0");
}

TEST_CASE("postgres: the table lock of a schema-qualified table lives beside it") {
  const Fixture fixture;
  fixture.db->exec("CREATE SCHEMA ops");
  const auto store = fixture.open("ops.Mixed_Case");
  gander::LockOptions options;
  options.method = gander::LockMethod::table;
  const auto held = store->lock(options);
  CHECK(fixture.db->scalar("SELECT count(*) FROM ops.\"Mixed_Case_lock\"") == "1");
  const std::string long_name(60, 'x');
  CHECK(gander::test::error_of([&] { fixture.open(long_name)->lock(options); }).kind() == ErrorKind::config);
}

TEST_CASE("postgres: a release leaves another run's row of the lock table alone") {
  const Fixture fixture;
  const auto store = fixture.open();
  gander::LockOptions options;
  options.method = gander::LockMethod::table;
  {
    const auto held = store->lock(options);
    // Someone removed our row by hand and another run took the lock.
    fixture.db->exec("UPDATE schema_migrations_lock SET holder = 'pid 1 on elsewhere'");
  }
  CHECK(fixture.db->scalar("SELECT holder FROM schema_migrations_lock") == "pid 1 on elsewhere");
}

TEST_CASE("postgres: a lock outlives its store") {
  const Fixture fixture;
  auto first = fixture.open();
  std::unique_ptr<gander::StoreLock> held = first->lock({});
  first.reset();
  const auto second = fixture.open();
  gander::LockOptions options;
  options.timeout = std::chrono::milliseconds(0);
  CHECK(gander::test::error_of([&] { second->lock(options); }).kind() == ErrorKind::lock);
  held.reset();
  CHECK_NOTHROW(second->lock(options));
}

TEST_CASE("postgres: releasing the lock rolls back a transaction left open") {
  const Fixture fixture;
  const auto store = fixture.open();
  std::unique_ptr<gander::StoreLock> held = store->lock({});
  store->begin();
  store->execute("CREATE TABLE abandoned (id int)");
  gander::LockOptions options;
  options.timeout = std::chrono::milliseconds(0);
  // The lock is never taken inside a transaction: only a bug in the Migrator would.
  CHECK_THROWS_AS(store->lock(options), std::logic_error);
  held.reset();
  CHECK_FALSE(fixture.exists("abandoned"));
  CHECK(fixture.advisory_locks().empty());
  CHECK(gander::test::error_of([&] { store->commit(); }).kind() == ErrorKind::sql);
  store->execute("SELECT 1");
}

TEST_CASE("postgres: server notices are not printed") {
  const Fixture fixture;
  const auto store = fixture.open();
  std::FILE* capture = std::tmpfile();
  REQUIRE(capture != nullptr);
  std::fflush(stderr);
  const int saved = ::dup(STDERR_FILENO);
  ::dup2(::fileno(capture), STDERR_FILENO);
  try {
    store->execute("DO $$ BEGIN RAISE NOTICE 'gander-notice-probe'; END $$");
    store->execute("CREATE TABLE IF NOT EXISTS t (id int); CREATE TABLE IF NOT EXISTS t (id int)");
    store->prepare_table();
  } catch (...) {
    std::fflush(stderr);
    ::dup2(saved, STDERR_FILENO);
    throw;
  }
  std::fflush(stderr);
  ::dup2(saved, STDERR_FILENO);
  ::close(saved);
  std::rewind(capture);
  std::string printed;
  char buffer[256];
  while (std::fgets(buffer, sizeof buffer, capture) != nullptr) printed += buffer;
  std::fclose(capture);
  CHECK(printed.empty());
}

TEST_CASE("postgres: a connection error names the DSN without its password") {
  // No server needed: nothing listens on port 1.
  struct Case {
    std::string dsn;
    std::string shown;
  };
  const Case cases[] = {
      {"host=127.0.0.1 port=1 password=hunter2 connect_timeout=5",
       "password=*** connect_timeout=5 host=127.0.0.1 port=1"},
      {"postgres://gander:hunter2@127.0.0.1:1/db?connect_timeout=5", "postgres://gander:***@127.0.0.1:1/db"},
  };
  for (const Case& c : cases) {
    DYNAMIC_SECTION(c.shown) {
      gander::StoreOptions options;
      options.driver = "postgres";
      options.dsn = c.dsn;
      const gander::Error error = gander::test::error_of(
          [&] { gander::open_postgres_store(options, gander::parse_table_name("schema_migrations", true)); });
      CHECK(error.kind() == ErrorKind::connection);
      const std::string what = error.what();
      CHECK_THAT(what, Catch::StartsWith("cannot connect to PostgreSQL ("));
      CHECK_THAT(what, Catch::Contains(c.shown));
      CHECK_THAT(what, !Catch::Contains("hunter2"));
      CHECK(what.find('\n') == std::string::npos);
    }
  }
}

TEST_CASE("postgres: a DSN libpq cannot parse is a config error without its password, before any connection") {
  for (const std::string dsn : {"postgres://gander:hun%zzter2@127.0.0.1:1/db", "postgres://gander:hunter2@[::1:1/db",
                                "host=127.0.0.1 port=1 password='hunter2 quoted' bogus"}) {
    DYNAMIC_SECTION(dsn) {
      gander::StoreOptions options;
      options.driver = "postgres";
      options.dsn = dsn;
      const gander::Error error = gander::test::error_of(
          [&] { gander::open_postgres_store(options, gander::parse_table_name("schema_migrations", true)); });
      CHECK(error.kind() == ErrorKind::config);
      const std::string what = error.what();
      CHECK_THAT(what, Catch::StartsWith("invalid PostgreSQL "));
      CHECK_THAT(what, !Catch::Contains("hunter2") && !Catch::Contains("hun%zzter2"));
      CHECK(what.find('\n') == std::string::npos);
    }
  }
}
