#include "migration_set.hpp"

#include <algorithm>

#include <gander/checksum/checksum.hpp>
#include <gander/error.hpp>
#include <gander/migration_name.hpp>

namespace gander {

namespace {

std::string up_checksum_of(const parser::Migration& migration) {
  std::string joined;
  for (const parser::Statement& statement : migration.up) {
    if (!joined.empty()) joined += '\n';
    joined += statement.sql;
  }
  return checksum::sha256_hex(joined);
}

}  // namespace

MigrationSet::MigrationSet(const MigrationSource& source, const InspectOptions& options) {
  for (const std::string& name : source.sql_file_names()) {
    const std::string display_path = source.display_path(name);
    std::int64_t version = 0;
    try {
      version = migration_version(name);
    } catch (const Error& error) {
      throw error.with_file(display_path);
    }
    LoadedMigration loaded{source.read(name), {}, version, {}};
    loaded.inspected = inspect_bytes(name, display_path, loaded.bytes, options);
    loaded.up_checksum = up_checksum_of(loaded.inspected.migration);
    m_migrations.push_back(std::move(loaded));
  }
  std::sort(m_migrations.begin(), m_migrations.end(), [](const LoadedMigration& left, const LoadedMigration& right) {
    return migration_order_less(left.version, left.inspected.name, right.version, right.inspected.name);
  });
  for (std::size_t index = 0; index < m_migrations.size(); ++index) {
    m_index_by_name.emplace(m_migrations[index].inspected.name, index);
  }
}

std::vector<MigrationFile> MigrationSet::files() const {
  std::vector<MigrationFile> files;
  files.reserve(m_migrations.size());
  for (const LoadedMigration& loaded : m_migrations) {
    files.push_back({loaded.inspected.name, loaded.version, loaded.inspected.checksum, loaded.up_checksum,
                     loaded.bytes, loaded.inspected.migration.is_empty, loaded.inspected.migration.up.size()});
  }
  return files;
}

const LoadedMigration& MigrationSet::find(const std::string& name) const {
  const auto found = m_index_by_name.find(name);
  if (found != m_index_by_name.end()) return m_migrations[found->second];
  throw Error(ErrorKind::missing_file, "no migration file named " + name);
}

}  // namespace gander
