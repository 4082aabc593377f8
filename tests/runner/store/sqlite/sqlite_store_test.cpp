// What only the SQLite store does, against real database files: file locks,
// in-memory databases, DSN options, the busy and statement timeouts, the
// formats applied_at may be stored in. What both stores do is tested once,
// for both, in store_contract_test.cpp. Each test inspects the file through
// its own connection (TestDatabase), independently of the store.

#include "store/store.hpp"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <functional>
#include <thread>

#include <catch2/catch.hpp>

#include <gander/error.hpp>

#include "error_of.hpp"
#include "temp_dir.hpp"
#include "test_database.hpp"

namespace {

using namespace std::chrono_literals;
using gander::ErrorKind;

std::unique_ptr<gander::Store> open_store(const std::string& dsn, const std::string& table = "schema_migrations",
                                          std::chrono::milliseconds busy_timeout = 5s) {
  gander::StoreOptions options;
  options.driver = "sqlite3";
  options.dsn = dsn;
  options.table = table;
  options.busy_timeout = busy_timeout;
  return gander::open_sqlite_store(options, gander::parse_table_name(table, false));
}

// A forked child for cross-process tests. It makes only system calls (the
// parent may have threads) and ends with _exit.
class Child {
 public:
  explicit Child(const std::function<int()>& body) {
    m_pid = ::fork();
    REQUIRE(m_pid >= 0);
    if (m_pid == 0) ::_exit(body());
  }
  ~Child() {
    if (m_pid > 0) {
      ::kill(m_pid, SIGKILL);
      wait();
    }
  }

  void kill() { ::kill(m_pid, SIGKILL); }

  // The child's exit code, or 128 + signal.
  int wait() {
    int status = 0;
    while (::waitpid(m_pid, &status, 0) < 0) {
      if (errno != EINTR) return -1;
    }
    m_pid = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }

 private:
  pid_t m_pid = -1;
};

// SQLite's RESERVED lock byte (os_unix.c: PENDING_BYTE + 1), write-locked
// with fcntl by a connection that holds a write transaction.
constexpr off_t k_reserved_byte = 0x40000001;

// Whether some other process holds a POSIX lock on SQLite's reserved byte of
// `path`; run in a child, since a process never conflicts with itself.
bool is_reserved_by_another_process(const std::string& path) {
  Child child([&path] {
    const int fd = ::open(path.c_str(), O_RDONLY);
    struct flock probe {};
    probe.l_type = F_WRLCK;
    probe.l_whence = SEEK_SET;
    probe.l_start = k_reserved_byte;
    probe.l_len = 1;
    if (fd < 0 || ::fcntl(fd, F_GETLK, &probe) != 0) return 2;
    return probe.l_type == F_UNLCK ? 1 : 0;
  });
  const int code = child.wait();
  REQUIRE((code == 0 || code == 1));
  return code == 0;
}

}  // namespace

TEST_CASE("sqlite: applied_at in other formats is read as ISO-8601 UTC") {
  struct Case {
    const char* stored;
    const char* read;
  };
  const Case cases[] = {
      {"2024-03-01 10:00:00", "2024-03-01T10:00:00Z"},
      {"2024-03-01T10:00:00Z", "2024-03-01T10:00:00Z"},
      {"2024-03-01T10:00:00.123Z", "2024-03-01T10:00:00Z"},
      // Go's time.Time as mattn/go-sqlite3 writes it, with a zone offset.
      {"2024-03-01 10:00:00.123456789+02:00", "2024-03-01T08:00:00Z"},
      // Unreadable: shown as stored rather than lost.
      {"last tuesday", "last tuesday"},
  };
  const gander::test::TempDir dir;
  const auto db = gander::test::make_sqlite_database(dir.path());
  const auto store = open_store(db->dsn());
  store->prepare_table();
  for (const Case& c : cases) {
    INFO(c.stored);
    db->exec(
        "DELETE FROM schema_migrations;"
        "INSERT INTO schema_migrations (filename, checksum, applied_at) VALUES ('1_a.sql', 'x', '" +
        std::string(c.stored) + "')");
    const auto rows = store->read_rows();
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].applied_at == c.read);
  }
}

TEST_CASE("sqlite: a schema-qualified table name is a config error") {
  // open_store() checks the name with exactly this call before it opens
  // SQLite. (Calling open_store() here would need the PostgreSQL store to link.)
  const gander::Error error = gander::test::error_of([] { gander::parse_table_name("ops.schema_migrations", false); });
  CHECK(error.kind() == ErrorKind::config);
  CHECK_THAT(error.what(), Catch::Contains("ops.schema_migrations") && Catch::Contains("SQLite has no schemas"));
}

