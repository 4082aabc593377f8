#pragma once

#include <thread>

#include <gander/migrator.hpp>

namespace gander::cli {

// While alive, SIGINT and SIGTERM cancel `migrator` instead of killing the
// process: the statement in flight is cancelled, its transaction rolled back
// and the lock released before gander exits with the error. A signal handler
// may only do async-signal-safe work, so it writes to a pipe and a watcher
// thread calls Migrator::cancel(). A second signal kills as usual.
class CancelOnSignal {
 public:
  explicit CancelOnSignal(Migrator& migrator);
  ~CancelOnSignal();
  CancelOnSignal(const CancelOnSignal&) = delete;
  CancelOnSignal& operator=(const CancelOnSignal&) = delete;

 private:
  std::thread m_watcher;
};

}  // namespace gander::cli
