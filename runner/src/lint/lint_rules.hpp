#pragma once

// The rules of `gander lint` as the checks name them, and the one way a
// finding is made, so that a rule's name and severity are written once, in
// the table of lint_rules.cpp.

#include <cstddef>
#include <string>
#include <vector>

#include <gander/lint.hpp>

namespace gander::detail {

enum class LintRuleId {
  parse_error,
  statement_split_inside_dollar_quote,
  statement_split_inside_string,
  statement_split_inside_block,
  statement_split_inside_comment,
  concurrently_in_transaction,
  vacuum_in_transaction,
  transaction_control_in_transaction,
  pragma_foreign_keys_in_transaction,
  foreign_keys_left_off,
  dollar_in_envsub,
  no_down_section,
  empty_file,
  plain_file,
  go_migration,
  duplicate_version,
  invalid_timestamp_version,
  mixed_version_styles,  // the last: lint_rules.cpp checks its table against it
};

// A finding of `rule` about `file` at `line`, with the rule's name and severity.
LintFinding make_finding(LintRuleId rule, const std::string& file, std::size_t line, std::string message);

// Moves every finding of `more` to the end of `findings`.
void append_findings(std::vector<LintFinding>& findings, std::vector<LintFinding> more);

}  // namespace gander::detail
