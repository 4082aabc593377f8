#pragma once

// Where migration files come from. A source lists file names and reads
// bytes; it knows nothing about the format. The directory source reads a
// folder on disk; embedded sources (compiled into a service) implement the
// same interface.

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gander {

// The bytes of one file, read only. A large file on disk is mapped rather
// than copied: copying it would fill fresh memory, a page fault per 4 KiB,
// while a mapping shares the page cache. Movable, not copyable.
class FileBytes {
 public:
  FileBytes() = default;
  explicit FileBytes(std::string bytes) : m_owned(std::move(bytes)) {}
  // Takes over a read-only mapping made with mmap; it is unmapped on destruction.
  static FileBytes adopt_mapping(const void* address, std::size_t size);

  FileBytes(FileBytes&& other) noexcept;
  FileBytes& operator=(FileBytes&& other) noexcept;
  FileBytes(const FileBytes&) = delete;
  FileBytes& operator=(const FileBytes&) = delete;
  ~FileBytes();

  std::string_view view() const {
    return m_mapping ? std::string_view(static_cast<const char*>(m_mapping), m_mapped_size) : std::string_view(m_owned);
  }

 private:
  std::string m_owned;
  const void* m_mapping = nullptr;
  std::size_t m_mapped_size = 0;
};

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

  // Reads files of one listing for a loader that reads many of them.
  class BatchReader {
   public:
    virtual ~BatchReader() = default;
    // The bytes of one file, as read() returns them; errors as read()'s.
    // Safe to call from several threads at once.
    virtual FileBytes read(const std::string& name) const = 0;
  };

  // A reader for many files at once. The default reads through read(); the
  // directory source holds the directory open and opens files relative to
  // it, which spares a path lookup per file. Throws Error{config} when the
  // source cannot be opened.
  virtual std::unique_ptr<BatchReader> open_batch_reader() const;
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

// Reads a whole file. Throws Error{config} naming `path` when it does not
// exist or is a directory, Error{io} when it cannot be read.
std::string read_file(const std::string& path);

// Reads a whole file, mapping it when it is large. Errors as read_file's.
FileBytes read_file_bytes(const std::string& path);

}  // namespace gander