TEST_CASE("sqlite: a trigger whose body holds semicolons runs as one statement") {
  const gander::test::TempDir dir;
  const auto db = gander::test::make_sqlite_database(dir.path());
  const auto store = open_store(db->dsn());
  store->execute(
      "CREATE TABLE t(x); CREATE TABLE log(x);\n"
      "CREATE TRIGGER t_log AFTER INSERT ON t BEGIN\n"
      "  INSERT INTO log VALUES (new.x);\n"
      "  INSERT INTO log VALUES (new.x * 10);\n"
      "END;");
  store->execute("INSERT INTO t VALUES (2)");
  CHECK(db->query("SELECT x FROM log ORDER BY x") == std::vector<gander::test::Row>{{"2"}, {"20"}});
}

TEST_CASE("sqlite: a deferred foreign key violation is reported before COMMIT would refuse it") {
  const gander::test::TempDir dir;
  const auto db = gander::test::make_sqlite_database(dir.path());
  const auto store = open_store(db->dsn() + "?_foreign_keys=on");
  store->execute("CREATE TABLE parent(id INTEGER PRIMARY KEY)");
  store->execute("CREATE TABLE child(parent_id INTEGER REFERENCES parent(id) DEFERRABLE INITIALLY DEFERRED)");
  store->begin();
  CHECK_FALSE(store->has_unresolved_foreign_keys());
  store->execute("INSERT INTO child VALUES (7)");
  CHECK(store->has_unresolved_foreign_keys());
  store->execute("INSERT INTO parent VALUES (7)");
  CHECK_FALSE(store->has_unresolved_foreign_keys());
  store->execute("INSERT INTO child VALUES (8)");
  CHECK(store->has_unresolved_foreign_keys());
  CHECK_THAT(gander::test::error_of([&] { store->commit(); }).message(), Catch::Contains("FOREIGN KEY"));
  store->rollback();
}

TEST_CASE("sqlite: two stores on one file in one process exclude each other") {
  const gander::test::TempDir dir;
  const auto db = gander::test::make_sqlite_database(dir.path());
  const auto first = open_store(db->dsn());
  const auto second = open_store(db->dsn());

  auto held = first->lock({});
  int waits = 0;
  std::string holder;
  gander::LockOptions options;
  options.timeout = 300ms;
  options.on_wait = [&](const std::string& description) {
    ++waits;
    holder = description;
  };
  const auto started = std::chrono::steady_clock::now();
  const gander::Error error = gander::test::error_of([&] { second->lock(options); });
  CHECK(std::chrono::steady_clock::now() - started >= 300ms);
  CHECK(error.kind() == ErrorKind::lock);
  CHECK_THAT(error.what(), Catch::StartsWith("timed out after 0.3s waiting for the migration lock on ") &&
                               Catch::Contains("test.db"));
  CHECK(waits == 1);
  CHECK_THAT(holder, Catch::StartsWith("another process holds the migration lock on ") && Catch::Contains("test.db"));

  held.reset();
  waits = 0;
  const auto taken = second->lock(options);
  CHECK(taken != nullptr);
  CHECK(waits == 0);
}

TEST_CASE("sqlite: the lock waits for another process and is freed when that process dies") {
  const gander::test::TempDir dir;
  const auto db = gander::test::make_sqlite_database(dir.path());
  const auto store = open_store(db->dsn());
  const std::string path = db->dsn();

  int ready[2];
  REQUIRE(::pipe(ready) == 0);
  Child holder([&] {
    const int fd = ::open(path.c_str(), O_RDONLY);
    if (fd < 0 || ::flock(fd, LOCK_EX) != 0) return 2;
    const char byte = 'x';
    if (::write(ready[1], &byte, 1) != 1) return 3;
    ::pause();
    return 0;
  });
  ::close(ready[1]);
  char byte = 0;
  REQUIRE(::read(ready[0], &byte, 1) == 1);
  ::close(ready[0]);

  int waits = 0;
  gander::LockOptions options;
  options.timeout = 300ms;
  options.on_wait = [&](const std::string&) { ++waits; };
  CHECK(gander::test::error_of([&] { store->lock(options); }).kind() == ErrorKind::lock);
  CHECK(waits == 1);

  // SIGKILL: the process gets no chance to unlock; the kernel does.
  holder.kill();
  CHECK(holder.wait() == 128 + SIGKILL);
  waits = 0;
  CHECK(store->lock(options) != nullptr);
  CHECK(waits == 0);
}

