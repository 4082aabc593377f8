#pragma once

#include <filesystem>
#include <string>

namespace gander::test {

// A fresh directory under the build tree's test-tmp/, removed at scope end
// unless the scope is left by an exception (a failed REQUIRE), so that the
// files of a failing test stay for inspection.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return m_path; }

  // Writes `bytes` to `name` (which may hold subdirectories, created as
  // needed) inside the directory and returns its full path.
  std::filesystem::path write(const std::string& name, const std::string& bytes) const;

 private:
  std::filesystem::path m_path;
};

// The bytes of the file at `path`; fails the test (std::runtime_error) when
// it cannot be read.
std::string read_bytes(const std::filesystem::path& path);

}  // namespace gander::test
