// The Migrator as a service calls it: progress events, the lock-free return
// of an up-to-date database, verify(), waiting for a database that is not up
// yet, a statement past statement_timeout, the driver a DSN names, and
// read-only operations that create no database. Every test runs on a real
// SQLite file and, where it needs a server, a real PostgreSQL database.

#include <gander/migrator.hpp>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <functional>
#include <thread>

#include <catch2/catch.hpp>

#include "error_of.hpp"
#include "store/store.hpp"
#include "temp_dir.hpp"
#include "test_database.hpp"

namespace {

using namespace std::chrono_literals;
using gander::ErrorKind;
using gander::ProgressEvent;
using Clock = std::chrono::steady_clock;

std::string create_table_migration(const std::string& table) {
  return "-- +goose Up\nCREATE TABLE " + table + " (id INTEGER);\n-- +goose Down\nDROP TABLE " + table + ";\n";
}

gander::Options options_for(const gander::test::TestDatabase& database, const std::filesystem::path& dir,
                            std::vector<ProgressEvent>* events = nullptr) {
  gander::Options options;
  options.driver = database.driver();
  options.dsn = database.dsn();
  options.dir = dir.string();
  if (events != nullptr) options.on_progress = [events](const ProgressEvent& event) { events->push_back(event); };
  return options;
}

// Holds the migration lock of `database` as another replica would.
std::unique_ptr<gander::StoreLock> hold_lock(gander::Store& store) {
  gander::LockOptions lock_options;
  lock_options.timeout = 1s;
  return store.lock(lock_options);
}

std::unique_ptr<gander::Store> open_store(const gander::test::TestDatabase& database) {
  gander::StoreOptions store_options;
  store_options.driver = database.driver();
  store_options.dsn = database.dsn();
  return gander::open_store(store_options);
}

std::size_t count_events(const std::vector<ProgressEvent>& events, ProgressEvent::Kind kind) {
  return static_cast<std::size_t>(
      std::count_if(events.begin(), events.end(), [kind](const ProgressEvent& event) { return event.kind == kind; }));
}

}  // namespace

TEST_CASE("up reports each migration as it starts and, once it is committed, as finished") {
  const std::string driver = GENERATE(as<std::string>{}, "sqlite3", "postgres");
  const gander::test::TempDir dir;
  const auto database = gander::test::make_test_database(driver, dir.path());
  const std::vector<std::string> names = {"00001_a.sql", "00002_b.sql", "00003_c.sql"};
  for (const std::string& name : names) dir.write("migrations/" + name, create_table_migration(name.substr(6, 1)));
  std::vector<ProgressEvent> events;
  std::vector<std::string> rows_when_finished;  // another session's view of the tracking row
  gander::Options options = options_for(*database, dir.path() / "migrations");
  options.on_progress = [&](const ProgressEvent& event) {
    events.push_back(event);
    if (event.kind == ProgressEvent::Kind::finished) {
      rows_when_finished.push_back(
          *database->scalar("SELECT count(*) FROM schema_migrations WHERE filename = '" + event.name + "'"));
    }
  };
  gander::Migrator migrator(options);
  const gander::UpResult result = migrator.up();

  REQUIRE(events.size() == 6);
  std::vector<std::string> started;
  std::vector<std::string> finished;
  for (std::size_t index = 0; index < events.size(); ++index) {
    const ProgressEvent& event = events[index];
    if (event.kind == ProgressEvent::Kind::started) {
      started.push_back(event.name);
    } else {
      // Each finishes after it started, in order, with the step's time.
      REQUIRE(event.kind == ProgressEvent::Kind::finished);
      CHECK(finished.size() < started.size());
      CHECK(event.elapsed_ms == result.steps.at(finished.size()).elapsed_ms);
      finished.push_back(event.name);
    }
  }
  CHECK(started == names);
  CHECK(finished == names);
  CHECK(rows_when_finished == std::vector<std::string>{"1", "1", "1"});
  CHECK(result.version == 3);
}

