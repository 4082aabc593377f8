#pragma once

// A POSIX file descriptor owned by one object and closed when it goes.

#include <unistd.h>

#include <utility>

namespace gander::detail {

class FileDescriptor {
 public:
  // Takes `fd`, which may be negative (nothing to close).
  explicit FileDescriptor(int fd = -1) noexcept : m_fd(fd) {}
  FileDescriptor(FileDescriptor&& other) noexcept : m_fd(std::exchange(other.m_fd, -1)) {}
  FileDescriptor& operator=(FileDescriptor&& other) noexcept {
    if (this != &other) reset(std::exchange(other.m_fd, -1));
    return *this;
  }
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  ~FileDescriptor() { reset(); }

  int get() const noexcept { return m_fd; }
  bool is_open() const noexcept { return m_fd >= 0; }
  // Closes the descriptor held, if any, and takes `fd`.
  void reset(int fd = -1) noexcept {
    if (m_fd >= 0) ::close(m_fd);
    m_fd = fd;
  }

 private:
  int m_fd;
};

}  // namespace gander::detail
