#include <gander/lint.hpp>

#include <algorithm>
#include <utility>

#include <gander/migration_name.hpp>
#include <gander/parser/migration.hpp>

#include "lint_checks.hpp"
#include "lint_rules.hpp"
#include "source/foreign_format.hpp"

namespace gander {

using detail::LintRuleId;
using detail::make_finding;

namespace {

LintFinding plain_file_finding(const std::string& name, const std::string& display_path, bool is_strict) {
  // The annotation alone would put a *_notx.sql file in a transaction.
  const std::string remedy = is_notx_name(name)
                                 ? "add '-- +goose NO TRANSACTION' and '-- +goose Up' at the top, so that it still "
                                   "runs outside a transaction"
                                 : "add '-- +goose Up' at the top";
  LintFinding finding = make_finding(LintRuleId::plain_file, display_path, 1,
                                     "no '-- +goose Up' annotation: goose refuses this file, so a project that also "
                                     "deploys with goose stops here; " +
                                         remedy);
  if (is_strict) finding.severity = LintSeverity::error;
  return finding;
}

}  // namespace

std::vector<LintFinding> lint_file(const std::string& name, const std::string& display_path, std::string_view bytes,
                                   const LintOptions& options) {
  parser::ParseOptions parse_options;
  parse_options.env = options.env;
  parse_options.is_notx_name = is_notx_name(name);
  // options.strict stays out of the parser: there it would turn a plain
  // file into a parse error and hide the rest of its findings.
  const parser::ParseResult parsed = parser::parse_migration(bytes, parse_options);
  if (parsed.error) {
    return {make_finding(LintRuleId::parse_error, display_path, parsed.error->line, parsed.error->message)};
  }
  const parser::Migration& migration = parsed.migration;
  if (migration.is_plain) {
    if (const std::optional<Error> foreign = foreign_format_error(name, display_path, bytes)) {
      return {
          make_finding(LintRuleId::parse_error, display_path, foreign->context().line.value_or(1), foreign->message())};
    }
  }
  std::vector<LintFinding> findings;
  if (parsed.down_error) {
    // gander still applies the file (docs/file-format.md); the rest of it is linted as it runs.
    findings.push_back(
        make_finding(LintRuleId::parse_error, display_path, parsed.down_error->line,
                     parsed.down_error->message + " (the Down section: going up works, rolling back is refused)"));
  }
  if (migration.is_empty) {
    return {make_finding(LintRuleId::empty_file, display_path, 1,
                         "the file is empty after trimming, so gander skips it (never applied, never recorded): "
                         "write its SQL or delete it")};
  }
  detail::LineFindings lines = detail::check_lines(display_path, bytes, migration);
  // First, so that it leads the findings of line 1: it is about the whole file.
  if (migration.is_plain) findings.push_back(plain_file_finding(name, display_path, options.strict));
  detail::append_findings(findings, std::move(lines.findings));
  // A plain file has no Down section by design (docs/file-format.md).
  if (!migration.is_plain && !migration.has_down && !parsed.down_error) {
    findings.push_back(make_finding(LintRuleId::no_down_section, display_path, lines.up_line,
                                    "no '-- +goose Down' section, so 'gander down' refuses to roll this migration "
                                    "back: add one (an empty Down section says on purpose that there is nothing to "
                                    "undo)"));
  }
  for (const std::vector<detail::ScannedStatement>& section : lines.sections) {
    detail::append_findings(findings, detail::check_statements(display_path, section, migration));
  }
  std::stable_sort(findings.begin(), findings.end(),
                   [](const LintFinding& left, const LintFinding& right) { return left.line < right.line; });
  return findings;
}

}  // namespace gander
