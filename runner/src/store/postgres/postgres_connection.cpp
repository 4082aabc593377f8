#include "postgres_connection.hpp"

#include <algorithm>
#include <cstdlib>
#include <optional>
#include <utility>
#include <vector>

#include <libpq-fe.h>

#include <gander/error.hpp>
#include "store/store.hpp"

#include "store/dsn.hpp"
#include "store/transaction_ended.hpp"

namespace gander::detail {

namespace {

constexpr const char* k_application_name = "gander";

bool starts_with(const std::string& text, const std::string& prefix) {
  return text.compare(0, prefix.size(), prefix) == 0;
}

// libpq's messages end in a newline and continue lines with "\n\t"; gander
// reports on one line.
std::string one_line(const std::string& text) {
  std::string out;
  bool is_space = false;
  for (const char c : text) {
    if (c == '\n' || c == '\t' || c == '\r' || c == ' ') {
      is_space = true;
      continue;
    }
    if (is_space && !out.empty()) out += ' ';
    is_space = false;
    out += c;
  }
  return out;
}

// "LINE 3: SELECT * FROM missing" and the caret line under it point into
// the statement, which the caller reports by its own line number.
bool is_position_line(const std::string& line) {
  if (starts_with(line, "LINE ") && line.find(':') != std::string::npos) return true;
  return !line.empty() && line.find_first_not_of(" \t^") == std::string::npos && line.find('^') != std::string::npos;
}

// The SQLSTATE libpqxx 6 leaves out of the exceptions it throws for class 40.
std::string rollback_sqlstate(const pqxx::transaction_rollback& error) {
  if (dynamic_cast<const pqxx::deadlock_detected*>(&error) != nullptr) return "40P01";
  if (dynamic_cast<const pqxx::serialization_failure*>(&error) != nullptr) return "40001";
  if (dynamic_cast<const pqxx::statement_completion_unknown*>(&error) != nullptr) return "40003";
  return "40000";
}

// libpqxx 6 reports a session that the server ended during a query as a
// failure to read the closed connection's client encoding; say what that means.
std::string broken_connection_detail(const pqxx::broken_connection& error) {
  std::string text = one_line(error.what());
  if (text.find("Could not obtain client encoding") == std::string::npos) return text;
  return "the server closed the session (it was terminated, or the server shut down or crashed)";
}

// The server ended the session (pg_terminate_backend, a shutdown, a crash)
// or the connection failed: class 08 and 57P01 to 57P03.
bool is_lost_session(const std::string& sqlstate) {
  return starts_with(sqlstate, "08") || sqlstate == "57P01" || sqlstate == "57P02" || sqlstate == "57P03";
}

// libpqxx 6 leaves the SQLSTATE out of insufficient_privilege too, which a
// missing CREATE or INSERT right on the tracking table raises.
std::string sql_error_sqlstate(const pqxx::sql_error& error) {
  if (!error.sqlstate().empty()) return error.sqlstate();
  if (dynamic_cast<const pqxx::insufficient_privilege*>(&error) != nullptr) return "42501";
  return "";
}

Error sql_error(const std::string& message, const std::string& sqlstate) {
  ErrorContext context;
  if (!sqlstate.empty()) context.sqlstate = sqlstate;
  return Error(ErrorKind::sql, server_message(message), std::move(context));
}

}  // namespace

std::string server_message(const std::string& libpq_message) {
  static const char* const k_severities[] = {"ERROR:  ", "FATAL:  ", "PANIC:  ", "WARNING:  "};
  static const char* const k_fields[] = {"DETAIL:  ", "HINT:  ", "CONTEXT:  ", "QUERY:  "};
  std::vector<std::string> lines;
  std::size_t from = 0;
  while (from <= libpq_message.size()) {
    std::size_t end = libpq_message.find('\n', from);
    if (end == std::string::npos) end = libpq_message.size();
    lines.push_back(libpq_message.substr(from, end - from));
    from = end + 1;
  }
  std::vector<std::string> parts;
  for (std::string& line : lines) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (parts.empty()) {
      for (const char* severity : k_severities) {
        if (starts_with(line, severity)) {
          line.erase(0, std::string(severity).size());
          break;
        }
      }
      if (!line.empty()) parts.push_back(line);
      continue;
    }
    if (line.empty() || is_position_line(line)) continue;
    bool is_field = false;
    for (const char* field : k_fields) {
      const std::string prefix = field;
      if (starts_with(line, prefix)) {
        // "DETAIL:  text" → "DETAIL: text"
        parts.push_back(prefix.substr(0, prefix.size() - 1) + line.substr(prefix.size()));
        is_field = true;
        break;
      }
    }
    // A field that spans lines (a deadlock's DETAIL names each process on
    // its own line) continues the part before it.
    if (!is_field) parts.back() += " " + one_line(line);
  }
  std::string message;
  for (const std::string& part : parts) message += (message.empty() ? "" : "; ") + part;
  return message;
}

