#include <gander/parser/go_text.hpp>

#include <cstdint>
#include <string>
#include <string_view>

#include <catch2/catch.hpp>

using gander::parser::decode_last_rune;
using gander::parser::decode_rune;
using gander::parser::DecodedRune;
using gander::parser::equal_fold_ascii;
using gander::parser::go_quote;
using gander::parser::is_blank;
using gander::parser::is_go_letter;
using gander::parser::is_go_number;
using gander::parser::is_go_space;
using gander::parser::k_rune_error;
using gander::parser::trim_go_space;

namespace {

struct DecodeRow {
  const char* name;
  std::string_view bytes;
  char32_t rune;
  std::size_t size;
  bool is_valid;
};

// Go's utf8.DecodeRuneInString: every invalid or truncated sequence gives
// (RuneError, 1), so a caller always makes progress one byte at a time.
const DecodeRow k_decode_rows[] = {
    {"ASCII letter", "a", U'a', 1, true},
    {"NUL byte", std::string_view("\0", 1), 0, 1, true},
    {"2-byte e-acute", "\xC3\xA9", 0xE9, 2, true},
    {"2-byte lowest (U+0080)", "\xC2\x80", 0x80, 2, true},
    {"3-byte euro sign", "\xE2\x82\xAC", 0x20AC, 3, true},
    {"3-byte BOM", "\xEF\xBB\xBF", 0xFEFF, 3, true},
    {"3-byte U+FFFD itself is valid", "\xEF\xBF\xBD", 0xFFFD, 3, true},
    {"4-byte emoji", "\xF0\x9F\x98\x80", 0x1F600, 4, true},
    {"4-byte highest (U+10FFFF)", "\xF4\x8F\xBF\xBF", 0x10FFFF, 4, true},
    {"overlong NUL C0 80", "\xC0\x80", k_rune_error, 1, false},
    {"overlong C1 BF", "\xC1\xBF", k_rune_error, 1, false},
    {"overlong 3-byte E0 80 80", "\xE0\x80\x80", k_rune_error, 1, false},
    {"overlong 4-byte F0 80 80 80", "\xF0\x80\x80\x80", k_rune_error, 1, false},
    {"surrogate ED A0 80", "\xED\xA0\x80", k_rune_error, 1, false},
    {"above U+10FFFF F4 90 80 80", "\xF4\x90\x80\x80", k_rune_error, 1, false},
    {"lead byte F5", "\xF5\x80\x80\x80", k_rune_error, 1, false},
    {"lone continuation byte", "\x80", k_rune_error, 1, false},
    {"byte FF", "\xFF", k_rune_error, 1, false},
    {"truncated 2-byte", "\xC3", k_rune_error, 1, false},
    {"truncated 3-byte", "\xE2\x82", k_rune_error, 1, false},
    {"truncated 4-byte", "\xF0\x9F\x98", k_rune_error, 1, false},
    {"bad continuation", "\xE2\x28\xA1", k_rune_error, 1, false},
};

}  // namespace

TEST_CASE("decode_rune decodes like Go's utf8.DecodeRuneInString", "[go_text]") {
  for (const DecodeRow& row : k_decode_rows) {
    DYNAMIC_SECTION(row.name) {
      const DecodedRune decoded = decode_rune(row.bytes, 0);
      CHECK(static_cast<std::uint32_t>(decoded.rune) == static_cast<std::uint32_t>(row.rune));
      CHECK(decoded.size == row.size);
      CHECK(decoded.is_valid == row.is_valid);
    }
  }
}

TEST_CASE("decode_rune decodes at an offset and ignores what follows", "[go_text]") {
  const std::string_view text = "x\xC3\xA9y";
  const DecodedRune decoded = decode_rune(text, 1);
  CHECK(decoded.rune == 0xE9);
  CHECK(decoded.size == 2);
  CHECK(decode_rune(text, 3).rune == U'y');
}

TEST_CASE("decode_last_rune decodes like Go's utf8.DecodeLastRuneInString", "[go_text]") {
  struct Row {
    const char* name;
    std::string_view bytes;
    char32_t rune;
    std::size_t size;
    bool is_valid;
  };
  const Row rows[] = {
      {"ASCII at the end", "ab", U'b', 1, true},
      {"2-byte at the end", "a\xC3\xA9", 0xE9, 2, true},
      {"3-byte ideographic space U+3000", "a\xE3\x80\x80", 0x3000, 3, true},
      {"4-byte at the end", "\xF0\x9F\x98\x80", 0x1F600, 4, true},
      {"lone continuation byte", "a\x80", k_rune_error, 1, false},
      {"truncated 3-byte at the end", "a\xE2\x82", k_rune_error, 1, false},
      {"valid rune followed by a stray continuation", "\xE2\x82\xAC\xAC", k_rune_error, 1, false},
      {"five continuation bytes", "\x80\x80\x80\x80\x80", k_rune_error, 1, false},
      {"surrogate at the end", "a\xED\xA0\x80", k_rune_error, 1, false},
  };
  for (const Row& row : rows) {
    DYNAMIC_SECTION(row.name) {
      const DecodedRune decoded = decode_last_rune(row.bytes);
      CHECK(static_cast<std::uint32_t>(decoded.rune) == static_cast<std::uint32_t>(row.rune));
      CHECK(decoded.size == row.size);
      CHECK(decoded.is_valid == row.is_valid);
    }
  }
}

