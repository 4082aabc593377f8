#pragma once

#include <cstddef>
#include <cstring>
#include <string_view>

namespace gander::parser::detail {

// A UTF-8 byte-order mark: skipped at the very start of a file (docs/file-format.md).
inline constexpr std::string_view k_bom = "\xEF\xBB\xBF";

// Splits text into lines the way Go's bufio.ScanLines does (split on '\n',
// drop one trailing '\r', a last line without '\n' still counts), but with
// no maximum line length. Lines are views into the text.
class LineReader {
 public:
  explicit LineReader(std::string_view text) : m_text(text) {}

  // Stores the next line and its 1-based number; false at the end.
  bool next(std::string_view& line, std::size_t& number) {
    if (m_pos >= m_text.size()) return false;
    const char* begin = m_text.data() + m_pos;
    const auto* newline = static_cast<const char*>(std::memchr(begin, '\n', m_text.size() - m_pos));
    const std::size_t length = newline ? static_cast<std::size_t>(newline - begin) : m_text.size() - m_pos;
    line = std::string_view(begin, length);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    m_pos += length + 1;
    number = ++m_line;
    return true;
  }

 private:
  std::string_view m_text;
  std::size_t m_pos = 0;
  std::size_t m_line = 0;
};

}  // namespace gander::parser::detail
