// A service that brings its database up to date before it serves.
#include <chrono>
#include <iostream>
#include <string>

#include <gander/embedded_source.hpp>
#include <gander/migrator.hpp>

int main(int argc, char** argv) {
  gander::Options options;
  options.dsn = argc > 1 ? argv[1] : "app.db";         // a SQLite path, or a PostgreSQL URL or key=value string
  options.source = gander::embedded_migrations();      // compiled in by gander_embed_migrations()
  options.connect_timeout = std::chrono::seconds(30);  // the database may still be starting
  options.on_progress = [](const gander::ProgressEvent& event) {
    if (event.kind == gander::ProgressEvent::Kind::finished) {
      std::cerr << "applied " << event.name << " in " << event.elapsed_ms << " ms\n";
    } else if (event.kind == gander::ProgressEvent::Kind::waiting_for_lock) {
      std::cerr << "another replica is migrating; waiting for " << event.detail << "\n";
    }
  };
  try {
    gander::Migrator migrator(options);
    const gander::UpResult result = migrator.up();
    std::cerr << "schema at version " << result.version.value_or(0) << "\n";
  } catch (const gander::Error& error) {
    // Refuse to start: a modified or missing migration, a lock timeout, a failed statement...
    std::cerr << "refusing to start (" << gander::to_string(error.kind()) << "): " << error.what() << "\n";
    return error.kind() == gander::ErrorKind::lock ? 4 : 3;
  }
  // ... serve
  return 0;
}
