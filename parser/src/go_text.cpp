#include <gander/parser/go_text.hpp>

#include <algorithm>

#include "unicode_tables.hpp"

namespace gander::parser {

namespace {

constexpr DecodedRune k_invalid{k_rune_error, 1, false};

bool is_continuation(unsigned char byte) { return (byte & 0xC0) == 0x80; }

bool in_table(char32_t rune, const detail::CodepointRange* table, std::size_t count) {
  const detail::CodepointRange* end = table + count;
  const auto* it =
      std::upper_bound(table, end, rune, [](char32_t r, const detail::CodepointRange& range) { return r < range.lo; });
  return it != table && rune <= (it - 1)->hi;
}

}  // namespace

DecodedRune decode_rune(std::string_view text, std::size_t pos) {
  const auto byte_at = [&](std::size_t i) { return static_cast<unsigned char>(text[pos + i]); };
  const unsigned char lead = byte_at(0);
  if (lead < 0x80) return {lead, 1, true};

  std::size_t size = 0;
  char32_t rune = 0;
  // The second byte's allowed range excludes overlong forms, surrogates and
  // codepoints above U+10FFFF, exactly as Go's accept ranges do.
  unsigned char second_lo = 0x80;
  unsigned char second_hi = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    size = 2;
    rune = lead & 0x1F;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    size = 3;
    rune = lead & 0x0F;
    if (lead == 0xE0) second_lo = 0xA0;
    if (lead == 0xED) second_hi = 0x9F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    size = 4;
    rune = lead & 0x07;
    if (lead == 0xF0) second_lo = 0x90;
    if (lead == 0xF4) second_hi = 0x8F;
  } else {
    return k_invalid;
  }
  if (pos + size > text.size()) return k_invalid;
  const unsigned char second = byte_at(1);
  if (second < second_lo || second > second_hi) return k_invalid;
  rune = (rune << 6) | (second & 0x3F);
  for (std::size_t i = 2; i < size; ++i) {
    const unsigned char next = byte_at(i);
    if (!is_continuation(next)) return k_invalid;
    rune = (rune << 6) | (next & 0x3F);
  }
  return {rune, size, true};
}

DecodedRune decode_last_rune(std::string_view text) {
  const std::size_t end = text.size();
  if (static_cast<unsigned char>(text[end - 1]) < 0x80) {
    return {static_cast<unsigned char>(text[end - 1]), 1, true};
  }
  // Walk back to the first byte that could start a sequence (at most 4 bytes),
  // then decode forward; the sequence must end exactly at `end`.
  const std::size_t limit = end >= 4 ? end - 4 : 0;
  std::size_t start = end - 1;
  while (start > limit && is_continuation(static_cast<unsigned char>(text[start]))) --start;
  const DecodedRune decoded = decode_rune(text, start);
  if (start + decoded.size != end) return k_invalid;
  return decoded;
}