TEST_CASE("an up-to-date database returns from up at once while another replica holds the lock") {
  const std::string driver = GENERATE(as<std::string>{}, "sqlite3", "postgres");
  const gander::test::TempDir dir;
  const auto database = gander::test::make_test_database(driver, dir.path());
  dir.write("migrations/00001_a.sql", create_table_migration("a"));
  gander::Migrator(options_for(*database, dir.path() / "migrations")).up();

  const auto other_replica = open_store(*database);
  const auto lock = hold_lock(*other_replica);
  std::vector<ProgressEvent> events;
  gander::Options options = options_for(*database, dir.path() / "migrations", &events);
  options.lock_timeout = 300ms;
  const gander::UpResult result = gander::Migrator(options).up();
  CHECK(result.steps.empty());
  CHECK(result.version == 1);
  CHECK(events.empty());

  SECTION("a pending file makes it wait for the lock") {
    dir.write("migrations/00002_b.sql", create_table_migration("b"));
    const gander::Error error = gander::test::error_of([&] { gander::Migrator(options).up(); });
    CHECK(error.kind() == ErrorKind::lock);
    CHECK(count_events(events, ProgressEvent::Kind::waiting_for_lock) == 1);
    CHECK(*database->scalar("SELECT count(*) FROM schema_migrations") == "1");
  }
  SECTION("a partial row makes it wait for the lock instead of refusing without it") {
    database->exec("UPDATE schema_migrations SET state = 'partial'");
    const gander::Error error = gander::test::error_of([&] { gander::Migrator(options).up(); });
    CHECK(error.kind() == ErrorKind::lock);
    CHECK(count_events(events, ProgressEvent::Kind::waiting_for_lock) == 1);
  }
  SECTION("a modified file is decided under the lock too") {
    dir.write("migrations/00001_a.sql", create_table_migration("a") + "-- edited\n");
    CHECK(gander::test::error_of([&] { gander::Migrator(options).up(); }).kind() == ErrorKind::lock);
  }
}

TEST_CASE("verify reads without a lock and throws what up would refuse") {
  const std::string driver = GENERATE(as<std::string>{}, "sqlite3", "postgres");
  const gander::test::TempDir dir;
  const auto database = gander::test::make_test_database(driver, dir.path());
  dir.write("migrations/00001_a.sql", create_table_migration("a"));
  const gander::Options options = options_for(*database, dir.path() / "migrations");

  // A fresh database: all pending, which is not an integrity problem, and
  // verify creates no tracking table.
  CHECK(gander::Migrator(options).verify().migrations.at(0).state == gander::MigrationState::pending);
  CHECK(database
            ->query(driver == "postgres" ? "SELECT 1 FROM pg_tables WHERE tablename = 'schema_migrations'"
                                         : "SELECT 1 FROM sqlite_master WHERE name = 'schema_migrations'")
            .empty());

  gander::Migrator(options).up();
  const auto other_replica = open_store(*database);
  const auto lock = hold_lock(*other_replica);
  dir.write("migrations/00002_b.sql", create_table_migration("b"));
  const gander::Plan plan = gander::Migrator(options).verify();
  CHECK(plan.migrations.at(0).state == gander::MigrationState::applied);
  CHECK(plan.migrations.at(1).state == gander::MigrationState::pending);

  dir.write("migrations/00001_a.sql", create_table_migration("a") + "-- edited\n");
  const gander::Error error = gander::test::error_of([&] { gander::Migrator(options).verify(); });
  CHECK(error.kind() == ErrorKind::checksum_mismatch);
  CHECK_THAT(error.what(), Catch::Contains("00001_a.sql"));
}

TEST_CASE("connect_timeout retries a database that is not there yet and then connects") {
  const gander::test::TempDir dir;
  dir.write("migrations/00001_a.sql", create_table_migration("a"));
  // SQLite cannot create a file in a directory that does not exist yet.
  const std::filesystem::path data_dir = dir.path() / "data";
  std::vector<ProgressEvent> events;
  gander::Options options;
  options.dsn = (data_dir / "app.db").string();
  options.dir = (dir.path() / "migrations").string();
  options.connect_timeout = 10s;
  options.on_progress = [&events](const ProgressEvent& event) { events.push_back(event); };
  std::thread provisioner([&] {
    std::this_thread::sleep_for(400ms);
    std::filesystem::create_directory(data_dir);
  });
  const gander::UpResult result = gander::Migrator(options).up();
  provisioner.join();
  CHECK(result.steps.size() == 1);
  REQUIRE(count_events(events, ProgressEvent::Kind::waiting_for_database) == 1);
  CHECK_THAT(events.front().detail, Catch::Contains("cannot open SQLite database"));
}

