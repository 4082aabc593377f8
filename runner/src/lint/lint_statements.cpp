// check_statements: statements that cannot run, or do not do what they say,
// inside the transaction their file runs in.

#include <algorithm>
#include <optional>

#include "lint_checks.hpp"
#include "lint_rules.hpp"
#include "plan/transaction_control.hpp"

namespace gander::detail {

namespace {

using Words = std::vector<std::string>;

// The PostgreSQL statements that refuse to run in a transaction block
// because of CONCURRENTLY (REFRESH MATERIALIZED VIEW CONCURRENTLY is not one
// of them), by the name a message uses; nullopt for any other statement.
std::optional<std::string> concurrent_statement(const Words& words) {
  if (words.empty()) return std::nullopt;
  const std::string& first = words[0];
  if (first == "CREATE" || first == "DROP") {
    const std::size_t index = words.size() > 1 && words[1] == "UNIQUE" ? 2 : 1;
    if (index + 1 < words.size() && words[index] == "INDEX" && words[index + 1] == "CONCURRENTLY") {
      return first + (index == 2 ? " UNIQUE" : "") + " INDEX CONCURRENTLY";
    }
    return std::nullopt;
  }
  if (first == "REINDEX" && has_word(words, 1, "CONCURRENTLY")) return std::string("REINDEX ... CONCURRENTLY");
  if (first == "ALTER" && has_word(words, 1, "DETACH") && has_word(words, 1, "CONCURRENTLY")) {
    return std::string("ALTER TABLE ... DETACH PARTITION ... CONCURRENTLY");
  }
  return std::nullopt;
}

// The value a `PRAGMA foreign_keys = X` statement sets (true for ON), or
// nullopt when the statement sets no such value (a query, another pragma).
std::optional<bool> foreign_keys_setting(const Words& words) {
  if (words.empty() || words[0] != "PRAGMA") return std::nullopt;
  // PRAGMA foreign_keys = OFF, PRAGMA foreign_keys(0), PRAGMA main.foreign_keys = OFF
  const std::size_t name = words.size() > 1 && words[1] == "FOREIGN_KEYS" ? 1 : 2;
  if (name + 1 >= words.size() || words[name] != "FOREIGN_KEYS") return std::nullopt;
  const std::string& value = words[name + 1];
  if (value == "ON" || value == "1" || value == "TRUE" || value == "YES") return true;
  if (value == "OFF" || value == "0" || value == "FALSE" || value == "NO") return false;
  return std::nullopt;
}

// How to take a file out of its transaction.
std::string no_transaction_remedy(const parser::Migration& migration) {
  return migration.is_plain ? "rename the file to end in _notx.sql, so that it runs outside a transaction"
                            : "add '-- +goose NO TRANSACTION' to the file";
}

}  // namespace

std::vector<LintFinding> check_statements(const std::string& file, const std::vector<ScannedStatement>& statements,
                                          const parser::Migration& migration) {
  std::vector<LintFinding> findings;
  std::vector<std::size_t> lines_turning_off;  // since the last ON
  for (const ScannedStatement& statement : statements) {
    if (migration.use_tx) {
      if (const std::optional<std::string> concurrent = concurrent_statement(statement.words)) {
        findings.push_back(make_finding(LintRuleId::concurrently_in_transaction, file, statement.line,
                                        *concurrent +
                                            " cannot run inside a transaction block, and this file runs in "
                                            "one: " +
                                            no_transaction_remedy(migration)));
      } else if (statement.words[0] == "VACUUM") {
        findings.push_back(make_finding(LintRuleId::vacuum_in_transaction, file, statement.line,
                                        "VACUUM cannot run inside a transaction (PostgreSQL and SQLite both refuse "
                                        "it), and this file runs in one: " +
                                            no_transaction_remedy(migration)));
      } else if (const std::optional<std::string> control = transaction_control(statement.words)) {
        findings.push_back(make_finding(
            LintRuleId::transaction_control_in_transaction, file, statement.line,
            *control +
                " in a file that gander runs in a transaction of its own: its statements would commit apart "
                "from its tracking row, so gander refuses to run it. Remove the BEGIN/COMMIT wrapper, or " +
                (migration.is_plain ? std::string("rename the file to end in _notx.sql")
                                    : std::string("add '-- +goose NO TRANSACTION'"))));
      }
    }
    const std::optional<bool> foreign_keys = foreign_keys_setting(statement.words);
    if (!foreign_keys) continue;
    if (migration.use_tx) {
      findings.push_back(make_finding(
          LintRuleId::pragma_foreign_keys_in_transaction, file, statement.line,
          "SQLite ignores PRAGMA foreign_keys inside a transaction, and this file runs in one, so foreign key "
          "enforcement does not change (a table rebuilt with foreign keys meant to be off cascades deletes or "
          "fails): " +
              no_transaction_remedy(migration) +
              " (then BEGIN; ... COMMIT; between the two pragmas keeps the rebuild atomic, as in SQLite's own "
              "procedure for changing a table)"));
    }
    if (*foreign_keys) lines_turning_off.clear();
    else lines_turning_off.push_back(statement.line);
  }
  for (const std::size_t line : lines_turning_off) {
    findings.push_back(make_finding(LintRuleId::foreign_keys_left_off, file, line,
                                    "PRAGMA foreign_keys = OFF with no PRAGMA foreign_keys = ON after it in this "
                                    "section: the migrations that run after this one on the same connection run "
                                    "without foreign key checks; end the section with PRAGMA foreign_key_check and "
                                    "PRAGMA foreign_keys = ON"));
  }
  return findings;
}

}  // namespace gander::detail
