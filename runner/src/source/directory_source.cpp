#include <gander/migration_source.hpp>

#include "file_reading.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <system_error>
#include <utility>

#include <dirent.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gander/amendments.hpp>
#include <gander/error.hpp>
#include <gander/migration_name.hpp>

#include "util/file_descriptor.hpp"

namespace gander {

namespace fs = std::filesystem;

namespace {

// Files at least this large are mapped instead of read: below it, a mapping's
// own system calls cost more than the page faults a copy takes. (A mapped
// file truncated while gander runs would fault on its lost pages; migration
// files are replaced by a checkout, which unlinks rather than truncates.)
constexpr std::size_t k_mapping_threshold = std::size_t{256} * 1024;
// A directory's size grows by at least this much per entry on common file
// systems (ext4: 8 bytes + the name); the estimate is only a reservation.
constexpr std::size_t k_min_directory_bytes_per_entry = 12;
constexpr std::size_t k_max_reserved_entries = 1 << 20;

// What is at `path` is not what the user should have put there.
Error path_error(const std::string& path, const std::string& what) {
  return Error(ErrorKind::config, what, ErrorContext{path});
}

// What is at `path` is fine, but the system could not read it.
Error io_error(const std::string& path, const std::string& what) {
  return Error(ErrorKind::io, what, ErrorContext{path});
}

// A path that does not exist is the user's to fix; any other failure to
// read what is there is I/O.
Error errno_error(const std::string& path, const char* what) {
  const int error = errno;
  const std::string message = std::string(what) + std::strerror(error);
  return error == ENOENT || error == ENOTDIR ? path_error(path, message) : io_error(path, message);
}

using detail::FileDescriptor;

struct DirectoryCloser {
  void operator()(DIR* directory) const { ::closedir(directory); }
};

// The first 8 bytes of a name as a big-endian number (zero-padded): names
// that differ there compare as their keys do, bytewise.
std::uint64_t sort_key(const std::string& name) {
  std::uint64_t key = 0;
  for (std::size_t i = 0; i < 8; ++i) {
    key = (key << 8) | (i < name.size() ? static_cast<unsigned char>(name[i]) : 0U);
  }
  return key;
}

// Sorts names bytewise. A directory lists them in hash order, and comparing
// whole strings dominated sorting thousands of names sharing a prefix; most
// comparisons are settled by one integer compare of the leading bytes. The
// names are then moved into place along the cycles of the permutation, so
// that no second vector of strings is needed.
void sort_names(std::vector<std::string>& names) {
  struct Keyed {
    std::uint64_t key;
    std::size_t index;
  };
  std::vector<Keyed> keyed;
  keyed.reserve(names.size());
  for (std::size_t i = 0; i < names.size(); ++i) keyed.push_back({sort_key(names[i]), i});
  std::sort(keyed.begin(), keyed.end(), [&](const Keyed& left, const Keyed& right) {
    if (left.key != right.key) return left.key < right.key;
    return names[left.index] < names[right.index];
  });
  // names[i] is to become the name now at keyed[i].index; a placed slot is
  // marked by pointing at itself.
  for (std::size_t start = 0; start < keyed.size(); ++start) {
    if (keyed[start].index == start) continue;
    std::string held = std::move(names[start]);
    std::size_t slot = start;
    while (keyed[slot].index != start) {
      const std::size_t from = keyed[slot].index;
      names[slot] = std::move(names[from]);
      keyed[slot].index = slot;
      slot = from;
    }
    names[slot] = std::move(held);
    keyed[slot].index = slot;
  }
}

bool is_inside(const fs::path& path, const fs::path& dir) {
  const auto mismatch = std::mismatch(dir.begin(), dir.end(), path.begin(), path.end());
  return mismatch.first == dir.end();
}

// Reads the rest of a file whose size is unknown (a pipe given as a path).
std::string read_to_end(int fd, const std::string& path) {
  std::string bytes;
  char buffer[65536];
  for (;;) {
    const ssize_t count = ::read(fd, buffer, sizeof buffer);
    if (count == 0) return bytes;
    if (count < 0) {
      if (errno == EINTR) continue;
      throw errno_error(path, "cannot read: ");
    }
    bytes.append(buffer, static_cast<std::size_t>(count));
  }
}

// Reads a regular file that fstat says holds `size` bytes into a string of
// exactly its size, usually with one read that asks for a byte more: once
// every byte fstat promised has arrived, a read that returned less than it
// was asked for ended at the end of the file. A file that grew since fstat
// is read on to its new end; one that shrank, to the end it has.
std::string read_regular(int fd, std::size_t size, const std::string& path) {
  std::string bytes;
  bytes.resize(size + 1);
  std::size_t filled = 0;
  for (;;) {
    const ssize_t count = ::read(fd, bytes.data() + filled, bytes.size() - filled);
    if (count < 0) {
      if (errno == EINTR) continue;
      throw errno_error(path, "cannot read: ");
    }
    if (count == 0) break;
    filled += static_cast<std::size_t>(count);
    if (filled == bytes.size()) {
      bytes.resize(bytes.size() * 2);
    } else if (filled >= size) {
      break;
    }
  }
  bytes.resize(filled);
  return bytes;
}

// The fstat of an open file that may be read as a migration.
struct stat status_of_readable(int fd, const std::string& path) {
  struct stat status {};
  if (::fstat(fd, &status) != 0) throw errno_error(path, "cannot stat: ");
  if (S_ISDIR(status.st_mode)) throw path_error(path, "is a directory, not a migration file");
  return status;
}

std::string read_into_string(int fd, const struct stat& status, const std::string& path) {
  if (!S_ISREG(status.st_mode)) return read_to_end(fd, path);
  return read_regular(fd, static_cast<std::size_t>(status.st_size), path);
}

// Reads an open file, mapping it when it is a large regular file; `path`
// names it in errors.
FileBytes read_open_file(int fd, const std::string& path) {
  const struct stat status = status_of_readable(fd, path);
  const auto size = static_cast<std::size_t>(status.st_size);
  if (S_ISREG(status.st_mode) && size >= k_mapping_threshold) {
    // A mapping lives on after its descriptor is closed.
    void* mapping = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (mapping != MAP_FAILED) return FileBytes::adopt_mapping(mapping, size);
  }
  return FileBytes(read_into_string(fd, status, path));
}

int open_for_reading(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw errno_error(path, "cannot open: ");
  return fd;
}

class DirectorySource final : public MigrationSource, public BatchReadableSource {
 public:
  DirectorySource(std::string dir, OutsideSymlinks outside_symlinks)
      : m_dir(std::move(dir)), m_outside_symlinks(outside_symlinks) {}

