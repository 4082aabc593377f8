#pragma once

// One PostgreSQL session, shared by the PostgreSQL store and its lock: the
// libpqxx connection, the one transaction that may be open on it, and the
// translation of every libpqxx failure into a gander::Error. Both hold it by
// std::shared_ptr, so a lock that outlives its store can still release
// itself on the connection that took it.

#include <chrono>
#include <memory>
#include <string>

#include <pqxx/pqxx>

namespace gander::detail {

// Inside a catch block: rethrows the exception in flight as a gander::Error,
// unchanged when it is one already. A server error becomes Error{sql} with
// the server's message on one line and its SQLSTATE; a lost connection, or a
// COMMIT whose outcome is unknown, Error{connection}.
[[noreturn]] void rethrow_as_error();

// "ERROR:  relation \"t\" does not exist\nLINE 1: ...\n" as one line: the
// severity prefix and the position lines dropped, DETAIL, HINT and CONTEXT
// kept and joined with "; ".
std::string server_message(const std::string& libpq_message);

class PostgresConnection {
 public:
  // Connects to `dsn`, libpq key=value pairs or a postgres:// URL, giving
  // up after `connect_timeout` unless the DSN or PGCONNECT_TIMEOUT says
  // otherwise. pg_stat_activity names the session gander unless the DSN
  // names it. Throws Error{config} for a DSN that parse_postgres_dsn()
  // refuses, Error{connection} when the server cannot be reached; no
  // message holds the DSN's password.
  PostgresConnection(const std::string& dsn, std::chrono::seconds connect_timeout);
  PostgresConnection(const PostgresConnection&) = delete;
  PostgresConnection& operator=(const PostgresConnection&) = delete;

  bool has_transaction() const noexcept { return m_work != nullptr; }
  // Opens the one transaction. Throws Error{sql} when one is open already.
  void begin();
  // Commits it; afterwards no transaction is open, whether COMMIT succeeded
  // or threw. Throws Error{sql} when none is open.
  void commit();
  // Rolls back the open transaction, if any; never throws.
  void rollback() noexcept;
  // Undoes the open transaction's work since SAVEPOINT `name` and drops the
  // savepoint; the transaction goes on. False, with the transaction rolled
  // back, when there is none, when a statement in it failed (libpqxx 6 ends
  // the whole transaction then) or when the server refuses; never throws.
  bool rollback_to_savepoint(const std::string& name) noexcept;

  // Runs `sql` with the simple-query protocol, so every statement in it
  // runs: inside the open transaction, or else in autocommit.
  pqxx::result exec(const std::string& sql);

  // Runs one statement whose $1, $2, ... the server binds to `args`; nullptr
  // as a const char* is NULL. In the open transaction or in autocommit.
  template <typename... Args>
  pqxx::result exec_params(const std::string& sql, const Args&... args) {
    return run([&](pqxx::transaction_base& transaction) { return transaction.exec_params(sql, args...); });
  }

  // The server process this session announced when it connected. A pooler
  // such as PgBouncer announces a made-up one, and pg_backend_pid() then
  // names whichever server session runs the statement.
  int backend_pid() const noexcept { return m_connection->backendpid(); }

  // Another session with this one's DSN and connect timeout.
  std::unique_ptr<PostgresConnection> connect_again() const;

  // Asks the server to stop the statement that is running now, from any
  // thread; never throws.
  void cancel() noexcept;

 private:
  template <typename Statement>
  pqxx::result run(const Statement& statement) {
    if (m_work) {
      if (m_is_work_failed) throw_failed_transaction();
      pqxx::result result;
      try {
        result = statement(*m_work);
      } catch (...) {
        m_is_work_failed = true;
        rethrow_as_error();
      }
      if (!is_server_in_transaction()) {
        m_is_work_failed = true;
        throw_transaction_ended();
      }
      return result;
    }
    try {
      pqxx::nontransaction autocommit(*m_connection);
      pqxx::result result = statement(autocommit);
      autocommit.commit();
      return result;
    } catch (...) {
      rethrow_as_error();
    }
  }

  // libpqxx closes a transaction in which a statement failed; the server
  // would refuse every statement until the end of the transaction anyway.
  [[noreturn]] void throw_failed_transaction() const;

  // DESIGN §5: a migration never ends gander's transaction. gander refuses
  // transaction control in a transactional migration before it runs; this
  // is the safety net after every statement, from the transaction status
  // the server reports with each answer (no round trip).
  bool is_server_in_transaction() const;
  [[noreturn]] void throw_transaction_ended() const;

  // Declared in this order so that the transaction goes first, then the
  // notice sink, then the connection they both refer to.
  std::string m_dsn;
  std::chrono::seconds m_connect_timeout;
  std::unique_ptr<pqxx::connection> m_connection;
  std::unique_ptr<pqxx::errorhandler> m_notice_sink;
  std::unique_ptr<pqxx::work> m_work;
  bool m_is_work_failed = false;
};

}  // namespace gander::detail
