#include "temp_dir.hpp"

#include <atomic>
#include <exception>
#include <fstream>
#include <iostream>
#include <iterator>
#include <stdexcept>
#include <system_error>

#include <unistd.h>

namespace gander::test {

namespace fs = std::filesystem;

TempDir::TempDir() {
  static std::atomic<int> counter{0};
  m_path = fs::current_path() / "test-tmp" /
           ("run-" + std::to_string(::getpid()) + "-" + std::to_string(counter.fetch_add(1)));
  fs::remove_all(m_path);
  fs::create_directories(m_path);
}

TempDir::~TempDir() {
  if (std::uncaught_exceptions() > 0) {
    std::cerr << "kept the failing test's files in " << m_path << "\n";
    return;
  }
  std::error_code ignored;
  fs::remove_all(m_path, ignored);
}

fs::path TempDir::write(const std::string& name, const std::string& bytes) const {
  const fs::path file = m_path / name;
  fs::create_directories(file.parent_path());
  std::ofstream out(file, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) throw std::runtime_error("cannot write " + file.string());
  return file;
}

std::string read_bytes(const std::filesystem::path& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) throw std::runtime_error("cannot open " + path.string());
  return std::string(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
}

}  // namespace gander::test
