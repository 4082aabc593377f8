#include <gander/verify.hpp>

#include <algorithm>

#include <gander/amendments.hpp>
#include <gander/checksum/checksum.hpp>
#include <gander/migration_source.hpp>
#include <gander/sum_file.hpp>

#include "git_release.hpp"
#include "release_comparison.hpp"
#include "source/file_reading.hpp"
#include "source/listing.hpp"

namespace gander {

namespace {

using detail::ComparisonRules;
using detail::CurrentFile;
using detail::ReleasedEntry;

std::vector<CurrentFile> read_current_files(const MigrationSource& source) {
  std::vector<CurrentFile> files;
  for (const ListedFile& file : list_in_order(source)) {
    std::string bytes = source.read(file.name);
    std::string checksum = checksum::file_checksum(bytes);
    files.push_back(CurrentFile{file.name, std::move(bytes), std::move(checksum)});
  }
  return files;
}

std::vector<Amendment> working_amendments(const MigrationSource& source) {
  const std::optional<std::string> bytes = source.read_amendments();
  if (!bytes) return {};
  return parse_amendments(*bytes, source.display_path(k_amendments_file_name));
}

bool contains_line(const std::vector<Amendment>& amendments, const Amendment& line) {
  return find_amendment(amendments, line.filename, line.stored_checksum, line.new_checksum) != nullptr;
}

// The lines of `from` that `in` does not have (reasons aside).
std::vector<Amendment> lines_missing_in(const std::vector<Amendment>& from, const std::vector<Amendment>& in) {
  std::vector<Amendment> missing;
  std::copy_if(from.begin(), from.end(), std::back_inserter(missing),
               [&in](const Amendment& line) { return !contains_line(in, line); });
  return missing;
}

SumFile read_sum_file(const std::string& sum_path) { return parse_sum_file(read_file(sum_path), sum_path); }

std::vector<ReleasedEntry> released_entries(const SumFile& sum) {
  std::vector<ReleasedEntry> entries;
  for (const SumEntry& entry : sum.entries) entries.push_back(ReleasedEntry{entry.filename, entry.checksum});
  return entries;
}

void report_tampering(const SumFile& sum, const std::string& sum_path, VerifyReport& report) {
  if (sum.is_intact()) return;
  report.violations.push_back({ViolationKind::sum_tampered, sum_path, sum.recorded_digest, sum.digest, std::nullopt,
                               "its first line does not match its entries: the file was edited by hand"});
}

VerifyReport verify_sum_file(VerifyMode mode, const std::string& dir, const std::string& sum_path,
                             const ComparisonRules& rules, const std::vector<CurrentFile>& current) {
  const SumFile sum = read_sum_file(sum_path);
  VerifyReport report;
  report.mode = mode;
  report.base = sum_path;
  report.dir = dir;
  report_tampering(sum, sum_path, report);
  detail::compare_with_release(released_entries(sum), current, rules, report);
  detail::sort_report(report);
  return report;
}

}  // namespace

VerifyReport verify_against_git(const std::string& dir, const std::string& ref, const VerifyOptions& options) {
  const std::unique_ptr<MigrationSource> source = open_directory_source(dir);
  const std::vector<CurrentFile> current = read_current_files(*source);
  const detail::ReleasedTree tree = detail::read_released_tree(dir, ref);

  std::vector<ReleasedEntry> released;
  for (const detail::ReleasedFileBytes& file : tree.sql_files) {
    released.push_back(ReleasedEntry{file.name, checksum::file_checksum(file.bytes)});
  }
  const std::vector<Amendment> base_amendments =
      tree.amendments ? parse_amendments(*tree.amendments, ref + ":" + tree.prefix + k_amendments_file_name)
                      : std::vector<Amendment>{};
  const std::vector<Amendment> now_amendments = working_amendments(*source);

  ComparisonRules rules;
  rules.strict_checksums = options.strict_checksums;
  rules.usable_amendments = lines_missing_in(now_amendments, base_amendments);
  rules.base_amendments = base_amendments;

  VerifyReport report;
  report.mode = VerifyMode::git_base;
  report.base = ref;
  report.dir = dir;
  detail::compare_with_release(released, current, rules, report);
  for (const Amendment& removed : lines_missing_in(base_amendments, now_amendments)) {
    report.violations.push_back({ViolationKind::amendment_removed, removed.filename, removed.stored_checksum,
                                 removed.new_checksum, std::nullopt,
                                 "line " + std::to_string(removed.line) + " of " + k_amendments_file_name + " at " +
                                     ref + " is gone; a database that holds the old checksum will refuse the file"});
  }
  detail::sort_report(report);
  return report;
}

VerifyReport verify_against_sum(const std::string& dir, const std::string& sum_path, const VerifyOptions& options) {
  const std::unique_ptr<MigrationSource> source = open_directory_source(dir);
  ComparisonRules rules;
  rules.strict_checksums = options.strict_checksums;
  rules.requires_listing = true;
  return verify_sum_file(VerifyMode::sum, dir, sum_path, rules, read_current_files(*source));
}

VerifyReport verify_against_base_sum(const std::string& dir, const std::string& sum_path,
                                     const VerifyOptions& options) {
  const std::unique_ptr<MigrationSource> source = open_directory_source(dir);
  ComparisonRules rules;
  rules.strict_checksums = options.strict_checksums;
  rules.usable_amendments = working_amendments(*source);
  return verify_sum_file(VerifyMode::base_sum, dir, sum_path, rules, read_current_files(*source));
}

VerifyReport verify_report_from_plan(const Plan& plan, const std::string& base, const std::string& dir) {
  VerifyReport report;
  report.mode = VerifyMode::database;
  report.base = base;
  report.dir = dir;
  for (const PlannedMigration& planned : plan.migrations) {
    if (planned.db_checksum) ++report.checked;
    const std::string db_checksum = planned.db_checksum.value_or("");
    const std::string file_checksum = planned.file_checksum.value_or("");
    switch (planned.state) {
      case MigrationState::applied:
        if (planned.note != Note::none) {
          report.accepted.push_back({planned.name, planned.note, planned.note_text, db_checksum, file_checksum});
        }
        break;
      case MigrationState::amended:
        report.accepted.push_back({planned.name, planned.note, planned.note_text, db_checksum, file_checksum});
        break;
      case MigrationState::pending:
      case MigrationState::out_of_order: report.new_files.push_back(planned.name); break;
      case MigrationState::modified:
        report.violations.push_back({ViolationKind::modified, planned.name, planned.db_checksum, planned.file_checksum,
                                     std::nullopt, planned.note_text});
        break;
      case MigrationState::missing:
        report.violations.push_back({ViolationKind::missing, planned.name, planned.db_checksum, std::nullopt,
                                     std::nullopt, "applied, and the file is gone"});
        break;
      case MigrationState::partial:
        report.violations.push_back({ViolationKind::partial, planned.name, planned.db_checksum, planned.file_checksum,
                                     std::nullopt, planned.note_text});
        break;
      case MigrationState::running:  // another run is applying it now: nothing was changed
        break;
    }
  }
  return report;
}

}  // namespace gander
