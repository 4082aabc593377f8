// How a SQLite DSN written for goose's Go drivers is opened.

#include "store/sqlite/sqlite_dsn.hpp"

#include <catch2/catch.hpp>
#include <gander/error.hpp>

using gander::detail::parse_sqlite_dsn;

TEST_CASE("parse_sqlite_dsn opens a plain path without its query and a file: URI as is") {
  struct Case {
    const char* dsn;
    const char* open_name;
    std::vector<std::string> pragmas;
  };
  const Case cases[] = {
      {"gander.db", "gander.db", {}},
      {"/var/lib/app/app.db", "/var/lib/app/app.db", {}},
      {":memory:", ":memory:", {}},
      {"", "", {}},
      {"gander.db?_fk=1", "gander.db", {"PRAGMA foreign_keys = ON"}},
      {"gander.db?_foreign_keys=off&_busy_timeout=5000", "gander.db", {"PRAGMA foreign_keys = OFF"}},
      {"gander.db?_journal=wal&cache=shared", "gander.db", {"PRAGMA journal_mode = wal"}},
      {"gander.db?_journal_mode=DELETE", "gander.db", {"PRAGMA journal_mode = delete"}},
      {"file:gander.db?mode=rwc&_fk=true", "file:gander.db?mode=rwc&_fk=true", {"PRAGMA foreign_keys = ON"}},
      {"file::memory:?cache=shared", "file::memory:?cache=shared", {}},
      {"app.db?_pragma=foreign_keys(1)&_pragma=cache_size(-2000)",
       "app.db",
       {"PRAGMA foreign_keys(1)", "PRAGMA cache_size(-2000)"}},
      {"app.db?_pragma=foreign_keys%281%29", "app.db", {"PRAGMA foreign_keys(1)"}},
      {"app.db?_pragma=legacy_alter_table", "app.db", {"PRAGMA legacy_alter_table"}},
      // As in the Go drivers, a leading '?' is part of the file name.
      {"?odd.db", "?odd.db", {}},
      {"gander.db?", "gander.db", {}},
  };
  for (const Case& c : cases) {
    INFO(c.dsn);
    const auto parsed = parse_sqlite_dsn(c.dsn);
    CHECK(parsed.open_name == c.open_name);
    CHECK(parsed.pragmas == c.pragmas);
  }
}

TEST_CASE("parse_sqlite_dsn refuses option values that would not be a plain PRAGMA") {
  for (const char* dsn :
       {"a.db?_fk=maybe", "a.db?_journal_mode=WAL;DROP TABLE x", "a.db?_pragma=foreign_keys(1);x", "a.db?_pragma=(1)",
        "a.db?_pragma=", "a.db?_pragma=x(1", "a.db?_pragma=x(a b)", "a.db?_journal=fast"}) {
    INFO(dsn);
    try {
      parse_sqlite_dsn(dsn);
      FAIL("accepted " << dsn);
    } catch (const gander::Error& error) {
      CHECK(error.kind() == gander::ErrorKind::config);
      CHECK_THAT(error.what(), Catch::StartsWith("invalid SQLite DSN option _"));
    }
  }
}
