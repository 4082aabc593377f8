#include "postgres_lock.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <optional>
#include <random>
#include <string>

#include <unistd.h>

#include <gander/checksum/checksum.hpp>
#include <gander/error.hpp>

#include "util/backoff.hpp"
#include "util/broken_invariant.hpp"
#include "util/duration_text.hpp"

namespace gander::detail {

namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// Short first, so a lock released a moment later is seen at once; capped,
// so a waiter notices a release within half a second.
constexpr milliseconds k_first_poll_delay{50};
constexpr milliseconds k_max_poll_delay{500};

// How long past the lock timeout the last try, and then the last look at
// the holder, may wait for the server's answer; and how long the release at
// the end of a run may. A server that does not answer in time is given up
// on: it releases the lock itself once it sees the connection close.
constexpr milliseconds k_answer_allowance{1000};
constexpr milliseconds k_release_allowance{5000};

constexpr std::size_t k_max_identifier_bytes = 63;
constexpr const char* k_lock_table_suffix = "_lock";

// One way of taking the lock: a single non-blocking attempt, and a
// description of whoever holds it now.
struct LockProbe {
  std::function<bool()> try_once;
  std::function<std::string()> describe_holder;
};

// Tries until the lock is taken or options.timeout has passed, sleeping
// between tries. The first failed try tells options.on_wait who holds it.
// Throws Error{lock} naming the holder on timeout; `what` says which lock
// and `remedy`, if any, ends the message. A try the server has not answered
// by the deadline (and k_answer_allowance) abandons `connection` and ends
// the wait with the timeout error, as does one the server leaves unanswered
// after a cancel.
void wait_for_lock(PostgresConnection& connection, const LockOptions& options, const LockProbe& probe,
                   const std::string& what, const std::string& remedy) {
  const Clock::time_point deadline = Clock::now() + options.timeout;
  Backoff backoff(k_first_poll_delay, k_max_poll_delay, 3, 2);
  std::string holder;
  const auto held_by = [&holder] { return holder.empty() ? std::string() : " held by " + holder; };
  const auto is_cancelled = [&options] { return options.is_cancelled != nullptr && options.is_cancelled->load(); };
  try {
    const SocketWatchdog::Deadline bounded =
        connection.round_trips_until(deadline + k_answer_allowance,
                                     "the server did not answer within the lock timeout, so gander closed the "
                                     "connection");
    for (bool is_first_failure = true;; is_first_failure = false) {
      if (probe.try_once()) return;
      if (is_first_failure) {
        holder = probe.describe_holder();
        if (options.on_wait) options.on_wait(holder);
      }
      if (is_cancelled()) throw Error(ErrorKind::lock, "interrupted while waiting for the migration lock" + held_by());
      const Clock::time_point now = Clock::now();
      if (now >= deadline) break;
      backoff.pause(deadline);
    }
  } catch (const Error& error) {
    if (error.kind() == ErrorKind::lock) throw;
    // A cancel request that stopped a try, or a server that did not answer one.
    if (is_cancelled()) {
      throw Error(ErrorKind::lock,
                  "interrupted while waiting for the migration lock" + held_by() + ": " + error.message());
    }
    if (!connection.is_abandoned()) throw;
    throw Error(ErrorKind::lock, "timed out after " + duration_text(options.timeout) +
                                     " waiting for the migration lock" + held_by() + " (" + what +
                                     "): " + error.message());
  }
  try {
    // The holder may have changed while we waited; a server that does not
    // answer at once keeps the first description.
    const SocketWatchdog::Deadline bounded =
        connection.round_trips_until(Clock::now() + k_answer_allowance, "no answer to the last look at the holder");
    holder = probe.describe_holder();
  } catch (const Error&) {
    // Keep the first description: the timeout is the error to report.
  }
  throw Error(ErrorKind::lock, "timed out after " + duration_text(options.timeout) + " waiting for the migration lock" +
                                   held_by() + " (" + what + ")" + remedy);
}

// A lock that, once taken, is released by its destructor.
class PostgresLock final : public StoreLock {
 public:
  PostgresLock(std::shared_ptr<PostgresConnection> connection, std::function<void(PostgresConnection&)> release)
      : m_connection(std::move(connection)), m_release(std::move(release)) {}