TEST_CASE("sqlite: a waiter gets the lock once the holder releases it within the timeout") {
  const gander::test::TempDir dir;
  const auto db = gander::test::make_sqlite_database(dir.path());
  const auto first = open_store(db->dsn());
  const auto second = open_store(db->dsn());
  auto held = first->lock({});
  std::thread releaser([&held] {
    std::this_thread::sleep_for(100ms);
    held.reset();
  });
  int waits = 0;
  gander::LockOptions options;
  options.timeout = 5s;
  options.on_wait = [&](const std::string&) { ++waits; };
  const auto taken = second->lock(options);
  releaser.join();
  CHECK(taken != nullptr);
  CHECK(waits == 1);
}

TEST_CASE("sqlite: releasing the migration lock keeps SQLite's own locks") {
  // Closing any descriptor of the file would drop this process's POSIX
  // locks, SQLite's included; the lock must only unlock its descriptor.
  const gander::test::TempDir dir;
  const auto db = gander::test::make_sqlite_database(dir.path());
  const auto store = open_store(db->dsn());
  auto held = store->lock({});
  store->begin();
  store->execute("CREATE TABLE a(x)");
  CHECK(is_reserved_by_another_process(db->dsn()));
  held.reset();
  CHECK(is_reserved_by_another_process(db->dsn()));
  store->commit();
  CHECK_FALSE(is_reserved_by_another_process(db->dsn()));
}

TEST_CASE("sqlite: an in-memory database needs no lock") {
  for (const char* dsn : {":memory:", "", "file:gander_lock_test?mode=memory"}) {
    INFO(dsn);
    const auto first = open_store(dsn);
    const auto second = open_store(dsn);
    gander::LockOptions options;
    options.timeout = 0ms;
    const auto one = first->lock(options);
    const auto two = second->lock(options);
    CHECK((one != nullptr && two != nullptr));
  }
  CHECK_FALSE(std::filesystem::exists("file:gander_lock_test?mode=memory"));
  CHECK_FALSE(std::filesystem::exists("gander_lock_test"));
}

TEST_CASE("sqlite: a database that cannot be opened is Error{connection} naming the path") {
  const gander::test::TempDir dir;
  const std::string path = (dir.path() / "no" / "such" / "dir" / "gander.db").string();
  gander::Error error = gander::test::error_of([&] { open_store(path); });
  CHECK(error.kind() == ErrorKind::connection);
  CHECK(error.message() == "cannot open SQLite database " + path + ": unable to open database file");

  const std::string not_a_database = dir.write("notes.txt", std::string(4096, 'x')).string();
  error = gander::test::error_of([&] { open_store(not_a_database); });
  CHECK(error.kind() == ErrorKind::connection);
  CHECK(error.message() == "cannot open SQLite database " + not_a_database + ": file is not a database");
}

TEST_CASE("sqlite: DSN options as goose's Go drivers take them") {
  const gander::test::TempDir dir;
  const std::string path = (dir.path() / "options.db").string();
  const char* schema = "CREATE TABLE p(id INTEGER PRIMARY KEY); CREATE TABLE c(p INTEGER REFERENCES p(id));";

  SECTION("a plain path loses its query and the options apply") {
    const auto store = open_store(path + "?_fk=1&_journal_mode=WAL");
    store->execute(schema);
    CHECK(gander::test::error_of([&] { store->execute("INSERT INTO c VALUES (1)"); }).message() ==
          "FOREIGN KEY constraint failed");
    CHECK(std::filesystem::exists(path));
    CHECK(std::filesystem::exists(path + "-wal"));
    CHECK(std::distance(std::filesystem::directory_iterator(dir.path()), {}) == 3);  // .db, -wal, -shm
  }
  SECTION("a file: URI with modernc's _pragma") {
    const auto store = open_store("file:" + path + "?_pragma=foreign_keys(1)");
    store->execute(schema);
    CHECK(gander::test::error_of([&] { store->execute("INSERT INTO c VALUES (1)"); }).kind() == ErrorKind::sql);
    CHECK(std::filesystem::exists(path));
  }
  SECTION("without options foreign keys are off as in SQLite") {
    const auto store = open_store(path);
    store->execute(schema);
    CHECK_NOTHROW(store->execute("INSERT INTO c VALUES (1)"));
  }
  SECTION("a bad option value is a config error") {
    const gander::Error error = gander::test::error_of([&] { open_store(path + "?_fk=maybe"); });
    CHECK(error.kind() == ErrorKind::config);
    CHECK_THAT(error.what(), Catch::Contains("_fk=maybe"));
  }
}

