#include <gander/inspect.hpp>

#include <algorithm>
#include <cstring>
#include <exception>
#include <filesystem>
#include <system_error>
#include <thread>

#include <gander/checksum/checksum.hpp>
#include <gander/migration_name.hpp>

#include "file_reading.hpp"
#include "foreign_format.hpp"

namespace gander {

namespace {

// From this size on, a file is checksummed on a second thread while it is
// parsed: hashing it then takes longer than starting a thread.
constexpr std::size_t k_concurrent_checksum_threshold = std::size_t{512} * 1024;

// What the checksum thread finds: the first NUL byte (whose error comes
// before any parse error) and the checksum.
struct ScanResult {
  const char* nul = nullptr;
  std::string checksum;
  std::exception_ptr failure;
};

ScanResult scan(std::string_view bytes) {
  ScanResult result;
  try {
    result.nul = static_cast<const char*>(std::memchr(bytes.data(), '\0', bytes.size()));
    result.checksum = checksum::file_checksum(bytes);
  } catch (...) {
    result.failure = std::current_exception();
  }
  return result;
}

// scan() on another thread from construction until take(); on this one
// when no thread can be started.
class BackgroundScan {
 public:
  explicit BackgroundScan(std::string_view bytes) {
    try {
      m_thread = std::thread([this, bytes] { m_result = scan(bytes); });
    } catch (const std::system_error&) {
      m_result = scan(bytes);
    }
  }
  BackgroundScan(const BackgroundScan&) = delete;
  BackgroundScan& operator=(const BackgroundScan&) = delete;
  ~BackgroundScan() {
    if (m_thread.joinable()) m_thread.join();
  }

  ScanResult take() {
    if (m_thread.joinable()) m_thread.join();
    return std::move(m_result);
  }

 private:
  ScanResult m_result;
  std::thread m_thread;
};

[[noreturn]] void throw_nul_error(std::string_view bytes, const char* nul, const std::string& display_path) {
  // goose would pass a NUL byte on, and every C client library then cuts the
  // statement short there: the database would run less than the file says.
  const auto newlines_before = static_cast<std::size_t>(std::count(bytes.data(), nul, '\n'));
  throw Error(ErrorKind::parse, "a NUL byte: this is not a text file", ErrorContext{display_path, newlines_before + 1});
}

}  // namespace

InspectedMigration inspect_bytes(const std::string& name, const std::string& display_path, std::string_view bytes,
                                 const InspectOptions& options) {
  if (is_go_migration_name(name)) {
    InspectedMigration go;
    go.name = name;
    go.display_path = display_path;
    go.version = migration_version_if_valid(name);
    go.checksum = checksum::file_checksum(bytes);
    go.is_go = true;
    return go;
  }
  parser::ParseOptions parse_options;
  parse_options.env = options.env;
  parse_options.is_notx_name = is_notx_name(name);
  parse_options.strict = options.strict;
  ScanResult scanned;
  parser::ParseResult parsed;
  if (bytes.size() >= k_concurrent_checksum_threshold) {
    // The parser takes any bytes, NUL included, so it need not wait for the scan.
    BackgroundScan background(bytes);
    parsed = parser::parse_migration(bytes, parse_options);
    scanned = background.take();
    if (scanned.nul) throw_nul_error(bytes, scanned.nul, display_path);
  } else {
    if (const void* nul = std::memchr(bytes.data(), '\0', bytes.size())) {
      throw_nul_error(bytes, static_cast<const char*>(nul), display_path);
    }
    parsed = parser::parse_migration(bytes, parse_options);
  }
  if (parsed.error) {
    throw Error(ErrorKind::parse, parsed.error->message, ErrorContext{display_path, parsed.error->line});
  }
  if (scanned.failure) std::rethrow_exception(scanned.failure);
  if (parsed.migration.is_plain) {
    if (std::optional<Error> foreign = foreign_format_error(name, display_path, bytes)) throw std::move(*foreign);
  }
  if (scanned.checksum.empty()) scanned.checksum = checksum::file_checksum(bytes);
  InspectedMigration inspected;
  inspected.name = name;
  inspected.display_path = display_path;
  inspected.version = migration_version_if_valid(name);
  inspected.checksum = std::move(scanned.checksum);
  inspected.migration = std::move(parsed.migration);
  if (parsed.down_error) {
    inspected.down_error =
        Error(ErrorKind::parse, parsed.down_error->message, ErrorContext{display_path, parsed.down_error->line});
  }
  return inspected;
}

InspectedMigration inspect_file(const std::string& path, const InspectOptions& options) {
  const FileBytes bytes = read_file_bytes(path);
  return inspect_bytes(std::filesystem::path(path).filename().string(), path, bytes.view(), options);
}

}  // namespace gander
