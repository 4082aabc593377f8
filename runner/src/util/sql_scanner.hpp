#pragma once

// A small SQL lexer for `gander lint`. It reads a section of a migration
// line by line and knows, after each line, which construct is still open: a
// string literal, a quoted identifier, a /* comment */, a dollar-quoted body
// ($$ or $tag$), or a BEGIN ... END block (a SQLite trigger's body,
// PostgreSQL's BEGIN ATOMIC). It also cuts the text into SQL statements at
// the semicolons outside all of these, keeping each statement's first words,
// which is all that lint's statement rules look at.
//
// It knows PostgreSQL's and SQLite's quoting and comments (standard and E''
// strings, "identifiers" and `identifiers`, -- and non-nested /* */
// comments, dollar quotes) and no grammar: BEGIN opens a block only after
// CREATE TRIGGER or when ATOMIC follows it, so `BEGIN;` and
// `BEGIN TRANSACTION;` stay transaction statements; inside a block, CASE and
// BEGIN open and END closes.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gander::detail {

enum class OpenKind { string, quoted_identifier, block_comment, dollar_quote, begin_block };

struct OpenConstruct {
  OpenKind kind;
  std::size_t line;       // the line it opens on
  std::string delimiter;  // what opens it: "'", "E'", "\"", "`", "/*", "$$", "$body$" or "BEGIN"
  // The statement it belongs to, by its first words: "DO", "CREATE FUNCTION",
  // "CREATE TRIGGER", "INSERT", ...; empty when it opens before any word.
  std::string statement;
};

struct ScannedStatement {
  std::size_t line;                // the line of its first word
  std::vector<std::string> words;  // its first words, ASCII letters uppercased (at most 12)
};

class SqlScanner {
 public:
  // Scans the next line, without its line break. Returns true when the line
  // holds "$$" outside comments (in code, a string or a body alike).
  bool scan_line(std::string_view line, std::size_t number);

  // What is open after the last line scanned: a string, identifier, comment
  // or dollar quote first, else a BEGIN ... END block; nullopt when nothing is.
  std::optional<OpenConstruct> open_construct() const;

  // Every statement scanned, the last one counted even without its ';'. Call
  // once, after the last line.
  std::vector<ScannedStatement> finish();

 private:
  enum class Lexical {
    code,
    line_comment,
    block_comment,
    string,
    escape_string,
    quoted_identifier,
    backquoted_identifier,
    dollar_quote
  };

  std::size_t scan_segment(std::string_view line, std::size_t pos);
  std::size_t scan_code(std::string_view line, std::size_t pos);
  std::size_t scan_quoted(std::string_view line, std::size_t pos, char quote, bool has_backslash_escapes);
  void open_lexical(Lexical lexical, std::string_view delimiter);
  void on_word(std::string_view word, bool is_number);
  void track_block(const std::string& word, bool is_first_word);
  void end_statement();

  Lexical m_lexical = Lexical::code;
  std::size_t m_line = 0;
  // The open lexical construct, when m_lexical is neither code nor a line comment.
  std::size_t m_lexical_line = 0;
  std::string m_delimiter;
  std::string m_lexical_statement;

  std::size_t m_block_depth = 0;
  std::size_t m_block_line = 0;
  std::string m_block_statement;

  bool m_is_after_dot = false;  // the next word is part of a qualified name (t.begin), not a keyword
  std::string m_previous_word;
  std::size_t m_previous_word_line = 0;
  std::vector<std::string> m_words;
  std::size_t m_statement_line = 0;
  std::vector<ScannedStatement> m_statements;
};

// `word` with ASCII letters upper-cased, as ScannedStatement keeps words.
std::string upper_ascii(std::string_view word);

// Whether `words`, from index `from` on, hold `word`.
bool has_word(const std::vector<std::string>& words, std::size_t from, std::string_view word);

// Every statement of `text`, scanned line by line; lines are counted from 1.
std::vector<ScannedStatement> scan_statements(std::string_view text);

}  // namespace gander::detail
