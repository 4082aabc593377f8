#include "statement_end.hpp"

#include <gander/parser/go_text.hpp>

namespace gander::parser::detail {

namespace {

bool ends_in_space(std::string_view text) {
  if (text.empty()) return false;
  const DecodedRune last = decode_last_rune(text);
  return last.is_valid && is_go_space(last.rune);
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
  while (ends_in_space(words)) words.remove_suffix(decode_last_rune(words).size);
  return !words.empty() && words.back() == ';';
}

}  // namespace gander::parser::detail
