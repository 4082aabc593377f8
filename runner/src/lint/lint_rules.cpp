#include "lint_rules.hpp"

#include <iterator>
#include <utility>

namespace gander {

namespace {

using detail::LintRuleId;

struct RuleEntry {
  LintRuleId id;
  LintRule rule;
};

constexpr RuleEntry k_rules[] = {
    {LintRuleId::parse_error,
     {"parse-error", LintSeverity::error, "the file does not parse, or its name carries no version"}},
    {LintRuleId::statement_split_inside_dollar_quote,
     {"statement-split-inside-dollar-quote", LintSeverity::error,
      "goose ends a statement inside a $$ or $tag$ body (a DO block, a function)"}},
    {LintRuleId::statement_split_inside_string,
     {"statement-split-inside-string", LintSeverity::error,
      "goose ends a statement inside a string literal or a quoted identifier"}},
    {LintRuleId::statement_split_inside_block,
     {"statement-split-inside-block", LintSeverity::error,
      "goose ends a statement inside a BEGIN ... END block (a SQLite trigger, BEGIN ATOMIC)"}},
    {LintRuleId::statement_split_inside_comment,
     {"statement-split-inside-comment", LintSeverity::error, "goose ends a statement inside a /* comment */"}},
    {LintRuleId::concurrently_in_transaction,
     {"concurrently-in-transaction", LintSeverity::error,
      "CREATE/DROP INDEX CONCURRENTLY, REINDEX ... CONCURRENTLY or DETACH PARTITION ... CONCURRENTLY in a file "
      "that runs in a transaction"}},
    {LintRuleId::vacuum_in_transaction,
     {"vacuum-in-transaction", LintSeverity::error, "VACUUM in a file that runs in a transaction"}},
    {LintRuleId::transaction_control_in_transaction,
     {"transaction-control-in-transaction", LintSeverity::error,
      "BEGIN, COMMIT, ROLLBACK, SAVEPOINT, ... in a file that runs in gander's transaction"}},
    {LintRuleId::pragma_foreign_keys_in_transaction,
     {"pragma-foreign-keys-in-transaction", LintSeverity::error,
      "PRAGMA foreign_keys set in a file that runs in a transaction, where SQLite ignores it"}},
    {LintRuleId::foreign_keys_left_off,
     {"foreign-keys-left-off", LintSeverity::warning,
      "PRAGMA foreign_keys = OFF with no later PRAGMA foreign_keys = ON in the same section"}},
    {LintRuleId::dollar_in_envsub,
     {"dollar-in-envsub", LintSeverity::error, "$$ between ENVSUB ON and OFF, where substitution turns it into $"}},
    {LintRuleId::no_down_section,
     {"no-down-section", LintSeverity::warning, "a goose file without a '-- +goose Down' section"}},
    {LintRuleId::empty_file,
     {"empty-file", LintSeverity::warning, "a file that is empty after trimming: never applied"}},
    {LintRuleId::plain_file,
     {"plain-file", LintSeverity::warning,
      "a plain SQL file, without '-- +goose Up': gander runs it, goose refuses it; an error with --strict"}},
    {LintRuleId::go_migration,
     {"go-migration", LintSeverity::warning,
      "a goose Go migration, which gander cannot run: 'gander up' stops before it while it is pending"}},
    {LintRuleId::duplicate_version,
     {"duplicate-version", LintSeverity::warning, "two files with one version: goose refuses them"}},
    {LintRuleId::invalid_timestamp_version,
     {"invalid-timestamp-version", LintSeverity::warning,
      "a 14-digit version that is not a real date and time, so not a timestamp (Feb 30, month 13, hour 25, ...)"}},
    {LintRuleId::mixed_version_styles,
     {"mixed-version-styles", LintSeverity::warning, "sequential and timestamp versions in one directory"}},
};

// The table is indexed by id: one entry per id, in the enum's order.
constexpr bool is_indexed_by_id() {
  for (std::size_t index = 0; index < std::size(k_rules); ++index) {
    if (k_rules[index].id != static_cast<LintRuleId>(index)) return false;
  }
  return std::size(k_rules) == static_cast<std::size_t>(LintRuleId::mixed_version_styles) + 1;
}
static_assert(is_indexed_by_id(), "k_rules must hold every LintRuleId once, in the enum's order");

const LintRule& rule_of(LintRuleId id) { return k_rules[static_cast<std::size_t>(id)].rule; }

}  // namespace

const char* to_string(LintSeverity severity) {
  switch (severity) {
    case LintSeverity::warning: return "warning";
    case LintSeverity::error: return "error";
  }
  return "error";
}

const std::vector<LintRule>& lint_rules() {
  static const std::vector<LintRule> rules = [] {
    std::vector<LintRule> all;
    for (const RuleEntry& entry : k_rules) all.push_back(entry.rule);
    return all;
  }();
  return rules;
}

namespace detail {

LintFinding make_finding(LintRuleId rule, const std::string& file, std::size_t line, std::string message) {
  const LintRule& entry = rule_of(rule);
  return LintFinding{file, line, entry.name, entry.severity, std::move(message)};
}

void append_findings(std::vector<LintFinding>& findings, std::vector<LintFinding> more) {
  findings.insert(findings.end(), std::make_move_iterator(more.begin()), std::make_move_iterator(more.end()));
}

}  // namespace detail

}  // namespace gander
