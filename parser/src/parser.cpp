#include <gander/parser/migration.hpp>

#include <algorithm>
#include <utility>

#include <gander/parser/go_text.hpp>

#include "annotation.hpp"
#include "line_reader.hpp"
#include "statement_end.hpp"

namespace gander::parser {

namespace {

using detail::Annotation;
using detail::k_bom;

// goose's states. goose parses each direction separately; this machine runs
// once and keeps the statements of whichever section it is in. That gives
// exactly goose's two results: the pass for the other direction discards
// every line of this section, and its state differs only in ways no
// annotation transition can observe. What the up pass does reading the Down
// section is modelled apart (check_up_pass_substitution), so that each
// failure is known to concern going up, or only going down.
enum class State { start, up, up_block, up_block_end, down, down_block, down_block_end };

bool is_up(State state) { return state == State::up || state == State::up_block || state == State::up_block_end; }
bool is_down(State state) {
  return state == State::down || state == State::down_block || state == State::down_block_end;
}
bool is_block(State state) { return state == State::up_block || state == State::down_block; }
bool is_block_end(State state) { return state == State::up_block_end || state == State::down_block_end; }

// Thrown inside this file only; parse_migration turns it into ParseError.
struct Failure {
  std::size_t line;
  std::string message;
};

bool has_annotation_line(std::string_view text) {
  for (std::size_t found = text.find("+goose"); found != std::string_view::npos;
       found = text.find("+goose", found + 1)) {
    const std::size_t newline_before = text.rfind('\n', found);
    const std::size_t begin = newline_before == std::string_view::npos ? 0 : newline_before + 1;
    const std::size_t end = std::min(text.find('\n', found), text.size());
    if (detail::is_annotation_line(text.substr(begin, end - begin))) return true;
  }
  return false;
}

std::size_t count_newlines(std::string_view text) {
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

// The text of the statement being collected: every line fed to it, each
// followed by '\n'. While those lines lie back to back in the file (no
// annotation line skipped between them, no '\r' dropped, no ENVSUB
// expansion) the text is only a view into the file, and the one copy is the
// statement's own string. Otherwise it is built in `m_copy`. Callers read it
// trimmed only, so the '\n' after the last line, which the view lacks, never
// shows (Go's TrimSpace(s + "\n") == TrimSpace(s)).
class PendingStatement {
 public:
  bool empty() const { return !m_is_view_started && !m_is_copied; }

  // `line` was read from `written`, the line as the file holds it: the same
  // view unless ENVSUB substituted it.
  void append(std::string_view line, std::string_view written) {
    const bool is_in_file = line.data() == written.data();
    if (empty()) m_written_begin = written.data();
    m_written_end = written.data() + written.size();
    m_is_substituted = m_is_substituted || !is_in_file;
    if (!m_is_copied) {
      if (!m_is_view_started && is_in_file) {
        m_view = line;
        m_is_view_started = true;
        return;
      }
      if (is_in_file && m_is_view_started && follows_newline_of_view(line)) {
        m_view = std::string_view(m_view.data(), static_cast<std::size_t>(line.data() + line.size() - m_view.data()));
        return;
      }
      if (m_is_view_started) m_copy.assign(m_view).push_back('\n');
      m_is_copied = true;
    }
    m_copy.append(line).push_back('\n');
  }

  std::string_view text() const { return m_is_copied ? std::string_view(m_copy) : m_view; }

  // True when ENVSUB substituted a line of the text.
  bool is_substituted() const { return m_is_substituted; }
  // The file from the first line appended to the end of the last one,
  // annotation lines between them included, before substitution.
  std::string_view written_text() const {
    return std::string_view(m_written_begin, static_cast<std::size_t>(m_written_end - m_written_begin));
  }

  void clear() {
    m_view = std::string_view();
    m_is_view_started = false;
    m_is_copied = false;
    m_copy.clear();
    m_is_substituted = false;
  }

 private:
  // True when `line` starts right after the view's last line and the single
  // '\n' that ended it (not "\r\n", whose '\r' the line reader dropped).
  bool follows_newline_of_view(std::string_view line) const {
    const char* view_end = m_view.data() + m_view.size();
    return line.data() == view_end + 1 && *view_end == '\n';
  }

  std::string_view m_view;
  bool m_is_view_started = false;  // an empty first line still starts the view
  bool m_is_copied = false;
  std::string m_copy;
  const char* m_written_begin = nullptr;
  const char* m_written_end = nullptr;
  bool m_is_substituted = false;
};

// Whether a line that is not an annotation is skipped while no statement has
// started: goose skips empty lines and lines that, trimmed, start with "--".
bool is_skipped_before_statement(std::string_view line) {
  std::size_t first = 0;
  while (first < line.size() && (line[first] == ' ' || (line[first] >= '\t' && line[first] <= '\r'))) ++first;
  if (first < line.size() && static_cast<unsigned char>(line[first]) >= 0x80) {
    return trim_go_space(line).substr(0, 2) == "--";
  }
  return line.empty() || line.substr(first, 2) == "--";
}

constexpr std::size_t k_reserving_text_size = std::size_t{1024} * 1024;

class Machine {
 public:
  // A large text reserves room for a statement per 64 bytes, which spares
  // it the copies of a growing vector: a reservation that large is mapped
  // apart from the heap, so the room it does not use is never touched and
  // takes no physical memory. A small text would waste heap that way.
  Machine(const ParseOptions& options, State initial, std::size_t text_size) : m_options(options), m_state(initial) {
    if (text_size >= k_reserving_text_size) m_migration.up.reserve(text_size / 64);
  }

  // `may_be_annotation` is false when the line holds no "+goose", which
  // every annotation line holds; `may_hold_comment` is false when it holds
  // no '-', so that no "--" can hide its last words.
  void feed(std::string_view line, std::size_t number, bool may_be_annotation, bool may_hold_comment) {
    if (m_state == State::start && is_blank(line)) return;
    if (may_be_annotation && detail::is_annotation_line(line)) {
      if (!apply_annotation(line, number)) return;
    }
    if (is_down(m_state)) check_up_pass_substitution(line, number);
    // Until a statement has started, blank lines and comments are skipped.
    // The StatementEnd line of a block that collected nothing is skipped
    // here too, which leaves the machine in the *_block_end state.
    if (m_pending.empty() && is_skipped_before_statement(line)) return;

    // Messages quote the line as written: substituted values may be secrets.
    const std::string_view written = line;
    std::string expanded;
    if (!is_block_end(m_state)) {
      if (m_is_envsub_on) {
        SubstitutionResult result = substitute_env(line, m_options.env);
        if (result.error) {
          Failure failure = substitution_failure(*result.error, line, number);
          // check_up_pass_substitution already threw when goose's up pass fails here too.
          if (!is_down(m_state)) throw failure;
          fail_down(std::move(failure));
        } else {
          expanded = std::move(result.text);
          line = expanded;
          may_hold_comment = true;
        }
      }
      if (m_pending.empty()) m_pending_line = number;
      m_pending.append(line, written);
    }
    if (m_state == State::start) {
      throw Failure{number, "SQL before the '-- +goose Up' annotation: " + go_quote(written)};
    }

    switch (m_state) {
      case State::up:
      case State::down:
        if (may_hold_comment ? detail::ends_with_semicolon(line) : detail::ends_with_semicolon_without_comment(line)) {
          emit(number);
        }
        break;
      case State::up_block_end:
      case State::down_block_end:
        if (m_pending.empty()) handle_line_after_empty_block(line, written, number);
        else emit(number);
        m_state = is_up(m_state) ? State::up : State::down;
        break;
      default: break;
    }
  }

  void finish(std::size_t last_line) {
    if (m_state == State::start) {
      throw Failure{m_first_annotation_line ? m_first_annotation_line : last_line,
                    "no '-- +goose Up' annotation: a goose migration must start its SQL with '-- +goose Up'"};
    }
    if (is_block(m_state)) {
      throw Failure{m_block_begin_line, "StatementBegin without StatementEnd: the block is never closed"};
    }
    if (std::optional<Failure> unfinished = unfinished_statement("at the end of the file")) {
      if (!is_down(m_state)) throw std::move(*unfinished);
      fail_down(std::move(*unfinished));
    }
  }

  Migration take_migration() { return std::move(m_migration); }
  std::optional<Failure> take_down_failure() { return std::move(m_down_failure); }

 private:
  // Returns false when the line is fully handled (goose's `continue`).
  bool apply_annotation(std::string_view line, std::size_t number) {
    detail::AnnotationResult read = detail::read_annotation(line);
    if (!read.annotation) throw Failure{number, std::move(read.error)};
    if (m_first_annotation_line == 0) m_first_annotation_line = number;
    switch (*read.annotation) {
      case Annotation::up:
        if (m_state != State::start) throw Failure{number, "duplicate '-- +goose Up' annotation"};
        m_state = State::up;
        return false;
      case Annotation::down:
        if (m_state == State::up || m_state == State::up_block_end) {
          if (std::optional<Failure> unfinished = unfinished_statement("before '-- +goose Down'")) {
            throw std::move(*unfinished);
          }
          // goose's up pass keeps a line of blanks here in its buffer; see check_up_pass_substitution.
          m_is_up_pass_holding_blanks = !m_pending.empty();
          m_pending.clear();
          m_state = State::down;
          m_migration.has_down = true;
          return false;
        }
        throw Failure{number, m_state == State::start ? "'-- +goose Down' before '-- +goose Up'"
                              : is_block(m_state)     ? block_message("'-- +goose Down' inside a StatementBegin block")
                                                      : std::string("duplicate '-- +goose Down' annotation")};
      case Annotation::statement_begin:
        if (m_state == State::up || m_state == State::up_block_end) {
          m_state = State::up_block;
        } else if (m_state == State::down || m_state == State::down_block_end) {
          m_state = State::down_block;
          m_is_up_pass_after_down_block = false;
        } else {
          throw Failure{number, m_state == State::start
                                    ? std::string("StatementBegin before '-- +goose Up'")
                                    : block_message("StatementBegin inside another StatementBegin block")};
        }
        m_block_begin_line = number;
        return false;
      case Annotation::statement_end:
        if (m_state == State::up_block) {
          m_state = State::up_block_end;
        } else if (m_state == State::down_block) {
          m_state = State::down_block_end;
          m_is_up_pass_after_down_block = true;
        } else {
          throw Failure{number, "StatementEnd without StatementBegin"};
        }
        m_block_end_line = number;
        return true;  // goose goes on: this line may complete the statement
      case Annotation::no_transaction: m_migration.use_tx = false; return false;
      case Annotation::envsub_on: m_is_envsub_on = true; return false;
      case Annotation::envsub_off: m_is_envsub_on = false; return false;
    }
    return false;
  }

  // goose, after a block that collected no SQL, emits an empty statement and
  // drops the next non-comment line. gander keeps goose's result when that
  // line is blank (nothing is lost) and refuses the file otherwise.
  void handle_line_after_empty_block(std::string_view line, std::string_view written, std::size_t number) {
    if (!is_blank(line)) {
      Failure failure{number, "the StatementBegin/StatementEnd block at lines " + std::to_string(m_block_begin_line) +
                                  "-" + std::to_string(m_block_end_line) +
                                  " holds no SQL, and goose would silently drop this line: " + go_quote(written) +
                                  "; put the SQL inside the block or remove the empty block"};
      if (!is_down(m_state)) throw failure;
      return fail_down(std::move(failure));
    }
    current_statements().push_back({std::string(), number});
  }

  std::optional<Failure> unfinished_statement(const char* where) const {
    const std::string_view remaining = trim_go_space(m_pending.text());
    if (remaining.empty()) return std::nullopt;
    const std::string_view quoted = m_pending.is_substituted() ? trim_go_space(m_pending.written_text()) : remaining;
    return Failure{line_of(remaining), std::string("unfinished SQL statement ") + where + " (" +
                                           (is_up(m_state) ? "up" : "down") + " section): " + go_quote(quoted) +
                                           ": missing semicolon?"};
  }

  static Failure substitution_failure(const std::string& error, std::string_view line, std::size_t number) {
    return Failure{number, "variable substitution failed: " + error + ": " + go_quote(line)};
  }

  // goose parses the file once per direction, and its up pass reads the Down
  // section too: it substitutes each line there that it does not skip,
  // except after a StatementEnd (a state it never leaves until the next
  // StatementBegin). It skips what this machine skips, but for the first
  // line after Down when a line of blanks was left in its buffer, which it
  // substitutes even when that line is a comment. Where that substitution
  // fails, goose refuses the whole file, going up too.
  void check_up_pass_substitution(std::string_view line, std::size_t number) {
    const bool is_read = m_is_up_pass_holding_blanks || !is_skipped_before_statement(line);
    m_is_up_pass_holding_blanks = false;
    if (!m_is_envsub_on || !is_read || m_is_up_pass_after_down_block) return;
    SubstitutionResult result = substitute_env(line, m_options.env);
    if (result.error) throw substitution_failure(*result.error, line, number);
  }

  // A failure only goose's down pass meets: the up section stays usable
  // (docs/file-format.md), and parsing goes on for failures that concern both.
  void fail_down(Failure failure) {
    if (!m_down_failure) m_down_failure = std::move(failure);
  }

  std::string block_message(const char* what) const {
    return std::string(what) + " (the block begins at line " + std::to_string(m_block_begin_line) + ")";
  }

  std::vector<Statement>& current_statements() { return is_up(m_state) ? m_migration.up : m_migration.down; }

  // The line of the first character of `trimmed`, a view into the pending text.
  std::size_t line_of(std::string_view trimmed) const {
    const std::string_view text = m_pending.text();
    const auto begin = static_cast<std::size_t>(trimmed.data() - text.data());
    return m_pending_line + count_newlines(text.substr(0, begin));
  }

  // Line `number` of the file, trimmed, from the pending statement's written
  // text; its last line when substituted values holding newlines carried
  // `number` past it.
  std::string_view written_line(std::size_t number) const {
    std::string_view text = m_pending.written_text();
    for (std::size_t at = m_pending_line; at < number; ++at) {
      const std::size_t newline = text.find('\n');
      if (newline == std::string_view::npos) break;
      text.remove_prefix(newline + 1);
    }
    return trim_go_space(text.substr(0, text.find('\n')));
  }

  // Copies the pending text, trimmed, into the current direction's list.
  void emit(std::size_t number) {
    const std::string_view trimmed = trim_go_space(m_pending.text());
    const std::size_t line = trimmed.empty() ? number : line_of(trimmed);
    std::optional<std::string> written;
    if (m_pending.is_substituted()) written = std::string(written_line(line));
    current_statements().push_back({std::string(trimmed), line, std::move(written)});
    m_pending.clear();
  }

  const ParseOptions& m_options;
  State m_state;
  Migration m_migration;
  PendingStatement m_pending;
  std::size_t m_pending_line = 0;
  std::size_t m_block_begin_line = 0;
  std::size_t m_block_end_line = 0;
  std::size_t m_first_annotation_line = 0;
  bool m_is_envsub_on = false;
  bool m_is_up_pass_holding_blanks = false;
  bool m_is_up_pass_after_down_block = false;
  std::optional<Failure> m_down_failure;
};

ParseResult run_machine(std::string_view body, const ParseOptions& options, State initial) {
  Machine machine(options, initial, body.size());
  detail::LineReader lines(body);
  std::string_view line;
  std::size_t number = 0;
  // Only lines that hold "+goose" can be annotations, and only lines that
  // hold '-' can have a comment. Finding the next of each ahead of the lines
  // spares searching every line for them.
  constexpr std::string_view k_marker = "+goose";
  std::size_t next_marker = body.find(k_marker);
  std::size_t next_dash = body.find('-');
  while (lines.next(line, number)) {
    const auto line_begin = static_cast<std::size_t>(line.data() - body.data());
    const std::size_t line_end = line_begin + line.size();
    const bool may_be_annotation = next_marker < line_end;
    if (next_dash < line_begin) next_dash = body.find('-', line_begin);
    machine.feed(line, number, may_be_annotation, next_dash < line_end);
    if (may_be_annotation) next_marker = body.find(k_marker, line_end);
  }
  machine.finish(number);
  ParseResult result;
  result.migration = machine.take_migration();
  if (std::optional<Failure> down_failure = machine.take_down_failure()) {
    result.down_error = ParseError{down_failure->line, std::move(down_failure->message)};
    result.migration.down.clear();
  }
  return result;
}

Migration parse_plain(std::string_view text, std::size_t bom_size) {
  Migration migration;
  migration.is_plain = true;
  const std::string_view trimmed = trim_go_space(text.substr(bom_size));
  const std::size_t line = 1 + count_newlines(text.substr(0, static_cast<std::size_t>(trimmed.data() - text.data())));
  migration.up.push_back({std::string(trimmed), line});
  return migration;
}

}  // namespace

ParseResult parse_migration(std::string_view text, const ParseOptions& options) {
  const bool has_bom = text.substr(0, k_bom.size()) == k_bom;
  const std::size_t bom_size = has_bom ? k_bom.size() : 0;
  const std::string_view body = text.substr(bom_size);
  ParseResult result;
  try {
    if (is_blank(body)) {
      result.migration.is_empty = true;
    } else if (has_annotation_line(body)) {
      result = run_machine(body, options, State::start);
    } else if (options.strict) {
      throw Failure{1, "no '-- +goose Up' annotation: plain SQL files are refused with --strict"};
    } else if (options.is_notx_name) {
      // A plain *_notx.sql file runs statement by statement, split as goose
      // splits an up section.
      result = run_machine(body, options, State::up);
      result.migration.use_tx = false;
      result.migration.is_plain = true;
    } else {
      result.migration = parse_plain(text, bom_size);
    }
  } catch (const Failure& failure) {
    result.error = ParseError{failure.line, failure.message};
    result.down_error.reset();
  }
  result.migration.has_bom = has_bom;
  return result;
}

}  // namespace gander::parser
