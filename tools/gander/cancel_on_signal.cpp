#include "cancel_on_signal.hpp"

#include <cerrno>
#include <csignal>

#include <fcntl.h>
#include <unistd.h>

#include <gander/error.hpp>

namespace gander::cli {

namespace {

int g_pipe[2] = {-1, -1};
struct sigaction g_previous_int;
struct sigaction g_previous_term;

constexpr char k_stop_watching = 'q';

extern "C" void on_signal(int signal_number) {
  // Restore the default so that a second signal ends the process at once.
  std::signal(signal_number, SIG_DFL);
  const char byte = static_cast<char>(signal_number);
  [[maybe_unused]] const ssize_t written = ::write(g_pipe[1], &byte, 1);
}

}  // namespace

CancelOnSignal::CancelOnSignal(Migrator& migrator) {
  if (::pipe2(g_pipe, O_CLOEXEC) != 0) throw Error(ErrorKind::io, "cannot create a pipe for signal handling");
  m_watcher = std::thread([&migrator] {
    char byte = 0;
    while (::read(g_pipe[0], &byte, 1) < 0 && errno == EINTR) {
    }
    if (byte != k_stop_watching) migrator.cancel();
  });
  struct sigaction action {};
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, &g_previous_int);
  sigaction(SIGTERM, &action, &g_previous_term);
}

CancelOnSignal::~CancelOnSignal() {
  sigaction(SIGINT, &g_previous_int, nullptr);
  sigaction(SIGTERM, &g_previous_term, nullptr);
  [[maybe_unused]] const ssize_t written = ::write(g_pipe[1], &k_stop_watching, 1);
  m_watcher.join();
  ::close(g_pipe[0]);
  ::close(g_pipe[1]);
}

}  // namespace gander::cli
