#include "file_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <gander/error.hpp>
#include <utility>

#include "util/backoff.hpp"
#include "util/duration_text.hpp"

namespace gander::detail {

namespace {

using Clock = std::chrono::steady_clock;

// Short first pauses so a lock released soon is taken soon; longer ones
// later so a long wait does not spin.
constexpr std::chrono::milliseconds k_first_pause{20};
constexpr std::chrono::milliseconds k_longest_pause{250};

std::string system_message(int error) { return std::strerror(error); }

// True when the lock was taken, false when someone else holds it.
bool try_lock(const LockFile& file) {
  for (;;) {
    if (::flock(file.descriptor(), LOCK_EX | LOCK_NB) == 0) return true;
    const int error = errno;
    if (error == EWOULDBLOCK) return false;
    if (error != EINTR) {
      throw Error(ErrorKind::io, "cannot lock " + file.path() + ": " + system_message(error));
    }
  }
}

// The kernel drops an flock when the last descriptor of its open file
// description closes, and so when the process dies, even by SIGKILL: a
// crashed run never leaves the database locked.
class FileLock final : public StoreLock {
 public:
  explicit FileLock(std::shared_ptr<const LockFile> file) : m_file(std::move(file)) {}

  // Unlocks without closing: see LockFile for why the descriptor stays open.
  ~FileLock() override { ::flock(m_file->descriptor(), LOCK_UN); }

 private:
  std::shared_ptr<const LockFile> m_file;
};

}  // namespace

bool is_file_locked(const LockFile& file) {
  for (;;) {
    if (::flock(file.descriptor(), LOCK_SH | LOCK_NB) == 0) {
      ::flock(file.descriptor(), LOCK_UN);
      return false;
    }
    const int error = errno;
    if (error == EWOULDBLOCK) return true;
    if (error != EINTR) {
      throw Error(ErrorKind::io, "cannot look at the lock of " + file.path() + ": " + system_message(error));
    }
  }
}

LockFile::LockFile(std::string path) : m_path(std::move(path)) {
  int descriptor = -1;
  do {
    descriptor = ::open(m_path.c_str(), O_RDONLY | O_CLOEXEC);
  } while (descriptor < 0 && errno == EINTR);
  if (descriptor < 0 && errno == ENOENT) {
    do {
      descriptor = ::open(m_path.c_str(), O_RDONLY | O_CREAT | O_CLOEXEC, 0644);
    } while (descriptor < 0 && errno == EINTR);
  }
  m_descriptor.reset(descriptor);
  if (!m_descriptor.is_open()) {
    throw Error(ErrorKind::io, "cannot open " + m_path + " to lock it: " + system_message(errno));
  }
}

std::unique_ptr<StoreLock> take_file_lock(std::shared_ptr<const LockFile> file, const LockOptions& options) {
  const Clock::time_point deadline = Clock::now() + std::max(options.timeout, std::chrono::milliseconds::zero());
  Backoff backoff(k_first_pause, k_longest_pause);
  bool has_waited = false;
  for (;;) {
    if (try_lock(*file)) return std::make_unique<FileLock>(std::move(file));
    if (!has_waited) {
      has_waited = true;
      if (options.on_wait) options.on_wait("another process holds the migration lock on " + file->path());
    }
    if (options.is_cancelled != nullptr && options.is_cancelled->load()) {
      throw Error(ErrorKind::lock, "interrupted while waiting for the migration lock on " + file->path());
    }
    const Clock::time_point now = Clock::now();
    if (now >= deadline) {
      throw Error(ErrorKind::lock, "timed out after " + duration_text(options.timeout) +
                                       " waiting for the migration lock on " + file->path() +
                                       ": another process still holds it (an flock on the database file); "
                                       "let that run finish or allow a longer lock timeout");
    }
    backoff.pause(deadline);
  }
}

}  // namespace gander::detail
