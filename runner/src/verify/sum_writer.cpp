// Producing gander.sum from a migrations directory (the format itself is in
// sum_file.cpp).

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include <unistd.h>

#include <gander/checksum/checksum.hpp>
#include <gander/error.hpp>
#include <gander/migration_name.hpp>
#include <gander/sum_file.hpp>

namespace gander {

namespace fs = std::filesystem;

std::vector<SumEntry> sum_entries(const MigrationSource& source) {
  struct Ordered {
    std::int64_t version;
    SumEntry entry;
  };
  std::vector<Ordered> files;
  for (const std::string& name : source.migration_file_names()) {
    std::int64_t version = 0;
    try {
      version = migration_version(name);
    } catch (const Error& error) {
      throw error.with_file(source.display_path(name));
    }
    files.push_back(Ordered{version, SumEntry{checksum::file_checksum(source.read(name)), name}});
  }
  std::sort(files.begin(), files.end(), [](const Ordered& left, const Ordered& right) {
    return migration_order_less(left.version, left.entry.filename, right.version, right.entry.filename);
  });
  std::vector<SumEntry> entries;
  entries.reserve(files.size());
  for (Ordered& file : files) entries.push_back(std::move(file.entry));
  return entries;
}

WrittenSum write_sum_file(const std::string& dir) {
  const std::unique_ptr<MigrationSource> source = open_directory_source(dir);
  WrittenSum written{source->display_path(k_sum_file_name), sum_entries(*source)};
  const std::string bytes = render_sum_file(written.entries);
  // A reader (or a crash) never sees half a file: write beside it, then rename.
  const std::string temporary = written.path + ".tmp-" + std::to_string(::getpid());
  const auto write_error = [&written](const std::string& what) {
    return Error(ErrorKind::io, "cannot write: " + what, ErrorContext{written.path});
  };
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out.flush()) {
      const std::string reason = std::strerror(errno);
      std::error_code ignored;
      fs::remove(temporary, ignored);
      throw write_error(reason);
    }
  }
  std::error_code error;
  fs::rename(temporary, written.path, error);
  if (error) {
    std::error_code ignored;
    fs::remove(temporary, ignored);
    throw write_error(error.message());
  }
  return written;
}

}  // namespace gander
