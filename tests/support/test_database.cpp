#include "test_database.hpp"

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <stdexcept>

#include <sqlite3.h>
#include <unistd.h>
#include <pqxx/pqxx>

#include <catch2/catch.hpp>

#include "shared_data.hpp"

namespace gander::test {

namespace {

class SqliteDatabase final : public TestDatabase {
 public:
  explicit SqliteDatabase(std::filesystem::path path) : m_path(std::move(path)) {}

  std::string driver() const override { return "sqlite3"; }
  std::string dsn() const override { return m_path.string(); }

  std::vector<Row> query(const std::string& sql) override {
    sqlite3* db = nullptr;
    if (sqlite3_open(m_path.c_str(), &db) != SQLITE_OK) {
      const std::string message = sqlite3_errmsg(db);
      sqlite3_close(db);
      throw std::runtime_error("test: cannot open " + m_path.string() + ": " + message);
    }
    // The test inspects while gander writes: wait out a commit in progress
    // rather than fail the test with "database is locked".
    sqlite3_busy_timeout(db, 10000);
    std::vector<Row> rows;
    const char* tail = sql.c_str();
    std::string error;
    while (error.empty() && *tail != '\0') {
      sqlite3_stmt* statement = nullptr;
      if (sqlite3_prepare_v2(db, tail, -1, &statement, &tail) != SQLITE_OK) {
        error = sqlite3_errmsg(db);
        break;
      }
      if (statement == nullptr) continue;
      rows.clear();
      int step = SQLITE_ROW;
      while ((step = sqlite3_step(statement)) == SQLITE_ROW) {
        Row row;
        for (int column = 0; column < sqlite3_column_count(statement); ++column) {
          const unsigned char* text = sqlite3_column_text(statement, column);
          row.push_back(text == nullptr ? std::nullopt
                                        : std::optional<std::string>(reinterpret_cast<const char*>(text)));
        }
        rows.push_back(std::move(row));
      }
      if (step != SQLITE_DONE) error = sqlite3_errmsg(db);
      sqlite3_finalize(statement);
    }
    sqlite3_close(db);
    if (!error.empty()) throw std::runtime_error("test: SQLite: " + error + " in: " + sql);
    return rows;
  }

 private:
  std::filesystem::path m_path;
};

bool has_postgres_server() {
  return std::getenv("PGHOST") != nullptr && std::getenv("PGPORT") != nullptr && std::getenv("PGUSER") != nullptr;
}

// libpq takes the host, port and user from the environment.
std::string postgres_server_dsn(const std::string& database) { return "dbname=" + database; }

class PostgresDatabase final : public TestDatabase {
 public:
  PostgresDatabase() {
    static std::atomic<int> counter{0};
    m_name = "gander_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++);
    pqxx::connection admin(postgres_server_dsn("postgres"));
    pqxx::nontransaction create(admin);
    create.exec("DROP DATABASE IF EXISTS " + m_name);
    create.exec("CREATE DATABASE " + m_name);
  }

  ~PostgresDatabase() override {
    try {
      pqxx::connection admin(postgres_server_dsn("postgres"));
      pqxx::nontransaction drop(admin);
      drop.exec("DROP DATABASE IF EXISTS " + m_name + " WITH (FORCE)");
    } catch (const std::exception& error) {
      std::cerr << "test: could not drop database " << m_name << ": " << error.what() << "\n";
    }
  }

  std::string driver() const override { return "postgres"; }
  std::string dsn() const override { return postgres_server_dsn(m_name); }

  std::vector<Row> query(const std::string& sql) override {
    pqxx::connection connection(dsn());
    pqxx::nontransaction work(connection);
    const pqxx::result result = work.exec(sql);
    std::vector<Row> rows;
    for (const pqxx::row& source : result) {
      Row row;
      for (const pqxx::field& field : source) {
        row.push_back(field.is_null() ? std::nullopt : std::optional<std::string>(field.c_str()));
      }
      rows.push_back(std::move(row));
    }
    return rows;
  }

 private:
  std::string m_name;
};

}  // namespace

std::optional<std::string> TestDatabase::scalar(const std::string& sql) {
  const std::vector<Row> rows = query(sql);
  if (rows.size() != 1 || rows.front().size() != 1) {
    throw std::runtime_error("test: expected one value from: " + sql);
  }
  return rows.front().front();
}

std::unique_ptr<TestDatabase> make_sqlite_database(const std::filesystem::path& dir) {
  // An empty file is an empty database; it must exist, as gander's read-only
  // commands create none.
  const std::filesystem::path path = dir / "test.db";
  std::ofstream(path, std::ios::binary);
  return std::make_unique<SqliteDatabase>(path);
}

std::unique_ptr<TestDatabase> make_postgres_database() {
  if (!has_postgres_server()) {
    const std::string message =
        "no PostgreSQL server (PGHOST, PGPORT and PGUSER are not set; ./tools/test starts one); this test did not run";
    const char* ci = std::getenv("CI");
    if (ci != nullptr && std::string(ci) == "true") FAIL(message);
    std::cerr << "\n*** SKIPPED: " << message << " ***\n\n";
    std::exit(k_skip_exit_code);
  }
  return std::make_unique<PostgresDatabase>();
}

std::unique_ptr<TestDatabase> make_test_database(const std::string& driver, const std::filesystem::path& dir) {
  if (driver == "postgres") return make_postgres_database();
  if (driver == "sqlite3") return make_sqlite_database(dir);
  throw std::invalid_argument("test: unknown driver " + driver);
}

}  // namespace gander::test