  std::string location() const override { return m_dir; }

  // One readdir pass: the entry's type from the directory itself decides,
  // and only links and file systems that do not report types cost a stat.
  std::vector<std::string> migration_file_names() const override {
    const std::unique_ptr<DIR, DirectoryCloser> directory(::opendir(m_dir.c_str()));
    if (!directory) throw errno_error(m_dir, "cannot list the migrations directory: ");
    std::vector<std::string> names;
    // Room for as many entries as the directory's size could hold spares
    // copying a growing vector; the room not used is never touched.
    struct stat status {};
    if (::fstat(::dirfd(directory.get()), &status) == 0 && status.st_size > 0) {
      names.reserve(
          std::min(static_cast<std::size_t>(status.st_size) / k_min_directory_bytes_per_entry, k_max_reserved_entries));
    }
    for (;;) {
      errno = 0;
      const dirent* entry = ::readdir(directory.get());
      if (entry == nullptr) {
        if (errno != 0) throw errno_error(m_dir, "cannot list the migrations directory: ");
        break;
      }
      const char* name = entry->d_name;
      if (!is_migration_file_name(name)) continue;
      if (is_listed_file(::dirfd(directory.get()), name, entry->d_type)) names.emplace_back(name);
    }
    sort_names(names);
    return names;
  }

  std::string read(const std::string& name) const override { return read_file(display_path(name)); }

  // What std::filesystem's `dir / name` gives, without parsing the path.
  std::string display_path(const std::string& name) const override {
    if (m_dir.empty() || m_dir.back() == '/') return m_dir + name;
    std::string path;
    path.reserve(m_dir.size() + 1 + name.size());
    return path.append(m_dir).append(1, '/').append(name);
  }

  std::optional<std::string> read_amendments() const override {
    const std::string path = display_path(k_amendments_file_name);
    std::error_code error;
    if (!fs::exists(path, error)) return std::nullopt;
    return read_file(path);
  }

  std::unique_ptr<BatchReader> open_batch_reader() const override { return std::make_unique<DirectoryReader>(*this); }

 private:
  class DirectoryReader final : public BatchReader {
   public:
    explicit DirectoryReader(const DirectorySource& source)
        : m_source(source), m_directory(::open(source.m_dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) {
      if (m_directory.get() < 0) throw errno_error(source.m_dir, "cannot open the migrations directory: ");
    }

    FileBytes read(const std::string& name) const override {
      const FileDescriptor file(::openat(m_directory.get(), name.c_str(), O_RDONLY | O_CLOEXEC));
      if (file.get() < 0) throw errno_error(m_source.display_path(name), "cannot open: ");
      return read_open_file(file.get(), m_source.display_path(name));
    }

   private:
    const DirectorySource& m_source;
    FileDescriptor m_directory;
  };