void append_rune(std::string& out, char32_t rune) {
  if (rune < 0x80) {
    out.push_back(static_cast<char>(rune));
  } else if (rune < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (rune >> 6)));
    out.push_back(static_cast<char>(0x80 | (rune & 0x3F)));
  } else if (rune < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (rune >> 12)));
    out.push_back(static_cast<char>(0x80 | ((rune >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (rune & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (rune >> 18)));
    out.push_back(static_cast<char>(0x80 | ((rune >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((rune >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (rune & 0x3F)));
  }
}

bool is_go_space(char32_t rune) {
  switch (rune) {
    case U'\t':
    case U'\n':
    case U'\v':
    case U'\f':
    case U'\r':
    case U' ':
    case 0x0085:
    case 0x00A0:
    case 0x1680:
    case 0x2028:
    case 0x2029:
    case 0x202F:
    case 0x205F:
    case 0x3000: return true;
    default: return rune >= 0x2000 && rune <= 0x200A;
  }
}

bool is_go_letter(char32_t rune) { return in_table(rune, detail::k_letter_ranges, detail::k_letter_range_count); }

bool is_go_number(char32_t rune) { return in_table(rune, detail::k_number_ranges, detail::k_number_range_count); }

std::string_view trim_go_space(std::string_view text) {
  // Fast path: most text starts and ends with ASCII.
  const auto is_ascii_space = [](char c) { return c == ' ' || (c >= '\t' && c <= '\r'); };
  while (!text.empty() && is_ascii_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_ascii_space(text.back())) text.remove_suffix(1);
  while (!text.empty()) {
    const DecodedRune first = decode_rune(text, 0);
    if (!first.is_valid || !is_go_space(first.rune)) break;
    text.remove_prefix(first.size);
  }
  while (!text.empty()) {
    const DecodedRune last = decode_last_rune(text);
    if (!last.is_valid || !is_go_space(last.rune)) break;
    text.remove_suffix(last.size);
  }
  return text;
}

bool is_blank(std::string_view text) { return trim_go_space(text).empty(); }

bool equal_fold_ascii(std::string_view text, std::string_view pattern) {
  std::size_t pos = 0;
  for (const char expected : pattern) {
    if (pos >= text.size()) return false;
    const DecodedRune got = decode_rune(text, pos);
    pos += got.size;
    const char lower = static_cast<char>(expected >= 'A' && expected <= 'Z' ? expected + ('a' - 'A') : expected);
    char32_t folded = got.rune;
    if (folded >= U'A' && folded <= U'Z') folded += U'a' - U'A';
    if (folded == 0x017F) folded = U's';
    if (folded == 0x212A) folded = U'k';
    if (!got.is_valid || folded != static_cast<char32_t>(static_cast<unsigned char>(lower))) return false;
  }
  return pos == text.size();
}

}  // namespace gander::parser

namespace gander::parser {

namespace {

// The runes strconv.IsPrint rejects that a migration file plausibly holds:
// C0/C1 controls, DEL, whitespace other than ' ', and invisible format
// characters. (Unassigned and private-use codepoints are printed as is.)
bool is_unprintable(char32_t rune) {
  if (rune < 0x20 || rune == 0x7F || (rune >= 0x80 && rune < 0xA0)) return true;
  if (rune != U' ' && is_go_space(rune)) return true;
  return rune == 0x00AD || (rune >= 0x200B && rune <= 0x200F) || (rune >= 0x202A && rune <= 0x202E) ||
         (rune >= 0x2060 && rune <= 0x2064) || rune == 0xFEFF;
}

void append_hex(std::string& out, char32_t value, int digits) {
  static constexpr char k_hex[] = "0123456789abcdef";
  for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4) out.push_back(k_hex[(value >> shift) & 0xF]);
}

}  // namespace

std::string go_quote(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  out.push_back('"');
  for (std::size_t pos = 0; pos < text.size();) {
    const DecodedRune decoded = decode_rune(text, pos);
    const char32_t rune = decoded.rune;
    if (!decoded.is_valid) {
      out += "\\x";
      append_hex(out, static_cast<unsigned char>(text[pos]), 2);
    } else if (rune == U'"' || rune == U'\\') {
      out.push_back('\\');
      out.push_back(static_cast<char>(rune));
    } else if (!is_unprintable(rune)) {
      out.append(text.substr(pos, decoded.size));
    } else {
      switch (rune) {
        case U'\a': out += "\\a"; break;
        case U'\b': out += "\\b"; break;
        case U'\f': out += "\\f"; break;
        case U'\n': out += "\\n"; break;
        case U'\r': out += "\\r"; break;
        case U'\t': out += "\\t"; break;
        case U'\v': out += "\\v"; break;
        default:
          if (rune < 0x80) {
            out += "\\x";
            append_hex(out, rune, 2);
          } else {
            out += "\\u";
            append_hex(out, rune, 4);
          }
      }
    }
    pos += decoded.size;
  }
  out.push_back('"');
  return out;
}

}  // namespace gander::parser
