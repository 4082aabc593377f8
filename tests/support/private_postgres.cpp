#include "private_postgres.hpp"

#include <cstdlib>
#include <iostream>
#include <utility>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pwd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "run_process.hpp"
#include "shared_data.hpp"

namespace gander::test {

namespace {

constexpr const char* k_server_user = "postgres";
constexpr const char* k_runuser = "/usr/sbin/runuser";

// The newest installed server's bin directory; empty when there is none.
std::filesystem::path server_bin() {
  std::filesystem::path newest;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator("/usr/lib/postgresql", error)) {
    const std::filesystem::path bin = entry.path() / "bin";
    if (!std::filesystem::exists(bin / "initdb")) continue;
    if (newest.empty() ||
        std::stoi(entry.path().filename().string()) > std::stoi(newest.parent_path().filename().string())) {
      newest = bin;
    }
  }
  return newest;
}

// A port nobody listens on now; another process could take it before the
// server does, which initdb-to-start makes unlikely enough for a test.
int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  REQUIRE(fd >= 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t size = sizeof address;
  const bool is_bound = ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
                        ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size) == 0;
  ::close(fd);
  REQUIRE(is_bound);
  return ntohs(address.sin_port);
}

bool is_root() { return ::geteuid() == 0; }

// Runs `binary` as the server's user, failing the test when it fails.
void run_as_server_user(const std::filesystem::path& binary, const std::vector<std::string>& args) {
  std::vector<std::string> full_args = args;
  std::string program = binary.string();
  if (is_root()) {
    full_args.insert(full_args.begin(), {"-u", k_server_user, "--", binary.string()});
    program = k_runuser;
  }
  const ProcessResult result = start_process(program, full_args).wait();
  INFO(binary.filename().string() << " exited " << result.exit_code << "\n" << result.out << result.err);
  REQUIRE(result.exit_code == 0);
}

}  // namespace

PrivatePostgres::PrivatePostgres(std::vector<std::string> settings)
    : m_settings(std::move(settings)), m_bin(server_bin()) {
  if (m_bin.empty()) {
    const std::string message = "no PostgreSQL server binaries under /usr/lib/postgresql; this test did not run";
    const char* ci = std::getenv("CI");
    if (ci != nullptr && std::string(ci) == "true") FAIL(message);
    std::cerr << "\n*** SKIPPED: " << message << " ***\n\n";
    std::exit(k_skip_exit_code);
  }
  std::string pattern = (std::filesystem::temp_directory_path() / "gander-private-pg.XXXXXX").string();
  REQUIRE(::mkdtemp(pattern.data()) != nullptr);
  m_dir = pattern;
  if (is_root()) {
    const passwd* user = ::getpwnam(k_server_user);
    REQUIRE(user != nullptr);
    REQUIRE(::chown(m_dir.c_str(), user->pw_uid, user->pw_gid) == 0);
  }
  m_port = free_port();
  run_as_server_user(m_bin / "initdb",
                     {"-D", (m_dir / "data").string(), "-U", "gander", "-A", "trust", "--no-sync", "-E", "UTF8"});
  start();
}

PrivatePostgres::~PrivatePostgres() {
  if (m_is_running) {
    try {
      pg_ctl({"-m", "fast", "-w", "stop"});
    } catch (...) {
      std::cerr << "test: could not stop the private PostgreSQL in " << m_dir << "\n";
    }
  }
  std::error_code ignored;
  std::filesystem::remove_all(m_dir, ignored);
}

std::string PrivatePostgres::dsn() const {
  return "host=127.0.0.1 port=" + std::to_string(m_port) + " user=gander dbname=postgres";
}

void PrivatePostgres::start() {
  std::string options =
      "-c listen_addresses=127.0.0.1 -p " + std::to_string(m_port) + " -k " + m_dir.string() + " -c fsync=off";
  for (const std::string& setting : m_settings) options += " -c " + setting;
  pg_ctl({"-l", (m_dir / "server.log").string(), "-w", "-t", "60", "-o", options, "start"});
  m_is_running = true;
}

void PrivatePostgres::stop_immediately() {
  pg_ctl({"-m", "immediate", "-w", "stop"});
  m_is_running = false;
}

void PrivatePostgres::pg_ctl(const std::vector<std::string>& args) {
  std::vector<std::string> full_args = {"-D", (m_dir / "data").string()};
  full_args.insert(full_args.end(), args.begin(), args.end());
  run_as_server_user(m_bin / "pg_ctl", full_args);
}

}  // namespace gander::test
