// example-service: how a C++ service runs gander on startup. It embeds the
// sample migrations (tools/example-service/CMakeLists.txt), brings the
// database up to date before it serves, and refuses to start when an applied
// migration no longer matches the one it carries. Then it does its one piece
// of work: it reads a setting that a migration inserted.
//
//   example-service --db ./shop.db
//   example-service --db "host=db user=shop dbname=shop"   # PostgreSQL
//
// Any number of replicas may start at once: the migration lock lets one
// apply the migrations while the others wait, and replicas that find the
// database up to date start without waiting.

#include <chrono>
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>

#include <gander/migrator.hpp>

#include "settings.hpp"

namespace example {
std::shared_ptr<const gander::MigrationSource> sqlite_migrations();
std::shared_ptr<const gander::MigrationSource> postgres_migrations();
}  // namespace example

namespace {

void log(const std::string& line) { std::cerr << "example-service: " << line << std::endl; }

void log_progress(const gander::ProgressEvent& event) {
  using Kind = gander::ProgressEvent::Kind;
  switch (event.kind) {
    case Kind::waiting_for_database: log("database not reachable yet, retrying: " + event.detail); break;
    case Kind::waiting_for_lock:
      log("another replica is migrating; waiting for the lock held by " + event.detail);
      break;
    case Kind::started: log("migration " + event.name + " started"); break;
    case Kind::finished:
      log("migration " + event.name + " applied in " + std::to_string(event.elapsed_ms) + " ms");
      break;
    case Kind::warning: log("warning: " + event.detail); break;
    case Kind::baselined: log(event.detail); break;
  }
}

// Startup fails closed: an operator reads the reason and the remedy in the
// log, and the orchestrator sees a distinct exit code.
int refuse_to_start(const gander::Error& error) {
  switch (error.kind()) {
    case gander::ErrorKind::checksum_mismatch:
    case gander::ErrorKind::missing_file:
    case gander::ErrorKind::partial:
      log(std::string("refusing to start (") + gander::to_string(error.kind()) + "): " + error.what());
      log("this build's migrations differ from what the database has applied, and nothing was applied: deploy "
          "the build that applied them, or ship the change as a new migration; 'gander status' lists them all");
      return 3;
    case gander::ErrorKind::lock: log(std::string("refusing to start: ") + error.what()); return 4;
    default:
      log(std::string("refusing to start: migrations failed (") + gander::to_string(error.kind()) +
          "): " + error.what());
      return 1;
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3 || std::string(argv[1]) != "--db") {
    std::fprintf(stderr, "usage: example-service --db DSN (a SQLite path, or a libpq URL or key=value string)\n");
    return 2;
  }
  const std::string dsn = argv[2];

  gander::Options options;
  // No driver: gander tells PostgreSQL from SQLite by the DSN's shape.
  options.dsn = dsn;
  options.connect_timeout = std::chrono::seconds(30);  // the database may still be starting
  options.on_progress = log_progress;
  bool is_postgres = false;
  try {
    // This service carries migrations for each database.
    is_postgres = gander::driver_for_dsn(dsn) == gander::Driver::postgres;
    options.source = is_postgres ? example::postgres_migrations() : example::sqlite_migrations();
    gander::Migrator migrator(options);
    const gander::UpResult result = migrator.up();
    log("schema at version " + std::to_string(result.version.value_or(0)) + " (" + std::to_string(result.steps.size()) +
        " migrations applied in " + std::to_string(result.elapsed_ms) + " ms)");
  } catch (const gander::Error& error) {
    return refuse_to_start(error);
  }

  try {
    log("ready; support e-mail is " + example::support_email(is_postgres ? "postgres" : "sqlite3", dsn));
  } catch (const std::exception& error) {
    log(std::string("cannot read the settings: ") + error.what());
    return 1;
  }
  return 0;
}
