#include <gander/amendments.hpp>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include <gander/error.hpp>
#include <gander/migration_source.hpp>

#include "file_reading.hpp"

namespace gander {

namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r'; }

bool is_checksum(std::string_view text) {
  return text.size() == 64 &&
         std::all_of(text.begin(), text.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

// The next whitespace-separated field of `rest`, which is advanced past it.
std::string_view next_field(std::string_view& rest) {
  std::size_t start = 0;
  while (start < rest.size() && is_space(rest[start])) ++start;
  std::size_t end = start;
  while (end < rest.size() && !is_space(rest[end])) ++end;
  const std::string_view field = rest.substr(start, end - start);
  rest.remove_prefix(end);
  return field;
}

std::string_view trimmed(std::string_view text) {
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

}  // namespace

std::vector<Amendment> parse_amendments(std::string_view bytes, const std::string& display_path) {
  std::vector<Amendment> amendments;
  std::size_t line_number = 0;
  while (!bytes.empty()) {
    ++line_number;
    const std::size_t end = bytes.find('\n');
    std::string_view rest = bytes.substr(0, end);
    bytes.remove_prefix(end == std::string_view::npos ? bytes.size() : end + 1);
    if (trimmed(rest).empty() || trimmed(rest).front() == '#') continue;

    const auto malformed = [&](const std::string& what) {
      return Error(ErrorKind::parse,
                   what +
                       "; a line is '<filename> <stored checksum> <new checksum> <reason>', as "
                       "append_amendment writes it",
                   ErrorContext{display_path, line_number, {}, {}, Remedy{RemedyKind::write_amendment}});
    };
    Amendment amendment;
    amendment.line = line_number;
    amendment.filename = next_field(rest);
    amendment.stored_checksum = next_field(rest);
    amendment.new_checksum = next_field(rest);
    amendment.reason = trimmed(rest);
    if (!is_checksum(amendment.stored_checksum) || !is_checksum(amendment.new_checksum)) {
      throw malformed("expected two checksums of 64 lowercase hex digits after the file name");
    }
    if (amendment.reason.empty()) throw malformed("the reason is missing");
    amendments.push_back(std::move(amendment));
  }
  return amendments;
}

const Amendment* find_amendment(const std::vector<Amendment>& amendments, std::string_view filename,
                                std::string_view stored_checksum, std::string_view new_checksum) {
  const auto found = std::find_if(amendments.begin(), amendments.end(), [&](const Amendment& amendment) {
    return amendment.filename == filename && amendment.stored_checksum == stored_checksum &&
           amendment.new_checksum == new_checksum;
  });
  return found == amendments.end() ? nullptr : &*found;
}

std::string amendment_line(const Amendment& amendment) {
  if (amendment.filename.empty() || std::any_of(amendment.filename.begin(), amendment.filename.end(),
                                                [](char c) { return is_space(c) || c == '\n'; })) {
    throw Error(ErrorKind::config, "cannot amend '" + amendment.filename +
                                       "': gander.amend cannot hold a file name with whitespace; rename the file "
                                       "with a new migration instead");
  }
  if (trimmed(amendment.reason).empty() || amendment.reason.find('\n') != std::string::npos) {
    throw Error(ErrorKind::config, "an amendment needs a one-line reason that says why the file changed");
  }
  return amendment.filename + " " + amendment.stored_checksum + " " + amendment.new_checksum + " " +
         std::string(trimmed(amendment.reason));
}

std::string append_amendment(const std::string& dir, const Amendment& amendment) {
  const std::string line = amendment_line(amendment);
  std::string path = (std::filesystem::path(dir) / k_amendments_file_name).string();
  std::error_code ignored;
  const bool exists = std::filesystem::exists(path, ignored);
  const std::string existing = exists ? read_file(path) : std::string();
  std::ofstream out(path, std::ios::binary | std::ios::app);
  if (!out) throw Error(ErrorKind::io, std::string("cannot write: ") + std::strerror(errno), ErrorContext{path});
  if (!exists) {
    out << "# Reviewed changes to applied migrations, read by gander (its docs/file-format.md, \"Reviewed\n"
           "# amendments\"): a migration whose stored checksum and current checksum match a line\n"
           "# counts as applied and is never re-run.\n"
           "# <filename> <stored checksum> <new checksum> <reason>\n";
  } else if (!existing.empty() && existing.back() != '\n') {
    out << '\n';
  }
  out << line << '\n';
  if (!out.flush()) {
    throw Error(ErrorKind::io, std::string("cannot write: ") + std::strerror(errno), ErrorContext{path});
  }
  return path;
}

}  // namespace gander
