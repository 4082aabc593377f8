#pragma once

// The CI immutability check (docs/ci.md): was any released migration
// changed? "Released" is what a git commit holds (`--git-base REF`), what a
// sum file lists (`--sum`, `--base-sum`, see sum_file.hpp), or what a
// database has applied (`--db`, from Migrator::status()). Every check reads
// and reports; none writes anything.
//
// A released file must keep its name and its checksum (docs/file-format.md, "Checksums"). A change
// of line endings or of a byte-order mark only is accepted with a note
// unless checksums are strict; a change that gander.amend records is
// accepted where the mode allows it (see each function).

#include <string>

#include <gander/status.hpp>
#include <gander/verify_report.hpp>

namespace gander {

struct VerifyOptions {
  bool strict_checksums = false;  // a line-ending or byte-order-mark change is a violation too
};

// Compares the *.sql files directly in `dir` with those in the same
// directory at git commit `ref`, read with the `git` command from the
// repository that contains `dir`. Amendments: a modified file is accepted
// when the working tree's gander.amend has lines that `ref`'s did not
// (the same change adds them), for this file, from the checksum at `ref`
// to the file's checksum now, and also from every checksum that `ref`'s
// gander.amend amended to the one at `ref` (databases may still hold it).
// A line of `ref`'s gander.amend that is gone is a violation. Throws
// Error{config} when `dir` is not a readable directory inside a git work
// tree or `ref` is not a commit there, Error{parse} for a malformed
// gander.amend (either one).
VerifyReport verify_against_git(const std::string& dir, const std::string& ref, const VerifyOptions& options);

// Compares `dir` with the sum file at `sum_path`: every listed file must be
// unchanged, and every *.sql file must be listed. A first line that does
// not match the entries is a violation too. Amendments do not apply: after
// a reviewed change, write_sum_file() rewrites it. Throws Error{config} for
// a missing directory or sum file, or a malformed sum file (file:line, with
// RemedyKind::regenerate_sum); Error{io} for one that cannot be read.
VerifyReport verify_against_sum(const std::string& dir, const std::string& sum_path, const VerifyOptions& options);

// Checks that every entry of an older sum file is still in `dir`,
// unchanged; new files are allowed. A change that the working tree's
// gander.amend records is accepted. Throws like verify_against_sum, and
// Error{parse} for a malformed gander.amend.
VerifyReport verify_against_base_sum(const std::string& dir, const std::string& sum_path, const VerifyOptions& options);

// The report for a database's state, from Migrator::status(): modified,
// missing and partial migrations are violations; line-ending-only and
// amended ones are accepted; pending ones are new. `base` names the
// database (its password hidden).
VerifyReport verify_report_from_plan(const Plan& plan, const std::string& base, const std::string& dir);

}  // namespace gander
