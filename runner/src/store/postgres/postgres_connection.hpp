#pragma once

// One PostgreSQL session, shared by the PostgreSQL store and its lock: the
// libpqxx connection, the one transaction that may be open on it, and the
// translation of every libpqxx failure into a gander::Error. Both hold it by
// std::shared_ptr, so a lock that outlives its store can still release
// itself on the connection that took it.
//
// A server that stops answering (a frozen backend, a host that vanished)
// leaves a libpq call blocked for good. Two things end such a call: a
// deadline (round_trips_until), and cancel(), which gives the statement a
// short grace to stop. Past either, the connection is abandoned: the call
// fails with Error{connection} saying why, and so does every later one,
// without waiting for the server.

#include <chrono>
#include <memory>
#include <string>
#include <utility>

#include <pqxx/pqxx>

#include "util/socket_watchdog.hpp"

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

  // Another session with this one's DSN and connect timeout. Safe from any
  // thread: it reads only what the constructor set.
  std::unique_ptr<PostgresConnection> connect_again() const;

  // While the returned object lives, a round trip that is still waiting for
  // the server at `deadline` abandons the connection, and fails with
  // Error{connection} `reason`; so does one that starts after it.
  [[nodiscard]] SocketWatchdog::Deadline round_trips_until(SocketWatchdog::Clock::time_point deadline,
                                                           std::string reason) {
    return SocketWatchdog::Deadline(*m_watchdog, deadline, std::move(reason));
  }

  // Whether a deadline or cancel() made this connection give up on the server.
  bool is_abandoned() const { return m_watchdog->cut_reason().has_value(); }

  // Asks the server to stop the statement that is running now, from any
  // thread; never throws. A server that has not answered k_cancel_grace
  // later (its process stopped, its host gone) is given up on, and so is
  // every round trip after that: gander is on its way out.
  void cancel() noexcept;
  static constexpr std::chrono::seconds k_cancel_grace{5};

 private:
  template <typename Statement>
  pqxx::result run(const Statement& statement) {
    throw_if_abandoned();
    const SocketWatchdog::RoundTrip round_trip(*m_watchdog);
    if (m_work) {
      if (m_is_work_failed) throw_failed_transaction();
      pqxx::result result;
      try {
        result = statement(*m_work);
      } catch (...) {
        m_is_work_failed = true;
        rethrow_failure();
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
      rethrow_failure();
    }
  }

  // Error{connection} with the reason the connection was abandoned, if it was.
  void throw_if_abandoned() const;
  // Inside a catch block: rethrow_as_error(), or, when the watchdog cut the
  // call short, the reason it did.
  [[noreturn]] void rethrow_failure() const;

  // libpqxx closes a transaction in which a statement failed; the server
  // would refuse every statement until the end of the transaction anyway.
  [[noreturn]] void throw_failed_transaction() const;

  // docs/operations.md: a migration never ends gander's transaction. gander refuses
  // transaction control in a transactional migration before it runs; this
  // is the safety net after every statement, from the transaction status
  // the server reports with each answer (no round trip).
  bool is_server_in_transaction() const;
  [[noreturn]] void throw_transaction_ended() const;

  // Declared in this order so that the transaction goes first, then the
  // watchdog, the notice sink, and the connection they all refer to.
  std::string m_dsn;
  std::chrono::seconds m_connect_timeout;
  std::unique_ptr<pqxx::connection> m_connection;
  std::unique_ptr<pqxx::errorhandler> m_notice_sink;
  std::unique_ptr<SocketWatchdog> m_watchdog;
  std::unique_ptr<pqxx::work> m_work;
  bool m_is_work_failed = false;
};

}  // namespace gander::detail
