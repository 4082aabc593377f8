#include "shared_data.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>

#include <catch2/catch.hpp>

namespace gander::test {

std::string require_shared_dir() {
  const std::string dir = GANDER_SHARED_DIR;
  if (!dir.empty() && std::filesystem::is_directory(dir)) return dir;
  const char* ci = std::getenv("CI");
  const std::string message =
      "shared/ test data not found (configure with -DGANDER_SHARED_DIR=/path/to/shared); this test did not run";
  if (ci != nullptr && std::string(ci) == "true") FAIL(message);
  std::cerr << "\n*** SKIPPED: " << message << " ***\n\n";
  std::exit(k_skip_exit_code);
}

std::map<std::string, std::string> read_checksum_list(const std::string& path) {
  std::ifstream in(path);
  if (!in) FAIL("cannot read " + path);
  std::map<std::string, std::string> checksums;
  std::string checksum;
  std::string name;
  while (in >> checksum >> name) checksums[name] = checksum;
  return checksums;
}

}  // namespace gander::test
