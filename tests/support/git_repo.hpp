#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "run_process.hpp"

namespace gander::test {

using Environment = std::map<std::string, std::optional<std::string>>;

// A git repository made by a test. Git (and gander, given env()) runs with
// HOME in the test's own directory and without the system configuration,
// so no configuration of the machine leaks in; commits are made as
// "t <t@example.com>".
class ScratchRepo {
 public:
  // `git init -q -b main` in `path`; `home` holds the fake HOME.
  ScratchRepo(std::filesystem::path path, std::filesystem::path home);
  // A repository that already exists at `path` (a clone), under the same HOME.
  static ScratchRepo existing(std::filesystem::path path, std::filesystem::path home);

  const std::filesystem::path& path() const { return m_path; }

  // The environment for any process that must see this repository as a
  // user's would (git, gander, a hook): HOME, GIT_CONFIG_NOSYSTEM, ...
  Environment env() const;

  // Runs git with `args` in the repository (or in `cwd`). Fails the test
  // when git exits non-zero.
  ProcessResult git(const std::vector<std::string>& args, const std::filesystem::path& cwd = {}) const;
  // The same, with `extra_env` on top of env(), returning whatever git did.
  ProcessResult try_git(const std::vector<std::string>& args, const std::filesystem::path& cwd = {},
                        const Environment& extra_env = {}) const;

  // Writes `bytes` to `relative_path` in the work tree.
  void write(const std::string& relative_path, const std::string& bytes) const;
  void remove(const std::string& relative_path) const;
  // `git add -A` and a commit with `message`.
  void commit_all(const std::string& message) const;

 private:
  ScratchRepo(std::filesystem::path path, std::filesystem::path home, bool is_new);

  std::filesystem::path m_path;
  std::filesystem::path m_home;
};

// The git binary on PATH. Fails the test when there is none.
std::string git_binary();

}  // namespace gander::test
