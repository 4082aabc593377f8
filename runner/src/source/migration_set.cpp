#include "migration_set.hpp"

#include <algorithm>
#include <atomic>
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

LoadedFile load_file(const BatchReader& reader, const ListedFile& listed, const InspectOptions& options,
                     bool with_up_checksum) {
  LoadedFile file;
  if (!listed.version) {
    try {
      migration_version(listed.name);
    } catch (const Error& error) {
      file.error = error.with_file(listed.display_path);
    }
    return file;
  }
  try {
    file.bytes = reader.read(listed.name);
    file.inspected = inspect_bytes(listed.name, listed.display_path, file.bytes.view(), options);
    if (with_up_checksum) file.up_checksum = checksum::up_checksum(file.inspected->migration);
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

void load_files(const MigrationSource& source, const std::vector<ListedFile>& listing, const InspectOptions& options,
                bool with_up_checksum, const LoadedFileSink& sink) {
  if (listing.empty()) return;
  const std::unique_ptr<BatchReader> reader = open_batch_reader(source);
  // What escapes a file's loading (only std::bad_alloc can) or the sink must
  // not escape a thread.
  FirstProblem escaped;
  for_each_index(listing.size(), [&](std::size_t index) {
    try {
      sink(index, load_file(*reader, listing[index], options, with_up_checksum));
    } catch (...) {
      escaped.offer(index, std::current_exception());
    }
  });
  escaped.rethrow_if_any();
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
  const std::vector<ListedFile> listing = list_in_order(source);
  m_migrations.resize(listing.size());
  // Each loading thread writes the slots of its own files only.
  std::vector<std::optional<Error>> errors(listing.size());
  FirstProblem first_failure;
  load_files(source, listing, options, true, [&](std::size_t listing_index, LoadedFile&& file) {
    if (file.failure) return first_failure.offer(listing_index, file.failure);
    if (file.error) {
      errors[listing_index] = std::move(file.error);
      return;
    }
    m_migrations[listing_index] = {std::move(file.bytes), std::move(*file.inspected), *listing[listing_index].version,
                                   std::move(file.up_checksum)};
  });
  first_failure.rethrow_if_any();
  throw_if_any(errors);
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
  const auto found = std::find_if(m_migrations.begin(), m_migrations.end(),
                                  [&](const LoadedMigration& migration) { return migration.inspected.name == name; });
  if (found == m_migrations.end()) throw Error(ErrorKind::missing_file, "no migration file named " + name);
  return *found;
}

}  // namespace gander
