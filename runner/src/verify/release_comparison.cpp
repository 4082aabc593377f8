#include "release_comparison.hpp"

#include <algorithm>
#include <limits>
#include <map>
#include <set>

#include <gander/checksum/checksum.hpp>
#include <gander/migration_name.hpp>

namespace gander::detail {

namespace {

// Every checksum a database that was consistent with the base may hold for
// this file: the released one, and each one the base's gander.amend
// amended to it.
std::vector<std::string> checksums_held_at_base(const ComparisonRules& rules, const ReleasedEntry& released) {
  std::vector<std::string> held = {released.checksum};
  for (const Amendment& amendment : rules.base_amendments) {
    if (amendment.filename == released.name && amendment.new_checksum == released.checksum) {
      held.push_back(amendment.stored_checksum);
    }
  }
  return held;
}

// A change is amended when usable lines take every checksum held at the
// base to the current one; otherwise the lines still missing are returned
// in `missing_lines` (none at all when no line starts anywhere).
const Amendment* accepting_amendment(const ComparisonRules& rules, const ReleasedEntry& released,
                                     const CurrentFile& current, std::string& missing_lines) {
  const std::vector<std::string> held_at_base = checksums_held_at_base(rules, released);
  const Amendment* from_released = nullptr;
  std::vector<std::string> missing;
  for (const std::string& held : held_at_base) {
    const Amendment* line = find_amendment(rules.usable_amendments, released.name, held, current.checksum);
    if (line == nullptr) missing.push_back(released.name + " " + held + " " + current.checksum);
    else if (held == released.checksum) from_released = line;
  }
  if (missing.empty()) return from_released;
  if (missing.size() < held_at_base.size()) {
    missing_lines = "gander.amend also needs, for databases that hold an earlier amended checksum:";
    for (const std::string& line : missing) missing_lines += " '" + line + " <reason>'";
  }
  return nullptr;
}

void compare_file(const ReleasedEntry& released, const CurrentFile& current, const ComparisonRules& rules,
                  VerifyReport& report) {
  if (current.checksum == released.checksum) return;
  const std::vector<std::string> variants = checksum::line_ending_variant_checksums(current.bytes);
  if (std::find(variants.begin(), variants.end(), released.checksum) != variants.end()) {
    if (rules.strict_checksums) {
      report.violations.push_back({ViolationKind::modified, released.name, released.checksum, current.checksum,
                                   std::nullopt, "only line endings or a byte-order mark differ (--strict-checksums)"});
    } else {
      report.accepted.push_back(
          {released.name, Note::line_endings_differ, "line endings differ", released.checksum, current.checksum});
    }
    return;
  }
  std::string missing_lines;
  if (const Amendment* amendment = accepting_amendment(rules, released, current, missing_lines)) {
    report.accepted.push_back(
        {released.name, Note::amended, "amended: " + amendment->reason, released.checksum, current.checksum});
    return;
  }
  report.violations.push_back(
      {ViolationKind::modified, released.name, released.checksum, current.checksum, std::nullopt, missing_lines});
}

// Migration order for names; names without a version last, by name.
bool name_order_less(const std::string& left, const std::string& right) {
  constexpr std::int64_t k_unversioned = std::numeric_limits<std::int64_t>::max();
  return migration_order_less(migration_version_if_valid(left).value_or(k_unversioned), left,
                              migration_version_if_valid(right).value_or(k_unversioned), right);
}

}  // namespace

void compare_with_release(const std::vector<ReleasedEntry>& released, const std::vector<CurrentFile>& current,
                          const ComparisonRules& rules, VerifyReport& report) {
  std::map<std::string, const CurrentFile*> current_by_name;
  for (const CurrentFile& file : current) current_by_name.emplace(file.name, &file);
  std::set<std::string> released_names;
  std::vector<const ReleasedEntry*> gone;
  for (const ReleasedEntry& entry : released) {
    released_names.insert(entry.name);
    const auto found = current_by_name.find(entry.name);
    if (found == current_by_name.end()) gone.push_back(&entry);
    else compare_file(entry, *found->second, rules, report);
  }
  report.checked += released.size();

  std::vector<const CurrentFile*> unreleased;
  for (const CurrentFile& file : current) {
    if (released_names.count(file.name) == 0) unreleased.push_back(&file);
  }
  for (const ReleasedEntry* entry : gone) {
    const auto renamed = std::find_if(unreleased.begin(), unreleased.end(),
                                      [entry](const CurrentFile* file) { return file->checksum == entry->checksum; });
    if (renamed == unreleased.end()) {
      report.violations.push_back(
          {ViolationKind::deleted, entry->name, entry->checksum, std::nullopt, std::nullopt, ""});
      continue;
    }
    report.violations.push_back({ViolationKind::renamed, entry->name, entry->checksum, (*renamed)->checksum,
                                 (*renamed)->name, "the same bytes under a new name"});
    unreleased.erase(renamed);
  }
  for (const CurrentFile* file : unreleased) {
    if (rules.requires_listing) {
      report.violations.push_back(
          {ViolationKind::unlisted, file->name, std::nullopt, file->checksum, std::nullopt, "not in the sum file yet"});
    } else {
      report.new_files.push_back(file->name);
    }
  }
}

void sort_report(VerifyReport& report) {
  std::stable_sort(report.violations.begin(), report.violations.end(),
                   [](const Violation& left, const Violation& right) {
                     const bool left_first = left.kind == ViolationKind::sum_tampered;
                     const bool right_first = right.kind == ViolationKind::sum_tampered;
                     if (left_first != right_first) return left_first;
                     return name_order_less(left.file, right.file);
                   });
  std::stable_sort(
      report.accepted.begin(), report.accepted.end(),
      [](const AcceptedChange& left, const AcceptedChange& right) { return name_order_less(left.file, right.file); });
  std::stable_sort(report.new_files.begin(), report.new_files.end(), name_order_less);
}

}  // namespace gander::detail
