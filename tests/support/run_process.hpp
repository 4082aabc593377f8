#pragma once

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

// Runs the gander binary named by the GANDER environment variable (set by
// CTest) with `args`, as a user would. `env` sets (value) or unsets
// (nullopt) variables on top of this process's environment; `cwd` is the
// working directory (empty: the current one).
ProcessResult run_gander(const std::vector<std::string>& args,
                         const std::map<std::string, std::optional<std::string>>& env = {},
                         const std::string& cwd = {});

}  // namespace gander::test
