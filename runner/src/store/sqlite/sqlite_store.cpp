#include <cstdint>
#include <gander/error.hpp>
#include <memory>
#include <string>
#include <utility>
#include <vector>
#include "store/store.hpp"

#include "file_lock.hpp"
#include "sqlite_connection.hpp"
#include "store/row_state.hpp"
#include "store/tracking_columns.hpp"
#include "store/transaction_ended.hpp"

namespace gander {

namespace {

using detail::SqliteConnection;
using detail::Statement;

using Column = detail::TrackingColumn;
using detail::k_legacy_column_count;
constexpr const auto& k_columns = detail::k_tracking_columns;

// The one savepoint a migration sharing its transaction with others gets.
constexpr const char* k_savepoint = "gander_migration";

constexpr const char* k_now = "strftime('%Y-%m-%dT%H:%M:%SZ', 'now')";

bool equals_ignoring_case(const std::string& left, const char* right) {
  std::size_t i = 0;
  for (; i < left.size() && right[i] != '\0'; ++i) {
    const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    if (lower(left[i]) != lower(right[i])) return false;
  }
  return i == left.size() && right[i] == '\0';
}

// A table's columns as declared. SQLite matches column names without regard
// to case, and so does this.
struct FoundColumns {
  std::vector<std::string> names;

  bool contains(const char* name) const {
    for (const std::string& found : names) {
      if (equals_ignoring_case(found, name)) return true;
    }
    return false;
  }
};

bool is_tracking_column(const std::string& name) {
  for (const Column& column : k_columns) {
    if (equals_ignoring_case(name, column.name)) return true;
  }
  return false;
}

std::string join(const std::vector<std::string>& parts) {
  std::string out;
  for (const std::string& part : parts) out += (out.empty() ? "" : ", ") + part;
  return out;
}

// Locks nothing: an in-memory or temporary database belongs to this one
// connection, so no other process can run migrations on it.
class NoLock final : public StoreLock {};

class SqliteStore final : public Store {
 public:
  SqliteStore(const StoreOptions& options, TableName table)
      : m_connection(options.dsn, options.busy_timeout, options.statement_timeout, options.create_missing_database),
        m_table(std::move(table)) {}

  const char* driver() const override { return "sqlite3"; }

  std::unique_ptr<StoreLock> lock(const LockOptions& options) override {
    const std::string path = m_connection.file_path();
    if (path.empty()) return std::make_unique<NoLock>();
    if (!m_lock_file) m_lock_file = std::make_shared<const detail::LockFile>(path);
    return detail::take_file_lock(m_lock_file, options);
  }

  std::optional<std::string> lock_holder(LockMethod) override {
    const std::string path = m_connection.file_path();
    if (path.empty()) return std::nullopt;
    if (!m_lock_file) m_lock_file = std::make_shared<const detail::LockFile>(path);
    if (!detail::is_file_locked(*m_lock_file)) return std::nullopt;
    return "another gander process (an flock on " + path + ")";
  }

  TableShape table_shape() override { return classify(read_columns()); }

  void prepare_table() override {
    // gander never drops a column, so a current table stays current; and
    // even an empty write transaction's COMMIT waits for every reader.
    if (classify(read_columns()) == TableShape::current) return;
    // The columns are read inside the write transaction, so that another
    // process cannot create or upgrade the table between the look and the change.
    const bool owns_transaction = !m_connection.is_in_transaction();
    if (owns_transaction) m_connection.execute("BEGIN IMMEDIATE");
    try {
      const FoundColumns columns = read_columns();
      switch (classify(columns)) {
        case TableShape::missing: m_connection.execute(create_table_sql()); break;
        case TableShape::legacy: add_missing_columns(columns); break;
        case TableShape::current: break;
      }
      if (owns_transaction) m_connection.execute("COMMIT");
    } catch (...) {
      if (owns_transaction) rollback();
      throw;
    }
  }

