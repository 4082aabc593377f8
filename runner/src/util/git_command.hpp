#pragma once

// gander reads git repositories through the `git` command: no git library,
// and never a shell, so no argument is ever interpreted twice.

#include <string>
#include <string_view>
#include <vector>

namespace gander::detail {

struct GitOutput {
  int exit_status = 0;  // git's exit status; 128 + N when signal N ended it
  std::string out;      // everything git wrote on stdout
  std::string err;      // everything git wrote on stderr
};

// Runs `git` (found on PATH) with `args`, writes `input` to its stdin, and
// waits for it to end. Git's repository-locating variables (GIT_DIR,
// GIT_WORK_TREE, GIT_INDEX_FILE, ..., which git exports to hooks, relative
// to the hook's directory) are removed from its environment, so the
// repository is always the one found from the `-C` directory in `args`.
// Throws Error{config} when git cannot be started.
GitOutput run_git(const std::vector<std::string>& args, std::string_view input = {});

// run_git's stdout. Throws Error{config} naming the command, with git's
// exit status and stderr, when git exits non-zero.
std::string git_output(const std::vector<std::string>& args, std::string_view input = {});

}  // namespace gander::detail
