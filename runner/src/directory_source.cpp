#include <gander/migration_source.hpp>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gander/amendments.hpp>
#include <gander/error.hpp>
#include <gander/migration_name.hpp>

namespace gander {

namespace fs = std::filesystem;

namespace {

Error path_error(const std::string& path, const std::string& what) {
  return Error(ErrorKind::config, what, ErrorContext{path});
}

struct ClosedAtScopeEnd {
  int fd;
  ~ClosedAtScopeEnd() { ::close(fd); }
};

bool is_inside(const fs::path& path, const fs::path& dir) {
  const auto mismatch = std::mismatch(dir.begin(), dir.end(), path.begin(), path.end());
  return mismatch.first == dir.end();
}

class DirectorySource final : public MigrationSource {
 public:
  DirectorySource(std::string dir, OutsideSymlinks outside_symlinks)
      : m_dir(std::move(dir)), m_outside_symlinks(outside_symlinks) {}

  std::string location() const override { return m_dir; }

  std::vector<std::string> sql_file_names() const override {
    std::error_code error;
    fs::directory_iterator it(m_dir, error);
    if (error) throw path_error(m_dir, "cannot list the migrations directory: " + error.message());
    std::vector<std::string> names;
    for (const fs::directory_entry& entry : it) {
      std::string name = entry.path().filename().string();
      if (!is_sql_file_name(name)) continue;
      if (entry.is_symlink(error)) check_symlink(entry.path());
      const fs::file_type type = entry.status(error).type();
      if (type == fs::file_type::regular) {
        names.push_back(std::move(name));
      } else if (type != fs::file_type::directory) {
        // Reading a FIFO or a device would block or never end.
        throw path_error(entry.path().string(), "is not a regular file (a pipe, socket or device)");
      }
    }
    std::sort(names.begin(), names.end());
    return names;
  }

  std::string read(const std::string& name) const override { return read_file(display_path(name)); }

  std::string display_path(const std::string& name) const override { return (fs::path(m_dir) / name).string(); }

  std::optional<std::string> read_amendments() const override {
    const std::string path = display_path(k_amendments_file_name);
    std::error_code error;
    if (!fs::exists(path, error)) return std::nullopt;
    return read_file(path);
  }

 private:
  void check_symlink(const fs::path& link) const {
    std::error_code error;
    const fs::path target = fs::canonical(link, error);
    if (error) {
      throw path_error(link.string(), "is a symbolic link to " + fs::read_symlink(link, error).string() +
                                          ", which cannot be opened");
    }
    if (m_outside_symlinks == OutsideSymlinks::follow) return;
    const fs::path dir = fs::canonical(m_dir, error);
    if (error || !is_inside(target, dir)) {
      throw path_error(link.string(), "is a symbolic link to " + target.string() +
                                          ", outside the migrations directory; pass --follow-symlinks to read it");
    }
  }

  std::string m_dir;
  OutsideSymlinks m_outside_symlinks;
};

}  // namespace

std::unique_ptr<MigrationSource> open_directory_source(const std::string& dir, OutsideSymlinks outside_symlinks) {
  std::error_code error;
  const fs::file_status status = fs::status(dir, error);
  if (status.type() == fs::file_type::not_found) throw path_error(dir, "the migrations directory does not exist");
  if (error) throw path_error(dir, "cannot open the migrations directory: " + error.message());
  if (status.type() != fs::file_type::directory) throw path_error(dir, "not a directory");
  return std::make_unique<DirectorySource>(dir, outside_symlinks);
}

std::string read_file(const std::string& path) {
  // POSIX calls rather than a stream: every service start reads every
  // migration, and open + fstat + read is all a file needs.
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw path_error(path, std::string("cannot open: ") + std::strerror(errno));
  const ClosedAtScopeEnd closer{fd};
  struct stat status {};
  if (::fstat(fd, &status) != 0) throw path_error(path, std::string("cannot stat: ") + std::strerror(errno));
  if (S_ISDIR(status.st_mode)) throw path_error(path, "is a directory, not a migration file");
  std::string bytes;
  if (S_ISREG(status.st_mode)) bytes.reserve(static_cast<std::size_t>(status.st_size));
  char buffer[65536];
  for (;;) {
    const ssize_t count = ::read(fd, buffer, sizeof buffer);
    if (count == 0) break;
    if (count < 0) {
      if (errno == EINTR) continue;
      throw path_error(path, std::string("cannot read: ") + std::strerror(errno));
    }
    bytes.append(buffer, static_cast<std::size_t>(count));
  }
  return bytes;
}

}  // namespace gander
