// A service's startup against an installed gander: apply the migrations
// compiled into this binary to a SQLite database, then print what the
// tracking table holds, one "<name> <state> <checksum>" line per migration.
// Usage: consumer DATABASE_FILE. Exits 1 on gander::Error.

#include <iostream>

#include <gander/embedded_source.hpp>
#include <gander/migrator.hpp>

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: consumer DATABASE_FILE\n";
    return 2;
  }
  try {
    gander::Options options;
    options.driver = "sqlite3";
    options.dsn = argv[1];
    options.source = gander::embedded_migrations();
    gander::Migrator migrator(options);
    const gander::RunResult result = migrator.up();
    for (const gander::Step& step : result.steps) std::cout << "applied " << step.name << "\n";
    const gander::Plan plan = migrator.status();
    for (const gander::PlannedMigration& planned : plan.migrations) {
      std::cout << planned.name << " " << gander::to_string(planned.state) << " " << planned.db_checksum.value_or("-")
                << "\n";
    }
  } catch (const gander::Error& error) {
    std::cerr << "consumer: " << error.what() << "\n";
    return 1;
  }
  return 0;
}
