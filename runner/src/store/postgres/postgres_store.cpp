#include "store/store.hpp"

#include <algorithm>
#include <chrono>
#include <optional>
#include <utility>
#include <vector>

#include <gander/error.hpp>

#include "postgres_blocker_watch.hpp"
#include "postgres_connection.hpp"
#include "postgres_lock.hpp"
#include "store/row_state.hpp"
#include "store/tracking_columns.hpp"
#include "util/broken_invariant.hpp"
#include "util/duration_text.hpp"

namespace gander {

namespace {

using detail::PostgresConnection;

using Column = detail::TrackingColumn;
using detail::k_legacy_column_count;
constexpr const auto& k_columns = detail::k_tracking_columns;

// ISO-8601 UTC, as AppliedRow::applied_at promises. The cast lets a legacy
// table's TIMESTAMP (written as local time by now()) or ISO text be read too.
constexpr const char* k_applied_at_sql =
    "to_char(applied_at::timestamptz AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')";

// The one savepoint a migration sharing its transaction with others gets.
constexpr const char* k_savepoint = "gander_migration";

bool contains(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

bool is_gander_column(const std::string& name) {
  return std::any_of(std::begin(k_columns), std::end(k_columns),
                     [&](const Column& column) { return name == column.name; });
}

std::string joined(const std::vector<std::string>& names) {
  std::string text;
  for (const std::string& name : names) text += (text.empty() ? "" : ", ") + name;
  return text;
}

class PostgresStore final : public Store {
 public:
  PostgresStore(const StoreOptions& options, TableName table)
      : m_connection(std::make_shared<PostgresConnection>(options.dsn, options.connect_attempt_timeout)),
        m_table(std::move(table)),
        m_quoted(m_table.quoted()),
        m_statement_timeout(options.statement_timeout),
        m_ddl_lock_timeout(options.ddl_lock_timeout) {}

  ~PostgresStore() override { m_connection->rollback(); }

  const char* driver() const override { return "postgres"; }

  std::unique_ptr<StoreLock> lock(const LockOptions& options) override {
    return detail::take_postgres_lock(m_connection, m_table, options);
  }

  std::optional<std::string> lock_holder(LockMethod method) override {
    return detail::postgres_lock_holder(*m_connection, m_table, method);
  }

  TableShape table_shape() override {
    const std::optional<std::vector<std::string>> columns = read_columns();
    if (!columns) return TableShape::missing;
    const TableShape shape = classify(*columns);
    // Outside a transaction the shape is durable, and gander never removes
    // a column: read_rows() can skip the check from now on.
    if (shape == TableShape::current && !m_connection->has_transaction()) m_is_known_current = true;
    return shape;
  }

  void prepare_table() override {
    const std::optional<std::vector<std::string>> columns = read_columns();
    if (!columns) {
      std::string definitions;
      for (const Column& column : k_columns) {
        definitions += std::string(definitions.empty() ? "" : ", ") + column.name + " " + column.postgres;
      }
      try {
        m_connection->exec("CREATE TABLE IF NOT EXISTS " + m_quoted + " (" + definitions + ")");
      } catch (const Error& error) {
        throw Error(error.kind(), "cannot create the tracking table " + m_quoted + ": " + error.message(),
                    error.context());
      }
    } else if (classify(*columns) == TableShape::legacy) {
      // One statement, so the columns arrive together or not at all; the
      // rows and their checksums are left as they are.
      std::string additions;
      for (const Column& column : k_columns) {
        if (contains(*columns, column.name)) continue;
        additions += std::string(additions.empty() ? "" : ", ") + "ADD COLUMN IF NOT EXISTS " + column.name + " " +
                     column.postgres;
      }
      m_connection->exec("ALTER TABLE " + m_quoted + " " + additions);
    }
    if (!m_connection->has_transaction()) m_is_known_current = true;
  }

  std::vector<AppliedRow> read_rows() override {
    std::vector<std::string> columns;
    if (!m_is_known_current) {
      const std::optional<std::vector<std::string>> found = read_columns();
      if (!found) return {};
      if (classify(*found) == TableShape::legacy) columns = *found;
    }
    // A legacy table may lack any column after the first three.
    const auto column_or_null = [&](const std::string& sql, const char* name) {
      return columns.empty() || contains(columns, name) ? sql : std::string("NULL");
    };
    const pqxx::result result = m_connection->exec(
        "SELECT filename, checksum, " + std::string(k_applied_at_sql) + ", " + column_or_null("state", "state") + ", " +
        column_or_null("NULLIF(up_checksum, '')", "up_checksum") + ", " +
        column_or_null("statements_done", "statements_done") + ", " + column_or_null("direction", "direction") + ", " +
        column_or_null("statement_started", "statement_started") + " FROM " + m_quoted);
    std::vector<AppliedRow> rows;
    rows.reserve(result.size());
    // A legacy table has no state column: every row in it is applied.
    const bool has_state = columns.empty() || contains(columns, "state");
    detail::RowStates states(m_table.display());
    for (const pqxx::row& source : result) {
      AppliedRow row;
      row.filename = source[0].c_str();
      row.checksum = source[1].c_str();
      if (!source[2].is_null()) row.applied_at = source[2].c_str();
      row.is_partial =
          has_state &&
          states.is_partial(row.filename,
                            source[3].is_null() ? std::nullopt : std::optional<std::string_view>(source[3].c_str()));
      if (!source[4].is_null()) row.up_checksum = source[4].c_str();
      if (!source[5].is_null()) row.statements_done = source[5].as<std::int64_t>();
      if (row.is_partial) {
        row.is_rolling_back = states.is_rolling_back(
            row.filename, source[6].is_null() ? std::nullopt : std::optional<std::string_view>(source[6].c_str()));
        if (!source[7].is_null()) row.statement_in_doubt = source[7].as<std::int64_t>();
      }
      rows.push_back(std::move(row));
    }
    states.throw_if_unknown();
    return rows;
  }

  std::vector<AppliedRow> read_checksums() override {
    // Anything but 'applied' is read as partial here: the run then reads
    // every row under the lock, where a state gander never writes is refused.
    const pqxx::result result =
        m_connection->exec("SELECT filename, checksum, state IS DISTINCT FROM 'applied' FROM " + m_quoted);
    std::vector<AppliedRow> rows(result.size());
    for (pqxx::result::size_type index = 0; index < result.size(); ++index) {
      const pqxx::row source = result[index];
      AppliedRow& row = rows[static_cast<std::size_t>(index)];
      row.filename = source[0].c_str();
      row.checksum = source[1].c_str();
      row.is_partial = source[2].as<bool>();
    }
    return rows;
  }

  // The settings go with the transaction (SET LOCAL): behind a pooler the
  // server connection serves other clients once it ends (docs/operations.md, "Locking").
  void begin() override {
    m_connection->begin();
    std::string settings;
    for (const auto& [name, value] : statement_limits())
      settings += std::string("SET LOCAL ") + name + " = " + value + ";";
    if (!m_commit_waits_for_disk) settings += "SET LOCAL synchronous_commit TO off;";
    if (!settings.empty()) m_connection->exec(settings);
  }
  void commit() override { m_connection->commit(); }
  void rollback() noexcept override { m_connection->rollback(); }

  BatchMethod batch_method() const override { return BatchMethod::deferred_durability; }

  void savepoint() override { m_connection->exec(std::string("SAVEPOINT ") + k_savepoint); }
  void release_savepoint() override { m_connection->exec(std::string("RELEASE SAVEPOINT ") + k_savepoint); }
  bool rollback_to_savepoint() noexcept override { return m_connection->rollback_to_savepoint(k_savepoint); }
  bool has_unresolved_foreign_keys() override { return false; }

  void set_commit_waits_for_disk(bool waits) override { m_commit_waits_for_disk = waits; }

  void make_commits_durable() override {
    if (m_connection->has_transaction()) {
      detail::broken_invariant("make_commits_durable() inside a transaction");
    }
    m_commit_waits_for_disk = true;
    // The row lock is WAL-logged and gives the transaction an xid, so its
    // COMMIT waits for the WAL flush, which covers every commit before it.
    // FOR KEY SHARE is the weakest lock, and SKIP LOCKED takes another row
    // rather than wait for a session that holds one FOR UPDATE. One round trip.
    try {
      m_connection->exec("BEGIN; SELECT 1 FROM " + m_quoted + " LIMIT 1 FOR KEY SHARE SKIP LOCKED; COMMIT");
    } catch (const Error& error) {
      throw Error(error.kind(), "cannot confirm that the migrations of this run are on disk: " + error.message(),
                  error.context());
    }
  }

  void execute(const std::string& sql) override {
    const auto start = std::chrono::steady_clock::now();
    std::optional<detail::BlockerWatch::Scope> watching;
    if (m_ddl_lock_timeout > std::chrono::milliseconds::zero()) watching.emplace(blocker_watch());
    try {
      if (m_connection->has_transaction()) {
        m_connection->exec(sql);
      } else {
        run_with_session_settings(sql);
      }
    } catch (const Error& error) {
      const std::optional<std::string>& sqlstate = error.context().sqlstate;
      if (sqlstate == std::optional<std::string>("55P03") && m_blocker_watch) {
        watching.reset();
        throw lock_wait_error(error);
      }
      // 57014 is also a cancel, or a lower statement_timeout that the
      // migration set itself: only one that ran the whole time is ours.
      const bool is_ours = m_statement_timeout > std::chrono::milliseconds::zero() &&
                           sqlstate == std::optional<std::string>("57014") &&
                           std::chrono::steady_clock::now() - start >= m_statement_timeout;
      if (!is_ours) throw;
      throw Error(
          ErrorKind::sql,
          "exceeded --statement-timeout " + detail::duration_text(m_statement_timeout) + " (" + error.message() + ")",
          error.context());
    }
  }

  // applied_at is always written: an adopted table's column may have no default.
  void insert_row(const RowRecord& row) override {
    const std::string version = row.version ? std::to_string(*row.version) : "";
    m_connection->exec_params("INSERT INTO " + m_quoted +
                                  " (filename, checksum, version, execution_ms, state, up_checksum, statements_done, "
                                  "direction, applied_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, "
                                  "COALESCE($9::timestamptz, now()))",
                              row.filename, row.checksum, row.version ? version.c_str() : nullptr, row.execution_ms,
                              row.is_partial ? "partial" : "applied",
                              row.up_checksum.empty() ? nullptr : row.up_checksum.c_str(),
                              row.is_partial ? "0" : nullptr, row.is_partial ? "up" : nullptr,
                              row.applied_at.empty() ? nullptr : row.applied_at.c_str());
  }

  void mark_applied(const std::string& filename, std::int64_t execution_ms) override {
    const pqxx::result result = m_connection->exec_params(
        "UPDATE " + m_quoted +
            " SET state = 'applied', execution_ms = $2, applied_at = now(), direction = NULL, statement_started = NULL "
            "WHERE filename = $1",
        filename, execution_ms);
    // The row was inserted as partial before the statements ran; without it
    // the migration would count as never applied.
    if (result.affected_rows() != 1) {
      throw Error(ErrorKind::sql, "cannot mark " + filename + " applied: it has no row in " + m_table.display());
    }
  }

  void delete_row(const std::string& filename) override {
    m_connection->exec_params("DELETE FROM " + m_quoted + " WHERE filename = $1", filename);
  }

  void mark_rolling_back(const std::string& filename) override {
    const pqxx::result result = m_connection->exec_params(
        "UPDATE " + m_quoted +
            " SET state = 'partial', direction = 'down', statements_done = 0, statement_started = NULL "
            "WHERE filename = $1 AND state = 'applied'",
        filename);
    if (result.affected_rows() != 1) {
      throw Error(ErrorKind::sql,
                  "cannot record that " + filename + " is rolling back: it has no applied row in " + m_table.display());
    }
  }

  void record_statement_started(const std::string& filename, std::int64_t statement) override {
    m_connection->exec_params(
        "UPDATE " + m_quoted +
            " SET statements_done = $2::bigint - 1, statement_started = $2::bigint WHERE filename = $1",
        filename, statement);
  }

  void record_progress(const std::string& filename, std::int64_t statements_done) override {
    m_connection->exec_params(
        "UPDATE " + m_quoted + " SET statements_done = $2, statement_started = NULL WHERE filename = $1", filename,
        statements_done);
  }

  bool is_invalid_index(const std::string& name) override {
    const pqxx::result result =
        m_connection->exec_params("SELECT NOT indisvalid FROM pg_index WHERE indexrelid = to_regclass($1)", name);
    return !result.empty() && result[0][0].as<bool>();
  }

  std::optional<std::vector<GooseVersionRow>> read_goose_versions() override {
    if (!has_table("goose_db_version")) return std::nullopt;
    // goose's tstamp is a timestamp without time zone, written by now() in
    // the session's time zone.
    const pqxx::result result = m_connection->exec(
        "SELECT version_id, is_applied, to_char(tstamp::timestamptz AT TIME ZONE 'UTC', "
        "'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') FROM goose_db_version ORDER BY id");
    std::vector<GooseVersionRow> rows;
    rows.reserve(result.size());
    for (const pqxx::row& source : result) {
      GooseVersionRow row;
      row.version = source[0].as<std::int64_t>();
      row.is_applied = source[1].as<bool>();
      if (!source[2].is_null()) row.applied_at = source[2].c_str();
      rows.push_back(std::move(row));
    }
    return rows;
  }

  bool has_table(const std::string& name) override {
    return m_connection->exec_params("SELECT to_regclass($1) IS NOT NULL", name)[0][0].as<bool>();
  }

  void cancel() noexcept override { m_connection->cancel(); }

 private:
  // The limits gander puts on migration statements, as setting name and
  // value in milliseconds; only those the options set.
  std::vector<std::pair<const char*, std::string>> statement_limits() const {
    std::vector<std::pair<const char*, std::string>> limits;
    if (m_statement_timeout > std::chrono::milliseconds::zero()) {
      limits.emplace_back("statement_timeout", std::to_string(m_statement_timeout.count()));
    }
    if (m_ddl_lock_timeout > std::chrono::milliseconds::zero()) {
      limits.emplace_back("lock_timeout", std::to_string(m_ddl_lock_timeout.count()));
    }
    return limits;
  }

  // A statement outside a transaction (NO TRANSACTION) cannot take SET
  // LOCAL: the limits are set on the session for it alone and reset after
  // it, whether it failed or not. Only on the server session this
  // connection announced: behind a pooler the reset could reach another
  // session than the set, and the limits would stay with another client's
  // connection, so there the statement runs without them (docs/operations.md, "Locking").
  void run_with_session_settings(const std::string& sql) {
    const std::vector<std::pair<const char*, std::string>> limits = statement_limits();
    if (limits.empty()) {
      m_connection->exec(sql);
      return;
    }
    std::string setters;
    for (const auto& [name, value] : limits) {
      setters +=
          std::string(setters.empty() ? "" : ", ") + "pg_catalog.set_config('" + name + "', '" + value + "', false)";
    }
    const bool is_set =
        !m_connection
             ->exec_params("SELECT " + setters + " WHERE pg_catalog.pg_backend_pid() = $1", m_connection->backend_pid())
             .empty();
    if (!is_set) {
      m_connection->exec(sql);
      return;
    }
    try {
      m_connection->exec(sql);
    } catch (...) {
      reset_session_settings();
      throw;
    }
    reset_session_settings();
  }

  void reset_session_settings() noexcept {
    try {
      m_connection->exec("RESET statement_timeout; RESET lock_timeout");
    } catch (const Error&) {
      // A connection that is gone took its settings with it.
    }
  }

  // Made on the first statement, so that a read-only command never starts it.
  detail::BlockerWatch& blocker_watch() {
    if (!m_blocker_watch) {
      // Half the timeout in, a statement that still waits is worth a look;
      // a look costs the server little, but not nothing.
      m_blocker_watch = std::make_unique<detail::BlockerWatch>(
          m_connection, std::min<std::chrono::milliseconds>(m_ddl_lock_timeout / 2, std::chrono::seconds(1)),
          std::chrono::milliseconds(500));
    }
    return *m_blocker_watch;
  }

  // A statement that gave up waiting for a lock: Error{lock}, which the
  // Migrator retries for a transactional migration, naming who held it.
  Error lock_wait_error(const Error& error) const {
    std::string message = "could not get a lock within --ddl-lock-timeout " +
                          detail::duration_text(m_ddl_lock_timeout) + " (" + error.message() + ")";
    if (const std::optional<std::string> blocker = m_blocker_watch->last_blocker()) {
      message += "; blocked by " + *blocker;
    }
    return Error(ErrorKind::lock, message, error.context());
  }

  // The columns of the table the name resolves to (through search_path when
  // unqualified), in table order; none when there is no such table.
  std::optional<std::vector<std::string>> read_columns() {
    // Resolved in SQL over pg_class rather than with to_regclass(): that
    // reads the catalog as of now, pg_attribute as of the statement's start,
    // and a table another replica commits in between would show up without
    // columns. Here every catalog row comes from the one snapshot.
    const pqxx::result result = m_connection->exec_params(
        "WITH search AS (SELECT name, position FROM unnest(CASE WHEN $1::text IS NULL "
        "THEN current_schemas(true) ELSE ARRAY[$1::name] END) WITH ORDINALITY AS s(name, position)), "
        "found AS (SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "JOIN search ON search.name = n.nspname WHERE c.relname = $2 ORDER BY search.position LIMIT 1) "
        "SELECT target.oid IS NOT NULL, a.attname FROM (SELECT (SELECT oid FROM found) AS oid) target "
        "LEFT JOIN pg_attribute a ON a.attrelid = target.oid AND a.attnum > 0 AND NOT a.attisdropped "
        "ORDER BY a.attnum",
        m_table.schema, m_table.name);
    if (result.empty() || !result[0][0].as<bool>()) return std::nullopt;
    std::vector<std::string> columns;
    for (const pqxx::row& row : result) {
      if (!row[1].is_null()) columns.emplace_back(row[1].c_str());
    }
    return columns;
  }

  // Throws Error{config} for a table that is not gander's, such as goose's
  // goose_db_version or golang-migrate's schema_migrations(version, dirty).
  TableShape classify(const std::vector<std::string>& columns) const {
    const bool has_legacy_columns = std::all_of(k_columns, k_columns + k_legacy_column_count,
                                                [&](const Column& column) { return contains(columns, column.name); });
    const bool has_only_gander_columns = std::all_of(columns.begin(), columns.end(), is_gander_column);
    if (!has_legacy_columns || !has_only_gander_columns) {
      std::string needed;
      for (std::size_t i = 0; i < std::size(k_columns); ++i) {
        needed += std::string(i == 0 ? "" : i == k_legacy_column_count ? "[, " : ", ") + k_columns[i].name;
      }
      throw Error(ErrorKind::config,
                  "table " + m_table.display() + " has columns (" + joined(columns) +
                      "), which is not a gander tracking table; gander needs (" + needed +
                      "]). Give gander a tracking table of its own",
                  ErrorContext{{}, {}, {}, {}, Remedy{RemedyKind::choose_own_table}});
    }
    const bool is_current = std::all_of(std::begin(k_columns), std::end(k_columns),
                                        [&](const Column& column) { return contains(columns, column.name); });
    return is_current ? TableShape::current : TableShape::legacy;
  }

  std::shared_ptr<PostgresConnection> m_connection;
  TableName m_table;
  std::string m_quoted;
  std::chrono::milliseconds m_statement_timeout;
  std::chrono::milliseconds m_ddl_lock_timeout;
  bool m_commit_waits_for_disk = true;
  std::unique_ptr<detail::BlockerWatch> m_blocker_watch;  // see blocker_watch()
  bool m_is_known_current = false;
};

}  // namespace

std::unique_ptr<Store> open_postgres_store(const StoreOptions& options, const TableName& table) {
  return std::make_unique<PostgresStore>(options, table);
}

}  // namespace gander
