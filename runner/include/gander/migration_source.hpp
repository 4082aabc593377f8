#pragma once

// Where migration files come from. A source lists file names and reads
// bytes; it knows nothing about the format. The directory source reads a
// folder on disk; embedded sources (compiled into a service) implement the
// same interface.

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace gander {

class MigrationSource {
 public:
  virtual ~MigrationSource() = default;

  // Where the migrations live, for messages (e.g. "migrations").
  virtual std::string location() const = 0;

  // The names of every migration file (is_migration_file_name: *.sql files
  // and goose Go migrations), sorted bytewise. Other files are ignored.
  // Throws Error{io} when the source cannot be listed.
  virtual std::vector<std::string> migration_file_names() const = 0;

  // The bytes of one file as stored. Throws Error{config} naming the file
  // when it does not exist or is not a regular file, Error{io} when it
  // cannot be read.
  virtual std::string read(const std::string& name) const = 0;

  // How to show a file to the user (e.g. "migrations/00001_init.sql").
  virtual std::string display_path(const std::string& name) const = 0;

  // The bytes of the reviewed amendments file (gander.amend, see
  // amendments.hpp) that lies beside the migrations; none when there is
  // none. Throws Error{io} when it exists and cannot be read.
  virtual std::optional<std::string> read_amendments() const { return std::nullopt; }
};

// What a directory source does with a *.sql symbolic link that resolves to a
// file outside the directory. A link inside it is always read. A migration
// that silently comes from elsewhere (a shared volume, another checkout) is
// a file nobody reviewed with the others, so following it must be asked for.
enum class OutsideSymlinks { refuse, follow };

// A source over the regular files (or links to them) directly inside `dir`;
// subdirectories are not searched. Throws Error{config} when `dir` is not a
// directory, Error{io} when it cannot be read; listing throws Error{config}
// naming a *.sql link that dangles or, unless `outside_symlinks` is follow,
// leads out of `dir` (with RemedyKind::follow_symlinks).
std::unique_ptr<MigrationSource> open_directory_source(const std::string& dir,
                                                       OutsideSymlinks outside_symlinks = OutsideSymlinks::refuse);

}  // namespace gander