TEST_CASE("is_go_space is exactly Go's unicode.IsSpace", "[go_text]") {
  SECTION("every member of the set") {
    const char32_t spaces[] = {U'\t',  U'\n',  U'\v',  U'\f',  U'\r',  U' ',   0x0085, 0x00A0, 0x1680,
                               0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2007, 0x2008,
                               0x2009, 0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000};
    for (const char32_t rune : spaces) {
      INFO("U+" << std::hex << static_cast<std::uint32_t>(rune));
      CHECK(is_go_space(rune));
    }
  }
  SECTION("neighbours and look-alikes are not spaces") {
    // U+001C..U+001F are spaces to Python but not to Go; U+180E stopped
    // being one in Unicode 6.3; U+200B and the BOM are format characters.
    const char32_t others[] = {0x0000, 0x0008, 0x000E, 0x001C, 0x001D, 0x001E, 0x001F, 0x0021, 0x0084,
                               0x0086, 0x009F, 0x00A1, 0x167F, 0x1681, 0x180E, 0x1FFF, 0x200B, 0x2027,
                               0x202A, 0x202E, 0x2030, 0x205E, 0x2060, 0x2FFF, 0x3001, 0xFEFF, U'a'};
    for (const char32_t rune : others) {
      INFO("U+" << std::hex << static_cast<std::uint32_t>(rune));
      CHECK_FALSE(is_go_space(rune));
    }
  }
}

TEST_CASE("trim_go_space trims Unicode whitespace like strings.TrimSpace", "[go_text]") {
  struct Row {
    const char* name;
    std::string_view input;
    std::string_view expected;
  };
  const Row rows[] = {
      {"nothing to trim", "abc", "abc"},
      {"ASCII whitespace both ends", " \t\r\n\v\fabc \t\r\n", "abc"},
      {"inner whitespace is kept", "  a b\n c  ", "a b\n c"},
      {"NBSP both ends",
       "\xC2\xA0"
       "abc"
       "\xC2\xA0",
       "abc"},
      {"ideographic space U+3000 both ends",
       "\xE3\x80\x80"
       "abc"
       "\xE3\x80\x80",
       "abc"},
      {"line separator U+2028 both ends",
       "\xE2\x80\xA8"
       "abc"
       "\xE2\x80\xA8",
       "abc"},
      {"NEL U+0085 both ends",
       "\xC2\x85"
       "abc"
       "\xC2\x85",
       "abc"},
      {"only whitespace", " \xC2\xA0\t\xE3\x80\x80\n", ""},
      {"empty", "", ""},
      {"invalid byte is not trimmed", "\xFF abc \xFF", "\xFF abc \xFF"},
      {"truncated NBSP is not trimmed", " \xC2", "\xC2"},
      {"BOM is not trimmed", "\xEF\xBB\xBF abc", "\xEF\xBB\xBF abc"},
      {"zero width space is not trimmed",
       "\xE2\x80\x8B"
       "abc",
       "\xE2\x80\x8B"
       "abc"},
  };
  for (const Row& row : rows) {
    DYNAMIC_SECTION(row.name) {
      const std::string_view trimmed = trim_go_space(row.input);
      CHECK(trimmed == row.expected);
      // A view into the input, never a copy: callers compute line numbers
      // from the pointer difference.
      CHECK(trimmed.data() >= row.input.data());
      CHECK(trimmed.data() + trimmed.size() <= row.input.data() + row.input.size());
    }
  }
}

TEST_CASE("is_blank is true only for text that trims to nothing", "[go_text]") {
  CHECK(is_blank(""));
  CHECK(is_blank(" \t\r\n"));
  CHECK(is_blank("\xC2\xA0\xE3\x80\x80"));
  CHECK_FALSE(is_blank("\xEF\xBB\xBF"));
  CHECK_FALSE(is_blank(" x "));
  CHECK_FALSE(is_blank("\xFF"));
}

