#pragma once

// gander.sum (docs/ci.md): the checksum of every migration file of a
// directory, in one file that is committed and reviewed with them.
// `gander sum` writes it; `gander verify --sum` and `--base-sum` read it.
//
//   gander-sum v1 <digest>
//   <checksum>  <filename>
//   ...
//
// One entry per *.sql file, in migration order, each `<checksum>` the
// file's checksum (64 lowercase hex digits; docs/file-format.md, "Checksums"), then two spaces, then
// the file name to the end of the line. Every line ends with LF. `<digest>`
// is the lowercase hex SHA-256 of the entry lines exactly as gander writes
// them (each with its LF): the rest of the file, so an entry edited by hand
// no longer matches it. A copy whose lines end with CRLF (a Windows
// checkout) reads the same.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <gander/migration_source.hpp>

namespace gander {

// The sum file's name, next to the migrations.
inline constexpr const char* k_sum_file_name = "gander.sum";

struct SumEntry {
  std::string checksum;
  std::string filename;
  std::size_t line = 0;  // 1-based line in the sum file; 0 for one not read from a file
};

struct SumFile {
  std::vector<SumEntry> entries;  // in the file's order
  std::string recorded_digest;    // the first line's
  std::string digest;             // of the entries as read

  // False when the entries were edited without the first line.
  bool is_intact() const { return recorded_digest == digest; }
};

// The whole file for `entries`, first line included. Throws Error{config}
// naming a file name that holds a line break.
std::string render_sum_file(const std::vector<SumEntry>& entries);

// Parses a sum file. Throws Error{config} with `display_path` and the line
// for a malformed first line or entry, or a file name listed twice.
SumFile parse_sum_file(std::string_view bytes, const std::string& display_path);

// The entries for every *.sql file of `source`, in migration order. Throws
// Error{parse} naming a file whose name carries no version, Error{config}
// when a file cannot be read.
std::vector<SumEntry> sum_entries(const MigrationSource& source);

struct WrittenSum {
  std::string path;               // <dir>/gander.sum
  std::vector<SumEntry> entries;  // as written
};

// Writes `<dir>/gander.sum` for the migrations in `dir`, replacing it
// atomically (a reader never sees half a file). Throws like sum_entries,
// Error{config} when `dir` is not a directory, Error{io} when it cannot be
// read or the file cannot be written.
WrittenSum write_sum_file(const std::string& dir);

}  // namespace gander