  ~PostgresLock() override {
    if (!m_is_held) return;
    try {
      const SocketWatchdog::Deadline bounded = m_connection->round_trips_until(
          Clock::now() + k_release_allowance, "the server did not answer the release of the migration lock");
      // A transaction still open now is being abandoned (an error is on its
      // way out); the release must not run inside it, where it would fail
      // or be rolled back with it.
      m_connection->rollback();
      m_release(*m_connection);
    } catch (...) {
      // The server releases an advisory lock when the connection ends, and
      // a later run takes over a lock row whose session is gone.
    }
  }

  void mark_held() { m_is_held = true; }

 private:
  std::shared_ptr<PostgresConnection> m_connection;
  std::function<void(PostgresConnection&)> m_release;
  bool m_is_held = false;
};

std::optional<std::string> find_advisory_holder(PostgresConnection& connection, std::int64_t key) {
  const auto high = static_cast<std::uint32_t>(static_cast<std::uint64_t>(key) >> 32);
  const auto low = static_cast<std::uint32_t>(static_cast<std::uint64_t>(key));
  // A bigint advisory key shows in pg_locks as classid (high half), objid
  // (low half) and objsubid 1.
  const pqxx::result rows = connection.exec_params(
      "SELECT l.pid, a.application_name, "
      "to_char(a.backend_start AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS'), "
      "host(a.client_addr) || ':' || a.client_port "
      "FROM pg_locks l LEFT JOIN pg_stat_activity a ON a.pid = l.pid "
      "WHERE l.locktype = 'advisory' AND l.granted AND l.classid = $1::oid AND l.objid = $2::oid "
      "AND l.objsubid = 1 AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()) "
      "LIMIT 1",
      std::to_string(high), std::to_string(low));
  if (rows.empty()) return std::nullopt;
  const pqxx::row row = rows.front();
  // The server's pid is what pg_stat_activity and pg_terminate_backend()
  // take; the client's address tells which replica it is.
  std::string holder = "server pid " + std::string(row[0].c_str());
  if (!row[1].is_null() && row[1].size() > 0) holder += " (" + std::string(row[1].c_str()) + ")";
  holder += row[3].is_null() ? std::string(" over a local socket") : " from " + std::string(row[3].c_str());
  if (!row[2].is_null()) holder += ", connected since " + std::string(row[2].c_str()) + " UTC";
  return holder;
}

// How many times the two sessions of refuse_transaction_pooling() each ask
// for their server session: once shows a transaction pooler that hands the
// second one the session the first has just released; the repeats catch one
// that other clients kept busy the first time.
constexpr int k_session_probe_rounds = 3;

// How many statements confirm_held() spends on reaching the server session
// that holds a lock its connection has left.
constexpr int k_stranded_release_attempts = 5;

Error transaction_pooling_error(const std::string& observation) {
  return Error(ErrorKind::config,
               "gander's statements do not stay on one PostgreSQL server session (" + observation +
                   "): a connection pooler in transaction or statement mode (PgBouncer's pool_mode=transaction, "
                   "say) is in between, and a session advisory lock would protect nothing there; lock with a "
                   "table instead, or connect directly or through a pooler in session mode",
               ErrorContext{{}, {}, {}, {}, Remedy{RemedyKind::lock_with_table}});
}

int server_pid(PostgresConnection& connection) {
  return connection.exec("SELECT pg_catalog.pg_backend_pid()").at(0).at(0).as<int>();
}

// docs/operations.md, "Locking" "Poolers": called once a statement of `connection` has run on
// server session `pid` although the connection announced another: a proxy
// is in between. In session pooling the connection keeps `pid` and a second
// client connection gets another server session; in transaction pooling
// the pool hands the session `connection` has just released to whoever asks
// next, here the second connection. Throws Error{config} when the sessions
// move or are shared.
void refuse_transaction_pooling(PostgresConnection& connection, int pid) {
  const std::unique_ptr<PostgresConnection> other = connection.connect_again();
  std::optional<int> other_pid;
  for (int round = 0; round < k_session_probe_rounds; ++round) {
    const int asked = server_pid(*other);
    if (asked == pid) {
      throw transaction_pooling_error("server pid " + std::to_string(pid) + " served two client connections");
    }
    if (other_pid && *other_pid != asked) {
      throw transaction_pooling_error("a client connection moved from server pid " + std::to_string(*other_pid) +
                                      " to " + std::to_string(asked));
    }
    other_pid = asked;
    const int mine = server_pid(connection);
    if (mine != pid) {
      throw transaction_pooling_error("server pid " + std::to_string(pid) + ", then " + std::to_string(mine));
    }
  }
}

// The advisory lock, taken only on the server session the connection is
// known to be on: first the one it announced (a direct connection, no extra
// round trip), else, once refuse_transaction_pooling() found a session
// pooler, the one it ran on.
class AdvisoryAttempt {
 public:
  AdvisoryAttempt(PostgresConnection& connection, std::int64_t key)
      : m_connection(connection), m_key(key), m_session_pid(connection.backend_pid()) {}

