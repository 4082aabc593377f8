#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace gander::test {

struct ProcessResult {
  int exit_code;  // the exit status, or 128 + signal number
  std::string out;
  std::string err;
};

// A process started by start_gander() or start_together(); wait() collects it. One that
// is destroyed unwaited is killed, so a failing test leaves no process.
class RunningProcess {
 public:
  RunningProcess(int pid, std::string out_path, std::string err_path, std::string capture_dir)
      : m_pid(pid),
        m_out_path(std::move(out_path)),
        m_err_path(std::move(err_path)),
        m_capture_dir(std::move(capture_dir)) {}
  RunningProcess(RunningProcess&& other) noexcept
      : m_pid(other.m_pid),
        m_out_path(std::move(other.m_out_path)),
        m_err_path(std::move(other.m_err_path)),
        m_capture_dir(std::move(other.m_capture_dir)),
        m_is_done(other.m_is_done) {
    other.m_pid = -1;
    other.m_capture_dir.clear();
  }
  RunningProcess& operator=(RunningProcess&&) = delete;
  ~RunningProcess();

  int pid() const { return m_pid; }
  // What the process has written to stderr so far.
  std::string err_so_far() const;
  // Waits for the process to end; call once.
  ProcessResult wait();
  // Waits at most `limit` for the process to end, a safety net for a test
  // that a hang must fail rather than stall; none when it still runs (it is
  // killed when this object goes).
  std::optional<ProcessResult> wait_for(std::chrono::seconds limit);

 private:
  int m_pid;
  std::string m_out_path;
  std::string m_err_path;
  std::string m_capture_dir;
  bool m_is_done = false;
};

// Starts gander like run_gander() without waiting, so that tests can run
// several at once or signal one. Safe to call from several threads: the
// child only redirects output and calls execve.
RunningProcess start_gander(const std::vector<std::string>& args,
                            const std::map<std::string, std::optional<std::string>>& env = {},
                            const std::string& cwd = {});

// Starts `binary` with `args` without waiting for it.
RunningProcess start_process(const std::string& binary, const std::vector<std::string>& args,
                             const std::map<std::string, std::optional<std::string>>& env = {},
                             const std::string& cwd = {});

// Starts one process of `binary` per entry of `args_per_process`, all held
// at a gate until every one of them has been forked and then released
// together, so that they race as replicas starting at the same instant do.
std::vector<RunningProcess> start_together(const std::string& binary,
                                           const std::vector<std::vector<std::string>>& args_per_process);

// Runs the gander binary named by the GANDER environment variable (set by
// CTest) with `args`, as a user would. `env` sets (value) or unsets
// (nullopt) variables on top of this process's environment; `cwd` is the
// working directory (empty: the current one).
ProcessResult run_gander(const std::vector<std::string>& args,
                         const std::map<std::string, std::optional<std::string>>& env = {},
                         const std::string& cwd = {});

}  // namespace gander::test
