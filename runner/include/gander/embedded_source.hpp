#pragma once

// Migrations compiled into a service binary (docs/library.md). The CMake function
// gander_embed_migrations(<target> <dir>) turns every *.sql file of a
// directory into a generated source holding an array of EmbeddedFile and a
// function that returns a MigrationSource over it; pass that source as
// Options::source. The bytes are embedded exactly as stored, so checksums
// computed from them at run time equal those of the files on disk.

#include <cstddef>
#include <memory>
#include <string>

#include <gander/migration_source.hpp>

namespace gander {

// One embedded file. `name` is NUL-terminated; `bytes` holds `size` bytes,
// which may include NUL.
struct EmbeddedFile {
  const char* name;
  const char* bytes;
  std::size_t size;
};

// A source over `files[0..count)`. Names that do not end in ".sql" are
// ignored. `dir_name` is the embedded directory's base name: location() is
// "embedded:<dir_name>" and display_path(name) is "<dir_name>/<name>".
// Nothing is copied: the array, names and bytes must outlive the source
// (generated sources keep them in static storage). read() of a name the
// source does not list throws Error{config}. Throws Error{config} when two
// files share a name.
std::shared_ptr<const MigrationSource> open_embedded_source(std::string dir_name, const EmbeddedFile* files,
                                                            std::size_t count);

// The migrations embedded by gander_embed_migrations() without FUNCTION;
// defined by the source that gander_embed_migrations() generates, so linking
// fails when no target embeds them. Returns the same source on every call.
std::shared_ptr<const MigrationSource> embedded_migrations();

}  // namespace gander
