#include <gander/inspect.hpp>

#include <algorithm>
#include <filesystem>

#include <gander/checksum/checksum.hpp>
#include <gander/migration_name.hpp>

namespace gander {

InspectedMigration inspect_bytes(const std::string& name, const std::string& display_path, const std::string& bytes,
                                 const InspectOptions& options) {
  // goose would pass a NUL byte on, and every C client library then cuts the
  // statement short there: the database would run less than the file says.
  const std::size_t nul = bytes.find('\0');
  if (nul != std::string::npos) {
    const std::size_t newlines_before = static_cast<std::size_t>(
        std::count(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(nul), '\n'));
    throw Error(ErrorKind::parse, "a NUL byte: this is not a text file",
                ErrorContext{display_path, newlines_before + 1});
  }
  parser::ParseOptions parse_options;
  parse_options.env = options.env;
  parse_options.is_notx_name = is_notx_name(name);
  parse_options.is_strict = options.is_strict;
  parser::ParseResult parsed = parser::parse_migration(bytes, parse_options);
  if (parsed.error) {
    throw Error(ErrorKind::parse, parsed.error->message,
                ErrorContext{display_path, parsed.error->line});
  }
  return InspectedMigration{name, display_path, migration_version_if_valid(name), checksum::file_checksum(bytes),
                            std::move(parsed.migration)};
}

InspectedMigration inspect_file(const std::string& path, const InspectOptions& options) {
  return inspect_bytes(std::filesystem::path(path).filename().string(), path, read_file(path), options);
}

std::vector<ValidationEntry> validate_source(const MigrationSource& source, const InspectOptions& options) {
  std::vector<ValidationEntry> entries;
  for (const std::string& name : source.sql_file_names()) {
    ValidationEntry entry{name, source.display_path(name), std::nullopt, std::nullopt, std::nullopt};
    try {
      entry.version = migration_version(name);
      entry.inspected = inspect_bytes(name, entry.display_path, source.read(name), options);
    } catch (const Error& error) {
      entry.error = error.with_file(entry.display_path);
    }
    entries.push_back(std::move(entry));
  }
  std::sort(entries.begin(), entries.end(), [](const ValidationEntry& left, const ValidationEntry& right) {
    return listing_order_less(left.version, left.name, right.version, right.name);
  });
  return entries;
}

}  // namespace gander
