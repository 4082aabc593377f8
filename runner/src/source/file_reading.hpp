#pragma once

// How the runner reads migration files: whole files for one-off reads, and
// batch readers for the loaders that read every file of a source on each
// start. None of it is part of the public API.

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include <gander/migration_source.hpp>

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

// Reads files of one listing for a loader that reads many of them.
class BatchReader {
 public:
  virtual ~BatchReader() = default;
  // The bytes of one file, as MigrationSource::read() returns them; errors
  // as its. Safe to call from several threads at once.
  virtual FileBytes read(const std::string& name) const = 0;
};

// A source that reads many files more cheaply than through one read() each:
// the directory source holds the directory open and opens files relative to
// it, which spares a path lookup per file.
class BatchReadableSource {
 public:
  virtual ~BatchReadableSource() = default;
  virtual std::unique_ptr<BatchReader> open_batch_reader() const = 0;
};

// A reader for many files of `source`: its own when it is a
// BatchReadableSource, otherwise one read() per file. Throws Error{io}
// when the source cannot be opened.
std::unique_ptr<BatchReader> open_batch_reader(const MigrationSource& source);

// Reads a whole file. Throws Error{config} naming `path` when it does not
// exist or is a directory, Error{io} when it cannot be read.
std::string read_file(const std::string& path);

// Reads a whole file, mapping it when it is large. Errors as read_file's.
FileBytes read_file_bytes(const std::string& path);

}  // namespace gander
