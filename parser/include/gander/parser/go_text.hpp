#pragma once

// How Go reads text. goose is written in Go, and both its parser and the
// checksums that Go runners store depend on Go's string functions: UTF-8
// decoding that turns each invalid byte into U+FFFD, unicode.IsSpace for
// strings.TrimSpace and bufio.ScanWords, unicode.IsLetter / IsNumber for
// ENVSUB identifiers. gander implements each rule once, here, so that the
// parser and the checksum cannot disagree about what is whitespace.

#include <cstddef>
#include <string>
#include <string_view>

namespace gander::parser {

inline constexpr char32_t k_rune_error = 0xFFFD;

// One decoded codepoint. An invalid or truncated sequence decodes, as in Go's
// utf8.DecodeRuneInString, to {k_rune_error, 1, false}; `size` is never 0
// for a non-empty input.
struct DecodedRune {
  char32_t rune;
  std::size_t size;
  bool is_valid;
};

// Decodes the codepoint that starts at `text[pos]`. Requires pos < text.size().
DecodedRune decode_rune(std::string_view text, std::size_t pos);

// Decodes the codepoint that ends at the end of `text` (Go's
// utf8.DecodeLastRuneInString). Requires a non-empty text.
DecodedRune decode_last_rune(std::string_view text);

// Appends the UTF-8 encoding of `rune` to `out`.
void append_rune(std::string& out, char32_t rune);

// Go's unicode.IsSpace: ASCII \t \n \v \f \r and space, U+0085, U+00A0,
// U+1680, U+2000-U+200A, U+2028, U+2029, U+202F, U+205F, U+3000.
bool is_go_space(char32_t rune);

// Go's unicode.IsLetter and unicode.IsNumber (Unicode 15.0 categories L*, N*).
bool is_go_letter(char32_t rune);
bool is_go_number(char32_t rune);

// Go's strings.TrimSpace. Returns a view into `text`: nothing is copied.
std::string_view trim_go_space(std::string_view text);

// True when `text` consists only of Go whitespace (or is empty).
bool is_blank(std::string_view text);

// Go's strings.EqualFold for an ASCII `pattern`: case-insensitive under
// Unicode simple case folding, so U+017F LATIN SMALL LETTER LONG S matches
// 's' and U+212A KELVIN SIGN matches 'k', as they do in Go.
bool equal_fold_ascii(std::string_view text, std::string_view pattern);

}  // namespace gander::parser

namespace gander::parser {

// Go's %q for a string (strconv.Quote): double-quoted; \\ \" \a \b \f \n \r
// \t \v by name; other controls as \xNN; invalid UTF-8 bytes as \xNN;
// invisible runes (non-ASCII spaces, BOM, zero-width) as \uNNNN. Used in
// messages that quote file content, so that what cannot be seen is shown.
std::string go_quote(std::string_view text);

}  // namespace gander::parser
