#include <gander/lint.hpp>

#include <algorithm>
#include <utility>

#include <gander/migration_name.hpp>
#include <gander/parser/migration.hpp>

#include "lint_checks.hpp"
#include "lint_rules.hpp"

namespace gander {

using detail::LintRuleId;
using detail::make_finding;

std::vector<LintFinding> lint_file(const std::string& name, const std::string& display_path, std::string_view bytes,
                                   const LintOptions& options) {
  parser::ParseOptions parse_options;
  parse_options.env = options.env;
  parse_options.is_notx_name = is_notx_name(name);
  const parser::ParseResult parsed = parser::parse_migration(bytes, parse_options);
  if (parsed.error) {
    return {make_finding(LintRuleId::parse_error, display_path, parsed.error->line, parsed.error->message)};
  }
  const parser::Migration& migration = parsed.migration;
  if (migration.is_empty) {
    return {make_finding(LintRuleId::empty_file, display_path, 1,
                         "the file is empty after trimming, so gander skips it (never applied, never recorded): "
                         "write its SQL or delete it")};
  }
  detail::LineFindings lines = detail::check_lines(display_path, bytes, migration);
  std::vector<LintFinding> findings = std::move(lines.findings);
  // A plain file has no Down section by design (DESIGN §2).
  if (!migration.is_plain && !migration.has_down) {
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