  bool try_once() {
    const pqxx::row row = try_on_session();
    if (!row[0].is_null()) return row[0].as<bool>();
    const int ran_on = row[1].as<int>();
    if (is_behind_proxy()) {
      throw transaction_pooling_error("server pid " + std::to_string(m_session_pid) + ", then " +
                                      std::to_string(ran_on));
    }
    refuse_transaction_pooling(m_connection, ran_on);
    m_session_pid = ran_on;
    return try_once();
  }

  // Behind a session pooler: the statement after the one that took the
  // lock must still run on its server session, or the lock is stranded
  // there. Throws Error{config} then, having tried to release it.
  void confirm_held() {
    if (!is_behind_proxy()) return;
    const int now_on = server_pid(m_connection);
    if (now_on == m_session_pid) return;
    std::string stranded = "; the lock stays on server pid " + std::to_string(m_session_pid) +
                           " until that session ends (pg_terminate_backend)";
    for (int attempt = 0; attempt < k_stranded_release_attempts; ++attempt) {
      const pqxx::row row =
          m_connection
              .exec_params(
                  "SELECT CASE WHEN pg_catalog.pg_backend_pid() = $2 THEN pg_catalog.pg_advisory_unlock($1) END", m_key,
                  m_session_pid)
              .at(0);
      if (!row[0].is_null()) {
        stranded.clear();
        break;
      }
    }
    const Error error =
        transaction_pooling_error("server pid " + std::to_string(m_session_pid) + ", then " + std::to_string(now_on));
    throw Error(error.kind(), error.message() + stranded);
  }

 private:
  bool is_behind_proxy() const { return m_session_pid != m_connection.backend_pid(); }

  // The lock (null when the statement ran on another server session) and
  // the server session the statement ran on.
  pqxx::row try_on_session() {
    try {
      return m_connection
          .exec_params(
              "SELECT CASE WHEN pg_catalog.pg_backend_pid() = $2 THEN pg_try_advisory_lock($1) END, "
              "pg_catalog.pg_backend_pid()",
              m_key, m_session_pid)
          .at(0);
    } catch (const Error& error) {
      if (error.context().sqlstate != std::optional<std::string>("42883")) throw;
      ErrorContext context = error.context();
      context.remedy = Remedy{RemedyKind::lock_with_table};
      throw Error(error.kind(), error.message() + "; this server has no advisory locks: lock with a table instead",
                  context);
    }
  }

