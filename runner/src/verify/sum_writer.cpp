// Producing gander.sum from a migrations directory (the format itself is in
// sum_file.cpp).

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include <unistd.h>

#include <gander/checksum/checksum.hpp>
#include <gander/error.hpp>
#include <gander/migration_name.hpp>
#include <gander/sum_file.hpp>

#include "source/listing.hpp"

namespace gander {

namespace fs = std::filesystem;

std::vector<SumEntry> sum_entries(const MigrationSource& source) {
  std::vector<SumEntry> entries;
  for (const ListedFile& file : list_in_order(source)) {
    if (!file.version) {
      try {
        migration_version(file.name);
      } catch (const Error& error) {
        throw error.with_file(file.display_path);
      }
    }
    entries.push_back(SumEntry{checksum::file_checksum(source.read(file.name)), file.name});
  }
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
