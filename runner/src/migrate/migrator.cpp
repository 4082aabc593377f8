#include <gander/migrator.hpp>

#include <algorithm>
#include <atomic>
#include <future>
#include <map>

#include <gander/migration_name.hpp>

#include "invalid_index.hpp"
#include "migrator_impl.hpp"
#include "plan/table_drop_check.hpp"
#include "plan/transaction_control.hpp"
#include "source/migration_set.hpp"
#include "statement_runner.hpp"
#include "transaction.hpp"
#include "util/backoff.hpp"
#include "util/broken_invariant.hpp"
#include "util/sql_scanner.hpp"

namespace gander {

std::int64_t detail::milliseconds_since(Clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
}

const char* detail::rollback_consequence(Direction direction) {
  return direction == Direction::up ? "it was rolled back and not recorded"
                                    : "its rollback was undone; it stays applied";
}

using detail::Clock;
using detail::LoadedAction;
using detail::milliseconds_since;
using detail::rollback_consequence;
using detail::RunKind;

namespace {

// The newest applied version once `ran` has run on the database that `plan`
// describes; with nothing run, the version the plan starts from.
std::optional<std::int64_t> version_after(const Plan& plan, const std::vector<LoadedAction>& ran = {}) {
  std::vector<bool> is_applied(plan.migrations.size());
  for (std::size_t position = 0; position < plan.migrations.size(); ++position) {
    is_applied[position] = plan.migrations[position].db_checksum.has_value();
  }
  for (const LoadedAction& action : ran) is_applied[action.position] = action.direction == Direction::up;
  for (std::size_t position = plan.migrations.size(); position-- > 0;) {
    if (is_applied[position] && plan.migrations[position].version) return plan.migrations[position].version;
  }
  return std::nullopt;
}

// The positions of the applied migrations (with a file: the plan was verified), newest first.
std::vector<std::size_t> applied_newest_first(const Plan& plan) {
  std::vector<std::size_t> positions;
  for (std::size_t position = plan.migrations.size(); position-- > 0;) {
    if (counts_as_applied(plan.migrations[position].state)) positions.push_back(position);
  }
  return positions;
}

// The loaded migration of each position of `plan`; null for a row whose
// file is gone. Both are in migration order, so one walk pairs them.
std::vector<const LoadedMigration*> migrations_by_position(const Plan& plan, const MigrationSet& migrations) {
  std::vector<const LoadedMigration*> by_position(plan.migrations.size(), nullptr);
  const std::vector<LoadedMigration>& loaded = migrations.migrations();
  std::size_t next = 0;
  for (std::size_t position = 0; position < plan.migrations.size(); ++position) {
    const PlannedMigration& planned = plan.migrations[position];
    if (!planned.file_checksum) continue;
    while (next < loaded.size() && loaded[next].inspected.name != planned.name) ++next;
    if (next == loaded.size()) detail::broken_invariant("the plan holds " + planned.name + ", which was not loaded");
    by_position[position] = &loaded[next++];
  }
  return by_position;
}

// libpq's own bound on one attempt: the retry window, within reason, so that
// a short --connect-timeout is not overrun by a server that never answers.
std::chrono::seconds connect_attempt_timeout(std::chrono::milliseconds retry_window) {
  constexpr std::chrono::seconds k_default{10};
  // libpq rounds anything shorter up to 2 s.
  constexpr std::chrono::seconds k_shortest{2};
  if (retry_window <= std::chrono::milliseconds::zero()) return k_default;
  return std::clamp(std::chrono::ceil<std::chrono::seconds>(retry_window), k_shortest, k_default);
}

// True when a write failed because the tracking table is gone.
bool is_missing_table(const Error& error) {
  return error.context().sqlstate == std::optional<std::string>("42P01") ||
         error.message().find("no such table") != std::string::npos;
}

// Runs `write`, a tracking-table write; a failure names the migration it
// was for. When the table is gone, the migration's own statements took it
// (docs/operations.md, "The tracking table"): the message says so, and what became of the migration.
template <typename Write>
void recording_in_table(const InspectedMigration& migration, const std::string& table, const Write& write,
                        const char* consequence = nullptr) {
  try {
    write();
  } catch (const Error& error) {
    ErrorContext context;
    context.file = migration.display_path;
    context.sqlstate = error.context().sqlstate;
    context.remedy = error.context().remedy;
    if (!is_missing_table(error)) {
      throw Error(error.kind(), "recording " + migration.name + " in " + table + " failed: " + error.message(),
                  context);
    }
    context.remedy = Remedy{RemedyKind::choose_own_table};
    throw Error(ErrorKind::sql,
                migration.name + " dropped or renamed gander's tracking table " + table +
                    ", so its row could not be written (" + error.message() + ")" +
                    (consequence ? std::string("; ") + consequence : std::string()) +
                    ". A migration must not remove the table gander records in: when it drops another tool's "
                    "table of that name, give gander a tracking table of its own",
                context);
  }
}

std::vector<std::string> names_of(const std::vector<RowRecord>& records) {
  std::vector<std::string> names;
  names.reserve(records.size());
  for (const RowRecord& record : records) names.push_back(record.filename);
  return names;
}

// A row for `migration` as another tool or a baseline left it applied. A Go
// migration's SQL is not gander's to hash, as when `resolve` records it.
RowRecord recorded_without_running(const LoadedMigration& migration, std::string applied_at = {}) {
  return RowRecord{migration.inspected.name,
                   migration.inspected.checksum,
                   migration.version,
                   migration.inspected.is_go ? std::string() : migration.up_checksum,
                   0,
                   false,
                   std::move(applied_at)};
}

// The rows of a baseline at `version`: every migration up to it whose file
// is not empty, in order. Throws Error{config} when there is none.
std::vector<RowRecord> baseline_records(const MigrationSet& migrations, std::int64_t version) {
  std::vector<RowRecord> records;
  for (const LoadedMigration& migration : migrations.migrations()) {
    if (migration.version > version || migration.inspected.migration.is_empty) continue;
    records.push_back(recorded_without_running(migration));
  }
  if (records.empty()) {
    throw Error(ErrorKind::config, "cannot baseline at version " + std::to_string(version) +
                                       ": no migration has a version at most " + std::to_string(version));
  }
  return records;
}

// The rows that record what goose applied: per version, goose's newest row
// decides (a migration applied, rolled back and applied again is applied).
// Version 0 is goose's own first row. Throws Error{missing_file} naming
// every applied version without a file, Error{config} for a version that
// two files share.
std::vector<RowRecord> goose_records(const MigrationSet& migrations, const std::vector<GooseVersionRow>& history) {
  std::map<std::int64_t, const GooseVersionRow*> newest;
  for (const GooseVersionRow& row : history) {
    if (row.version != 0) newest[row.version] = &row;
  }
  std::map<std::int64_t, std::vector<const LoadedMigration*>> by_version;
  for (const LoadedMigration& migration : migrations.migrations()) by_version[migration.version].push_back(&migration);
  std::vector<RowRecord> records;
  std::string missing;
  for (const auto& [version, row] : newest) {
    if (!row->is_applied) continue;
    const auto found = by_version.find(version);
    if (found == by_version.end()) {
      missing += "\n  version " + std::to_string(version);
      continue;
    }
    if (found->second.size() > 1) {
      throw Error(ErrorKind::config, "cannot adopt goose's database: version " + std::to_string(version) +
                                         " is applied and two files have it (" + found->second[0]->inspected.name +
                                         ", " + found->second[1]->inspected.name + ")");
    }
    const LoadedMigration& migration = *found->second.front();
    // gander never records an empty file; goose records its version.
    if (migration.inspected.migration.is_empty) continue;
    records.push_back(recorded_without_running(migration, row->applied_at.value_or("")));
  }
  if (!missing.empty()) {
    throw Error(ErrorKind::missing_file,
                "cannot adopt goose's database: goose applied these versions and no migration file has them; "
                "nothing was recorded:" +
                    missing);
  }
  return records;
}

// The rows a plan reads once `records` are written.
std::vector<AppliedRow> as_applied_rows(const std::vector<RowRecord>& records) {
  std::vector<AppliedRow> rows;
  rows.reserve(records.size());
  for (const RowRecord& record : records) {
    AppliedRow row;
    row.filename = record.filename;
    row.checksum = record.checksum;
    row.up_checksum = record.up_checksum;
    rows.push_back(std::move(row));
  }
  return rows;
}

// A migration to run, by its position in the plan.
struct Action {
  std::size_t position;
  Direction direction;
};

// Whether `sql` holds at most one SQL statement. A goose statement between
// StatementBegin and StatementEnd may hold several, and outside a
// transaction SQLite commits each of them on its own.
bool is_one_statement(const std::string& sql) { return detail::scan_statements(sql).size() <= 1; }

// After a single statement outside a transaction failed on the server, which
// undid it, its row need not leave it in doubt. A lost connection tells
// nothing of the statement's outcome, nor does the failure of one of
// several statements sent together: the row keeps it in doubt; so it does
// when this write fails too, which is still true.
void record_known_failure(Store& store, const std::string& name, const std::vector<parser::Statement>& statements,
                          const Error& error) noexcept {
  const std::optional<std::size_t> statement = error.context().statement_index;
  if (!statement || *statement == 0 || *statement > statements.size() || error.kind() == ErrorKind::connection) {
    return;
  }
  try {
    if (!is_one_statement(statements[*statement - 1].sql)) return;
    store.record_progress(name, static_cast<std::int64_t>(*statement) - 1);
  } catch (const std::exception&) {
  }
}

// Why gander cannot roll `migration` back; empty when it can.
std::string rollback_problem(const LoadedMigration& migration) {
  const InspectedMigration& inspected = migration.inspected;
  if (inspected.is_go) {
    return inspected.display_path +
           ": a goose Go migration, which gander cannot run; roll it back with goose, "
           "then resolve it as rolled back";
  }
  if (inspected.down_error) return std::string(inspected.down_error->what()) + " (in its Down section)";
  if (!inspected.migration.has_down) {
    return inspected.display_path + ": it has no -- +goose Down section" +
           (inspected.migration.is_plain ? " (a plain SQL file has none)" : "");
  }
  return {};
}

// docs/file-format.md: a rollback runs whole or not at all, so every migration it
// would roll back is checked before the first one is.
void refuse_unrunnable_rollbacks(const std::vector<LoadedAction>& actions) {
  std::vector<std::string> problems;
  ErrorContext context;
  for (const LoadedAction& action : actions) {
    if (action.direction != Direction::down) continue;
    std::string problem = rollback_problem(*action.migration);
    if (problem.empty()) continue;
    problems.push_back(std::move(problem));
    const InspectedMigration& inspected = action.migration->inspected;
    if (inspected.is_go && context.remedy.kind == RemedyKind::none) {
      context.remedy = Remedy{RemedyKind::resolve_rolled_back, inspected.name};
    }
  }
  if (problems.empty()) return;
  std::string message = "nothing was rolled back: gander cannot roll back " +
                        (problems.size() == 1 ? std::string("this migration")
                                              : std::to_string(problems.size()) + " of the migrations it would") +
                        ":";
  for (const std::string& problem : problems) message.append("\n  ").append(problem);
  throw Error(ErrorKind::config, message, context);
}

// The statements an action sends to the database.
const std::vector<parser::Statement>& statements_of(const LoadedAction& action) {
  const parser::Migration& migration = action.migration->inspected.migration;
  return action.direction == Direction::up ? migration.up : migration.down;
}

// docs/operations.md, "The tracking table": a migration outside a transaction that would drop or rename the
// tracking table is refused before anything runs, as nothing could undo it.
void refuse_dropping_table_outside_transaction(const std::vector<LoadedAction>& actions, const std::string& table) {
  const std::string unqualified = table.substr(table.rfind('.') + 1);
  for (const LoadedAction& action : actions) {
    const InspectedMigration& inspected = action.migration->inspected;
    if (inspected.migration.use_tx) continue;
    const std::vector<parser::Statement>& statements = statements_of(action);
    for (std::size_t index = 0; index < statements.size(); ++index) {
      if (!detail::drops_or_renames_table(statements[index].sql, unqualified)) continue;
      ErrorContext context{inspected.display_path, statements[index].line, index + 1};
      context.remedy = Remedy{RemedyKind::choose_own_table};
      throw Error(ErrorKind::config,
                  "drops or renames gander's tracking table " + table +
                      ", and this migration runs outside a transaction, so gander could not undo it; nothing was "
                      "run. Give gander a tracking table of its own",
                  context);
    }
  }
}

// docs/operations.md: a migration that runs in gander's transaction must not end it,
// or its statements would commit apart from its tracking row.
void refuse_transaction_control(const std::vector<LoadedAction>& actions) {
  for (const LoadedAction& action : actions) {
    const InspectedMigration& inspected = action.migration->inspected;
    if (!inspected.migration.use_tx) continue;
    const std::vector<parser::Statement>& statements = statements_of(action);
    for (std::size_t index = 0; index < statements.size(); ++index) {
      const std::optional<detail::TransactionControlStatement> control =
          detail::find_transaction_control(statements[index].sql);
      if (!control) continue;
      ErrorContext context{inspected.display_path, statements[index].line + control->line - 1, index + 1};
      throw Error(ErrorKind::parse,
                  control->name +
                      " controls the transaction that gander runs this migration in, so its statements "
                      "would commit apart from its tracking row; nothing was run. Remove the "
                      "BEGIN/COMMIT wrapper (gander runs each migration in a transaction of its own), or "
                      "mark the file '-- +goose NO TRANSACTION'",
                  context);
    }
  }
}

// docs/file-format.md: up applies what comes before the first pending Go migration
// and stops there. Drops that migration and what follows from `actions`,
// and returns it.
const LoadedMigration* cut_at_go_migration(std::vector<LoadedAction>& actions) {
  const auto go = std::find_if(actions.begin(), actions.end(), [](const LoadedAction& action) {
    return action.direction == Direction::up && action.migration->inspected.is_go;
  });
  if (go == actions.end()) return nullptr;
  const LoadedMigration* migration = go->migration;
  actions.erase(go, actions.end());
  return migration;
}

Error go_migration_error(const LoadedMigration& migration, std::size_t applied_before, bool is_dry_run) {
  const std::string& name = migration.inspected.name;
  return Error(ErrorKind::go_migration,
               std::string("stopped before this goose Go migration, which gander cannot run; ") +
                   (is_dry_run ? "would apply " : "applied ") + std::to_string(applied_before) +
                   (applied_before == 1 ? " migration" : " migrations") +
                   " before it. Run it with goose (or the program that registers it), then resolve it as applied "
                   "and run up again",
               ErrorContext{migration.inspected.display_path, {}, {}, {}, Remedy{RemedyKind::resolve_applied, name}});
}

}  // namespace

Store& Migrator::Impl::connect() {
  if (!m_store) {
    m_store = open_store_retrying();
    set_active_store(m_store.get());
  }
  return *m_store;
}

// On PostgreSQL, connecting and the first queries are round trips to a
// server that does its own work meanwhile; loading the files at the same
// time hides them. The outcome is as if the files came first: their error
// wins over the database's. Only the first attempt to connect runs beside
// the files; if it fails, the retries for connect_timeout run here.
Migrator::Impl::Loaded Migrator::Impl::load_while_connecting(EarlyRead early_read) {
  const MigrationSource& files = source();
  const InspectOptions options = inspect_options();
  if (m_store) {
    MigrationSet migrations(files, options);
    return {std::move(migrations), read_without_lock(*m_store, early_read)};
  }
  using Connected = std::pair<std::unique_ptr<Store>, std::optional<std::vector<AppliedRow>>>;
  // The store is active from the moment it connects, so that cancel()
  // reaches its first queries; it is made inactive before it can go.
  const Clock::time_point start = Clock::now();
  std::future<Connected> connecting =
      std::async(std::launch::async, [this, early_read, store_options = store_options()] {
        std::unique_ptr<Store> store = open_store(store_options);
        set_active_store(store.get());
        try {
          std::optional<std::vector<AppliedRow>> rows = read_without_lock(*store, early_read);
          return Connected(std::move(store), std::move(rows));
        } catch (...) {
          set_active_store(nullptr);
          throw;
        }
      });
  MigrationSet migrations = [&] {
    try {
      return MigrationSet(files, options);
    } catch (...) {
      // The store dies with the future, which waits for the thread.
      connecting.wait();
      set_active_store(nullptr);
      throw;
    }
  }();
  std::optional<std::vector<AppliedRow>> rows;
  try {
    Connected connected = connecting.get();
    m_store = std::move(connected.first);
    rows = std::move(connected.second);
  } catch (const Error& error) {
    // A cancelled run does not connect again.
    if (error.kind() != ErrorKind::connection || m_is_cancelled) throw;
    m_store = open_store_retrying(start, error);
    set_active_store(m_store.get());
    rows = read_without_lock(*m_store, early_read);
  }
  return {std::move(migrations), std::move(rows)};
}

std::optional<std::vector<AppliedRow>> Migrator::Impl::read_without_lock(Store& store, EarlyRead early_read) {
  switch (early_read) {
    case EarlyRead::nothing: return std::nullopt;
    case EarlyRead::checksums_if_current:
      if (store.table_shape() != TableShape::current) return std::nullopt;
      return store.read_checksums();
    case EarlyRead::rows: return store.read_rows();
  }
  return std::nullopt;
}

StoreOptions Migrator::Impl::store_options() const {
  StoreOptions options;
  options.driver = m_options.driver;
  options.dsn = m_options.dsn;
  options.create_missing_database = m_creates_database;
  options.table = m_options.table;
  options.busy_timeout = m_options.lock_timeout;
  options.statement_timeout = m_options.statement_timeout;
  options.ddl_lock_timeout = m_options.ddl_lock_timeout;
  options.connect_attempt_timeout = connect_attempt_timeout(m_options.connect_timeout);
  return options;
}

std::unique_ptr<Store> Migrator::Impl::open_store_retrying(Clock::time_point start,
                                                           const std::optional<Error>& failed_first_attempt) {
  const StoreOptions options = store_options();
  const Clock::time_point deadline = start + m_options.connect_timeout;
  detail::Backoff backoff(std::chrono::milliseconds(100), std::chrono::milliseconds(2000));
  for (int attempt = 1;; ++attempt) {
    try {
      if (attempt == 1 && failed_first_attempt) throw *failed_first_attempt;
      return open_store(options);
    } catch (const Error& error) {
      if (error.kind() != ErrorKind::connection) throw;
      const Clock::time_point now = Clock::now();
      if (now >= deadline) {
        if (attempt == 1) throw;
        throw Error(ErrorKind::connection,
                    error.message() + " (gave up after " + std::to_string(attempt) + " attempts in " +
                        std::to_string(milliseconds_since(start)) + " ms)",
                    error.context());
      }
      if (attempt == 1) {
        ProgressEvent event;
        event.kind = ProgressEvent::Kind::waiting_for_database;
        event.detail = error.message();
        report(event);
      }
      if (!backoff.pause(deadline, &m_is_cancelled, std::chrono::milliseconds(20))) {
        throw Error(ErrorKind::connection, "interrupted while waiting for the database: " + error.message());
      }
    }
  }
}

const MigrationSource& Migrator::Impl::source() {
  if (!m_source) {
    m_source = m_options.source ? m_options.source : open_directory_source(m_options.dir, m_options.outside_symlinks);
  }
  return *m_source;
}

InspectOptions Migrator::Impl::inspect_options() const {
  InspectOptions options;
  options.env = m_options.env ? m_options.env : process_env();
  options.strict = m_options.strict;
  return options;
}

PlanOptions Migrator::Impl::plan_options() {
  PlanOptions options;
  options.allow_out_of_order = m_options.allow_out_of_order;
  options.strict_checksums = m_options.strict_checksums;
  if (!m_amendments) {
    const std::optional<std::string> bytes = source().read_amendments();
    m_amendments =
        bytes ? parse_amendments(*bytes, source().display_path(k_amendments_file_name)) : std::vector<Amendment>{};
  }
  options.amendments = *m_amendments;
  return options;
}

std::unique_ptr<StoreLock> Migrator::Impl::lock_for_writing(Store& store) {
  if (m_options.dry_run) {
    store.table_shape();  // refuses a foreign table; creates nothing
    return nullptr;
  }
  std::unique_ptr<StoreLock> lock = take_lock(store);
  store.prepare_table();
  return lock;
}

std::unique_ptr<StoreLock> Migrator::Impl::take_lock(Store& store) {
  LockOptions lock_options;
  lock_options.timeout = m_options.lock_timeout;
  lock_options.method = m_options.lock_method;
  lock_options.is_cancelled = &m_is_cancelled;
  lock_options.on_wait = [this](const std::string& holder) {
    ProgressEvent event;
    event.kind = ProgressEvent::Kind::waiting_for_lock;
    event.detail = holder;
    report(event);
  };
  lock_options.on_stale_lock = [this](const std::string& holder) {
    ProgressEvent event;
    event.kind = ProgressEvent::Kind::warning;
    event.detail = "took over the migration lock left by " + holder + ": its server session no longer exists";
    report(event);
  };
  return store.lock(lock_options);
}

template <typename Choose>
RunResult Migrator::Impl::run(Choose choose, RunKind kind) {
  m_creates_database = !m_options.dry_run;
  const Clock::time_point start = Clock::now();
  const bool is_up = kind != RunKind::down;
  // --resume-from names a statement of a partial migration: without one it is
  // an error, so the early return that skips looking for one is not taken.
  const bool returns_early = kind == RunKind::up_returning_early_when_up_to_date && !m_options.resume_from;
  // A malformed migration is reported without changing the database.
  const Loaded loaded = load_while_connecting(returns_early ? EarlyRead::checksums_if_current : EarlyRead::nothing);
  const MigrationSet& migrations = loaded.migrations;
  // A rollback refuses these files instead (refuse_unrunnable_rollbacks).
  if (is_up) warn_about_malformed_downs(migrations);
  Store& store = connect();
  if (loaded.rows) {
    // Rows only ever move towards `applied` under the lock, so a plan that
    // is up to date without it stays true; anything else is decided again
    // under the lock.
    const auto nothing_to_do = [&](std::optional<std::int64_t> version) {
      RunResult result;
      result.version = version;
      result.elapsed_ms = milliseconds_since(start);
      return result;
    };
    if (migrations.is_recorded_exactly(*loaded.rows)) return nothing_to_do(migrations.newest_version());
    const Plan plan = make_plan(migrations.files(), *loaded.rows, plan_options());
    if (plan.is_up_to_date()) return nothing_to_do(version_after(plan));
  }
  const std::vector<MigrationFile> files = migrations.files();
  const std::unique_ptr<StoreLock> lock = lock_for_writing(store);
  PlanOptions options = plan_options();
  // The one plan of this run: decided under the lock, then kept up to date
  // with what runs instead of being read again.
  std::vector<AppliedRow> rows = store.read_rows();
  if (is_up && rows.empty()) rows = baseline_on_start(store, migrations);
  Plan plan = make_plan(files, std::move(rows), options);
  const std::vector<const LoadedMigration*> by_position = migrations_by_position(plan, migrations);
  // Rolling back does not care about pending files that sort early.
  options.allow_out_of_order = options.allow_out_of_order || !is_up;
  RunResult result;
  if (is_up && (m_options.resume || m_options.resume_from)) {
    if (std::optional<Step> resumed = resume_partial(store, by_position, plan)) {
      result.steps.push_back(std::move(*resumed));
    }
  }
  check_plan(plan, options);

  std::vector<LoadedAction> actions;
  for (const Action& action : choose(plan, options)) {
    actions.push_back({by_position[action.position], action.direction, action.position});
  }
  refuse_unrunnable_rollbacks(actions);
  const LoadedMigration* go_migration = cut_at_go_migration(actions);
  refuse_dropping_table_outside_transaction(actions, m_options.table);
  refuse_transaction_control(actions);
  if (m_options.dry_run) {
    for (const LoadedAction& action : actions) {
      result.steps.push_back(run_action(store, *action.migration, action.direction));
    }
  } else {
    apply(store, actions, result.steps);
  }
  // A dry run reports the version it started from.
  result.version = m_options.dry_run ? version_after(plan) : version_after(plan, actions);
  if (go_migration) throw go_migration_error(*go_migration, actions.size(), m_options.dry_run);
  result.elapsed_ms = milliseconds_since(start);
  return result;
}

// The caller has refused every rollback gander cannot run (refuse_unrunnable_rollbacks).
Step Migrator::Impl::prepared_step(const LoadedMigration& migration, Direction direction) const {
  const parser::Migration& parsed = migration.inspected.migration;
  return Step{migration.inspected.name,
              migration.inspected.display_path,
              direction,
              parsed.use_tx,
              direction == Direction::up ? parsed.up : parsed.down,
              0,
              std::nullopt};
}

void Migrator::Impl::report_step(ProgressEvent::Kind kind, const Step& step) const {
  ProgressEvent event;
  event.kind = kind;
  event.name = step.name;
  event.direction = step.direction;
  event.elapsed_ms = step.elapsed_ms;
  report(event);
}

// Writes the tracking row of a transactional migration in the open transaction.
void Migrator::Impl::record_in_transaction(Store& store, const LoadedMigration& migration, Direction direction,
                                           std::int64_t execution_ms) const {
  const std::string& name = migration.inspected.name;
  recording_in_table(
      migration.inspected, m_options.table,
      [&] {
        if (direction == Direction::up) {
          store.insert_row(RowRecord{name, migration.inspected.checksum, migration.version, migration.up_checksum,
                                     execution_ms, false});
        } else {
          store.delete_row(name);
        }
      },
      rollback_consequence(direction));
}

Step Migrator::Impl::run_action_once(Store& store, const LoadedMigration& migration, Direction direction,
                                     detail::FinishedEvent finished) {
  Step step = prepared_step(migration, direction);
  if (m_options.dry_run) return step;
  const std::string& name = migration.inspected.name;
  if (m_is_cancelled) throw interrupted_error(name);
  report_step(ProgressEvent::Kind::started, step);

  const auto record_in_table = [&](const auto& write) {
    recording_in_table(migration.inspected, m_options.table, write);
  };
  const Clock::time_point start = Clock::now();
  const StatementRunner runner(store, migration.inspected.display_path, m_is_cancelled);
  if (step.use_tx) {
    Transaction transaction(store);
    runner.run(step.statements, rollback_consequence(direction));
    const std::int64_t execution_ms = milliseconds_since(start);
    record_in_transaction(store, migration, direction, execution_ms);
    // COMMIT writes the row too: on SQLite it may find the database locked.
    record_in_table([&] { transaction.commit(); });
  } else if (direction == Direction::up) {
    RowRecord record{name, migration.inspected.checksum, migration.version, migration.up_checksum, 0, true};
    record_in_table([&] { store.insert_row(record); });
    apply_outside_transaction(store, migration, step.statements, 0);
  } else {
    // docs/operations.md: a rollback outside a transaction is tracked like applying.
    record_in_table([&] { store.mark_rolling_back(name); });
    run_recorded(store, migration, step.statements, 0,
                 "it runs outside a transaction, so the Down statements before it stay done and it is recorded as "
                 "partial, rolling back; check the database, then finish the rollback by hand and resolve it as "
                 "rolled back, or restore what it undid and resolve it as applied",
                 Remedy{RemedyKind::resolve_rollback, name});
    record_in_table([&] { store.delete_row(name); });
  }
  step.elapsed_ms = milliseconds_since(start);
  if (finished == detail::FinishedEvent::sent_at_commit) report_step(ProgressEvent::Kind::finished, step);
  return step;
}

// Runs `statements` from index `first` on, outside a transaction: the
// partial row records each one as started before it is sent (docs/operations.md).
void Migrator::Impl::run_recorded(Store& store, const LoadedMigration& migration,
                                  const std::vector<parser::Statement>& statements, std::size_t first,
                                  const std::string& consequence, const Remedy& remedy) {
  const std::string& name = migration.inspected.name;
  const StatementRunner runner(store, migration.inspected.display_path, m_is_cancelled);
  try {
    runner.run(statements, consequence, remedy, first, [&](std::size_t statement) {
      recording_in_table(
          migration.inspected, m_options.table,
          [&] { store.record_statement_started(name, static_cast<std::int64_t>(statement)); },
          "the statements that completed ran outside a transaction and stay done; check the database");
    });
  } catch (const Error& error) {
    record_known_failure(store, name, statements, error);
    const std::optional<std::size_t> statement = error.context().statement_index;
    if (error.kind() != ErrorKind::connection || !statement) throw;
    ErrorContext context = error.context();
    if (context.remedy.kind == RemedyKind::resolve_partial) {
      context.remedy = Remedy{RemedyKind::resume_in_doubt, name, statement};
    }
    throw Error(error.kind(),
                error.message() + "; the connection was lost before its outcome was known, so statement " +
                    std::to_string(*statement) + " may or may not have completed (its status says what is known)",
                context);
  }
}

// Runs the up `statements` from index `first` on, then marks the migration applied.
void Migrator::Impl::apply_outside_transaction(Store& store, const LoadedMigration& migration,
                                               const std::vector<parser::Statement>& statements, std::size_t first) {
  const std::string& name = migration.inspected.name;
  const Clock::time_point start = Clock::now();
  try {
    run_recorded(store, migration, statements, first,
                 "it runs outside a transaction, so the statements before it stay applied and it is recorded as "
                 "partial; check the database, then resolve it as applied or rolled back, or, when the failure "
                 "was transient, resume it",
                 Remedy{RemedyKind::resolve_partial, name});
  } catch (const Error& error) {
    const std::optional<std::size_t> index = error.context().statement_index;
    if (m_is_cancelled || error.kind() != ErrorKind::sql || !index || *index == 0 || *index > statements.size()) {
      throw;
    }
    const std::string note = invalid_index_note(store, statements[*index - 1].sql);
    if (note.empty()) throw;
    throw Error(error.kind(), error.message() + "; " + note, error.context());
  }
  recording_in_table(
      migration.inspected, m_options.table, [&] { store.mark_applied(name, milliseconds_since(start)); },
      "the statements that completed ran outside a transaction and stay applied; check the database");
}

// Options::resume: finishes the one partial migration, or refuses.
// In a dry run it returns the step and counts the migration as applied in
// `plan`, changing nothing.
std::optional<Step> Migrator::Impl::resume_partial(Store& store, const std::vector<const LoadedMigration*>& by_position,
                                                   Plan& plan) {
  std::vector<std::size_t> partials;
  for (std::size_t position = 0; position < plan.migrations.size(); ++position) {
    if (plan.migrations[position].state == MigrationState::partial) partials.push_back(position);
  }
  if (partials.empty()) {
    if (!m_options.resume_from) return std::nullopt;
    throw Error(ErrorKind::config, "cannot resume from statement " + std::to_string(*m_options.resume_from) +
                                       ": no migration is partial; nothing was run");
  }
  const std::string only_partial = partials.size() == 1 ? plan.migrations[partials.front()].name : std::string();
  const auto refuse = [&only_partial](const std::string& why) {
    throw Error(ErrorKind::partial,
                "cannot resume: " + why +
                    "; nothing was run. Check the database, then resolve it as applied or "
                    "rolled back",
                ErrorContext{{}, {}, {}, {}, Remedy{RemedyKind::resolve_partial, only_partial}});
  };
  if (partials.size() > 1) refuse(std::to_string(partials.size()) + " migrations are partial");
  PlannedMigration& planned = plan.migrations[partials.front()];
  if (!planned.file_checksum) refuse(planned.name + " is partial and its file is missing");
  if (*planned.file_checksum != *planned.db_checksum) {
    refuse(planned.name + " changed since it started (db=" + *planned.db_checksum + " file=" + *planned.file_checksum +
           ")");
  }
  if (planned.is_rolling_back) {
    throw Error(ErrorKind::partial,
                "cannot resume " + planned.name + " (" + planned.note_text +
                    "): gander does not resume a rollback; nothing was run. Check the database, then finish the "
                    "rollback by hand and resolve it as rolled back, or restore what it undid and resolve it as "
                    "applied",
                ErrorContext{{}, {}, {}, {}, Remedy{RemedyKind::resolve_rollback, planned.name}});
  }
  const LoadedMigration& migration = *by_position[partials.front()];
  const std::vector<parser::Statement>& statements = migration.inspected.migration.up;
  if (!planned.statements_done) {
    refuse(planned.name + " does not record how many of its statements completed");
  }
  const std::int64_t done = *planned.statements_done;
  if (done < 0 || static_cast<std::size_t>(done) > statements.size()) {
    refuse(planned.name + " records " + std::to_string(done) + " completed statements but has " +
           std::to_string(statements.size()));
  }
  const std::optional<std::int64_t>& in_doubt = planned.statement_in_doubt;
  if (in_doubt && (*in_doubt != done + 1 || static_cast<std::size_t>(*in_doubt) > statements.size())) {
    refuse(planned.name + " records statement " + std::to_string(*in_doubt) + " as started after " +
           std::to_string(done) + " completed statements of " + std::to_string(statements.size()));
  }
  const std::int64_t next = done + 1;
  if (!m_options.resume_from && in_doubt) {
    const std::string doubt = std::to_string(*in_doubt);
    throw Error(
        ErrorKind::partial,
        "cannot resume: statement " + doubt + " of " + planned.name +
            " was sent and gander never learned whether it completed; nothing was run. Check the database, "
            "then say which: resuming from statement " +
            doubt + " runs it again, from statement " + std::to_string(*in_doubt + 1) + " counts it as completed",
        ErrorContext{
            {}, {}, {}, {}, Remedy{RemedyKind::resume_in_doubt, planned.name, static_cast<std::size_t>(*in_doubt)}});
  }
  if (m_options.resume_from && *m_options.resume_from != next &&
      !(in_doubt && *m_options.resume_from == *in_doubt + 1)) {
    throw Error(
        ErrorKind::config,
        "cannot resume " + planned.name + " from statement " + std::to_string(*m_options.resume_from) + ": " +
            std::to_string(done) + " of its statements completed" +
            (in_doubt ? " and statement " + std::to_string(*in_doubt) + " may or may not have; resume from statement " +
                            std::to_string(*in_doubt) + " or " + std::to_string(*in_doubt + 1)
                      : ", so it goes on from statement " + std::to_string(next)) +
            "; nothing was run",
        ErrorContext{{},
                     {},
                     {},
                     {},
                     Remedy{in_doubt ? RemedyKind::resume_in_doubt : RemedyKind::resume_at, planned.name,
                            static_cast<std::size_t>(in_doubt.value_or(next))}});
  }
  const std::size_t first = static_cast<std::size_t>(m_options.resume_from.value_or(next) - 1);
  Step step{planned.name,
            migration.inspected.display_path,
            Direction::up,
            false,
            std::vector<parser::Statement>(statements.begin() + static_cast<std::ptrdiff_t>(first), statements.end()),
            0,
            first};
  // The plan goes on as if the migration had been applied all along.
  const auto count_as_applied = [&planned] {
    planned.state = MigrationState::applied;
    planned.note = Note::none;
    planned.note_text.clear();
    planned.statements_done.reset();
    planned.statement_in_doubt.reset();
  };
  if (m_options.dry_run) {
    count_as_applied();
    return step;
  }
  if (m_is_cancelled) throw interrupted_error(planned.name);
  ProgressEvent event;
  event.kind = ProgressEvent::Kind::started;
  event.name = planned.name;
  report(event);
  const Clock::time_point start = Clock::now();
  apply_outside_transaction(store, migration, statements, first);
  step.elapsed_ms = milliseconds_since(start);
  event.kind = ProgressEvent::Kind::finished;
  event.elapsed_ms = step.elapsed_ms;
  report(event);
  count_as_applied();
  return step;
}

void Migrator::Impl::warn_about_malformed_downs(const MigrationSet& migrations) const {
  for (const LoadedMigration& migration : migrations.migrations()) {
    if (!migration.inspected.down_error) continue;
    ProgressEvent event;
    event.kind = ProgressEvent::Kind::warning;
    event.name = migration.inspected.name;
    event.detail = std::string(migration.inspected.down_error->what()) +
                   " (in its Down section: going up is not affected, rolling it back is refused)";
    report(event);
  }
}

Plan Migrator::Impl::read_only_plan() {
  m_creates_database = false;
  Loaded loaded = load_while_connecting(EarlyRead::rows);
  warn_about_malformed_downs(loaded.migrations);
  const std::vector<MigrationFile> files = loaded.migrations.files();
  Plan plan = make_plan(files, std::move(*loaded.rows), plan_options());
  const auto is_partial = [](const PlannedMigration& planned) { return planned.state == MigrationState::partial; };
  if (std::none_of(plan.migrations.begin(), plan.migrations.end(), is_partial)) return plan;
  // A NO TRANSACTION migration is partial while the run that holds the lock
  // applies it; a health check must not call that a problem (docs/commands.md, "`status` output").
  if (const std::optional<std::string> holder = m_store->lock_holder(m_options.lock_method)) {
    for (PlannedMigration& planned : plan.migrations) {
      if (!is_partial(planned)) continue;
      planned.state = MigrationState::running;
      planned.note = Note::in_progress;
      planned.note_text = std::string(planned.is_rolling_back ? "being rolled back" : "being applied") +
                          " now by the run that holds the migration lock: " + *holder;
    }
    return plan;
  }
  // The run may have finished between reading the rows and looking at the lock.
  return make_plan(files, m_store->read_rows(), plan_options());
}

Plan Migrator::Impl::verified_plan() {
  Plan plan = read_only_plan();
  PlanOptions options = plan_options();
  options.allow_out_of_order = true;  // integrity only: pending files are not verify's business
  check_plan(plan, options);
  return plan;
}

Amendment Migrator::Impl::amendment_for(const std::string& filename, const std::string& reason) {
  const Plan plan = read_only_plan();
  const auto planned = std::find_if(plan.migrations.begin(), plan.migrations.end(),
                                    [&](const PlannedMigration& candidate) { return candidate.name == filename; });
  if (planned == plan.migrations.end()) {
    throw Error(ErrorKind::config, "cannot amend " + filename + ": there is no such migration");
  }
  if (planned->state != MigrationState::modified) {
    throw Error(ErrorKind::config, "cannot amend " + filename + ": it is " + to_string(planned->state) +
                                       ", not modified; only an applied file that changed since needs an amendment");
  }
  Amendment amendment{filename, *planned->db_checksum, *planned->file_checksum, reason, 0};
  amendment_line(amendment);  // refuses an empty reason or a name gander.amend cannot hold
  return amendment;
}

std::optional<std::int64_t> Migrator::Impl::applied_version() {
  m_creates_database = false;
  std::optional<std::pair<std::int64_t, std::string>> newest;
  for (const AppliedRow& row : connect().read_rows()) {
    const std::optional<std::int64_t> version = migration_version_if_valid(row.filename);
    if (!version) continue;
    if (!newest || migration_order_less(newest->first, newest->second, *version, row.filename)) {
      newest = std::make_pair(*version, row.filename);
    }
  }
  if (!newest) return std::nullopt;
  return newest->first;
}

std::vector<AppliedRow> Migrator::Impl::baseline_on_start(Store& store, const MigrationSet& migrations) {
  if (!m_options.baseline) return {};
  const Baseline& baseline = *m_options.baseline;
  if (!baseline.when_table_exists.empty() && !store.has_table(baseline.when_table_exists)) return {};
  const std::vector<RowRecord> records = baseline_records(migrations, baseline.version);
  write_rows(store, records);
  ProgressEvent event;
  event.kind = ProgressEvent::Kind::baselined;
  event.detail = std::string(m_options.dry_run ? "would record " : "recorded ") + std::to_string(records.size()) +
                 (records.size() == 1 ? " migration" : " migrations") + " up to version " +
                 std::to_string(baseline.version) + " as applied without running " +
                 (records.size() == 1 ? "it" : "them") +
                 (baseline.when_table_exists.empty() ? "" : " (table " + baseline.when_table_exists + " exists)");
  report(event);
  return as_applied_rows(records);
}

void Migrator::Impl::write_rows(Store& store, const std::vector<RowRecord>& records) const {
  if (m_options.dry_run) return;
  Transaction transaction(store);
  for (const RowRecord& record : records) store.insert_row(record);
  transaction.commit();
}

Migrator::Impl::EmptyTable Migrator::Impl::load_into_empty_table(const std::string& what) {
  m_creates_database = !m_options.dry_run;
  Loaded loaded = load_while_connecting(EarlyRead::nothing);
  Store& store = connect();
  std::unique_ptr<StoreLock> lock = lock_for_writing(store);
  const std::vector<AppliedRow> rows = store.read_rows();
  if (!rows.empty()) {
    throw Error(ErrorKind::config, "cannot " + what + ": " + m_options.table + " already records " +
                                       std::to_string(rows.size()) + (rows.size() == 1 ? " migration" : " migrations") +
                                       "; that is only for a database in which no migration is recorded yet");
  }
  return {std::move(loaded), std::move(lock)};
}

std::vector<std::string> Migrator::Impl::baseline(std::int64_t version) {
  const EmptyTable empty = load_into_empty_table("baseline at version " + std::to_string(version));
  const std::vector<RowRecord> records = baseline_records(empty.loaded.migrations, version);
  write_rows(*m_store, records);
  return names_of(records);
}

std::vector<std::string> Migrator::Impl::adopt(OtherTool tool) {
  // Each tool keeps its own table; -Wswitch points here when one is added.
  switch (tool) {
    case OtherTool::goose: break;
  }
  const EmptyTable empty = load_into_empty_table("adopt goose's database");
  const std::optional<std::vector<GooseVersionRow>> history = m_store->read_goose_versions();
  if (!history) {
    throw Error(ErrorKind::config,
                "cannot adopt goose's database: it has no goose_db_version table, so goose has not migrated it");
  }
  const std::vector<RowRecord> records = goose_records(empty.loaded.migrations, *history);
  write_rows(*m_store, records);
  return names_of(records);
}

void Migrator::Impl::resolve(const std::string& filename, Resolution resolution) {
  m_creates_database = !m_options.dry_run;
  if (is_go_migration_name(filename)) return resolve_go_migration(filename, resolution);
  Store& store = connect();
  // A dry run only checks that there is something to resolve: no lock, no table change.
  const std::unique_ptr<StoreLock> lock = lock_for_writing(store);
  const std::vector<AppliedRow> rows = store.read_rows();
  const auto row = std::find_if(rows.begin(), rows.end(),
                                [&](const AppliedRow& candidate) { return candidate.filename == filename; });
  if (row == rows.end()) {
    throw Error(ErrorKind::config, "cannot resolve " + filename + ": it has no row in " + m_options.table);
  }
  if (!row->is_partial) {
    throw Error(ErrorKind::config, "cannot resolve " + filename + ": it is not partial (it is fully applied)");
  }
  if (m_options.dry_run) return;
  if (resolution == Resolution::applied) {
    store.mark_applied(filename, 0);
  } else {
    store.delete_row(filename);
  }
}

// A Go migration ran (or was rolled back) by other means; a person records
// that here. It is recorded with its file's checksum, so an edit to the
// file after that shows as MODIFIED like any other.
void Migrator::Impl::resolve_go_migration(const std::string& filename, Resolution resolution) {
  const Loaded loaded = load_while_connecting(EarlyRead::nothing);
  Store& store = connect();
  const std::unique_ptr<StoreLock> lock = lock_for_writing(store);
  const Plan plan = make_plan(loaded.migrations.files(), store.read_rows(), plan_options());
  const auto planned = std::find_if(plan.migrations.begin(), plan.migrations.end(),
                                    [&](const PlannedMigration& candidate) { return candidate.name == filename; });
  const std::string refusal = "cannot resolve " + filename + ": ";
  if (planned == plan.migrations.end()) {
    throw Error(ErrorKind::config, refusal + "there is no such migration file and no row of that name");
  }
  if (resolution == Resolution::rolled_back) {
    if (!planned->db_checksum) throw Error(ErrorKind::config, refusal + "it is not recorded as applied");
    if (!m_options.dry_run) store.delete_row(filename);
    return;
  }
  if (planned->db_checksum) throw Error(ErrorKind::config, refusal + "it is already recorded as applied");
  std::string earlier_pending;
  for (auto it = plan.migrations.begin(); it != planned; ++it) {
    if (!it->db_checksum) earlier_pending += "\n  " + it->name;
  }
  if (!earlier_pending.empty()) {
    throw Error(ErrorKind::config,
                refusal + "these migrations before it are not applied yet; apply them first (up stops before it):" +
                    earlier_pending,
                ErrorContext{{}, {}, {}, {}, Remedy{RemedyKind::apply_earlier_first, filename}});
  }
  if (m_options.dry_run) return;
  const LoadedMigration& migration = loaded.migrations.find(filename);
  store.insert_row(RowRecord{filename, migration.inspected.checksum, migration.version, "", 0, false});
}

void Migrator::Impl::cancel() noexcept {
  m_is_cancelled = true;
  const std::lock_guard<std::mutex> lock(m_active_store_mutex);
  if (m_active_store != nullptr) m_active_store->cancel();
}

void Migrator::Impl::set_active_store(Store* store) noexcept {
  const std::lock_guard<std::mutex> lock(m_active_store_mutex);
  m_active_store = store;
  if (store != nullptr && m_is_cancelled) store->cancel();
}

Migrator::Migrator(Options options) : m_impl(std::make_unique<Impl>(std::move(options))) {}
Migrator::~Migrator() = default;

RunResult Migrator::up() {
  return m_impl->run(
      [](const Plan& plan, const PlanOptions& options) {
        std::vector<Action> actions;
        for (const std::size_t position : positions_to_apply(plan, options))
          actions.push_back({position, Direction::up});
        return actions;
      },
      RunKind::up_returning_early_when_up_to_date);
}

RunResult Migrator::up_by_one() {
  return m_impl->run(
      [](const Plan& plan, const PlanOptions& options) {
        const std::vector<std::size_t> positions = positions_to_apply(plan, options);
        if (positions.empty()) return std::vector<Action>{};
        return std::vector<Action>{{positions.front(), Direction::up}};
      },
      RunKind::up);
}

RunResult Migrator::up_to(std::int64_t version) {
  return m_impl->run(
      [version](const Plan& plan, const PlanOptions& options) {
        std::vector<Action> actions;
        for (const std::size_t position : positions_to_apply(plan, options)) {
          if (plan.migrations[position].version.value_or(0) <= version) actions.push_back({position, Direction::up});
        }
        return actions;
      },
      RunKind::up);
}

RunResult Migrator::down() {
  return m_impl->run(
      [](const Plan& plan, const PlanOptions&) {
        const std::vector<std::size_t> positions = applied_newest_first(plan);
        if (positions.empty()) throw Error(ErrorKind::config, "nothing to roll back: no migration is applied");
        return std::vector<Action>{{positions.front(), Direction::down}};
      },
      RunKind::down);
}

RunResult Migrator::down_to(std::int64_t version) {
  return m_impl->run(
      [version](const Plan& plan, const PlanOptions&) {
        std::vector<Action> actions;
        for (const std::size_t position : applied_newest_first(plan)) {
          if (plan.migrations[position].version.value_or(0) > version) actions.push_back({position, Direction::down});
        }
        return actions;
      },
      RunKind::down);
}

RunResult Migrator::redo() {
  return m_impl->run(
      [](const Plan& plan, const PlanOptions&) {
        const std::vector<std::size_t> positions = applied_newest_first(plan);
        if (positions.empty()) throw Error(ErrorKind::config, "nothing to redo: no migration is applied");
        return std::vector<Action>{{positions.front(), Direction::down}, {positions.front(), Direction::up}};
      },
      RunKind::down);
}

RunResult Migrator::reset() {
  return m_impl->run(
      [](const Plan& plan, const PlanOptions&) {
        std::vector<Action> actions;
        for (const std::size_t position : applied_newest_first(plan)) actions.push_back({position, Direction::down});
        return actions;
      },
      RunKind::down);
}

Plan Migrator::status() { return m_impl->read_only_plan(); }

Plan Migrator::verify() { return m_impl->verified_plan(); }

std::optional<std::int64_t> Migrator::version() { return m_impl->applied_version(); }

std::vector<std::string> Migrator::baseline(std::int64_t version) { return m_impl->baseline(version); }

std::vector<std::string> Migrator::adopt(OtherTool tool) { return m_impl->adopt(tool); }

void Migrator::resolve(const std::string& filename, Resolution resolution) { m_impl->resolve(filename, resolution); }

Amendment Migrator::amendment_for(const std::string& filename, const std::string& reason) {
  return m_impl->amendment_for(filename, reason);
}

void Migrator::cancel() noexcept { m_impl->cancel(); }

}  // namespace gander
