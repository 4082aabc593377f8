#include "run_process.hpp"

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace gander::test {

namespace {

namespace fs = std::filesystem;

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

// This process's environment with `overrides` applied, as NAME=value strings.
std::vector<std::string> child_environment(const std::map<std::string, std::optional<std::string>>& overrides) {
  std::vector<std::string> entries;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    const std::string text = *entry;
    const std::string name = text.substr(0, text.find('='));
    if (overrides.count(name) == 0) entries.push_back(text);
  }
  for (const auto& [name, value] : overrides) {
    if (value) entries.push_back(name + "=" + *value);
  }
  return entries;
}

fs::path unique_capture_dir() {
  static std::atomic<int> counter{0};
  const fs::path dir = fs::current_path() / "test-tmp" /
                       ("process-" + std::to_string(::getpid()) + "-" + std::to_string(counter.fetch_add(1)));
  fs::create_directories(dir);
  return dir;
}

// Forks `binary` with `args`. When `gate_fd` is not -1, the child first
// blocks reading it and execs once it is closed on every other end.
RunningProcess start_program(const std::string& binary, const std::vector<std::string>& args,
                             const std::map<std::string, std::optional<std::string>>& env, const std::string& cwd,
                             int gate_fd, int gate_write_fd) {
  const fs::path capture = unique_capture_dir();
  const std::string out_path = (capture / "stdout").string();
  const std::string err_path = (capture / "stderr").string();

  // Everything the child needs is built before fork: after fork in a
  // threaded process only async-signal-safe calls are allowed.
  std::vector<char*> argv;
  argv.push_back(const_cast<char*>(binary.c_str()));
  for (const std::string& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  const std::vector<std::string> environment = child_environment(env);
  std::vector<char*> envp;
  for (const std::string& entry : environment) envp.push_back(const_cast<char*>(entry.c_str()));
  envp.push_back(nullptr);

  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    if (gate_fd >= 0) {
      ::close(gate_write_fd);
      char ignored = 0;
      while (::read(gate_fd, &ignored, 1) < 0 && errno == EINTR) {
      }
    }
    const int out_fd = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    const int err_fd = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (out_fd < 0 || err_fd < 0 || ::dup2(out_fd, 1) < 0 || ::dup2(err_fd, 2) < 0) ::_exit(126);
    if (!cwd.empty() && ::chdir(cwd.c_str()) != 0) ::_exit(126);
    ::execve(binary.c_str(), argv.data(), envp.data());
    ::_exit(127);
  }
  return RunningProcess(pid, out_path, err_path, capture.string());
}

std::string gander_binary() {
  const char* binary = std::getenv("GANDER");
  if (binary == nullptr) throw std::runtime_error("GANDER is not set: run the CLI tests through ctest");
  return binary;
}

}  // namespace

RunningProcess start_process(const std::string& binary, const std::vector<std::string>& args,
                             const std::map<std::string, std::optional<std::string>>& env, const std::string& cwd) {
  return start_program(binary, args, env, cwd, -1, -1);
}

RunningProcess start_gander(const std::vector<std::string>& args,
                            const std::map<std::string, std::optional<std::string>>& env, const std::string& cwd) {
  return start_process(gander_binary(), args, env, cwd);
}

std::vector<RunningProcess> start_together(const std::string& binary,
                                           const std::vector<std::vector<std::string>>& args_per_process) {
  int gate[2];
  if (::pipe2(gate, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  std::vector<RunningProcess> processes;
  try {
    for (const std::vector<std::string>& args : args_per_process) {
      processes.push_back(start_program(binary, args, {}, {}, gate[0], gate[1]));
    }
  } catch (...) {
    ::close(gate[0]);
    ::close(gate[1]);
    throw;
  }
  // Closing the last write end gives every waiting child end-of-file at once.
  ::close(gate[1]);
  ::close(gate[0]);
  return processes;
}

RunningProcess::~RunningProcess() {
  if (!m_is_done && m_pid > 0) {
    ::kill(m_pid, SIGKILL);
    int status = 0;
    ::waitpid(m_pid, &status, 0);
  }
  if (!m_capture_dir.empty()) {
    std::error_code ignored;
    fs::remove_all(m_capture_dir, ignored);
  }
}

std::string RunningProcess::err_so_far() const { return slurp(m_err_path); }

ProcessResult RunningProcess::wait() {
  int status = 0;
  while (::waitpid(m_pid, &status, 0) < 0) {
    if (errno != EINTR) throw std::runtime_error("waitpid failed");
  }
  m_is_done = true;
  const int exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return {exit_code, slurp(m_out_path), slurp(m_err_path)};
}

std::optional<ProcessResult> RunningProcess::wait_for(std::chrono::seconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  int status = 0;
  for (;;) {
    const int ended = ::waitpid(m_pid, &status, WNOHANG);
    if (ended == m_pid) break;
    if (ended < 0 && errno != EINTR) throw std::runtime_error("waitpid failed");
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    ::usleep(20 * 1000);
  }
  m_is_done = true;
  const int exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return ProcessResult{exit_code, slurp(m_out_path), slurp(m_err_path)};
}

ProcessResult run_gander(const std::vector<std::string>& args,
                         const std::map<std::string, std::optional<std::string>>& env, const std::string& cwd) {
  return start_gander(args, env, cwd).wait();
}

}  // namespace gander::test
