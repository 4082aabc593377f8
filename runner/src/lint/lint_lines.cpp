// check_lines: where goose cuts a statement that the SQL has not finished,
// and "$$" under ENVSUB.

#include <optional>
#include <utility>

#include <gander/parser/line_rules.hpp>

#include "lint_checks.hpp"
#include "lint_rules.hpp"

namespace gander::detail {

namespace {

using parser::Annotation;

LintRuleId rule_for(OpenKind kind) {
  switch (kind) {
    case OpenKind::dollar_quote: return LintRuleId::statement_split_inside_dollar_quote;
    case OpenKind::string:
    case OpenKind::quoted_identifier: return LintRuleId::statement_split_inside_string;
    case OpenKind::begin_block: return LintRuleId::statement_split_inside_block;
    case OpenKind::block_comment: return LintRuleId::statement_split_inside_comment;
  }
  return LintRuleId::statement_split_inside_block;
}

std::string describe(const OpenConstruct& open) {
  std::string where = " that opens at line " + std::to_string(open.line);
  switch (open.kind) {
    case OpenKind::dollar_quote:
      if (open.statement == "DO") return "the " + open.delimiter + " body of the DO block" + where;
      if (open.statement == "CREATE FUNCTION" || open.statement == "CREATE PROCEDURE") {
        return "the " + open.delimiter + " body of the " + open.statement + " statement" + where;
      }
      return "the " + open.delimiter + " dollar-quoted string" + where;
    case OpenKind::string: return std::string(open.delimiter == "E'" ? "the E'' string" : "the string literal") + where;
    case OpenKind::quoted_identifier: return "the " + open.delimiter + "quoted identifier" + open.delimiter + where;
    case OpenKind::begin_block: return "the BEGIN ... END block of the " + open.statement + " statement" + where;
    case OpenKind::block_comment: return "the /* comment" + where;
  }
  return where;
}

std::string cut_message(const OpenConstruct& open, bool is_statement_end) {
  std::string message =
      "goose ends the statement at this line, inside " + describe(open) + ", so the database receives it cut in two: ";
  if (is_statement_end) return message + "move '-- +goose StatementEnd' below the line that closes it";
  if (open.kind == OpenKind::block_comment) {
    return message + "close the comment before this line, or comment the lines out with '--'";
  }
  return message + "wrap the whole statement in '-- +goose StatementBegin' and '-- +goose StatementEnd'";
}

bool is_same_construct(const OpenConstruct& left, const OpenConstruct& right) {
  return left.kind == right.kind && left.line == right.line && left.delimiter == right.delimiter;
}

class LineWalker {
 public:
  LineWalker(const std::string& file, const parser::Migration& migration)
      : m_file(file),
        // A plain file is all up SQL; goose's splitting applies only to one
        // that runs statement by statement (*_notx.sql).
        m_splits_statements(!migration.is_plain || !migration.use_tx) {
    m_is_scanning = migration.is_plain;
  }

  LineFindings walk(std::string_view bytes) {
    const std::vector<std::string_view> lines = parser::migration_lines(bytes);
    for (std::size_t index = 0; index < lines.size(); ++index) visit(lines[index], index + 1);
    end_section();
    return std::move(m_result);
  }

 private:
  void visit(std::string_view line, std::size_t number) {
    if (const std::optional<Annotation> annotation = parser::goose_annotation(line)) {
      apply(*annotation, number);
      return;
    }
    // Before '-- +goose Up' a file that parsed holds only blank lines and comments.
    if (!m_is_scanning) return;
    const bool has_double_dollar = m_scanner.scan_line(line, number);
    if (m_is_envsub_on && has_double_dollar) {
      m_result.findings.push_back(make_finding(
          LintRuleId::dollar_in_envsub, m_file, number,
          "ENVSUB turns \"$$\" into \"$\" on this line, so a dollar-quoted body loses its quotes and a string "
          "its text: write \\$\\$ where \"$$\" must reach the database, or end the ENVSUB region before this line "
          "('-- +goose ENVSUB OFF')"));
    }
    if (m_splits_statements && !m_is_in_block && parser::ends_goose_statement(line)) check_cut(number, false);
  }

  void apply(Annotation annotation, std::size_t number) {
    switch (annotation) {
      case Annotation::up:
        m_result.up_line = number;
        start_section();
        break;
      case Annotation::down: start_section(); break;
      case Annotation::statement_begin: m_is_in_block = true; break;
      case Annotation::statement_end:
        m_is_in_block = false;
        check_cut(number, true);
        break;
      case Annotation::envsub_on: m_is_envsub_on = true; break;
      case Annotation::envsub_off: m_is_envsub_on = false; break;
      case Annotation::no_transaction: break;
    }
  }

  void start_section() {
    end_section();
    m_is_scanning = true;
    m_reported.reset();
  }

  void end_section() {
    if (m_is_scanning) m_result.sections.push_back(m_scanner.finish());
    m_scanner = SqlScanner();
    m_is_scanning = false;
  }

  // At a line where goose ends a statement. The SQL goes on as one text, so
  // a construct is reported at the first cut only.
  void check_cut(std::size_t number, bool is_statement_end) {
    if (!m_is_scanning) return;
    std::optional<OpenConstruct> open = m_scanner.open_construct();
    if (!open || (m_reported && is_same_construct(*m_reported, *open))) return;
    m_result.findings.push_back(
        make_finding(rule_for(open->kind), m_file, number, cut_message(*open, is_statement_end)));
    m_reported = std::move(open);
  }

  const std::string& m_file;
  const bool m_splits_statements;
  // The section being read. A plain member and a flag rather than an
  // optional: GCC 12 at -O2 warns, wrongly, that the optional's vector may be
  // used uninitialized, and warnings are errors.
  SqlScanner m_scanner;
  bool m_is_scanning = false;  // false before '-- +goose Up'
  bool m_is_in_block = false;
  bool m_is_envsub_on = false;
  std::optional<OpenConstruct> m_reported;
  LineFindings m_result;
};

}  // namespace

LineFindings check_lines(const std::string& file, std::string_view bytes, const parser::Migration& migration) {
  return LineWalker(file, migration).walk(bytes);
}

}  // namespace gander::detail