  std::vector<AppliedRow> read_rows() override {
    const FoundColumns columns = read_columns();
    if (classify(columns) == TableShape::missing) return {};
    // Tables adopted from other runners may hold applied_at in another
    // format ("2024-03-01 10:00:00", Go's time.Time text); strftime() reads
    // most of them, and what it cannot read is shown as stored.
    const Statement statement = m_connection.prepare(
        std::string("SELECT filename, checksum, ") +
        "coalesce(strftime('%Y-%m-%dT%H:%M:%SZ', applied_at), applied_at), " +
        (columns.contains("state") ? "state" : "'applied'") + ", " +
        // Rows written before gander stored NULL hold ''.
        (columns.contains("up_checksum") ? "NULLIF(up_checksum, '')" : "NULL") + ", " +
        (columns.contains("statements_done") ? "statements_done" : "NULL") + ", " +
        (columns.contains("direction") ? "direction" : "NULL") + ", " +
        (columns.contains("statement_started") ? "statement_started" : "NULL") + " FROM " + m_table.quoted());
    std::vector<AppliedRow> rows;
    detail::RowStates states(m_table.display());
    while (m_connection.step(statement.get())) {
      AppliedRow row;
      row.filename = detail::column_text(statement.get(), 0).value_or("");
      row.checksum = detail::column_text(statement.get(), 1).value_or("");
      row.applied_at = detail::column_text(statement.get(), 2);
      const std::optional<std::string> state = detail::column_text(statement.get(), 3);
      row.is_partial = states.is_partial(row.filename, state ? std::optional<std::string_view>(*state) : std::nullopt);
      row.up_checksum = detail::column_text(statement.get(), 4);
      if (sqlite3_column_type(statement.get(), 5) != SQLITE_NULL) {
        row.statements_done = sqlite3_column_int64(statement.get(), 5);
      }
      if (row.is_partial) {
        const std::optional<std::string> direction = detail::column_text(statement.get(), 6);
        row.is_rolling_back = states.is_rolling_back(
            row.filename, direction ? std::optional<std::string_view>(*direction) : std::nullopt);
        if (sqlite3_column_type(statement.get(), 7) != SQLITE_NULL) {
          row.statement_in_doubt = sqlite3_column_int64(statement.get(), 7);
        }
      }
      rows.push_back(std::move(row));
    }
    states.throw_if_unknown();
    return rows;
  }

  std::vector<AppliedRow> read_checksums() override {
    const Statement statement =
        // Anything but 'applied' is read as partial here: the run then reads
        // every row under the lock, where a state gander never writes is refused.
        m_connection.prepare("SELECT filename, checksum, state IS NOT 'applied' FROM " + m_table.quoted());
    std::vector<AppliedRow> rows;
    while (m_connection.step(statement.get())) {
      AppliedRow row;
      row.filename = detail::column_text(statement.get(), 0).value_or("");
      row.checksum = detail::column_text(statement.get(), 1).value_or("");
      row.is_partial = sqlite3_column_int(statement.get(), 2) != 0;
      rows.push_back(std::move(row));
    }
    return rows;
  }

  // IMMEDIATE takes the write lock at once: two deferred transactions that
  // both read and then try to write would deadlock, and SQLite would fail
  // one of them without waiting for the busy timeout.
  void begin() override {
    m_connection.execute("BEGIN IMMEDIATE");
    m_is_transaction_ours = true;
  }

  // Throws Error{sql} when no transaction is open.
  void commit() override {
    m_is_transaction_ours = false;
    m_connection.execute("COMMIT");
  }

  void rollback() noexcept override {
    m_is_transaction_ours = false;
    if (!m_connection.is_in_transaction()) return;
    try {
      m_connection.execute("ROLLBACK");
    } catch (...) {
      // Nothing more to do: SQLite rolls back an unfinished transaction when
      // the connection closes.
    }
  }

  BatchMethod batch_method() const override { return BatchMethod::shared_transaction; }

  void savepoint() override { m_connection.execute(std::string("SAVEPOINT ") + k_savepoint); }
  void release_savepoint() override { m_connection.execute(std::string("RELEASE ") + k_savepoint); }

  bool rollback_to_savepoint() noexcept override {
    if (!m_connection.is_in_transaction()) return false;
    try {
      m_connection.execute(std::string("ROLLBACK TO ") + k_savepoint + "; RELEASE " + k_savepoint);
    } catch (...) {
      return false;
    }
    return m_connection.is_in_transaction();
  }

  bool has_unresolved_foreign_keys() override { return m_connection.has_unresolved_foreign_keys(); }

