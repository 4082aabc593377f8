#pragma once

// Reading one migration without a database: how gander parses and
// checksums a file (`gander show`). validate.hpp does it for a whole source.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <gander/error.hpp>
#include <gander/migration_source.hpp>
#include <gander/parser/migration.hpp>

namespace gander {

struct InspectOptions {
  parser::EnvLookup env;  // ENVSUB values; see process_env()
  bool strict = false;    // refuse plain (annotation-free) files, as goose does
};

// Looks variables up in this process's environment (unset and empty differ).
parser::EnvLookup process_env();

struct InspectedMigration {
  std::string name;                     // the file name: the migration's identity
  std::string display_path;             // how messages name the file
  std::optional<std::int64_t> version;  // none when the name carries no valid version
  std::string checksum;                 // docs/file-format.md, "Checksums", of the bytes as stored
  parser::Migration migration;          // empty for a Go migration
  // A goose Go migration (is_go_migration_name): listed and tracked, never
  // run by gander, and never parsed.
  bool is_go = false;
  // Error{parse} with the file and line when only the Down section is
  // malformed (parser::ParseResult::down_error): going up works, rolling
  // this migration back is refused.
  std::optional<Error> down_error;
};

// Parses and checksums the bytes of one migration file. Throws Error{parse}
// with the file and line on a format error that concerns going up; one that
// concerns only the Down section is kept in `down_error`. A Go migration's
// bytes are only checksummed.
InspectedMigration inspect_bytes(const std::string& name, const std::string& display_path, std::string_view bytes,
                                 const InspectOptions& options);

// Reads `path` and inspects it. Throws Error{config} when the file cannot be
// read and Error{parse} when it is malformed.
InspectedMigration inspect_file(const std::string& path, const InspectOptions& options);

}  // namespace gander