TEST_CASE("connect_timeout gives up with a connection error that counts the attempts") {
  const gander::test::TempDir dir;
  dir.write("migrations/00001_a.sql", create_table_migration("a"));
  std::vector<ProgressEvent> events;
  gander::Options options;
  options.driver = "postgres";
  // Port 1 on loopback refuses at once: no server is needed.
  options.dsn = "host=127.0.0.1 port=1 dbname=app user=app password=s3cret";
  options.dir = (dir.path() / "migrations").string();
  options.on_progress = [&events](const ProgressEvent& event) { events.push_back(event); };

  SECTION("zero tries once") {
    const gander::Error error = gander::test::error_of([&] { gander::Migrator(options).up(); });
    CHECK(error.kind() == ErrorKind::connection);
    CHECK_THAT(error.what(), !Catch::Contains("gave up"));
    CHECK(events.empty());
  }
  SECTION("a timeout retries with backoff until it runs out") {
    options.connect_timeout = 700ms;
    const Clock::time_point start = Clock::now();
    const gander::Error error = gander::test::error_of([&] { gander::Migrator(options).up(); });
    CHECK(Clock::now() - start >= 700ms);
    CHECK(Clock::now() - start < 5s);
    CHECK(error.kind() == ErrorKind::connection);
    // 100 + 200 + 400 ms of backoff fit in 700 ms: four attempts.
    CHECK_THAT(error.what(), Catch::Contains("gave up after 4 attempts"));
    CHECK_THAT(error.what(), !Catch::Contains("s3cret"));
    CHECK(count_events(events, ProgressEvent::Kind::waiting_for_database) == 1);
  }
  SECTION("cancel ends the wait") {
    options.connect_timeout = 60s;
    gander::Migrator migrator(options);
    std::thread canceller([&] {
      std::this_thread::sleep_for(300ms);
      migrator.cancel();
    });
    const Clock::time_point start = Clock::now();
    const gander::Error error = gander::test::error_of([&] { migrator.up(); });
    canceller.join();
    CHECK(Clock::now() - start < 5s);
    CHECK(error.kind() == ErrorKind::connection);
    CHECK_THAT(error.what(), Catch::Contains("interrupted while waiting for the database"));
  }
}

TEST_CASE("statement_timeout stops a long statement and up throws Error{sql} with nothing recorded") {
  const std::string driver = GENERATE(as<std::string>{}, "sqlite3", "postgres");
  const gander::test::TempDir dir;
  const auto database = gander::test::make_test_database(driver, dir.path());
  dir.write("migrations/00001_slow.sql",
            "-- +goose Up\nCREATE TABLE started (id INTEGER);\n" +
                std::string(driver == "postgres" ? "SELECT pg_sleep(30);"
                                                 : "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c "
                                                   "WHERE x < 500000000) SELECT count(*) FROM c;") +
                "\n");
  gander::Options options = options_for(*database, dir.path() / "migrations");
  options.statement_timeout = 500ms;
  const Clock::time_point start = Clock::now();
  const gander::Error error = gander::test::error_of([&] { gander::Migrator(options).up(); });
  CHECK(Clock::now() - start < 10s);
  CHECK(error.kind() == ErrorKind::sql);
  CHECK(error.context().statement_index == std::optional<std::size_t>(2));
  CHECK_THAT(error.message(), Catch::Contains("exceeded --statement-timeout 0.5s"));
  CHECK(*database->scalar("SELECT count(*) FROM schema_migrations") == "0");
}

namespace {

// Runs the test in `dir`, where SQLite would create a file named by a
// relative DSN, and goes back at scope end.
class WorkingDirectory {
 public:
  explicit WorkingDirectory(const std::filesystem::path& dir) : m_previous(std::filesystem::current_path()) {
    std::filesystem::current_path(dir);
  }
  ~WorkingDirectory() { std::filesystem::current_path(m_previous); }
  WorkingDirectory(const WorkingDirectory&) = delete;
  WorkingDirectory& operator=(const WorkingDirectory&) = delete;