  // Each COMMIT waits for the disk as the connection's synchronous setting says.
  void set_commit_waits_for_disk(bool) override {}
  void make_commits_durable() override {}

  // The Migrator refuses a transactional migration that holds a COMMIT
  // before it runs; this catches what slips past that check (docs/operations.md). A
  // NO TRANSACTION migration's own transactions are its business.
  void execute(const std::string& sql) override {
    m_connection.execute_within_timeout(sql);
    if (m_is_transaction_ours && !m_connection.is_in_transaction()) {
      m_is_transaction_ours = false;
      throw detail::transaction_ended_error();
    }
  }

  // applied_at is always written: an adopted table's column may have no default.
  void insert_row(const RowRecord& row) override {
    const Statement statement = m_connection.prepare(
        "INSERT INTO " + m_table.quoted() +
        " (filename, checksum, version, execution_ms, state, up_checksum, statements_done, direction, applied_at)"
        " VALUES (?1, ?2, ?3, ?4, ?5, NULLIF(?6, ''), ?7, CASE ?5 WHEN 'partial' THEN 'up' END, "
        "coalesce(NULLIF(?8, ''), " +
        k_now + "))");
    m_connection.bind(statement.get(), 1, row.filename);
    m_connection.bind(statement.get(), 2, row.checksum);
    m_connection.bind(statement.get(), 3, row.version);
    m_connection.bind(statement.get(), 4, row.execution_ms);
    m_connection.bind(statement.get(), 5, std::string(row.is_partial ? "partial" : "applied"));
    m_connection.bind(statement.get(), 6, row.up_checksum);
    m_connection.bind(statement.get(), 7, row.is_partial ? std::optional<std::int64_t>(0) : std::nullopt);
    m_connection.bind(statement.get(), 8, row.applied_at);
    run(statement);
  }

  void mark_applied(const std::string& filename, std::int64_t execution_ms) override {
    const Statement statement = m_connection.prepare(
        "UPDATE " + m_table.quoted() + " SET state = 'applied', execution_ms = ?2, applied_at = " + k_now +
        ", direction = NULL, statement_started = NULL WHERE filename = ?1");
    m_connection.bind(statement.get(), 1, filename);
    m_connection.bind(statement.get(), 2, execution_ms);
    run(statement);
    // The row was inserted as partial before the statements ran; without it
    // the migration would count as never applied.
    if (sqlite3_changes(sqlite3_db_handle(statement.get())) != 1) {
      throw Error(ErrorKind::sql, "cannot mark " + filename + " applied: it has no row in " + m_table.display());
    }
  }

  void delete_row(const std::string& filename) override {
    const Statement statement = m_connection.prepare("DELETE FROM " + m_table.quoted() + " WHERE filename = ?1");
    m_connection.bind(statement.get(), 1, filename);
    run(statement);
  }

  void mark_rolling_back(const std::string& filename) override {
    const Statement statement =
        m_connection.prepare("UPDATE " + m_table.quoted() +
                             " SET state = 'partial', direction = 'down', statements_done = 0, statement_started = NULL"
                             " WHERE filename = ?1 AND state = 'applied'");
    m_connection.bind(statement.get(), 1, filename);
    run(statement);
    if (sqlite3_changes(sqlite3_db_handle(statement.get())) != 1) {
      throw Error(ErrorKind::sql,
                  "cannot record that " + filename + " is rolling back: it has no applied row in " + m_table.display());
    }
  }

  void record_statement_started(const std::string& filename, std::int64_t statement_number) override {
    const Statement statement = m_connection.prepare(
        "UPDATE " + m_table.quoted() + " SET statements_done = ?2 - 1, statement_started = ?2 WHERE filename = ?1");
    m_connection.bind(statement.get(), 1, filename);
    m_connection.bind(statement.get(), 2, statement_number);
    run(statement);
  }

  void record_progress(const std::string& filename, std::int64_t statements_done) override {
    const Statement statement = m_connection.prepare(
        "UPDATE " + m_table.quoted() + " SET statements_done = ?2, statement_started = NULL WHERE filename = ?1");
    m_connection.bind(statement.get(), 1, filename);
    m_connection.bind(statement.get(), 2, statements_done);
    run(statement);
  }

