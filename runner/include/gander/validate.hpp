#pragma once

// Whether every migration of a source is well-formed (`gander validate`),
// read and parsed as a run would, without a database.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <gander/error.hpp>
#include <gander/inspect.hpp>
#include <gander/migration_source.hpp>

namespace gander {

// One file of validate_source(): exactly one of `inspected` and `error` is set.
struct ValidationEntry {
  std::string name;
  std::string display_path;
  std::optional<std::int64_t> version;            // none when the name carries no valid version
  std::unique_ptr<InspectedMigration> inspected;  // set when the file is valid
  std::unique_ptr<Error> error;                   // set when it is not
};

// Every *.sql file of `source` in migration order, then the files whose
// names carry no valid version. Problems are collected, not thrown, so that
// every bad file is reported. Throws Error{config} only when the source
// itself cannot be listed.
std::vector<ValidationEntry> validate_source(const MigrationSource& source, const InspectOptions& options);

}  // namespace gander
