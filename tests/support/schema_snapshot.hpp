#pragma once

// A database's schema as text, to compare the schema a directory builds with
// the one it rebuilds after rolling back and applying again: a Down section
// that misses something shows up as a difference, wherever gander's own
// tracking rows say all is well.

#include <string>
#include <vector>

#include "test_database.hpp"

namespace gander::test {

// PostgreSQL: the lines of `pg_dump --schema-only` (the server's own account
// of every object, ordered by pg_dump, not by creation order or OID), from
// the newest pg_dump under /usr/lib/postgresql/*/bin, minus the
// `\restrict <key>` / `\unrestrict <key>` lines whose key is random per run
// (pg_dump 15.14 and later). SQLite: one entry per sqlite_master row,
// "type|name|tbl_name|sql", ordered by type and name (ALTER TABLE rewrites
// the stored CREATE text, so that text is the schema). On both, gander's
// tracking table `tracking_table` (and its `<table>_lock` table) is left out:
// it is gander's bookkeeping, not the schema under test.
std::vector<std::string> schema_snapshot(TestDatabase& database,
                                         const std::string& tracking_table = "schema_migrations");

// What two snapshots do not share, entry by entry (as multisets, in each
// snapshot's order), for a readable failure and for asserting a known
// difference exactly.
struct SnapshotDifference {
  std::vector<std::string> only_before;
  std::vector<std::string> only_after;
};
SnapshotDifference compare_snapshots(const std::vector<std::string>& before, const std::vector<std::string>& after);

// The difference as text, at most `limit` entries per side.
std::string describe(const SnapshotDifference& difference, std::size_t limit = 20);

}  // namespace gander::test
