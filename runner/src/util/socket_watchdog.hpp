#pragma once

// Gives up on a connection whose server stops answering (docs/operations.md, "Locking": a
// frozen server must not hang gander). libpq blocks in read() until the
// server answers; a read that never returns never sees a deadline or a
// cancelled flag. Past a deadline, the watchdog shuts the socket down
// (shutdown(SHUT_RDWR)), which ends that read at once with end-of-file: the
// call fails as on a lost connection, and the connection is unusable from
// then on. The server sees the connection close once it runs again, and
// rolls back the session's transaction and releases its locks.
//
// Only a round trip in flight is cut: a deadline that passes while no round
// trip runs cuts the next one, at its start. All members are thread-safe.

#include <chrono>
#include <condition_variable>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>

#include "file_descriptor.hpp"

namespace gander::detail {

class SocketWatchdog {
 public:
  using Clock = std::chrono::steady_clock;

 private:
  using Entries = std::list<std::pair<Clock::time_point, std::string>>;

 public:
  // Watches `socket`, a connected socket; keeps its own descriptor of it,
  // so that libpq closing its descriptor never lets the watchdog shut down
  // whatever reuses that number. Throws Error{connection} when it cannot.
  explicit SocketWatchdog(int socket);
  ~SocketWatchdog();
  SocketWatchdog(const SocketWatchdog&) = delete;
  SocketWatchdog& operator=(const SocketWatchdog&) = delete;

  // While alive, marks a round trip in flight on the socket.
  class RoundTrip {
   public:
    explicit RoundTrip(SocketWatchdog& watchdog);
    ~RoundTrip();
    RoundTrip(const RoundTrip&) = delete;
    RoundTrip& operator=(const RoundTrip&) = delete;

   private:
    SocketWatchdog& m_watchdog;
  };

  // While alive, a round trip in flight at `deadline` or later cuts the
  // socket, and `reason` says why (cut_reason()).
  class Deadline {
   public:
    Deadline(SocketWatchdog& watchdog, Clock::time_point deadline, std::string reason);
    ~Deadline();
    Deadline(const Deadline&) = delete;
    Deadline& operator=(const Deadline&) = delete;

   private:
    SocketWatchdog& m_watchdog;
    Entries::iterator m_entry;
  };

  // As a Deadline that never ends.
  void add_lasting_deadline(Clock::time_point deadline, std::string reason);

  // Why the socket was cut; none while it was not.
  std::optional<std::string> cut_reason() const;

 private:
  Entries::iterator add(Clock::time_point deadline, std::string reason);
  void remove(Entries::iterator entry);
  void set_in_flight(bool is_in_flight);
  void watch();

  FileDescriptor m_socket;
  mutable std::mutex m_mutex;
  std::condition_variable m_changed;
  Entries m_deadlines;
  bool m_is_in_flight = false;
  bool m_is_stopping = false;
  std::optional<std::string> m_cut_reason;
  // Started with the first deadline: most connections never need one.
  std::thread m_thread;
};

}  // namespace gander::detail