[[noreturn]] void rethrow_as_error() {
  try {
    throw;
  } catch (const Error&) {
    throw;
  } catch (const pqxx::in_doubt_error& error) {
    throw Error(ErrorKind::connection,
                "the connection to PostgreSQL broke during COMMIT; whether the transaction was committed is unknown: " +
                    one_line(error.what()));
  } catch (const pqxx::broken_connection& error) {
    throw Error(ErrorKind::connection, "lost the connection to PostgreSQL: " + broken_connection_detail(error));
  } catch (const pqxx::sql_error& error) {
    if (is_lost_session(error.sqlstate())) {
      ErrorContext context;
      context.sqlstate = error.sqlstate();
      throw Error(ErrorKind::connection, "lost the connection to PostgreSQL: " + server_message(error.what()),
                  std::move(context));
    }
    throw sql_error(error.what(), sql_error_sqlstate(error));
  } catch (const pqxx::transaction_rollback& error) {
    throw sql_error(error.what(), rollback_sqlstate(error));
  } catch (const pqxx::failure& error) {
    throw sql_error(error.what(), "");
  } catch (const pqxx::usage_error& error) {
    throw Error(ErrorKind::sql, std::string("libpqxx refused the call: ") + error.what());
  } catch (const pqxx::conversion_error& error) {
    throw Error(ErrorKind::sql, std::string("unexpected value from PostgreSQL: ") + error.what());
  }
}

namespace {

// The DSN as libpq key=value pairs, with what gander adds unless the DSN
// sets it: fallback_application_name, so that pg_stat_activity names
// gander's sessions, and connect_timeout (unless PGCONNECT_TIMEOUT is set),
// as libpq would otherwise wait forever for a server that accepts the
// connection and never answers.
std::string connection_string(std::vector<DsnOption> options, std::chrono::seconds connect_timeout) {
  const auto sets = [&options](const char* keyword) {
    return std::any_of(options.begin(), options.end(),
                       [&](const DsnOption& option) { return option.keyword == keyword; });
  };
  if (!sets("fallback_application_name")) options.push_back({"fallback_application_name", k_application_name, false});
  const char* from_environment = std::getenv("PGCONNECT_TIMEOUT");
  if (!sets("connect_timeout") && (from_environment == nullptr || *from_environment == '\0')) {
    options.push_back({"connect_timeout", std::to_string(connect_timeout.count()), false});
  }
  return keyword_string(options);
}

}  // namespace

PostgresConnection::PostgresConnection(const std::string& dsn, std::chrono::seconds connect_timeout)
    : m_dsn(dsn), m_connect_timeout(connect_timeout) {
  const std::vector<DsnOption> options = parse_postgres_dsn(dsn);
  try {
    m_connection = std::make_unique<pqxx::connection>(connection_string(options, connect_timeout));
  } catch (const std::exception& error) {
    // A message of libpq's never quotes the password; scrubbing it is a second guard.
    throw Error(ErrorKind::connection, "cannot connect to PostgreSQL (" + redact_dsn(dsn) +
                                           "): " + scrub_secrets(one_line(error.what()), options));
  }
  // libpqxx passes the server's NOTICEs ("relation exists, skipping") to
  // its error handlers, the default one printing them on stderr; the library
  // never prints.
  m_notice_sink = std::make_unique<pqxx::quiet_errorhandler>(*m_connection);
  m_watchdog = std::make_unique<SocketWatchdog>(m_connection->sock());
  // libpqxx 6 silently reconnects a broken connection on its next use. The
  // session's advisory lock would be gone without a word, and the migrations
  // would go on unprotected: a lost connection must be an error instead.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
  m_connection->inhibit_reactivation(true);
#pragma GCC diagnostic pop
}

std::unique_ptr<PostgresConnection> PostgresConnection::connect_again() const {
  return std::make_unique<PostgresConnection>(m_dsn, m_connect_timeout);
}