TEST_CASE("is_go_letter and is_go_number follow Unicode categories L* and N*", "[go_text]") {
  struct Row {
    const char* name;
    char32_t rune;
    bool is_letter;
    bool is_number;
  };
  const Row rows[] = {
      {"a", U'a', true, false},
      {"Z", U'Z', true, false},
      {"e-acute U+00E9", 0x00E9, true, false},
      {"Cyrillic Zhe U+0416", 0x0416, true, false},
      {"CJK U+4E2D", 0x4E2D, true, false},
      {"feminine ordinal U+00AA (Lo)", 0x00AA, true, false},
      {"digit 0", U'0', false, true},
      {"digit 9", U'9', false, true},
      {"superscript two U+00B2 (No)", 0x00B2, false, true},
      {"one half U+00BD (No)", 0x00BD, false, true},
      {"Arabic-Indic one U+0661 (Nd)", 0x0661, false, true},
      {"Roman numeral twelve U+216B (Nl)", 0x216B, false, true},
      {"underscore", U'_', false, false},
      {"dollar", U'$', false, false},
      {"space", U' ', false, false},
      {"combining acute U+0301 (Mn)", 0x0301, false, false},
      {"U+FFFD", 0xFFFD, false, false},
  };
  for (const Row& row : rows) {
    DYNAMIC_SECTION(row.name) {
      CHECK(is_go_letter(row.rune) == row.is_letter);
      CHECK(is_go_number(row.rune) == row.is_number);
    }
  }
}

TEST_CASE("equal_fold_ascii matches like Go's strings.EqualFold", "[go_text]") {
  struct Row {
    std::string_view text;
    std::string_view pattern;
    bool is_equal;
  };
  const Row rows[] = {
      {"Up", "Up", true},
      {"up", "Up", true},
      {"UP", "Up", true},
      {"statementbegin", "StatementBegin", true},
      {"no transaction", "NO TRANSACTION", true},
      {"", "", true},
      {"\xC5\xBFtatementBegin", "StatementBegin", true},  // U+017F LONG S folds to s
      {"\xE2\x84\xAA", "k", true},                        // U+212A KELVIN SIGN folds to k
      {"\xC4\xB0", "i", false},                           // U+0130 is not in i's fold orbit
      {"Upp", "Up", false},
      {"U", "Up", false},
      {"Up ", "Up", false},
      {"no\xC2\xA0transaction", "NO TRANSACTION", false},
      {"\xFFp", "Up", false},
      {"Down", "Up", false},
  };
  for (const Row& row : rows) {
    INFO(go_quote(row.text) << " vs " << go_quote(row.pattern));
    CHECK(equal_fold_ascii(row.text, row.pattern) == row.is_equal);
  }
}

TEST_CASE("go_quote quotes like Go's strconv.Quote", "[go_text]") {
  struct Row {
    const char* name;
    std::string_view input;
    std::string_view expected;
  };
  const Row rows[] = {
      {"plain text", "SELECT 1", "\"SELECT 1\""},
      {"empty", "", "\"\""},
      {"quote and backslash", "a\"b\\c", "\"a\\\"b\\\\c\""},
      {"newline, tab and CR", "a\nb\tc\rd", "\"a\\nb\\tc\\rd\""},
      {"printable UTF-8 is kept", "\xC3\xA9t\xC3\xA9 \xE4\xB8\xAD", "\"\xC3\xA9t\xC3\xA9 \xE4\xB8\xAD\""},
      {"invalid bytes as \\x", "a\xFF\xC3", "\"a\\xff\\xc3\""},
      {"C1 control U+0085", "\xC2\x85", "\"\\u0085\""},
  };
  for (const Row& row : rows) {
    DYNAMIC_SECTION(row.name) { CHECK(go_quote(row.input) == row.expected); }
  }
}

// Go writes \a \b \f \v by name, other C0 controls and DEL as \xNN, and
// escapes non-printable non-ASCII runes such as NBSP, U+2028 and the BOM as
// \uXXXX, so a message shows characters that cannot be seen.
TEST_CASE("go_quote escapes control and non-printable runes like strconv.Quote", "[go_text]") {
  struct Row {
    const char* name;
    std::string_view input;
    std::string_view expected;
  };
  const Row rows[] = {
      {"bell", "\a", "\"\\a\""},
      {"backspace", "\b", "\"\\b\""},
      {"form feed", "\f", "\"\\f\""},
      {"vertical tab", "\v", "\"\\v\""},
      {"other C0 control", "\x01", "\"\\x01\""},
      {"DEL", "\x7F", "\"\\x7f\""},
      {"NBSP", "\xC2\xA0", "\"\\u00a0\""},
      {"line separator", "\xE2\x80\xA8", "\"\\u2028\""},
      {"BOM", "\xEF\xBB\xBF", "\"\\ufeff\""},
  };
  for (const Row& row : rows) {
    DYNAMIC_SECTION(row.name) { CHECK(go_quote(row.input) == row.expected); }
  }
}
