#pragma once

// The one way the runner lists a source: every migration file, in the order
// migrations run. Loading, validation, lint, the sum file and verify all
// start from it.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <gander/migration_source.hpp>

namespace gander {

struct ListedFile {
  std::string name;
  std::string display_path;             // as messages name it, e.g. "migrations/00001_init.sql"
  std::optional<std::int64_t> version;  // none when the name carries no valid version
};

// Every migration file of `source` in listing order (listing_order_less: by
// version, then by name; names without a version last). Throws as
// MigrationSource::migration_file_names does.
std::vector<ListedFile> list_in_order(const MigrationSource& source);

}  // namespace gander
