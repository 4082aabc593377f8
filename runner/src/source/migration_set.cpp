#include "migration_set.hpp"

#include <algorithm>
#include <atomic>
#include <numeric>
#include <system_error>
#include <thread>

#include <gander/checksum/checksum.hpp>
#include <gander/error.hpp>
#include <gander/migration_name.hpp>

namespace gander {

namespace {

// A thread that is joined when it goes out of scope, however that happens.
class JoinedThread {
 public:
  template <typename Work>
  explicit JoinedThread(Work work) : m_thread(std::move(work)) {}
  JoinedThread(const JoinedThread&) = delete;
  JoinedThread& operator=(const JoinedThread&) = delete;
  ~JoinedThread() { m_thread.join(); }

 private:
  std::thread m_thread;
};

// Below this many files a second thread costs more to start than it saves.
constexpr std::size_t k_min_files_per_extra_thread = 16;
// Files are claimed in runs of this many: few enough that both threads
// finish together, enough that they rarely touch the shared counter.
constexpr std::size_t k_files_per_claim = 8;

// Calls work(index) for every index below `count`, on this thread and, with
// a second core and enough indices, on one more. `work` must not throw.
template <typename Work>
void for_each_index(std::size_t count, const Work& work) {
  std::atomic<std::size_t> next_index{0};
  const auto claim_and_work = [&] {
    for (;;) {
      const std::size_t begin = next_index.fetch_add(k_files_per_claim, std::memory_order_relaxed);
      if (begin >= count) return;
      const std::size_t end = std::min(begin + k_files_per_claim, count);
      for (std::size_t index = begin; index < end; ++index) work(index);
    }
  };
  std::optional<JoinedThread> helper;
  if (count >= k_min_files_per_extra_thread && std::thread::hardware_concurrency() >= 2) {
    try {
      helper.emplace(claim_and_work);
    } catch (const std::system_error&) {
      // No thread to be had: this one does all the work.
    }
  }
  claim_and_work();
}

// DESIGN §3: the up statements joined by '\n', hashed piece by piece.
std::string up_checksum_of(const parser::Migration& migration) {
  // One context per thread, reused: setting one up allocates.
  thread_local checksum::Sha256 hash;
  hash.restart();
  bool is_first = true;
  for (const parser::Statement& statement : migration.up) {
    if (!is_first) hash.update("\n");
    hash.update(statement.sql);
    is_first = false;
  }
  return hash.finish_hex();
}

LoadedFile load_file(const MigrationSource& source, const MigrationSource::BatchReader& reader,
                     const std::string& name, const InspectOptions& options, bool with_up_checksum) {
  LoadedFile file;
  file.display_path = source.display_path(name);
  try {
    file.version = migration_version(name);
  } catch (const Error& error) {
    file.error = error.with_file(file.display_path);
    return file;
  }
  try {
    file.bytes = reader.read(name);
    file.inspected = inspect_bytes(name, file.display_path, file.bytes.view(), options);
    if (with_up_checksum) file.up_checksum = up_checksum_of(file.inspected->migration);
  } catch (const Error& error) {
    file.inspected.reset();
    file.error = error;
  } catch (...) {
    file.inspected.reset();
    file.failure = std::current_exception();
  }
  return file;
}

// One unusable file is thrown as it is; several are listed in one error, in
// migration order, so that a person fixes them all in one round.
void throw_if_any(std::vector<std::optional<Error>>& errors) {
  std::vector<Error> found;
  for (std::optional<Error>& error : errors) {
    if (error) found.push_back(std::move(*error));
  }
  if (found.empty()) return;
  if (found.size() == 1) throw found.front();
  std::string message = std::to_string(found.size()) + " migration files cannot be used; nothing was run:";
  for (const Error& error : found) message.append("\n  ").append(error.what());
  throw Error(found.front().kind(), message);
}

}  // namespace

void load_files(const MigrationSource& source, const std::vector<std::string>& names, const InspectOptions& options,
                bool with_up_checksum, const LoadedFileSink& sink) {
  if (names.empty()) return;
  const std::unique_ptr<MigrationSource::BatchReader> reader = source.open_batch_reader();
  // What escapes a file's loading (only std::bad_alloc can) or the sink must
  // not escape a thread.
  FirstProblem escaped;
  for_each_index(names.size(), [&](std::size_t index) {
    try {
      sink(index, load_file(source, *reader, names[index], options, with_up_checksum));
    } catch (...) {
      escaped.offer(index, std::current_exception());
    }
  });
  escaped.rethrow_if_any();
}

std::vector<std::size_t> listing_positions(const std::vector<std::string>& names) {
  std::vector<std::optional<std::int64_t>> versions;
  versions.reserve(names.size());
  for (const std::string& name : names) versions.push_back(migration_version_if_valid(name));
  std::vector<std::size_t> order(names.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  const auto listed_before = [&](std::size_t left, std::size_t right) {
    return listing_order_less(versions[left], names[left], versions[right], names[right]);
  };
  // Names come sorted, and sequential versions sort the same way.
  if (!std::is_sorted(order.begin(), order.end(), listed_before)) {
    std::sort(order.begin(), order.end(), listed_before);
  }
  std::vector<std::size_t> positions(names.size());
  for (std::size_t position = 0; position < order.size(); ++position) positions[order[position]] = position;
  return positions;
}

void FirstProblem::offer(std::size_t listing_index, std::exception_ptr problem) {
  const std::lock_guard<std::mutex> lock(m_mutex);
  if (m_problem && m_listing_index < listing_index) return;
  m_listing_index = listing_index;
  m_problem = std::move(problem);
}

void FirstProblem::rethrow_if_any() const {
  if (m_problem) std::rethrow_exception(m_problem);
}

MigrationSet::MigrationSet(const MigrationSource& source, const InspectOptions& options) {
  const std::vector<std::string> names = source.migration_file_names();
  const std::vector<std::size_t> positions = listing_positions(names);
  m_migrations.resize(names.size());
  // Each loading thread writes the slots of its own files only.
  std::vector<std::optional<Error>> errors(names.size());
  FirstProblem first_failure;
  load_files(source, names, options, true, [&](std::size_t listing_index, LoadedFile&& file) {
    if (file.failure) return first_failure.offer(listing_index, file.failure);
    if (file.error) {
      errors[positions[listing_index]] = std::move(file.error);
      return;
    }
    m_migrations[positions[listing_index]] = {std::move(file.bytes), std::move(*file.inspected), *file.version,
                                              std::move(file.up_checksum)};
  });
  first_failure.rethrow_if_any();
  throw_if_any(errors);
  // The listing is sorted by name, so its positions are the index by name.
  m_index_by_name = positions;
  const auto by_name = [&](std::size_t left, std::size_t right) {
    return m_migrations[left].inspected.name < m_migrations[right].inspected.name;
  };
  // Sorting is only for a source that breaks its promise of a sorted listing.
  if (!std::is_sorted(m_index_by_name.begin(), m_index_by_name.end(), by_name)) {
    std::sort(m_index_by_name.begin(), m_index_by_name.end(), by_name);
  }
}

std::vector<MigrationFile> MigrationSet::files() const {
  std::vector<MigrationFile> files;
  files.reserve(m_migrations.size());
  for (const LoadedMigration& loaded : m_migrations) {
    files.push_back({loaded.inspected.name, loaded.version, loaded.inspected.checksum, loaded.up_checksum,
                     loaded.bytes.view(), loaded.inspected.migration.is_empty, loaded.inspected.is_go,
                     loaded.inspected.migration.up.size(), loaded.inspected.migration.down.size()});
  }
  return files;
}

bool MigrationSet::is_recorded_exactly(const std::vector<AppliedRow>& rows) const {
  std::vector<const LoadedMigration*> recordable;
  recordable.reserve(m_migrations.size());
  for (const LoadedMigration& migration : m_migrations) {
    if (!migration.inspected.migration.is_empty) recordable.push_back(&migration);
  }
  if (recordable.size() != rows.size()) return false;
  const auto records = [](const AppliedRow& row, const LoadedMigration& migration) {
    return !row.is_partial && row.filename == migration.inspected.name && row.checksum == migration.inspected.checksum;
  };
  // Rows usually come back in the order they were written: migration order.
  bool is_in_order = true;
  for (std::size_t index = 0; index < rows.size() && is_in_order; ++index) {
    is_in_order = rows[index].filename == recordable[index]->inspected.name;
  }
  if (is_in_order) {
    for (std::size_t index = 0; index < rows.size(); ++index) {
      if (!records(rows[index], *recordable[index])) return false;
    }
    return true;
  }
  std::vector<const AppliedRow*> rows_by_name;
  rows_by_name.reserve(rows.size());
  for (const AppliedRow& row : rows) rows_by_name.push_back(&row);
  std::sort(rows_by_name.begin(), rows_by_name.end(),
            [](const AppliedRow* left, const AppliedRow* right) { return left->filename < right->filename; });
  std::sort(recordable.begin(), recordable.end(), [](const LoadedMigration* left, const LoadedMigration* right) {
    return left->inspected.name < right->inspected.name;
  });
  for (std::size_t index = 0; index < rows_by_name.size(); ++index) {
    if (!records(*rows_by_name[index], *recordable[index])) return false;
  }
  return true;
}

std::optional<std::int64_t> MigrationSet::newest_version() const {
  for (auto it = m_migrations.rbegin(); it != m_migrations.rend(); ++it) {
    if (!it->inspected.migration.is_empty) return it->version;
  }
  return std::nullopt;
}

const LoadedMigration& MigrationSet::find(const std::string& name) const {
  const auto found = std::lower_bound(
      m_index_by_name.begin(), m_index_by_name.end(), name,
      [&](std::size_t index, const std::string& wanted) { return m_migrations[index].inspected.name < wanted; });
  if (found != m_index_by_name.end() && m_migrations[*found].inspected.name == name) return m_migrations[*found];
  throw Error(ErrorKind::missing_file, "no migration file named " + name);
}

}  // namespace gander
