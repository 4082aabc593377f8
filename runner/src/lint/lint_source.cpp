// lint_source: every file of a source, then the rules about the directory
// as a whole (lint_versions.cpp).

#include <gander/lint.hpp>

#include <algorithm>
#include <optional>
#include <utility>

#include <gander/error.hpp>
#include <gander/migration_name.hpp>

#include "lint_rules.hpp"
#include "lint_versions.hpp"
#include "source/listing.hpp"

namespace gander {

namespace {

using detail::append_findings;
using detail::FindingsByFile;
using detail::LintRuleId;
using detail::make_finding;

// Why `name` carries no version, as migration_version says it.
std::string version_problem(const std::string& name) {
  try {
    migration_version(name);
  } catch (const Error& error) {
    return error.message();
  }
  return {};
}

}  // namespace

LintReport lint_source(const MigrationSource& source, const LintOptions& options) {
  const std::vector<ListedFile> files = list_in_order(source);
  FindingsByFile findings(files.size());
  for (std::size_t index = 0; index < files.size(); ++index) {
    const ListedFile& file = files[index];
    if (!file.version) {
      findings[index].push_back(
          make_finding(LintRuleId::parse_error, file.display_path, 1, version_problem(file.name)));
    }
    // A goose Go migration is Go source: listed, and its version checked
    // with the others, but no SQL rule applies (read as SQL it would be a
    // plain file).
    if (is_go_migration_name(file.name)) {
      findings[index].push_back(make_finding(
          LintRuleId::go_migration, file.display_path, 1,
          "a goose Go migration, which gander cannot run: while it is pending, 'gander up' applies the migrations "
          "before it and stops there (exit 3); run it with goose, then record it with 'gander resolve " +
              file.name + " --applied'"));
      continue;
    }
    append_findings(findings[index], lint_file(file.name, file.display_path, source.read(file.name), options));
  }
  detail::check_versions(files, findings);

  LintReport report;
  report.file_count = files.size();
  for (std::vector<LintFinding>& of_file : findings) {
    std::stable_sort(of_file.begin(), of_file.end(),
                     [](const LintFinding& left, const LintFinding& right) { return left.line < right.line; });
    append_findings(report.findings, std::move(of_file));
  }
  return report;
}

}  // namespace gander
