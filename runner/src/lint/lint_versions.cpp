#include "lint_versions.hpp"

#include <algorithm>

#include <gander/create.hpp>

#include "lint_rules.hpp"
#include "plan/timestamp_version.hpp"

namespace gander::detail {

namespace {

constexpr const char* k_rename_caveat =
    "only files no database has applied yet may be renamed: a file's name is its identity";

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

// Every file whose version has a timestamp's 14 digits but no real time:
// real repositories hold such files, and they sort among the timestamps
// while `gander fix` and `gander create` count them as sequential.
void check_invalid_timestamps(const std::vector<ListedFile>& files, FindingsByFile& findings) {
  for (std::size_t index = 0; index < files.size(); ++index) {
    const ListedFile& file = files[index];
    if (!file.version || !has_timestamp_shape(*file.version)) continue;
    const std::optional<std::string> flaw = timestamp_flaw(*file.version);
    if (!flaw) continue;
    findings[index].push_back(make_finding(
        LintRuleId::invalid_timestamp_version, file.display_path, 1,
        "version " + std::to_string(*file.version) + " looks like a timestamp (14 digits) but is " + *flaw +
            ", so goose and gander do not take it for one ('gander fix' counts it as a sequential version): if no "
            "database has applied it yet, rename it to a valid timestamp that keeps its place in the order; if one "
            "has, leave the name, which is the migration's identity (it still runs in version order)"));
  }
}

// What to do about mixed versions, from what `gander fix` (create.cpp)
// would do. It keeps every version that is not a timestamp, 14-digit ones
// that are no real time included, and renumbers the timestamp files, in
// their order, after the highest of those (`fix_base`). So the order
// survives exactly when `fix_base` sorts before the first timestamp, and
// the new versions are sequential only when `fix_base` is no 14-digit one.
std::string fix_advice(const ListedFile& first_timestamp, const ListedFile& fix_base) {
  if (*fix_base.version > *first_timestamp.version) {
    return ", but 'gander fix' would change the order in which they run: it numbers the timestamp files after the "
           "highest version that is not a timestamp, " +
           fix_base.name +
           ", so this file would run after that one instead of before it. Do not run 'gander fix' here: rename the "
           "files by hand so that they keep their order, or leave the names as they are (" +
           k_rename_caveat + ")";
  }
  if (has_timestamp_shape(*fix_base.version)) {
    return ", but 'gander fix' would number the timestamp files after " + fix_base.name +
           ", whose version is not a valid timestamp (see invalid-timestamp-version), so they would not become "
           "sequential: give that file a valid timestamp first, rename the files by hand so that they keep their "
           "order, or leave the names as they are (" +
           k_rename_caveat + ")";
  }
  return std::string(
             ": run 'gander fix' to renumber the timestamp files sequentially, as goose's hybrid versioning "
             "does before a release (") +
         k_rename_caveat + ")";
}

// One finding, at the first timestamp-versioned file. A 14-digit version
// that is no real time counts as neither style: it has its own rule.
void check_version_styles(const std::vector<ListedFile>& files, FindingsByFile& findings) {
  std::size_t sequential = 0;
  std::size_t timestamps = 0;
  std::size_t first_timestamp = 0;
  // Files arrive in migration order, so the last one that is not a
  // timestamp has the highest such version.
  std::size_t fix_base = 0;
  for (std::size_t index = 0; index < files.size(); ++index) {
    if (!files[index].version) continue;
    const std::int64_t version = *files[index].version;
    if (is_timestamp_version(version)) {
      if (timestamps++ == 0) first_timestamp = index;
      continue;
    }
    fix_base = index;
    if (!has_timestamp_shape(version)) ++sequential;
  }
  if (sequential == 0 || timestamps == 0) return;
  const std::string timestamp_files =
      timestamps == 1 ? "1 file: this one" : std::to_string(timestamps) + " files, this one first";
  findings[first_timestamp].push_back(
      make_finding(LintRuleId::mixed_version_styles, files[first_timestamp].display_path, 1,
                   "the directory mixes sequential versions (" + std::to_string(sequential) +
                       (sequential == 1 ? " file" : " files") + ") and timestamp versions (" + timestamp_files + ")" +
                       fix_advice(files[first_timestamp], files[fix_base])));
}

}  // namespace

void check_versions(const std::vector<ListedFile>& files, FindingsByFile& findings) {
  check_duplicate_versions(files, findings);
  check_invalid_timestamps(files, findings);
  check_version_styles(files, findings);
}

}  // namespace gander::detail
