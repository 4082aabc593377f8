#include "statement_end.hpp"

#include <gander/parser/go_text.hpp>

namespace gander::parser::detail {

namespace {

// Length of the (possibly multi-byte) whitespace rune at `pos`, or 0.
std::size_t space_at(std::string_view line, std::size_t pos) {
  const auto byte = static_cast<unsigned char>(line[pos]);
  if (byte < 0x80) return is_go_space(byte) ? 1 : 0;
  const DecodedRune decoded = decode_rune(line, pos);
  return decoded.is_valid && is_go_space(decoded.rune) ? decoded.size : 0;
}

}  // namespace

bool ends_with_semicolon(std::string_view line) {
  std::string_view last_word;
  std::size_t pos = 0;
  while (pos < line.size()) {
    if (const std::size_t space = space_at(line, pos)) {
      pos += space;
      continue;
    }
    const std::size_t start = pos;
    while (pos < line.size() && space_at(line, pos) == 0) ++pos;
    const std::string_view word = line.substr(start, pos - start);
    if (word.substr(0, 2) == "--") break;
    last_word = word;
  }
  return !last_word.empty() && last_word.back() == ';';
}

}  // namespace gander::parser::detail
