#pragma once

// Every migration of a source, read, parsed and checksummed once per run.

#include <cstdint>
#include <exception>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <gander/inspect.hpp>
#include <gander/migration_source.hpp>

#include "file_reading.hpp"
#include "listing.hpp"
#include "plan/planner.hpp"

namespace gander {

struct LoadedMigration {
  FileBytes bytes;  // as stored; the checksums cover these
  InspectedMigration inspected;
  std::int64_t version = 0;
  std::string up_checksum;  // docs/file-format.md, "Checksums": SHA-256 of the up statements joined by '\n'
};

class MigrationSet {
 public:
  // Reads every migration file of `source`. Throws Error{parse} for a
  // malformed file or a name without a version, naming the file (every such
  // file in one Error when there are several, in migration order), or
  // Error{config} when the source cannot be read. A file whose Down section
  // alone is malformed loads, with its down_error.
  MigrationSet(const MigrationSource& source, const InspectOptions& options);

  // In migration order.
  const std::vector<LoadedMigration>& migrations() const { return m_migrations; }
  // For the planner; the views point into this set, which must outlive them.
  std::vector<MigrationFile> files() const;
  // True when the rows record exactly these files as they are: every file
  // that is not empty has a row with its checksum that is not partial, and
  // every row has its file. The plan would call each of them applied; this
  // decides the common start with nothing to do without building one.
  bool is_recorded_exactly(const std::vector<AppliedRow>& rows) const;
  // The version of the newest migration that is not empty; none without one.
  std::optional<std::int64_t> newest_version() const;
  // Throws Error{missing_file} when no file has this name.
  const LoadedMigration& find(const std::string& name) const;

 private:
  std::vector<LoadedMigration> m_migrations;
};

// One *.sql file of a listing: read, parsed and checksummed, or what stopped
// that. Exactly one of `inspected`, `error` and `failure` is set.
struct LoadedFile {
  FileBytes bytes;
  std::optional<InspectedMigration> inspected;
  std::string up_checksum;     // set only when asked for
  std::optional<Error> error;  // as thrown; a bad version names the file
  std::exception_ptr failure;  // anything else that was thrown (e.g. std::bad_alloc)
};

// Receives each loaded file with its index in the listing. It is called from
// the loading threads at once, each time for a different index; what it
// throws is rethrown by load_files (the first in listing order).
using LoadedFileSink = std::function<void(std::size_t listing_index, LoadedFile&& file)>;

// Loads the files of `listing` (list_in_order) and hands each to `sink`,
// spread over two threads when there are enough of them. Each file's
// outcome is what loading it alone gives, so a caller that keeps the
// problem of the lowest index reports exactly what a one-by-one loop over
// the listing would. Throws Error{config} only when the source cannot be
// opened for reading.
void load_files(const MigrationSource& source, const std::vector<ListedFile>& listing, const InspectOptions& options,
                bool with_up_checksum, const LoadedFileSink& sink);

// The exception of the file with the lowest listing index, kept safely from
// several loading threads.
class FirstProblem {
 public:
  void offer(std::size_t listing_index, std::exception_ptr problem);
  // Throws the kept exception, if any.
  void rethrow_if_any() const;

 private:
  std::mutex m_mutex;
  std::size_t m_listing_index = 0;
  std::exception_ptr m_problem;
};

}  // namespace gander
