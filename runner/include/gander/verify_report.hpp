#pragma once

// What `gander verify` found (verify.hpp): the released migrations that
// changed, the changes it accepted and the files not released yet.

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include <gander/status.hpp>

namespace gander {

enum class ViolationKind {
  modified,           // the file's checksum differs from the released one
  deleted,            // a released file is gone
  renamed,            // a released file is gone and its bytes are back under a new name
  unlisted,           // --sum: a file the sum file does not list
  missing,            // --db: applied, and the file is gone
  partial,            // --db: a NO TRANSACTION migration that did not finish
  sum_tampered,       // the sum file's first line does not match its entries
  amendment_removed,  // --git-base: a line of the base's gander.amend is gone
};

// The JSON name: "modified", ..., "sum-tampered", "amendment-removed".
const char* to_string(ViolationKind kind);

struct Violation {
  ViolationKind kind = ViolationKind::modified;
  std::string file;                              // the migration's file name; for sum-tampered the sum file's path
  std::optional<std::string> expected_checksum;  // the released one (base, sum entry, database)
  std::optional<std::string> actual_checksum;    // the file's now
  std::optional<std::string> renamed_to;         // renamed: the new file name
  std::string note;                              // what else is known, e.g. "only line endings differ"
};

// A released file whose change is allowed.
struct AcceptedChange {
  std::string file;
  Note why = Note::line_endings_differ;  // line_endings_differ or amended
  std::string reason;                    // "line endings differ", or "amended: <the amendment's reason>"
  std::string expected_checksum;
  std::string actual_checksum;
};

enum class VerifyMode { git_base, sum, base_sum, database };

// The JSON name: "git-base", "sum", "base-sum", "db".
const char* to_string(VerifyMode mode);

struct VerifyReport {
  VerifyMode mode = VerifyMode::git_base;
  std::string base;         // what was compared with: the REF, the sum file's path, the DSN (password hidden)
  std::string dir;          // the migrations directory as given
  std::size_t checked = 0;  // released migrations compared
  std::vector<std::string> new_files;  // files not released yet (allowed), in migration order
  std::vector<Violation> violations;   // in migration order; a sum-tampered one first
  std::vector<AcceptedChange> accepted;

  bool is_clean() const { return violations.empty(); }
};

}  // namespace gander
