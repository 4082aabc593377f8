#pragma once

// The heart of `gander verify`'s file modes, pure: the checksums of what was
// released against the files as they are now.

#include <string>
#include <vector>

#include <gander/amendments.hpp>
#include <gander/verify_report.hpp>

namespace gander::detail {

struct ReleasedEntry {
  std::string name;
  std::string checksum;
};

struct CurrentFile {
  std::string name;
  std::string bytes;  // as stored: the line-ending variants are computed from them on a mismatch
  std::string checksum;
};

struct ComparisonRules {
  bool strict_checksums = false;
  // A file that was not released is a violation (`unlisted`), not a new file.
  bool requires_listing = false;
  // Amendment lines that may accept a change of a released file.
  std::vector<Amendment> usable_amendments;
  // Lines in force at the base. A database consistent with the base may
  // hold any checksum they amended to the released one, so a change is
  // accepted only when usable lines take each of those to the current
  // checksum too.
  std::vector<Amendment> base_amendments;
};

// Compares every released entry with the current file of the same name and
// adds to `report` its count, the violations (modified, deleted, renamed,
// unlisted), the accepted changes and the new files. A released file that
// is gone while a new file has its checksum is `renamed` to it.
void compare_with_release(const std::vector<ReleasedEntry>& released, const std::vector<CurrentFile>& current,
                          const ComparisonRules& rules, VerifyReport& report);

// Puts the report's violations, accepted changes and new files in
// migration order; a violation about the sum file itself comes first.
void sort_report(VerifyReport& report);

}  // namespace gander::detail
