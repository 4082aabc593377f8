#pragma once

// Who blocks a migration statement that waits for a lock (docs/operations.md, "Locking": while
// gander retries a migration that could not get its locks, it names the
// blocking session). Once a statement has waited for a while, a thread
// looks from a second session of its own (pg_blocking_pids) and remembers
// the newest answer. When the statement fails with lock_timeout, its own
// session can no longer tell: the wait is over by then.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

namespace gander::detail {

class PostgresConnection;

class BlockerWatch {
 public:
  // Watches the server session of `watched` while a statement runs on it,
  // looking first after `first_look` and then every `interval`. Opens its
  // own session (watched->connect_again()) only when it first looks.
  BlockerWatch(std::shared_ptr<const PostgresConnection> watched, std::chrono::milliseconds first_look,
               std::chrono::milliseconds interval);
  ~BlockerWatch();
  BlockerWatch(const BlockerWatch&) = delete;
  BlockerWatch& operator=(const BlockerWatch&) = delete;

  // The statement now running: watched from now on until the Scope ends.
  class Scope {
   public:
    explicit Scope(BlockerWatch& watch) : m_watch(watch) { m_watch.start_statement(); }
    ~Scope() { m_watch.end_statement(); }
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;

   private:
    BlockerWatch& m_watch;
  };

  // The session that blocked the last statement, as last seen while it
  // ran ("server pid 4242 (psql) from 127.0.0.1:51000, idle in transaction
  // since 2026-12-02 10:00:00 UTC"); none when nothing was seen.
  std::optional<std::string> last_blocker() const;

 private:
  void start_statement();
  void end_statement();
  void watch();
  std::optional<std::string> look();

  const std::shared_ptr<const PostgresConnection> m_watched;
  const int m_watched_pid;
  const std::chrono::milliseconds m_first_look;
  const std::chrono::milliseconds m_interval;

  mutable std::mutex m_mutex;
  std::condition_variable m_changed;
  bool m_is_statement_running = false;
  bool m_is_stopping = false;
  std::uint64_t m_statement_number = 0;  // tells a new statement from the one a look began under
  std::optional<std::string> m_last_blocker;

  // Used by the watching thread alone.
  std::unique_ptr<PostgresConnection> m_observer;
  bool m_cannot_observe = false;

  std::thread m_thread;  // last: started once every member above exists
};

}  // namespace gander::detail
