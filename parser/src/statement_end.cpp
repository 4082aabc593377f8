#include "statement_end.hpp"

#include <gander/parser/go_text.hpp>

namespace gander::parser::detail {

namespace {

bool is_ascii_space(unsigned char byte) { return byte == ' ' || (byte >= '\t' && byte <= '\r'); }

// Most lines end in ASCII, which needs no UTF-8 decoding.
bool ends_in_space(std::string_view text) {
  if (text.empty()) return false;
  const auto last_byte = static_cast<unsigned char>(text.back());
  if (last_byte < 0x80) return is_ascii_space(last_byte);
  const DecodedRune last = decode_last_rune(text);
  return last.is_valid && is_go_space(last.rune);
}

std::string_view without_trailing_space(std::string_view text) {
  for (;;) {
    while (!text.empty() && is_ascii_space(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
    if (text.empty() || static_cast<unsigned char>(text.back()) < 0x80) return text;
    const DecodedRune last = decode_last_rune(text);
    if (!last.is_valid || !is_go_space(last.rune)) return text;
    text.remove_suffix(last.size);
  }
}

}  // namespace

// Equivalent to goose's word scan, without visiting every byte: the words
// that count are those before the first "--" that starts a word (at the
// start of the line or after whitespace), and the last of them ends in ';'
// exactly when the text before that point, with trailing whitespace
// removed, ends in ';'.
bool ends_with_semicolon(std::string_view line) {
  std::string_view words = line;
  for (std::size_t found = line.find("--"); found != std::string_view::npos; found = line.find("--", found + 1)) {
    if (found == 0 || ends_in_space(line.substr(0, found))) {
      words = line.substr(0, found);
      break;
    }
  }
  return ends_with_semicolon_without_comment(words);
}

bool ends_with_semicolon_without_comment(std::string_view line) {
  const std::string_view words = without_trailing_space(line);
  return !words.empty() && words.back() == ';';
}

}  // namespace gander::parser::detail