  // Whether a *.sql entry is a migration: a regular file, or a link to one
  // (checked against the directory). A subdirectory is not; anything else
  // (a FIFO, a socket, a device) is refused, since reading it would block
  // or never end.
  bool is_listed_file(int directory_fd, const char* name, unsigned char type) const {
    if (type == DT_REG) return true;
    if (type == DT_DIR) return false;
    struct stat status {};
    if (type == DT_UNKNOWN) {
      if (::fstatat(directory_fd, name, &status, AT_SYMLINK_NOFOLLOW) != 0) throw_not_regular(name);
      if (S_ISREG(status.st_mode)) return true;
      if (S_ISDIR(status.st_mode)) return false;
      if (!S_ISLNK(status.st_mode)) throw_not_regular(name);
    } else if (type != DT_LNK) {
      throw_not_regular(name);
    }
    check_symlink(display_path(name));
    if (::fstatat(directory_fd, name, &status, 0) != 0) throw_not_regular(name);
    if (S_ISREG(status.st_mode)) return true;
    if (S_ISDIR(status.st_mode)) return false;
    throw_not_regular(name);
  }

  [[noreturn]] void throw_not_regular(const char* name) const {
    throw path_error(display_path(name), "is not a regular file (a pipe, socket or device)");
  }

  void check_symlink(const fs::path& link) const {
    std::error_code error;
    const fs::path target = fs::canonical(link, error);
    if (error) {
      throw path_error(link.string(),
                       "is a symbolic link to " + fs::read_symlink(link, error).string() + ", which cannot be opened");
    }
    if (m_outside_symlinks == OutsideSymlinks::follow) return;
    const fs::path dir = fs::canonical(m_dir, error);
    if (error || !is_inside(target, dir)) {
      throw Error(ErrorKind::config,
                  "is a symbolic link to " + target.string() +
                      ", outside the migrations directory, and symbolic links out of it are not followed",
                  ErrorContext{link.string(), {}, {}, {}, Remedy{RemedyKind::follow_symlinks}});
    }
  }

  std::string m_dir;
  OutsideSymlinks m_outside_symlinks;
};

// The default batch reader: one read() per file.
class SourceReader final : public BatchReader {
 public:
  explicit SourceReader(const MigrationSource& source) : m_source(source) {}
  FileBytes read(const std::string& name) const override { return FileBytes(m_source.read(name)); }

 private:
  const MigrationSource& m_source;
};

}  // namespace

FileBytes FileBytes::adopt_mapping(const void* address, std::size_t size) {
  FileBytes bytes;
  bytes.m_mapping = address;
  bytes.m_mapped_size = size;
  return bytes;
}

FileBytes::FileBytes(FileBytes&& other) noexcept
    : m_owned(std::move(other.m_owned)),
      m_mapping(std::exchange(other.m_mapping, nullptr)),
      m_mapped_size(std::exchange(other.m_mapped_size, 0)) {}

FileBytes& FileBytes::operator=(FileBytes&& other) noexcept {
  if (this != &other) {
    FileBytes old(std::move(*this));
    m_owned = std::move(other.m_owned);
    m_mapping = std::exchange(other.m_mapping, nullptr);
    m_mapped_size = std::exchange(other.m_mapped_size, 0);
  }
  return *this;
}

FileBytes::~FileBytes() {
  if (m_mapping) ::munmap(const_cast<void*>(m_mapping), m_mapped_size);
}

std::unique_ptr<BatchReader> open_batch_reader(const MigrationSource& source) {
  if (const auto* readable = dynamic_cast<const BatchReadableSource*>(&source)) return readable->open_batch_reader();
  return std::make_unique<SourceReader>(source);
}

std::unique_ptr<MigrationSource> open_directory_source(const std::string& dir, OutsideSymlinks outside_symlinks) {
  std::error_code error;
  const fs::file_status status = fs::status(dir, error);
  if (status.type() == fs::file_type::not_found) throw path_error(dir, "the migrations directory does not exist");
  if (error) throw io_error(dir, "cannot open the migrations directory: " + error.message());
  if (status.type() != fs::file_type::directory) throw path_error(dir, "not a directory");
  return std::make_unique<DirectorySource>(dir, outside_symlinks);
}

// POSIX calls rather than a stream: every service start reads every
// migration, and open + fstat + read is all a file needs.
std::string read_file(const std::string& path) {
  const FileDescriptor file(open_for_reading(path));
  return read_into_string(file.get(), status_of_readable(file.get(), path), path);
}

FileBytes read_file_bytes(const std::string& path) {
  const FileDescriptor file(open_for_reading(path));
  return read_open_file(file.get(), path);
}

}  // namespace gander