TEST_CASE("sqlite: another writer makes begin wait for the busy timeout and then fail with a lock error") {
  const gander::test::TempDir dir;
  const auto db = gander::test::make_sqlite_database(dir.path());
  sqlite3* raw = nullptr;
  REQUIRE(sqlite3_open(db->dsn().c_str(), &raw) == SQLITE_OK);
  const std::unique_ptr<sqlite3, decltype(&sqlite3_close)> holder(raw, &sqlite3_close);
  REQUIRE(sqlite3_exec(holder.get(), "BEGIN IMMEDIATE; CREATE TABLE held(x);", nullptr, nullptr, nullptr) == SQLITE_OK);

  SECTION("the holder keeps its transaction") {
    const auto store = open_store(db->dsn(), "schema_migrations", 200ms);
    const auto started = std::chrono::steady_clock::now();
    const gander::Error error = gander::test::error_of([&] { store->begin(); });
    CHECK(std::chrono::steady_clock::now() - started >= 150ms);
    CHECK(error.kind() == ErrorKind::lock);
    CHECK(error.message() ==
          "the database is locked by another writer: its transaction did not end within 0.2s (--lock-timeout)");
    // Nothing is left open: the store can be used once the holder is gone.
    REQUIRE(sqlite3_exec(holder.get(), "COMMIT", nullptr, nullptr, nullptr) == SQLITE_OK);
    store->begin();
    store->commit();
  }
  SECTION("the holder commits in time") {
    const auto store = open_store(db->dsn(), "schema_migrations", 5s);
    std::atomic<int> commit_code{-1};
    std::thread committer([&] {
      std::this_thread::sleep_for(100ms);
      commit_code = sqlite3_exec(holder.get(), "COMMIT", nullptr, nullptr, nullptr);
    });
    CHECK_NOTHROW(store->begin());
    committer.join();
    CHECK(commit_code == SQLITE_OK);
    store->execute("INSERT INTO held VALUES (1)");
    store->commit();
    CHECK(db->scalar("SELECT count(*) FROM held") == "1");
  }
}

TEST_CASE("sqlite: a statement past the statement timeout is interrupted and a lock wait does not count") {
  const gander::test::TempDir dir;
  const auto db = gander::test::make_sqlite_database(dir.path());
  gander::StoreOptions options;
  options.driver = "sqlite3";
  options.dsn = db->dsn();
  options.statement_timeout = 300ms;
  const auto store = gander::open_sqlite_store(options, gander::parse_table_name("schema_migrations", false));
  store->execute("CREATE TABLE t (id INTEGER)");

  SECTION("a long statement") {
    const auto started = std::chrono::steady_clock::now();
    const gander::Error error = gander::test::error_of([&] {
      store->execute(
          "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10000000000) "
          "SELECT count(*) FROM n");
    });
    CHECK(std::chrono::steady_clock::now() - started < 5s);
    CHECK(error.kind() == ErrorKind::sql);
    CHECK(error.message() == "exceeded --statement-timeout 0.3s");
    CHECK_NOTHROW(store->execute("INSERT INTO t VALUES (1)"));
  }
  SECTION("waiting for another writer") {
    sqlite3* raw = nullptr;
    REQUIRE(sqlite3_open(db->dsn().c_str(), &raw) == SQLITE_OK);
    const std::unique_ptr<sqlite3, decltype(&sqlite3_close)> holder(raw, &sqlite3_close);
    REQUIRE(sqlite3_exec(holder.get(), "BEGIN IMMEDIATE; INSERT INTO t VALUES (2);", nullptr, nullptr, nullptr) ==
            SQLITE_OK);
    std::thread committer([&] {
      std::this_thread::sleep_for(800ms);
      sqlite3_exec(holder.get(), "COMMIT", nullptr, nullptr, nullptr);
    });
    CHECK_NOTHROW(store->execute("INSERT INTO t VALUES (3)"));
    committer.join();
    CHECK(db->scalar("SELECT count(*) FROM t") == "2");
  }
}
