#pragma once

// Migrator's implementation, shared by migrator.cpp (loading, planning and
// single migrations) and run_batches.cpp (runs of migrations that share
// their commits). Private to the runner.

#include <gander/migrator.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "plan/planner.hpp"
#include "source/migration_set.hpp"
#include "store/store.hpp"

namespace gander {

namespace detail {

using Clock = std::chrono::steady_clock;

std::int64_t milliseconds_since(Clock::time_point start);

// What became of a transactional migration whose statement failed.
const char* rollback_consequence(Direction direction);

// Who sends a migration's `finished` event: run_action, once the migration
// has committed, or its caller, once that commit is known to be on disk.
enum class FinishedEvent { sent_at_commit, sent_by_caller };

// An action with its migration, ready to run.
struct LoadedAction {
  const LoadedMigration* migration;
  Direction direction;
  std::size_t position;  // in the run's plan
};

// What a writing command does. Only `up` returns before taking the lock when
// the database is already up to date (see Migrator::up).
enum class RunKind { up, up_returning_early_when_up_to_date, down };

}  // namespace detail

class Migrator::Impl {
 public:
  explicit Impl(Options options) : m_options(std::move(options)) {}

  // Runs a writing command: load and verify everything, then run the
  // actions `choose` picks from the verified plan.
  template <typename Choose>
  RunResult run(Choose choose, detail::RunKind kind);

  Plan read_only_plan();
  Plan verified_plan();
  Amendment amendment_for(const std::string& filename, const std::string& reason);
  std::optional<std::int64_t> applied_version();
  std::vector<std::string> baseline(std::int64_t version);
  std::vector<std::string> adopt(OtherTool tool);
  void resolve(const std::string& filename, Resolution resolution);
  void resolve_go_migration(const std::string& filename, Resolution resolution);
  void cancel() noexcept;

 private:
  // What load_while_connecting() reads from the tracking table, without the lock.
  enum class EarlyRead { nothing, checksums_if_current, rows };
  struct Loaded {
    MigrationSet migrations;
    std::optional<std::vector<AppliedRow>> rows;  // as asked; none for a table that is not current
  };

  Loaded load_while_connecting(EarlyRead early_read);
  static std::optional<std::vector<AppliedRow>> read_without_lock(Store& store, EarlyRead early_read);
  Store& connect();
  StoreOptions store_options() const;
  // Connects, retrying for connect_timeout from `start`; a first attempt
  // already made (and failed) is given as `failed_first_attempt`.
  std::unique_ptr<Store> open_store_retrying(detail::Clock::time_point start = detail::Clock::now(),
                                             const std::optional<Error>& failed_first_attempt = std::nullopt);
  const MigrationSource& source();
  InspectOptions inspect_options() const;
  PlanOptions plan_options();
  std::unique_ptr<StoreLock> take_lock(Store& store);
  // A writing command's start: the lock taken and the tracking table created
  // or upgraded; in a dry run, no lock (null) and only the table's shape
  // checked, so that nothing changes.
  std::unique_ptr<StoreLock> lock_for_writing(Store& store);
  // Options::baseline on an empty tracking table: the rows it recorded (in a
  // dry run, would record); none when it does not apply.
  std::vector<AppliedRow> baseline_on_start(Store& store, const MigrationSet& migrations);
  // Writes `records` in one transaction, unless this is a dry run.
  void write_rows(Store& store, const std::vector<RowRecord>& records) const;
  // The start of baseline() and adopt(): the files, the lock (none in a dry
  // run), and a tracking table with no row (Error{config} naming `what`
  // otherwise).
  struct EmptyTable {
    Loaded loaded;
    std::unique_ptr<StoreLock> lock;
  };
  EmptyTable load_into_empty_table(const std::string& what);
  // Runs one migration. A transactional one that cannot get its locks
  // within --ddl-lock-timeout is rolled back whole and run again, with
  // backoff, until --lock-timeout has passed since its first failure
  // (docs/operations.md, "Locking"); `before_retry` runs before each wait.
  Step run_action(Store& store, const LoadedMigration& migration, Direction direction,
                  detail::FinishedEvent finished = detail::FinishedEvent::sent_at_commit,
                  const std::function<void()>& before_retry = {});
  Step run_action_once(Store& store, const LoadedMigration& migration, Direction direction,
                       detail::FinishedEvent finished);
  Step prepared_step(const LoadedMigration& migration, Direction direction) const;
  void apply(Store& store, const std::vector<detail::LoadedAction>& actions, std::vector<Step>& steps);
  void apply_deferring_durability(Store& store, const std::vector<detail::LoadedAction>& actions, std::size_t first,
                                  std::size_t end, std::vector<Step>& steps);
  std::size_t apply_in_one_transaction(Store& store, const std::vector<detail::LoadedAction>& actions,
                                       std::size_t first, std::size_t end, std::vector<Step>& steps);
  void record_in_transaction(Store& store, const LoadedMigration& migration, Direction direction,
                             std::int64_t execution_ms) const;
  void report_step(ProgressEvent::Kind kind, const Step& step) const;
  void warn_about_malformed_downs(const MigrationSet& migrations) const;
  std::optional<Step> resume_partial(Store& store, const std::vector<const LoadedMigration*>& by_position, Plan& plan);
  void apply_outside_transaction(Store& store, const LoadedMigration& migration,
                                 const std::vector<parser::Statement>& statements, std::size_t first);
  void run_recorded(Store& store, const LoadedMigration& migration, const std::vector<parser::Statement>& statements,
                    std::size_t first, const std::string& consequence, const Remedy& remedy);
  void report(const ProgressEvent& event) const {
    if (m_options.on_progress) m_options.on_progress(event);
  }
  // From now on cancel() reaches `store` (none: nullptr). A store made
  // active after cancel() is cancelled at once: a signal that came while
  // connecting still stops the first queries.
  void set_active_store(Store* store) noexcept;

  Options m_options;
  std::shared_ptr<const MigrationSource> m_source;
  std::optional<std::vector<Amendment>> m_amendments;  // gander.amend, read once
  std::unique_ptr<Store> m_store;
  // Whether the operation under way may create a missing SQLite file: only
  // one that changes the database does (read-only and dry runs never).
  bool m_creates_database = false;
  // Held while cancel() uses the active store, so that the thread that
  // connects can make it inactive before it destroys it.
  std::mutex m_active_store_mutex;
  Store* m_active_store = nullptr;
  std::atomic<bool> m_is_cancelled{false};
};

}  // namespace gander
