#include <gander/sum_file.hpp>

#include <algorithm>
#include <map>

#include <gander/checksum/checksum.hpp>
#include <gander/error.hpp>

namespace gander {

namespace {

constexpr std::string_view k_header_prefix = "gander-sum v1 ";
constexpr std::string_view k_separator = "  ";
constexpr std::size_t k_checksum_length = 64;

bool is_checksum(std::string_view text) {
  return text.size() == k_checksum_length &&
         std::all_of(text.begin(), text.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

std::string entry_lines(const std::vector<SumEntry>& entries) {
  std::string lines;
  for (const SumEntry& entry : entries) {
    lines.append(entry.checksum).append(k_separator).append(entry.filename).push_back('\n');
  }
  return lines;
}

// The next line of `rest` without its LF (and without a CR before it),
// advancing `rest` past it.
std::string_view next_line(std::string_view& rest) {
  const std::size_t end = rest.find('\n');
  std::string_view line = rest.substr(0, end);
  rest.remove_prefix(end == std::string_view::npos ? rest.size() : end + 1);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

}  // namespace

std::string render_sum_file(const std::vector<SumEntry>& entries) {
  for (const SumEntry& entry : entries) {
    if (entry.filename.find_first_of("\r\n") != std::string::npos) {
      throw Error(ErrorKind::config, "a migration file name with a line break cannot be listed in gander.sum",
                  ErrorContext{entry.filename});
    }
  }
  const std::string lines = entry_lines(entries);
  return std::string(k_header_prefix) + checksum::sha256_hex(lines) + "\n" + lines;
}

SumFile parse_sum_file(std::string_view bytes, const std::string& display_path) {
  const auto malformed = [&display_path](std::size_t line, const std::string& what) {
    return Error(ErrorKind::config, what + " (write_sum_file writes this file; regenerate it rather than edit it)",
                 ErrorContext{display_path, line, {}, {}, Remedy{RemedyKind::regenerate_sum}});
  };
  SumFile sum;
  std::string_view rest = bytes;
  const std::string_view header = next_line(rest);
  if (header.rfind(k_header_prefix, 0) != 0 || !is_checksum(header.substr(k_header_prefix.size()))) {
    throw malformed(1, "expected the first line 'gander-sum v1 <64 lowercase hex digits>'");
  }
  sum.recorded_digest = std::string(header.substr(k_header_prefix.size()));
  std::map<std::string, std::size_t> line_by_name;
  for (std::size_t line_number = 2; !rest.empty(); ++line_number) {
    const std::string_view line = next_line(rest);
    const std::string_view checksum = line.substr(0, k_checksum_length);
    const std::string_view separator = line.substr(std::min(line.size(), k_checksum_length), k_separator.size());
    if (!is_checksum(checksum) || separator != k_separator || line.size() == k_checksum_length + k_separator.size()) {
      throw malformed(line_number, "expected '<checksum>  <filename>': 64 lowercase hex digits, two spaces, a name");
    }
    SumEntry entry{std::string(checksum), std::string(line.substr(k_checksum_length + k_separator.size())),
                   line_number};
    const auto [previous, is_new] = line_by_name.emplace(entry.filename, line_number);
    if (!is_new) {
      throw malformed(line_number,
                      entry.filename + " is listed twice (also on line " + std::to_string(previous->second) + ")");
    }
    sum.entries.push_back(std::move(entry));
  }
  sum.digest = checksum::sha256_hex(entry_lines(sum.entries));
  return sum;
}

}  // namespace gander
