#include <gander/create.hpp>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <limits>
#include <memory>
#include <optional>
#include <system_error>

#include <gander/error.hpp>
#include <gander/migration_name.hpp>
#include <gander/migration_source.hpp>

#include "plan/timestamp_version.hpp"

namespace gander {

namespace fs = std::filesystem;

namespace {

// goose's template for a new SQL migration, byte for byte, so that a file
// made by either tool looks the same.
constexpr std::string_view k_sql_template =
    "-- +goose Up\n"
    "-- +goose StatementBegin\n"
    "SELECT 'up SQL query';\n"
    "-- +goose StatementEnd\n"
    "\n"
    "-- +goose Down\n"
    "-- +goose StatementBegin\n"
    "SELECT 'down SQL query';\n"
    "-- +goose StatementEnd\n";

// goose pads sequential versions to 5 digits ("%05v").
constexpr std::size_t k_default_width = 5;

Error config_error(const std::string& message, std::optional<std::string> file = std::nullopt) {
  return Error(ErrorKind::config, message, ErrorContext{std::move(file)});
}

Error io_error(const std::string& message, const std::string& file) {
  return Error(ErrorKind::io, message, ErrorContext{file});
}

bool is_ascii_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_ascii_digit(char c) { return c >= '0' && c <= '9'; }
bool is_separator(char c) { return c == ' ' || c == '-' || c == '_'; }

std::size_t leading_digit_count(std::string_view name) {
  std::size_t count = 0;
  while (count < name.size() && is_ascii_digit(name[count])) ++count;
  return count;
}

std::string padded(std::int64_t version, std::size_t width) {
  std::string digits = std::to_string(version);
  if (digits.size() < width) digits.insert(0, width - digits.size(), '0');
  return digits;
}

// A character shown in a message: printable ASCII as itself, anything else
// as its byte value, so that the message stays readable.
std::string describe(char c) {
  const auto byte = static_cast<unsigned char>(c);
  if (byte >= 0x20 && byte < 0x7F) return std::string("'") + c + "'";
  char hex[8];
  std::snprintf(hex, sizeof hex, "0x%02X", byte);
  return std::string("byte ") + hex;
}

// The highest sequential version of a directory and how many digits the
// file carrying it uses.
struct SequentialTip {
  std::int64_t version = 0;
  std::size_t width = k_default_width;
};

SequentialTip sequential_tip(const std::vector<std::string>& sorted_names) {
  SequentialTip tip;
  // Names arrive sorted bytewise, so ">=" keeps the file that sorts last
  // among those sharing the highest version, as migration order does.
  for (const std::string& name : sorted_names) {
    const std::optional<std::int64_t> version = migration_version_if_valid(name);
    if (!version || is_timestamp_version(*version) || *version < tip.version) continue;
    tip.version = *version;
    tip.width = leading_digit_count(name);
  }
  return tip;
}

std::int64_t next_version(std::int64_t version, const std::string& dir) {
  if (version == std::numeric_limits<std::int64_t>::max()) {
    throw config_error("the highest version leaves no next one in a signed 64-bit integer", dir);
  }
  return version + 1;
}

std::string utc_timestamp(std::chrono::system_clock::time_point now) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  std::tm utc{};
  if (::gmtime_r(&seconds, &utc) == nullptr) throw config_error("the current time cannot be expressed in UTC");
  char text[32];
  std::snprintf(text, sizeof text, "%04d%02d%02d%02d%02d%02d", utc.tm_year + 1900, utc.tm_mon + 1, utc.tm_mday,
                utc.tm_hour, utc.tm_min, utc.tm_sec);
  return text;
}

struct FileCloser {
  void operator()(std::FILE* file) const { std::fclose(file); }
};

// Writes `bytes` to a file that must not exist yet. The check and the
// creation are one step ("x" mode: O_CREAT|O_EXCL), so a file that appears
// meanwhile is not overwritten either.
void write_new_file(const std::string& path, std::string_view bytes) {
  std::unique_ptr<std::FILE, FileCloser> file(std::fopen(path.c_str(), "wbx"));
  if (!file) {
    if (errno == EEXIST) throw config_error("already exists; gander never overwrites a migration", path);
    throw io_error(std::string("cannot create: ") + std::strerror(errno), path);
  }
  const bool is_written = std::fwrite(bytes.data(), 1, bytes.size(), file.get()) == bytes.size();
  const bool is_closed = std::fclose(file.release()) == 0;
  if (!is_written || !is_closed) {
    const int error = errno;
    // A half-written migration would be picked up by the next `up`.
    std::remove(path.c_str());
    throw io_error(std::string("cannot write: ") + std::strerror(error), path);
  }
}

struct TimestampFile {
  std::int64_t version;
  std::string name;
};

}  // namespace

