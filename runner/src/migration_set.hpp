#pragma once

// Every migration of a source, read, parsed and checksummed once per run.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <gander/inspect.hpp>
#include <gander/migration_source.hpp>
#include <gander/planner.hpp>

namespace gander {

struct LoadedMigration {
  std::string bytes;  // as stored; the checksums cover these
  InspectedMigration inspected;
  std::int64_t version = 0;
  std::string up_checksum;  // DESIGN §3: SHA-256 of the up statements joined by '\n'
};

class MigrationSet {
 public:
  // Reads every *.sql file of `source`. Throws the first Error{parse} (a
  // malformed file or a name without a version), naming the file, or
  // Error{config} when the source cannot be read.
  MigrationSet(const MigrationSource& source, const InspectOptions& options);

  // In migration order.
  const std::vector<LoadedMigration>& migrations() const { return m_migrations; }
  // For the planner; the views point into this set, which must outlive them.
  std::vector<MigrationFile> files() const;
  // Throws Error{missing_file} when no file has this name.
  const LoadedMigration& find(const std::string& name) const;

 private:
  std::vector<LoadedMigration> m_migrations;
  std::map<std::string, std::size_t> m_index_by_name;
};

}  // namespace gander