  PostgresConnection& m_connection;
  std::int64_t m_key;
  int m_session_pid;
};

std::unique_ptr<StoreLock> take_advisory_lock(const std::shared_ptr<PostgresConnection>& connection,
                                              const TableName& table, const LockOptions& options) {
  const std::int64_t key = advisory_lock_key(table);
  auto lock = std::make_unique<PostgresLock>(
      connection, [key](PostgresConnection& session) { session.exec_params("SELECT pg_advisory_unlock($1)", key); });
  AdvisoryAttempt attempt(*connection, key);
  LockProbe probe;
  probe.try_once = [&] { return attempt.try_once(); };
  probe.describe_holder = [&] {
    return find_advisory_holder(*connection, key).value_or("a session that has just released it");
  };
  wait_for_lock(*connection, options, probe, "advisory lock " + std::to_string(key) + " for table " + table.display(),
                "");
  attempt.confirm_held();
  lock->mark_held();
  return lock;
}

std::string random_token() {
  std::random_device device;
  char token[17];
  std::snprintf(token, sizeof token, "%08x%08x", static_cast<unsigned>(device()), static_cast<unsigned>(device()));
  return token;
}

std::string host_name() {
  char name[256] = {};
  if (::gethostname(name, sizeof name - 1) != 0 || name[0] == '\0') return "an unknown host";
  return name;
}

// docs/operations.md, "Locking": the row records the holder's server session, so that a run
// killed while holding it blocks nobody once its session is gone.
void create_lock_table(PostgresConnection& connection, const TableName& lock_table) {
  const std::string quoted = lock_table.quoted();
  try {
    connection.exec("CREATE TABLE IF NOT EXISTS " + quoted +
                    " (id INTEGER PRIMARY KEY CHECK (id = 1), holder TEXT NOT NULL, "
                    "acquired_at TIMESTAMPTZ NOT NULL DEFAULT now(), server_pid INTEGER, server_started TIMESTAMPTZ)");
  } catch (const Error& error) {
    // Two processes that create it at the same moment: one of them loses
    // the race on the catalog (on the table's name, or on the row type of
    // the same name), and the table exists all the same.
    const auto& sqlstate = error.context().sqlstate;
    if (!sqlstate || (*sqlstate != "23505" && *sqlstate != "42P07" && *sqlstate != "42710")) throw;
  }
  // A table made before the session columns existed gets them; ALTER TABLE
  // locks the table, so only when they are missing.
  const pqxx::result missing = connection.exec_params(
      "SELECT count(*) FROM pg_catalog.pg_attribute WHERE attrelid = pg_catalog.to_regclass($1) "
      "AND attname IN ('server_pid', 'server_started') AND NOT attisdropped",
      quoted);
  if (missing.at(0).at(0).as<int>() == 2) return;
  connection.exec("ALTER TABLE " + quoted +
                  " ADD COLUMN IF NOT EXISTS server_pid INTEGER, ADD COLUMN IF NOT EXISTS server_started TIMESTAMPTZ");
}

// Deletes the lock row when the server session that took it no longer
// exists, and returns its holder. A session is taken for alive whenever
// that cannot be told: a row without a session (written by an older
// gander), or a session whose start this role may not see.
std::optional<std::string> remove_stale_row(PostgresConnection& connection, const std::string& quoted) {
  const pqxx::result removed = connection.exec(
      "DELETE FROM " + quoted +
      " AS l WHERE l.id = 1 AND l.server_pid IS NOT NULL AND NOT EXISTS ("
      "SELECT 1 FROM pg_catalog.pg_stat_activity a WHERE a.pid = l.server_pid AND (a.backend_start IS NULL OR "
      "l.server_started IS NULL OR a.backend_start = l.server_started)) RETURNING l.holder");
  if (removed.empty()) return std::nullopt;
  return std::string(removed[0][0].c_str());
}

TableName lock_table_name(const TableName& table) {
  TableName lock_table = table;
  lock_table.name += k_lock_table_suffix;
  // PostgreSQL would truncate a longer name, and "<63 bytes>_lock" would
  // become the tracking table itself.
  if (lock_table.name.size() > k_max_identifier_bytes) {
    throw Error(ErrorKind::config, "table name '" + table.display() + "' is too long to lock with a table: " +
                                       "the lock table " + lock_table.name + " would exceed 63 characters");
  }
  return lock_table;
}

std::unique_ptr<StoreLock> take_table_lock(const std::shared_ptr<PostgresConnection>& connection,
                                           const TableName& table, const LockOptions& options) {
  const TableName lock_table = lock_table_name(table);
  const std::string quoted = lock_table.quoted();
  create_lock_table(*connection, lock_table);
  // The token tells this run's row from one a run on the same host and pid
  // left behind, so release deletes only its own.
  const std::string holder =
      "pid " + std::to_string(::getpid()) + " on " + host_name() + " (token " + random_token() + ")";
  auto lock = std::make_unique<PostgresLock>(connection, [quoted, holder](PostgresConnection& session) {
    session.exec_params("DELETE FROM " + quoted + " WHERE id = 1 AND holder = $1", holder);
  });
  LockProbe probe;
  // Behind a pooler (the statement runs on another server session than the
  // connection announced) the row records no session: the pooled one that
  // runs the INSERT outlives a killed run, and may be closed by the pooler
  // while this run goes on, so its end would hand a live run's lock to a
  // waiter.
  const auto try_insert = [&] {
    return connection
               ->exec_params("INSERT INTO " + quoted +
                                 " (id, holder, server_pid, server_started) SELECT 1, $1, "
                                 "CASE WHEN pid = $2 THEN pid END, CASE WHEN pid = $2 THEN backend_start END "
                                 "FROM pg_catalog.pg_stat_activity WHERE pid = pg_catalog.pg_backend_pid() "
                                 "ON CONFLICT (id) DO NOTHING",
                             holder, connection->backend_pid())
               .affected_rows() == 1;
  };
  probe.try_once = [&] {
    if (try_insert()) return true;
    const std::optional<std::string> stale = remove_stale_row(*connection, quoted);
    if (!stale) return false;
    if (options.on_stale_lock) options.on_stale_lock(*stale);
    return try_insert();
  };
  probe.describe_holder = [&] {
    const pqxx::result rows =
        connection->exec("SELECT holder, to_char(acquired_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') FROM " +
                         quoted + " WHERE id = 1");
    if (rows.empty()) return std::string("a run that has just released it");
    return std::string(rows[0][0].c_str()) + ", holding it since " + rows[0][1].c_str() + " UTC";
  };
  wait_for_lock(*connection, options, probe, "the row in " + quoted,
                "; its server session is still there, or was not recorded (a run through a pooler): if no gander "
                "is running, remove the row with DELETE FROM " +
                    quoted);
  lock->mark_held();
  return lock;
}

}  // namespace