 private:
  std::filesystem::path m_previous;
};

std::vector<std::string> entries_of(const std::filesystem::path& dir) {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace

TEST_CASE("a Migrator given only a PostgreSQL DSN connects to PostgreSQL, never to a SQLite file named after it") {
  const gander::test::TempDir dir;
  dir.write("migrations/00001_a.sql", create_table_migration("a"));
  const WorkingDirectory in_dir(dir.path());
  // Port 1 on loopback refuses at once: no server is needed.
  for (const std::string dsn :
       {"host=127.0.0.1 port=1 dbname=app user=app password=zq7pw", "postgres://app:zq7pw@127.0.0.1:1/app"}) {
    INFO(dsn);
    gander::Options options;
    options.dsn = dsn;
    options.dir = "migrations";
    const gander::Error error = gander::test::error_of([&] { gander::Migrator(options).up(); });
    CHECK(error.kind() == ErrorKind::connection);
    CHECK_THAT(error.what(), Catch::StartsWith("cannot connect to PostgreSQL") && !Catch::Contains("zq7pw"));
  }
  CHECK(entries_of(dir.path()) == std::vector<std::string>{"migrations"});
}

TEST_CASE("a Migrator refuses a URL whose scheme gander does not serve, and a PostgreSQL DSN for SQLite") {
  const gander::test::TempDir dir;
  dir.write("migrations/00001_a.sql", create_table_migration("a"));
  const WorkingDirectory in_dir(dir.path());
  struct Case {
    const char* driver;
    const char* dsn;
  };
  for (const Case& c :
       {Case{"", "mysql://app:zq7pw@127.0.0.1:1/app"}, Case{"", "postgress://app:zq7pw@127.0.0.1:1/app"},
        Case{"", "PostgreSQL://app:zq7pw@127.0.0.1:1/app"}, Case{"sqlite3", "host=127.0.0.1 port=1 password=zq7pw"}}) {
    INFO(c.driver << " " << c.dsn);
    gander::Options options;
    options.driver = c.driver;
    options.dsn = c.dsn;
    options.dir = "migrations";
    const gander::Error error = gander::test::error_of([&] { gander::Migrator(options).up(); });
    CHECK(error.kind() == ErrorKind::config);
    CHECK_THAT(error.what(), !Catch::Contains("zq7pw"));
  }
  CHECK(entries_of(dir.path()) == std::vector<std::string>{"migrations"});
}

TEST_CASE("status, verify, version, amendment_for and dry runs never create a missing SQLite file") {
  const gander::test::TempDir dir;
  dir.write("migrations/00001_a.sql", create_table_migration("a"));
  gander::Options options;
  options.dsn = (dir.path() / "app.db").string();
  options.dir = (dir.path() / "migrations").string();
  const auto refuses = [&](const std::function<void(gander::Migrator&)>& operation) {
    gander::Migrator migrator(options);
    const gander::Error error = gander::test::error_of([&] { operation(migrator); });
    CHECK(error.kind() == ErrorKind::connection);
    CHECK_THAT(error.what(), Catch::Contains(options.dsn) && Catch::Contains("does not exist"));
    CHECK_FALSE(std::filesystem::exists(options.dsn));
  };
  refuses([](gander::Migrator& migrator) { migrator.status(); });
  refuses([](gander::Migrator& migrator) { migrator.verify(); });
  refuses([](gander::Migrator& migrator) { migrator.version(); });
  refuses([](gander::Migrator& migrator) { migrator.amendment_for("00001_a.sql", "why"); });
  options.dry_run = true;
  refuses([](gander::Migrator& migrator) { migrator.up(); });
  refuses([](gander::Migrator& migrator) { migrator.down(); });
  refuses([](gander::Migrator& migrator) { migrator.redo(); });
  refuses([](gander::Migrator& migrator) { migrator.reset(); });
  refuses([](gander::Migrator& migrator) { migrator.resolve("00001_a.sql", gander::Resolution::applied); });

  // A command that changes the database creates it, and the same Migrator reads it afterwards.
  options.dry_run = false;
  gander::Migrator migrator(options);
  CHECK(migrator.up().steps.size() == 1);
  CHECK(migrator.status().migrations.size() == 1);
}
