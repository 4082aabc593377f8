#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace gander::test {

// A PostgreSQL server of one test's own, which the test may stop and start
// without disturbing the shared server other tests use: a fresh cluster in
// a temporary directory on a free loopback port, run as the `postgres` user
// when the tests run as root (initdb refuses root). Without PostgreSQL's
// server binaries, the test fails under CI=true and is skipped elsewhere.
class PrivatePostgres {
 public:
  // initdb and start, with each of `settings` ("wal_writer_delay=10s")
  // given to the server as -c on every start. Fails the test when either fails.
  explicit PrivatePostgres(std::vector<std::string> settings = {});
  // Stops the server if it runs and removes its files.
  ~PrivatePostgres();
  PrivatePostgres(const PrivatePostgres&) = delete;
  PrivatePostgres& operator=(const PrivatePostgres&) = delete;

  // A libpq DSN for database `postgres` as the superuser `gander`.
  std::string dsn() const;

  void start();
  // `pg_ctl stop -m immediate`: every session is cut off at once, as in a crash.
  void stop_immediately();

 private:
  void pg_ctl(const std::vector<std::string>& args);

  std::vector<std::string> m_settings;
  std::filesystem::path m_bin;
  std::filesystem::path m_dir;
  int m_port = 0;
  bool m_is_running = false;
};

}  // namespace gander::test