bool is_timestamp_version(std::int64_t version) {
  return detail::has_timestamp_shape(version) && !detail::timestamp_flaw(version);
}

std::string normalize_migration_name(std::string_view name) {
  std::string normalized;
  bool is_pending_separator = false;
  for (const char c : name) {
    if (is_separator(c)) {
      is_pending_separator = !normalized.empty();
      continue;
    }
    if (!is_ascii_letter(c) && !is_ascii_digit(c)) {
      throw config_error("migration name '" + std::string(name) +
                         "' may hold only letters, digits, spaces, '-' and '_' (found " + describe(c) + ")");
    }
    if (is_pending_separator) normalized.push_back('_');
    is_pending_separator = false;
    normalized.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
  }
  if (normalized.empty()) {
    throw config_error("migration name '" + std::string(name) + "' is empty; give one such as add_users_email");
  }
  return normalized;
}

CreatedMigration create_migration(const std::string& dir, const std::string& name, const CreateOptions& options) {
  const std::string name_part = normalize_migration_name(name);
  // Listing first also refuses a missing directory, as goose does.
  const std::vector<std::string> names = open_directory_source(dir)->migration_file_names();

  std::string version_text;
  if (options.timestamp) {
    version_text = utc_timestamp(options.now);
  } else {
    const SequentialTip tip = sequential_tip(names);
    version_text = padded(next_version(tip.version, dir), tip.width);
  }
  CreatedMigration created;
  created.name = version_text + "_" + name_part + ".sql";
  created.path = (fs::path(dir) / created.name).string();
  created.version = migration_version(created.name);
  write_new_file(created.path, k_sql_template);
  return created;
}

std::vector<Renamed> fix_migrations(const std::string& dir) {
  const std::vector<std::string> names = open_directory_source(dir)->migration_file_names();
  std::vector<TimestampFile> timestamped;
  for (const std::string& name : names) {
    const std::optional<std::int64_t> version = migration_version_if_valid(name);
    if (version && is_timestamp_version(*version)) timestamped.push_back({*version, name});
  }
  std::sort(timestamped.begin(), timestamped.end(), [](const TimestampFile& left, const TimestampFile& right) {
    return migration_order_less(left.version, left.name, right.version, right.name);
  });

  const SequentialTip tip = sequential_tip(names);
  std::int64_t version = tip.version;
  std::vector<Renamed> renames;
  for (const TimestampFile& file : timestamped) {
    version = next_version(version, dir);
    renames.push_back({file.name, padded(version, tip.width) + file.name.substr(leading_digit_count(file.name))});
  }

  // Check every target before the first rename, so that a refusal leaves
  // the directory as it was. (std::filesystem::rename would replace an
  // existing file without a word.)
  for (const Renamed& rename : renames) {
    const std::string target = (fs::path(dir) / rename.to).string();
    std::error_code error;
    const fs::file_status status = fs::symlink_status(target, error);
    if (fs::exists(status)) {
      throw config_error("already exists, so " + rename.from + " cannot take its name; nothing was renamed", target);
    }
    if (error && status.type() != fs::file_type::not_found) {
      throw io_error("cannot check the new name: " + error.message() + "; nothing was renamed", target);
    }
  }

  for (std::size_t done = 0; done < renames.size(); ++done) {
    std::error_code error;
    fs::rename(fs::path(dir) / renames[done].from, fs::path(dir) / renames[done].to, error);
    if (!error) continue;
    // Put back what was already renamed, newest first, so that a failure
    // does not leave the directory half fixed.
    for (std::size_t undo = done; undo-- > 0;) {
      std::error_code ignored;
      fs::rename(fs::path(dir) / renames[undo].to, fs::path(dir) / renames[undo].from, ignored);
    }
    throw io_error("cannot rename to " + renames[done].to + ": " + error.message(),
                   (fs::path(dir) / renames[done].from).string());
  }
  return renames;
}

}  // namespace gander