  // SQLite has no concurrent index builds, so no index is ever left invalid.
  bool is_invalid_index(const std::string&) override { return false; }

  std::optional<std::vector<GooseVersionRow>> read_goose_versions() override {
    if (!has_table("goose_db_version")) return std::nullopt;
    // goose's SQLite dialect stores tstamp as datetime('now'), UTC.
    const Statement statement = m_connection.prepare(
        "SELECT version_id, is_applied, strftime('%Y-%m-%dT%H:%M:%SZ', tstamp) FROM goose_db_version ORDER BY id");
    std::vector<GooseVersionRow> rows;
    while (m_connection.step(statement.get())) {
      GooseVersionRow row;
      row.version = sqlite3_column_int64(statement.get(), 0);
      row.is_applied = sqlite3_column_int64(statement.get(), 1) != 0;
      row.applied_at = detail::column_text(statement.get(), 2);
      rows.push_back(std::move(row));
    }
    return rows;
  }

  bool has_table(const std::string& name) override {
    const Statement statement = m_connection.prepare(
        "SELECT 1 FROM sqlite_master WHERE type IN ('table', 'view') AND name = ?1 COLLATE NOCASE");
    m_connection.bind(statement.get(), 1, name);
    return m_connection.step(statement.get());
  }

  void cancel() noexcept override { m_connection.interrupt(); }

 private:
  FoundColumns read_columns() {
    const Statement statement = m_connection.prepare("PRAGMA table_info(" + m_table.quoted() + ")");
    FoundColumns columns;
    // table_info's second column is the column's name.
    while (m_connection.step(statement.get())) {
      columns.names.push_back(detail::column_text(statement.get(), 1).value_or(""));
    }
    return columns;
  }

  // Throws Error{config} for a table that gander must not write to: one that
  // lacks a column gander relies on, or has one gander does not know.
  TableShape classify(const FoundColumns& columns) const {
    if (columns.names.empty()) return TableShape::missing;
    bool is_gander_table = true;
    for (std::size_t i = 0; i < k_legacy_column_count; ++i) {
      is_gander_table = is_gander_table && columns.contains(k_columns[i].name);
    }
    for (const std::string& name : columns.names) {
      is_gander_table = is_gander_table && is_tracking_column(name);
    }
    if (!is_gander_table) {
      throw Error(ErrorKind::config,
                  "table " + m_table.display() + " has columns (" + join(columns.names) +
                      "), which is not a gander tracking table; gander needs "
                      "(filename, checksum, applied_at[, version, execution_ms, state, up_checksum, statements_done, "
                      "direction, statement_started]). Give gander a tracking table of its own",
                  ErrorContext{{}, {}, {}, {}, Remedy{RemedyKind::choose_own_table}});
    }
    for (const Column& column : k_columns) {
      if (!columns.contains(column.name)) return TableShape::legacy;
    }
    return TableShape::current;
  }

  std::string create_table_sql() const {
    std::string sql = "CREATE TABLE IF NOT EXISTS " + m_table.quoted() + " (";
    for (const Column& column : k_columns) {
      sql += std::string(&column == k_columns ? "" : ", ") + column.name + " " + column.sqlite;
    }
    return sql + ")";
  }

  // Adds the columns a legacy table lacks; every row and checksum stays as
  // it is (the new columns take their defaults).
  void add_missing_columns(const FoundColumns& columns) {
    for (const Column& column : k_columns) {
      if (columns.contains(column.name)) continue;
      m_connection.execute("ALTER TABLE " + m_table.quoted() + " ADD COLUMN " + column.name + " " + column.sqlite);
    }
  }

  void run(const Statement& statement) {
    while (m_connection.step(statement.get())) {
    }
  }

  // Declared before the connection so that it is closed after it: closing a
  // descriptor of the database file while SQLite is still open would drop
  // SQLite's own POSIX locks on it (see LockFile).
  std::shared_ptr<const detail::LockFile> m_lock_file;
  SqliteConnection m_connection;
  TableName m_table;
  bool m_is_transaction_ours = false;  // begin() opened the transaction, and commit() or rollback() has not ended it
};

}  // namespace

std::unique_ptr<Store> open_sqlite_store(const StoreOptions& options, const TableName& table) {
  return std::make_unique<SqliteStore>(options, table);
}

}  // namespace gander
