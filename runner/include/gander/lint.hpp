#pragma once

// `gander lint`: what in a migration directory will fail or do harm at run
// time, found before any database sees it. Each finding names a file, a line
// and a rule, and says what is wrong and what to do.
//
// Errors are what breaks when the migration runs: a statement that goose's
// line-based splitting cuts in two, CREATE INDEX CONCURRENTLY or VACUUM in a
// transaction, PRAGMA foreign_keys where SQLite ignores it, a file that does
// not parse. Warnings deserve a look: no Down section, an empty file, a
// plain file goose refuses, two files with one version, a 14-digit version
// that is no real time, ... lint_rules() lists every rule; the README
// ("Lint rules") shows an example of each and its fix.
//
// Linting reads and parses; it never touches a database.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <gander/migration_source.hpp>
#include <gander/parser/envsub.hpp>

namespace gander {

enum class LintSeverity { warning, error };

// "warning" or "error".
const char* to_string(LintSeverity severity);

struct LintRule {
  const char* name;  // kebab-case, e.g. "concurrently-in-transaction"
  LintSeverity severity;
  const char* summary;  // what the rule finds, in one line
};

// Every rule, in the order the README documents them.
const std::vector<LintRule>& lint_rules();

struct LintFinding {
  std::string file;  // the file as messages name it, e.g. "migrations/00003_x.sql"
  std::size_t line;  // 1-based; 1 for a finding about the whole file
  std::string rule;  // a LintRule's name
  LintSeverity severity;
  std::string message;  // what is wrong and what to do, without file, line or rule
};

struct LintOptions {
  parser::EnvLookup env;  // ENVSUB values for parsing; see process_env()
  // A plain file is an error instead of a warning, as goose and gander's
  // --strict refuse it. It is still linted as gander runs it.
  bool strict = false;
};

// Lints one migration file from its bytes as stored. `name` is the file
// name (a plain *_notx.sql file is split into statements); `display_path`
// is what findings name. A file that does not parse going up yields one
// `parse-error` finding at the parser's line and nothing else; one whose
// Down section alone does not parse gets that `parse-error` beside the
// findings of the rest of the file (gander applies it). Findings are
// in line order. Throws nothing but std::bad_alloc.
std::vector<LintFinding> lint_file(const std::string& name, const std::string& display_path, std::string_view bytes,
                                   const LintOptions& options);

struct LintReport {
  // By file (migrations in order, then the names without a version), then
  // by line.
  std::vector<LintFinding> findings;
  std::size_t file_count = 0;  // the *.sql files linted
};

// Lints every *.sql file of `source`, then the directory as a whole (two
// files with one version, 14-digit versions that are no real time,
// sequential and timestamp versions mixed). A malformed file or a name
// without a version is a `parse-error` finding, and linting goes on with
// the other files. Throws Error{config} when the source cannot be listed
// or a file cannot be read.
LintReport lint_source(const MigrationSource& source, const LintOptions& options);

}  // namespace gander
