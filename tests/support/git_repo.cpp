#include "git_repo.hpp"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <unistd.h>

#include <catch2/catch.hpp>

namespace gander::test {

namespace fs = std::filesystem;

std::string git_binary() {
  const char* path = std::getenv("PATH");
  std::istringstream directories(path == nullptr ? "" : path);
  std::string directory;
  while (std::getline(directories, directory, ':')) {
    const fs::path candidate = fs::path(directory) / "git";
    if (!directory.empty() && ::access(candidate.c_str(), X_OK) == 0) return candidate.string();
  }
  FAIL("git is not on PATH");
  throw std::logic_error("unreachable");
}

ScratchRepo::ScratchRepo(fs::path path, fs::path home) : ScratchRepo(std::move(path), std::move(home), true) {}

ScratchRepo ScratchRepo::existing(fs::path path, fs::path home) {
  return ScratchRepo(std::move(path), std::move(home), false);
}

ScratchRepo::ScratchRepo(fs::path path, fs::path home, bool is_new) : m_path(std::move(path)), m_home(std::move(home)) {
  fs::create_directories(m_home);
  if (is_new) {
    fs::create_directories(m_path);
    git({"init", "-q", "-b", "main"});
  }
}

Environment ScratchRepo::env() const {
  return {{"HOME", m_home.string()},        {"XDG_CONFIG_HOME", m_home.string()},
          {"GIT_CONFIG_NOSYSTEM", "1"},     {"GIT_CONFIG_GLOBAL", std::nullopt},
          {"GIT_DIR", std::nullopt},        {"GIT_WORK_TREE", std::nullopt},
          {"GANDER_DIR", std::nullopt},     {"GANDER_DBSTRING", std::nullopt},
          {"GOOSE_DBSTRING", std::nullopt}, {"GOOSE_MIGRATION_DIR", std::nullopt}};
}

ProcessResult ScratchRepo::try_git(const std::vector<std::string>& args, const fs::path& cwd,
                                   const Environment& extra_env) const {
  std::vector<std::string> full_args = {"-c", "user.name=t", "-c", "user.email=t@example.com"};
  full_args.insert(full_args.end(), args.begin(), args.end());
  Environment environment = env();
  for (const auto& [name, value] : extra_env) environment[name] = value;
  return start_process(git_binary(), full_args, environment, (cwd.empty() ? m_path : cwd).string()).wait();
}

ProcessResult ScratchRepo::git(const std::vector<std::string>& args, const fs::path& cwd) const {
  ProcessResult result = try_git(args, cwd);
  INFO("git " << args.front() << ": " << result.err);
  REQUIRE(result.exit_code == 0);
  return result;
}

void ScratchRepo::write(const std::string& relative_path, const std::string& bytes) const {
  const fs::path file = m_path / relative_path;
  fs::create_directories(file.parent_path());
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) throw std::runtime_error("cannot write " + file.string());
}

void ScratchRepo::remove(const std::string& relative_path) const { fs::remove(m_path / relative_path); }

void ScratchRepo::commit_all(const std::string& message) const {
  git({"add", "-A"});
  git({"commit", "-q", "-m", message});
}

}  // namespace gander::test