void PostgresConnection::begin() {
  if (m_work) throw Error(ErrorKind::sql, "begin(): a transaction is open already on this connection");
  throw_if_abandoned();
  const SocketWatchdog::RoundTrip round_trip(*m_watchdog);
  try {
    m_work = std::make_unique<pqxx::work>(*m_connection);
    m_is_work_failed = false;
  } catch (...) {
    rethrow_failure();
  }
}

void PostgresConnection::commit() {
  if (!m_work) throw Error(ErrorKind::sql, "commit(): no transaction is open on this connection");
  if (m_is_work_failed) {
    m_work.reset();
    ErrorContext context;
    context.sqlstate = "25P02";
    throw Error(ErrorKind::sql, "commit(): the transaction was aborted by an earlier error and is rolled back",
                std::move(context));
  }
  // Whatever COMMIT does, the transaction is over: a failed one is rolled
  // back when `work` goes out of scope.
  const std::unique_ptr<pqxx::work> work = std::move(m_work);
  throw_if_abandoned();
  const SocketWatchdog::RoundTrip round_trip(*m_watchdog);
  try {
    work->commit();
  } catch (...) {
    rethrow_failure();
  }
}

void PostgresConnection::rollback() noexcept {
  if (!m_work) return;
  try {
    const SocketWatchdog::RoundTrip round_trip(*m_watchdog);
    m_work->abort();
  } catch (...) {
    // A broken or abandoned connection: the server rolls it back as the session ends.
  }
  m_work.reset();
}

bool PostgresConnection::rollback_to_savepoint(const std::string& name) noexcept {
  if (!m_work) return false;
  // libpqxx 6 has rolled back the whole transaction already.
  if (m_is_work_failed) {
    rollback();
    return false;
  }
  try {
    const SocketWatchdog::RoundTrip round_trip(*m_watchdog);
    m_work->exec("ROLLBACK TO SAVEPOINT " + name + "; RELEASE SAVEPOINT " + name);
    m_is_work_failed = false;
    return true;
  } catch (...) {
    rollback();
    return false;
  }
}

void PostgresConnection::throw_failed_transaction() const {
  ErrorContext context;
  context.sqlstate = "25P02";  // in_failed_sql_transaction, as the server says it
  throw Error(ErrorKind::sql, "the transaction was aborted by an earlier error; roll it back", std::move(context));
}

namespace {

// libpqxx 6 hands its libpq connection only to large objects; a class
// derived from one may ask for it.
class LibpqHandle : private pqxx::largeobject {
 public:
  static const PGconn* of(const pqxx::dbtransaction& transaction) { return raw_connection(transaction); }
};

}  // namespace

bool PostgresConnection::is_server_in_transaction() const {
  // PQTRANS_UNKNOWN is a broken connection, which the next statement reports.
  return PQtransactionStatus(LibpqHandle::of(*m_work)) != PQTRANS_IDLE;
}

void PostgresConnection::throw_transaction_ended() const { throw transaction_ended_error(); }

pqxx::result PostgresConnection::exec(const std::string& sql) {
  return run([&](pqxx::transaction_base& transaction) { return transaction.exec(sql); });
}

void PostgresConnection::throw_if_abandoned() const {
  if (std::optional<std::string> reason = m_watchdog->cut_reason()) throw Error(ErrorKind::connection, *reason);
}

void PostgresConnection::rethrow_failure() const {
  const std::optional<std::string> reason = m_watchdog->cut_reason();
  if (!reason) rethrow_as_error();
  try {
    throw;
  } catch (const pqxx::in_doubt_error&) {
    throw Error(ErrorKind::connection, *reason + "; whether its COMMIT took effect is unknown");
  } catch (...) {
    throw Error(ErrorKind::connection, *reason);
  }
}

void PostgresConnection::cancel() noexcept {
  // Armed before the request goes out: a server that cannot even take the
  // request must not keep the statement waiting either.
  try {
    m_watchdog->add_lasting_deadline(SocketWatchdog::Clock::now() + k_cancel_grace,
                                     "PostgreSQL did not answer within " + std::to_string(k_cancel_grace.count()) +
                                         "s of the cancel request, so gander closed the connection");
  } catch (...) {
    // No thread to watch with: the cancel request alone has to do.
  }
  try {
    m_connection->cancel_query();
  } catch (...) {
    // Nothing running, or the server unreachable: nothing to stop.
  }
}

}  // namespace gander::detail
