#pragma once

#include <map>
#include <string>

namespace gander::test {

// The exit code CTest reports as "skipped" (SKIP_RETURN_CODE in tests/CMakeLists.txt).
inline constexpr int k_skip_exit_code = 125;

// The shared/ folder next to the repository (goose's conformance cases and
// the production corpus), as configured by GANDER_SHARED_DIR. When it is
// missing, the test fails under CI=true; elsewhere it says so loudly on
// stderr and ends the process with k_skip_exit_code, which CTest shows as a
// skip, never as a pass.
std::string require_shared_dir();

// A `sha256sum`-style list ("<checksum>  <filename>" per line), such as the
// corpus's checksums.sha256, by file name.
std::map<std::string, std::string> read_checksum_list(const std::string& path);

}  // namespace gander::test