TableName resolve_table(PostgresConnection& connection, const TableName& table) {
  if (table.schema) return table;
  // Where the name resolves now, or, before the table exists, where CREATE
  // TABLE puts it: the first schema of search_path that exists.
  const pqxx::result rows = connection.exec_params(
      "SELECT coalesce((SELECT n.nspname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n "
      "ON n.oid = c.relnamespace WHERE c.oid = pg_catalog.to_regclass($1)), pg_catalog.current_schema())",
      table.quoted());
  if (rows.empty() || rows[0][0].is_null()) return table;  // no schema in search_path: CREATE TABLE fails anyway
  TableName resolved = table;
  resolved.schema = rows[0][0].c_str();
  return resolved;
}

std::int64_t advisory_lock_key(const TableName& resolved) {
  // "public" is left out so that the key of the usual table is the one
  // gander took before it resolved names, and older runs still contend.
  const std::string name =
      resolved.schema && *resolved.schema != "public" ? *resolved.schema + "." + resolved.name : resolved.name;
  const std::string hex = checksum::sha256_hex("gander:" + name);
  const std::uint64_t bits = std::stoull(hex.substr(0, 16), nullptr, 16);
  return static_cast<std::int64_t>(bits);
}

std::optional<std::string> postgres_lock_holder(PostgresConnection& connection, const TableName& table,
                                                LockMethod method) {
  const TableName resolved = resolve_table(connection, table);
  if (method == LockMethod::advisory) return find_advisory_holder(connection, advisory_lock_key(resolved));
  const std::string quoted = lock_table_name(resolved).quoted();
  const pqxx::result exists = connection.exec_params("SELECT pg_catalog.to_regclass($1) IS NOT NULL", quoted);
  if (!exists.at(0).at(0).as<bool>()) return std::nullopt;
  const pqxx::result rows = connection.exec("SELECT holder FROM " + quoted + " WHERE id = 1");
  if (rows.empty()) return std::nullopt;
  return std::string(rows[0][0].c_str());
}

std::unique_ptr<StoreLock> take_postgres_lock(const std::shared_ptr<PostgresConnection>& connection,
                                              const TableName& table, const LockOptions& options) {
  if (connection->has_transaction()) {
    broken_invariant("lock(): the migration lock is taken outside a transaction, and one is open");
  }
  // docs/operations.md, "Locking": every spelling of one table takes one lock.
  const TableName resolved = resolve_table(*connection, table);
  switch (options.method) {
    case LockMethod::advisory: return take_advisory_lock(connection, resolved, options);
    case LockMethod::table: return take_table_lock(connection, resolved, options);
  }
  broken_invariant("unknown lock method " + std::to_string(static_cast<int>(options.method)));
}

}  // namespace gander::detail
