#include "git_command.hpp"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <ctime>

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gander/error.hpp>

#include "file_descriptor.hpp"

extern char** environ;

namespace gander::detail {

namespace {

// Variables that make git look somewhere other than the repository that
// contains the -C directory. Git exports them to hooks (GIT_DIR=.git,
// relative to the top of the work tree), where they would point the git
// that gander starts from another directory at the wrong place.
constexpr const char* k_repository_variables[] = {"GIT_DIR", "GIT_WORK_TREE", "GIT_COMMON_DIR", "GIT_INDEX_FILE",
                                                  "GIT_PREFIX"};

bool is_repository_variable(const char* entry) {
  for (const char* name : k_repository_variables) {
    const std::size_t length = std::strlen(name);
    if (std::strncmp(entry, name, length) == 0 && entry[length] == '=') return true;
  }
  return false;
}

std::vector<char*> child_environment() {
  std::vector<char*> entries;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    if (!is_repository_variable(*entry)) entries.push_back(*entry);
  }
  entries.push_back(nullptr);
  return entries;
}

std::string command_text(const std::vector<std::string>& args) {
  std::string text = "git";
  for (const std::string& arg : args) text += " " + arg;
  return text;
}

Error git_error(const std::vector<std::string>& args, const std::string& what) {
  return Error(ErrorKind::io, "'" + command_text(args) + "' " + what);
}

class Pipe {
 public:
  Pipe() {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) throw Error(ErrorKind::io, std::string("pipe: ") + std::strerror(errno));
    m_ends[0].reset(fds[0]);
    m_ends[1].reset(fds[1]);
  }
  Pipe(const Pipe&) = delete;
  Pipe& operator=(const Pipe&) = delete;

  int read_end() const { return m_ends[0].get(); }
  int write_end() const { return m_ends[1].get(); }
  void close_read() { m_ends[0].reset(); }
  void close_write() { m_ends[1].reset(); }

 private:
  FileDescriptor m_ends[2];
};

// Writing to a git that has already exited raises SIGPIPE, which would end
// gander. While this exists, SIGPIPE is blocked in this thread, so a write
// fails with EPIPE instead; a SIGPIPE that our writes left pending is
// consumed before the old mask is restored.
class SigpipeBlocked {
 public:
  SigpipeBlocked() {
    sigemptyset(&m_pipe_only);
    sigaddset(&m_pipe_only, SIGPIPE);
    sigset_t pending;
    sigpending(&pending);
    m_was_pending = sigismember(&pending, SIGPIPE) == 1;
    pthread_sigmask(SIG_BLOCK, &m_pipe_only, &m_old_mask);
  }
  ~SigpipeBlocked() {
    if (!m_was_pending) {
      const timespec no_wait{};
      while (sigtimedwait(&m_pipe_only, nullptr, &no_wait) == SIGPIPE) {
      }
    }
    pthread_sigmask(SIG_SETMASK, &m_old_mask, nullptr);
  }
  SigpipeBlocked(const SigpipeBlocked&) = delete;
  SigpipeBlocked& operator=(const SigpipeBlocked&) = delete;

 private:
  sigset_t m_pipe_only{};
  sigset_t m_old_mask{};
  bool m_was_pending = false;
};

pid_t spawn_git(const std::vector<std::string>& args, const Pipe& input, const Pipe& out, const Pipe& err) {
  std::vector<char*> argv;
  argv.push_back(const_cast<char*>("git"));
  for (const std::string& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  std::vector<char*> envp = child_environment();

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  // dup2 clears close-on-exec on the copy; every other pipe end closes at exec.
  posix_spawn_file_actions_adddup2(&actions, input.read_end(), STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&actions, out.write_end(), STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, err.write_end(), STDERR_FILENO);
  pid_t pid = -1;
  const int status = ::posix_spawnp(&pid, "git", &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (status != 0) {
    throw git_error(args,
                    std::string("cannot be started: ") + std::strerror(status) + " (is git installed and on PATH?)");
  }
  return pid;
}

// Appends what is available on `fd` to `into`; false at end of file.
bool drain(int fd, std::string& into) {
  char buffer[65536];
  for (;;) {
    const ssize_t count = ::read(fd, buffer, sizeof buffer);
    if (count > 0) {
      into.append(buffer, static_cast<std::size_t>(count));
      return true;
    }
    if (count == 0) return false;
    if (errno == EINTR) continue;
    return false;
  }
}

// Feeds `input` and collects both outputs at once: git may fill its stdout
// pipe before it has read all of its input, so neither side may block.
void exchange(std::string_view input, Pipe& in, Pipe& out, Pipe& err, GitOutput& result) {
  in.close_read();
  out.close_write();
  err.close_write();
  if (input.empty()) in.close_write();
  else ::fcntl(in.write_end(), F_SETFL, ::fcntl(in.write_end(), F_GETFL) | O_NONBLOCK);
  std::size_t written = 0;
  while (out.read_end() >= 0 || err.read_end() >= 0) {
    pollfd fds[3] = {{out.read_end(), POLLIN, 0}, {err.read_end(), POLLIN, 0}, {in.write_end(), POLLOUT, 0}};
    if (::poll(fds, 3, -1) < 0) {
      if (errno == EINTR) continue;
      throw Error(ErrorKind::io, std::string("poll: ") + std::strerror(errno));
    }
    if (fds[2].revents & (POLLOUT | POLLERR | POLLHUP)) {
      const ssize_t count = ::write(in.write_end(), input.data() + written, input.size() - written);
      if (count > 0) written += static_cast<std::size_t>(count);
      if ((count < 0 && errno != EAGAIN && errno != EINTR) || written == input.size()) in.close_write();
    }
    if ((fds[0].revents & (POLLIN | POLLHUP | POLLERR)) && !drain(out.read_end(), result.out)) out.close_read();
    if ((fds[1].revents & (POLLIN | POLLHUP | POLLERR)) && !drain(err.read_end(), result.err)) err.close_read();
  }
  in.close_write();
}

int wait_for(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) throw Error(ErrorKind::io, std::string("waitpid: ") + std::strerror(errno));
  }
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

std::string trimmed(const std::string& text) {
  const std::size_t start = text.find_first_not_of(" \t\r\n");
  if (start == std::string::npos) return {};
  return text.substr(start, text.find_last_not_of(" \t\r\n") - start + 1);
}

}  // namespace

GitOutput run_git(const std::vector<std::string>& args, std::string_view input) {
  Pipe in;
  Pipe out;
  Pipe err;
  const SigpipeBlocked sigpipe_blocked;
  const pid_t pid = spawn_git(args, in, out, err);
  GitOutput result;
  try {
    exchange(input, in, out, err, result);
  } catch (...) {
    ::kill(pid, SIGKILL);
    wait_for(pid);
    throw;
  }
  result.exit_status = wait_for(pid);
  return result;
}

std::string git_output(const std::vector<std::string>& args, std::string_view input) {
  GitOutput result = run_git(args, input);
  if (result.exit_status != 0) {
    const std::string detail = trimmed(result.err);
    throw git_error(args, "failed (exit " + std::to_string(result.exit_status) + ")" +
                              (detail.empty() ? std::string() : ": " + detail));
  }
  return std::move(result.out);
}

}  // namespace gander::detail
