// lint_source: every file of a source, then the rules about the directory
// as a whole (versions shared or styled differently).

#include <gander/lint.hpp>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <utility>

#include <gander/create.hpp>
#include <gander/error.hpp>
#include <gander/migration_name.hpp>

#include "lint_rules.hpp"

namespace gander {

namespace {

using detail::append_findings;
using detail::LintRuleId;
using detail::make_finding;

struct ListedFile {
  std::string name;
  std::string display_path;
  std::optional<std::int64_t> version;
  std::string version_problem;  // why there is no version
};

using FindingsByFile = std::vector<std::vector<LintFinding>>;

bool differ_only_in_case(const std::string& left, const std::string& right) {
  const auto lower = [](unsigned char c) { return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c; };
  return left.size() == right.size() &&
         std::equal(left.begin(), left.end(), right.begin(), [&](char l, char r) { return lower(l) == lower(r); });
}

// Every file after the first of a version. Files arrive in migration order,
// so those of one version are neighbours.
void check_duplicate_versions(const std::vector<ListedFile>& files, FindingsByFile& findings) {
  const ListedFile* first_of_version = nullptr;
  for (std::size_t index = 0; index < files.size(); ++index) {
    const ListedFile& file = files[index];
    if (!file.version) continue;
    if (first_of_version == nullptr || *first_of_version->version != *file.version) {
      first_of_version = &file;
      continue;
    }
    // On a case-insensitive file system (macOS, Windows) such a pair is one
    // file, so a checkout there silently loses a migration.
    const std::string case_note = differ_only_in_case(file.name, first_of_version->name)
                                      ? " (the names differ only in case: a case-insensitive checkout keeps one)"
                                      : "";
    findings[index].push_back(make_finding(
        LintRuleId::duplicate_version, file.display_path, 1,
        "version " + std::to_string(*file.version) + " is also the version of " + first_of_version->name + case_note +
            ": gander applies both, in file name order, but goose refuses the directory; give this file an unused "
            "version, unless a database has applied it already (the file name is its identity)"));
  }
}

// One finding, at the first timestamp-versioned file.
void check_version_styles(const std::vector<ListedFile>& files, FindingsByFile& findings) {
  std::size_t sequential = 0;
  std::size_t timestamps = 0;
  std::size_t first_timestamp = 0;
  for (std::size_t index = 0; index < files.size(); ++index) {
    if (!files[index].version) continue;
    if (!is_timestamp_version(*files[index].version)) {
      ++sequential;
    } else if (timestamps++ == 0) {
      first_timestamp = index;
    }
  }
  if (sequential == 0 || timestamps == 0) return;
  const std::string timestamp_files =
      timestamps == 1 ? "1 file: this one" : std::to_string(timestamps) + " files, this one first";
  findings[first_timestamp].push_back(make_finding(
      LintRuleId::mixed_version_styles, files[first_timestamp].display_path, 1,
      "the directory mixes sequential versions (" + std::to_string(sequential) +
          (sequential == 1 ? " file" : " files") + ") and timestamp versions (" + timestamp_files +
          "): run 'gander fix' to renumber the timestamp files sequentially, as goose's hybrid versioning does "
          "before a release (only files no database has applied yet: a file's name is its identity)"));
}

}  // namespace

LintReport lint_source(const MigrationSource& source, const LintOptions& options) {
  std::vector<ListedFile> files;
  for (const std::string& name : source.migration_file_names()) {
    ListedFile file{name, source.display_path(name), std::nullopt, {}};
    try {
      file.version = migration_version(name);
    } catch (const Error& error) {
      file.version_problem = error.message();
    }
    files.push_back(std::move(file));
  }
  std::sort(files.begin(), files.end(), [](const ListedFile& left, const ListedFile& right) {
    return listing_order_less(left.version, left.name, right.version, right.name);
  });

  FindingsByFile findings(files.size());
  for (std::size_t index = 0; index < files.size(); ++index) {
    const ListedFile& file = files[index];
    if (!file.version) {
      findings[index].push_back(make_finding(LintRuleId::parse_error, file.display_path, 1, file.version_problem));
    }
    append_findings(findings[index], lint_file(file.name, file.display_path, source.read(file.name), options));
  }
  check_duplicate_versions(files, findings);
  check_version_styles(files, findings);

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
