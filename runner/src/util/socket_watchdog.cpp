#include "socket_watchdog.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gander/error.hpp>

namespace gander::detail {

SocketWatchdog::SocketWatchdog(int socket) : m_socket(::fcntl(socket, F_DUPFD_CLOEXEC, 0)) {
  if (!m_socket.is_open()) {
    throw Error(ErrorKind::connection,
                std::string("cannot watch the connection to PostgreSQL: ") + std::strerror(errno));
  }
}

SocketWatchdog::~SocketWatchdog() {
  {
    const std::lock_guard<std::mutex> lock(m_mutex);
    m_is_stopping = true;
  }
  m_changed.notify_all();
  if (m_thread.joinable()) m_thread.join();
}

SocketWatchdog::RoundTrip::RoundTrip(SocketWatchdog& watchdog) : m_watchdog(watchdog) {
  m_watchdog.set_in_flight(true);
}

SocketWatchdog::RoundTrip::~RoundTrip() { m_watchdog.set_in_flight(false); }

SocketWatchdog::Deadline::Deadline(SocketWatchdog& watchdog, Clock::time_point deadline, std::string reason)
    : m_watchdog(watchdog), m_entry(watchdog.add(deadline, std::move(reason))) {}

SocketWatchdog::Deadline::~Deadline() { m_watchdog.remove(m_entry); }

void SocketWatchdog::add_lasting_deadline(Clock::time_point deadline, std::string reason) {
  add(deadline, std::move(reason));
}

std::optional<std::string> SocketWatchdog::cut_reason() const {
  const std::lock_guard<std::mutex> lock(m_mutex);
  return m_cut_reason;
}

SocketWatchdog::Entries::iterator SocketWatchdog::add(Clock::time_point deadline, std::string reason) {
  const std::lock_guard<std::mutex> lock(m_mutex);
  if (!m_thread.joinable()) m_thread = std::thread([this] { watch(); });
  const Entries::iterator entry = m_deadlines.emplace(m_deadlines.end(), deadline, std::move(reason));
  m_changed.notify_all();
  return entry;
}

void SocketWatchdog::remove(Entries::iterator entry) {
  const std::lock_guard<std::mutex> lock(m_mutex);
  m_deadlines.erase(entry);
  m_changed.notify_all();
}

void SocketWatchdog::set_in_flight(bool is_in_flight) {
  const std::lock_guard<std::mutex> lock(m_mutex);
  m_is_in_flight = is_in_flight;
  m_changed.notify_all();
}

void SocketWatchdog::watch() {
  std::unique_lock<std::mutex> lock(m_mutex);
  while (!m_is_stopping) {
    const auto earliest = std::min_element(m_deadlines.begin(), m_deadlines.end(),
                                           [](const auto& a, const auto& b) { return a.first < b.first; });
    if (m_cut_reason || !m_is_in_flight || earliest == m_deadlines.end()) {
      m_changed.wait(lock);
    } else if (const Clock::time_point deadline = earliest->first; Clock::now() < deadline) {
      // A copy: the entry may be removed while the thread waits.
      m_changed.wait_until(lock, deadline);
    } else {
      // Under the mutex: a round trip that has ended cannot be cut any more.
      ::shutdown(m_socket.get(), SHUT_RDWR);
      m_cut_reason = earliest->second;
    }
  }
}

}  // namespace gander::detail
