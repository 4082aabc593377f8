#include "postgres_blocker_watch.hpp"

#include <utility>

#include <gander/error.hpp>

#include "postgres_connection.hpp"

namespace gander::detail {

BlockerWatch::BlockerWatch(std::shared_ptr<const PostgresConnection> watched, std::chrono::milliseconds first_look,
                           std::chrono::milliseconds interval)
    : m_watched(std::move(watched)),
      m_watched_pid(m_watched->backend_pid()),
      m_first_look(first_look),
      m_interval(interval),
      m_thread([this] { watch(); }) {}

BlockerWatch::~BlockerWatch() {
  {
    const std::lock_guard<std::mutex> guard(m_mutex);
    m_is_stopping = true;
  }
  m_changed.notify_all();
  m_thread.join();
}

std::optional<std::string> BlockerWatch::last_blocker() const {
  const std::lock_guard<std::mutex> guard(m_mutex);
  return m_last_blocker;
}

void BlockerWatch::start_statement() {
  {
    const std::lock_guard<std::mutex> guard(m_mutex);
    m_is_statement_running = true;
    ++m_statement_number;
    m_last_blocker.reset();
  }
  m_changed.notify_all();
}

void BlockerWatch::end_statement() {
  {
    const std::lock_guard<std::mutex> guard(m_mutex);
    m_is_statement_running = false;
  }
  m_changed.notify_all();
}

void BlockerWatch::watch() {
  std::unique_lock<std::mutex> lock(m_mutex);
  while (!m_is_stopping) {
    m_changed.wait(lock, [this] { return m_is_stopping || m_is_statement_running; });
    const std::uint64_t statement = m_statement_number;
    const auto is_over = [&] { return m_is_stopping || !m_is_statement_running || m_statement_number != statement; };
    // Most statements end before anyone needs to know who blocks them.
    if (m_changed.wait_for(lock, m_first_look, is_over)) continue;
    do {
      lock.unlock();
      std::optional<std::string> blocker = look();
      lock.lock();
      if (blocker && m_statement_number == statement) m_last_blocker = std::move(blocker);
    } while (!m_changed.wait_for(lock, m_interval, is_over));
  }
}

std::optional<std::string> BlockerWatch::look() {
  if (m_cannot_observe) return std::nullopt;
  try {
    if (!m_observer) m_observer = m_watched->connect_again();
    // The session that has waited longest in a transaction is the likeliest
    // cause; a blocker may itself be queued behind another, which
    // pg_blocking_pids lists too.
    const pqxx::result rows = m_observer->exec_params(
        "SELECT a.pid, a.application_name, host(a.client_addr) || ':' || a.client_port, a.state, "
        "to_char(a.state_change AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') "
        "FROM pg_catalog.pg_stat_activity a WHERE a.pid = ANY (pg_catalog.pg_blocking_pids($1)) "
        "ORDER BY a.xact_start NULLS LAST LIMIT 1",
        m_watched_pid);
    if (rows.empty()) return std::nullopt;
    const pqxx::row row = rows.front();
    std::string holder = "server pid " + std::string(row[0].c_str());
    if (!row[1].is_null() && row[1].size() > 0) holder += " (" + std::string(row[1].c_str()) + ")";
    if (!row[2].is_null()) holder += " from " + std::string(row[2].c_str());
    // A role without pg_read_all_stats sees other roles' sessions without
    // their state.
    if (!row[3].is_null()) holder += ", " + std::string(row[3].c_str());
    if (!row[4].is_null()) holder += " since " + std::string(row[4].c_str()) + " UTC";
    return holder;
  } catch (const Error&) {
    // Naming the blocker is a courtesy: a watch that cannot connect (a
    // connection limit, a pooler) stays quiet rather than fail the run.
    m_observer.reset();
    m_cannot_observe = true;
    return std::nullopt;
  }
}

}  // namespace gander::detail
