#pragma once

// The migration lock for stores whose database is a file (SQLite): an
// exclusive flock() on a descriptor of the database file itself, so every
// process that opens that file, under any path, meets the same lock.

#include <memory>
#include <string>
#include "store/store.hpp"

#include "util/file_descriptor.hpp"

namespace gander::detail {

// A read-only descriptor of the file to lock, closed at destruction.
//
// Closing *any* descriptor of a file drops every POSIX (fcntl) lock this
// process holds on it, and SQLite's own locking is made of such locks. So
// the store that owns the SQLite connection must keep this descriptor open
// until after sqlite3_close(), and a lock taken on it shares its ownership
// rather than closing it on release.
class LockFile {
 public:
  // Opens `path`, creating it empty when it does not exist (an empty file is
  // a valid SQLite database). Throws Error{io} when that fails.
  explicit LockFile(std::string path);
  LockFile(const LockFile&) = delete;
  LockFile& operator=(const LockFile&) = delete;

  int descriptor() const noexcept { return m_descriptor.get(); }
  const std::string& path() const noexcept { return m_path; }

 private:
  std::string m_path;
  FileDescriptor m_descriptor;
};

// Takes flock(LOCK_EX) on `file`, polling without blocking until
// options.timeout; calls options.on_wait once when first blocked. The
// returned lock releases with flock(LOCK_UN) only and keeps `file` open for
// as long as it lives. Throws Error{lock} on timeout, Error{io} when the
// system refuses the lock.
std::unique_ptr<StoreLock> take_file_lock(std::shared_ptr<const LockFile> file, const LockOptions& options);

// True when another process holds the lock on `file` now. It looks with a
// shared flock taken and dropped at once, so a run that tries to lock at
// that very moment waits one poll; never call it while holding the lock.
bool is_file_locked(const LockFile& file);

}  // namespace gander::detail
