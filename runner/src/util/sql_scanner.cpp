#include "sql_scanner.hpp"

#include <algorithm>
#include <utility>

namespace gander::detail {

namespace {

constexpr std::size_t k_max_statement_words = 12;

bool is_ascii_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
// Non-ASCII bytes count as letters, as in both databases' identifiers.
bool is_word_start(char c) { return is_ascii_letter(c) || c == '_' || static_cast<unsigned char>(c) >= 0x80; }
// '$' continues an identifier in PostgreSQL and SQLite (a$b), so "a$$" is
// one word there, not a dollar quote.
bool is_word_char(char c) { return is_word_start(c) || is_digit(c) || c == '$'; }
bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v'; }

// The dollar quote that starts at line[pos] ('$'): "$$" or "$tag$", where a
// tag is an identifier without '$' (PostgreSQL's rule); empty when there is
// none there, as in the parameters $1 and $name.
std::string_view dollar_quote_at(std::string_view line, std::size_t pos) {
  std::size_t end = pos + 1;
  if (end < line.size() && is_word_start(line[end])) {
    while (end < line.size() && is_word_char(line[end]) && line[end] != '$') ++end;
  }
  if (end < line.size() && line[end] == '$') return line.substr(pos, end - pos + 1);
  return {};
}

// A statement by its first words, for messages: "CREATE FUNCTION" for
// CREATE OR REPLACE FUNCTION, "CREATE TRIGGER" for CREATE TEMP TRIGGER,
// else the first word ("DO", "INSERT").
std::string statement_kind(const std::vector<std::string>& words) {
  if (words.empty()) return {};
  if (words[0] != "CREATE") return words[0];
  std::size_t next = 1;
  if (next + 1 < words.size() && words[next] == "OR" && words[next + 1] == "REPLACE") next += 2;
  if (next < words.size() && (words[next] == "TEMP" || words[next] == "TEMPORARY")) ++next;
  return next < words.size() ? "CREATE " + words[next] : "CREATE";
}

}  // namespace

bool SqlScanner::scan_line(std::string_view line, std::size_t number) {
  m_line = number;
  bool has_double_dollar = false;
  for (std::size_t pos = 0; pos < line.size();) {
    const bool is_comment = m_lexical == Lexical::line_comment || m_lexical == Lexical::block_comment;
    const std::size_t start = pos;
    pos = scan_segment(line, pos);
    // A segment ends where the lexical state changes, just after the
    // delimiter that changes it, so no "$$" straddles two segments.
    if (!is_comment && line.substr(start, pos - start).find("$$") != std::string_view::npos) has_double_dollar = true;
  }
  if (m_lexical == Lexical::line_comment) m_lexical = Lexical::code;
  return has_double_dollar;
}

std::optional<OpenConstruct> SqlScanner::open_construct() const {
  switch (m_lexical) {
    case Lexical::code:
    case Lexical::line_comment: break;
    case Lexical::block_comment:
      return OpenConstruct{OpenKind::block_comment, m_lexical_line, m_delimiter, m_lexical_statement};
    case Lexical::string:
    case Lexical::escape_string:
      return OpenConstruct{OpenKind::string, m_lexical_line, m_delimiter, m_lexical_statement};
    case Lexical::quoted_identifier:
    case Lexical::backquoted_identifier:
      return OpenConstruct{OpenKind::quoted_identifier, m_lexical_line, m_delimiter, m_lexical_statement};
    case Lexical::dollar_quote:
      return OpenConstruct{OpenKind::dollar_quote, m_lexical_line, m_delimiter, m_lexical_statement};
  }
  if (m_block_depth > 0) return OpenConstruct{OpenKind::begin_block, m_block_line, "BEGIN", m_block_statement};
  return std::nullopt;
}

std::vector<ScannedStatement> SqlScanner::finish() {
  end_statement();
  return std::move(m_statements);
}

// Scans from `pos` until the lexical state changes or the line ends, and
// returns where it stopped.
std::size_t SqlScanner::scan_segment(std::string_view line, std::size_t pos) {
  switch (m_lexical) {
    case Lexical::code: return scan_code(line, pos);
    case Lexical::line_comment: return line.size();
    case Lexical::block_comment:
    case Lexical::dollar_quote: {
      const std::string_view closing = m_lexical == Lexical::block_comment ? "*/" : std::string_view(m_delimiter);
      const std::size_t found = line.find(closing, pos);
      if (found == std::string_view::npos) return line.size();
      m_lexical = Lexical::code;
      return found + closing.size();
    }
    case Lexical::string: return scan_quoted(line, pos, '\'', false);
    case Lexical::escape_string: return scan_quoted(line, pos, '\'', true);
    case Lexical::quoted_identifier: return scan_quoted(line, pos, '"', false);
    case Lexical::backquoted_identifier: return scan_quoted(line, pos, '`', false);
  }
  return line.size();
}

std::size_t SqlScanner::scan_code(std::string_view line, std::size_t pos) {
  while (pos < line.size()) {
    const char c = line[pos];
    const char next = pos + 1 < line.size() ? line[pos + 1] : '\0';
    if (c == '-' && next == '-') {
      m_lexical = Lexical::line_comment;
      return pos + 2;
    }
    if (c == '/' && next == '*') {
      open_lexical(Lexical::block_comment, "/*");
      return pos + 2;
    }
    if (c == '\'' || c == '"' || c == '`') {
      open_lexical(c == '\''  ? Lexical::string
                   : c == '"' ? Lexical::quoted_identifier
                              : Lexical::backquoted_identifier,
                   line.substr(pos, 1));
      return pos + 1;
    }
    if (c == '$') {
      const std::string_view quote = dollar_quote_at(line, pos);
      if (!quote.empty()) {
        open_lexical(Lexical::dollar_quote, quote);
        return pos + quote.size();
      }
    }
    if (is_word_start(c) || is_digit(c)) {
      std::size_t end = pos + 1;
      while (end < line.size() && is_word_char(line[end])) ++end;
      const std::string_view word = line.substr(pos, end - pos);
      // E'...': PostgreSQL's string with backslash escapes (E'it\'s').
      if ((word == "E" || word == "e") && end < line.size() && line[end] == '\'' && !m_is_after_dot) {
        open_lexical(Lexical::escape_string, "E'");
        return end + 1;
      }
      on_word(word, is_digit(c));
      pos = end;
      continue;
    }
    if (c == ';' && m_block_depth == 0) end_statement();
    if (c == '.') m_is_after_dot = true;
    else if (!is_space(c)) m_is_after_dot = false;
    ++pos;
  }
  return pos;
}

// Scans a quoted text up to its closing quote; a doubled quote stands for
// itself, and so does a backslash-escaped character in an E'' string.
std::size_t SqlScanner::scan_quoted(std::string_view line, std::size_t pos, char quote, bool has_backslash_escapes) {
  for (; pos < line.size(); ++pos) {
    if (has_backslash_escapes && line[pos] == '\\') {
      ++pos;
      continue;
    }
    if (line[pos] != quote) continue;
    if (pos + 1 < line.size() && line[pos + 1] == quote) {
      ++pos;
      continue;
    }
    m_lexical = Lexical::code;
    return pos + 1;
  }
  return line.size();
}

void SqlScanner::open_lexical(Lexical lexical, std::string_view delimiter) {
  m_lexical = lexical;
  m_lexical_line = m_line;
  m_delimiter = std::string(delimiter);
  m_lexical_statement = statement_kind(m_words);
  m_is_after_dot = false;
}

void SqlScanner::on_word(std::string_view word, bool is_number) {
  const bool is_qualified = m_is_after_dot;
  m_is_after_dot = false;
  const bool is_first_word = m_words.empty();
  if (is_first_word) m_statement_line = m_line;
  std::string upper = upper_ascii(word);
  if (m_words.size() < k_max_statement_words) m_words.push_back(upper);
  if (!is_number && !is_qualified) track_block(upper, is_first_word);
  m_previous_word = std::move(upper);
  m_previous_word_line = m_line;
}

void SqlScanner::track_block(const std::string& word, bool is_first_word) {
  if (m_block_depth > 0) {
    if (word == "BEGIN" || word == "CASE") ++m_block_depth;
    else if (word == "END") --m_block_depth;
    return;
  }
  // BEGIN as a statement's first word starts a transaction, not a block.
  const bool opens_trigger_body = word == "BEGIN" && !is_first_word && statement_kind(m_words) == "CREATE TRIGGER";
  const bool opens_atomic_body = word == "ATOMIC" && m_previous_word == "BEGIN";
  if (!opens_trigger_body && !opens_atomic_body) return;
  m_block_depth = 1;
  m_block_line = opens_atomic_body ? m_previous_word_line : m_line;
  m_block_statement = statement_kind(m_words);
}

std::string upper_ascii(std::string_view word) {
  std::string upper(word);
  for (char& c : upper) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return upper;
}

bool has_word(const std::vector<std::string>& words, std::size_t from, std::string_view word) {
  return from < words.size() &&
         std::find(words.begin() + static_cast<std::ptrdiff_t>(from), words.end(), word) != words.end();
}

std::vector<ScannedStatement> scan_statements(std::string_view text) {
  SqlScanner scanner;
  std::size_t number = 0;
  for (std::size_t begin = 0; begin <= text.size();) {
    const std::size_t end = std::min(text.find('\n', begin), text.size());
    scanner.scan_line(text.substr(begin, end - begin), ++number);
    begin = end + 1;
  }
  return scanner.finish();
}

void SqlScanner::end_statement() {
  if (!m_words.empty()) m_statements.push_back(ScannedStatement{m_statement_line, std::move(m_words)});
  m_words.clear();
  m_previous_word.clear();
}

}  // namespace gander::detail
