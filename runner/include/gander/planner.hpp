#pragma once

// The planner: given the migration files and the rows of the tracking table,
// it decides the state of every migration (README, "Status") and what `up` may
// apply (README, "Commands": verify before anything runs, out-of-order). It is pure, no I/O and no database, so
// every integrity decision gander makes is unit-tested without one.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <gander/amendments.hpp>

namespace gander {

// `amended`: applied, and the file changed since in a way gander.amend
// records (README, "Reviewed amendments"); it counts as applied. `running`: a partial NO
// TRANSACTION migration while another run holds the migration lock, i.e.
// being applied right now; only read-only commands report it (make_plan
// never does), and it is not an integrity problem.
enum class MigrationState { applied, amended, pending, out_of_order, modified, missing, partial, running };

// The JSON name (README, "Status"): "applied", "amended", "pending", "out-of-order", ...
const char* to_string(MigrationState state);

// Applied or amended: the migration ran and its row matches its file.
bool counts_as_applied(MigrationState state);

// A migration file, read and parsed. Files that are empty after trimming are
// passed too: they are never pending, but a row for one is a mismatch.
// Its text fields are views: the caller owns what they point into, for as
// long as the MigrationFile is used (planning runs over every migration on
// every start, and copies of them would be most of its memory).
struct MigrationFile {
  std::string_view name;
  std::int64_t version = 0;
  std::string_view checksum;     // checksum::file_checksum of the bytes
  std::string_view up_checksum;  // SHA-256 of the up statements joined by '\n'
  std::string_view bytes;        // the bytes as stored, read only on a mismatch
  bool is_empty = false;
  bool is_go = false;  // a goose Go migration: tracked, never run by gander
  std::size_t up_statement_count = 0;
  std::size_t down_statement_count = 0;
};

// One row of the tracking table.
struct AppliedRow {
  std::string filename;
  std::string checksum;
  bool is_partial = false;
  std::optional<std::string> applied_at;   // ISO-8601 UTC, "2026-11-21T09:30:00Z"
  std::optional<std::string> up_checksum;  // none for rows adopted from another runner
  // How many statements of a partial migration completed (of its Up
  // section, or of its Down section when it is rolling back); none when
  // unknown (a row written before gander recorded it, or adopted).
  std::optional<std::int64_t> statements_done;
  // A partial migration whose Down section was running (README, "Commands"): it
  // stopped while being rolled back, not while being applied.
  bool is_rolling_back = false;
  // The statement (counted from 1, statements_done + 1) that was sent and
  // whose outcome gander never learned: it may or may not have completed.
  // None when every statement's outcome is known.
  std::optional<std::int64_t> statement_in_doubt;
};

struct PlanOptions {
  bool allow_out_of_order = false;  // apply pending files that sort before the newest applied one
  bool strict_checksums = false;    // a line-ending or BOM difference is a mismatch too
  std::vector<Amendment> amendments;  // reviewed changes that count as applied
};

struct PlannedMigration {
  std::string name;
  std::optional<std::int64_t> version;  // none for a row whose name carries no version
  MigrationState state = MigrationState::pending;
  std::optional<std::string> file_checksum;  // none when the file is missing
  std::optional<std::string> db_checksum;    // none when never applied
  std::optional<std::string> applied_at;
  std::string note;  // "line endings differ", what changed in a modified file, or an amendment's reason
  std::optional<std::int64_t> statements_done;  // a partial migration's progress, when recorded
  bool is_go = false;  // a goose Go migration: `up` stops before it while it is pending
  bool is_rolling_back = false;                    // a partial migration stopped while rolling back
  std::optional<std::int64_t> statement_in_doubt;  // a partial migration's statement that may or may not have completed
};

struct Plan {
  std::vector<PlannedMigration> migrations;  // in migration order

  // True when a migration is modified, missing or partial (exit code 3).
  bool has_integrity_problems() const;
  // True when every migration is applied (or amended) and matches its
  // file: nothing pending, out of order, modified, missing or partial.
  bool is_up_to_date() const;
  // The names `up` applies, in order: pending ones, and out-of-order ones
  // when they are allowed.
  std::vector<std::string> to_apply(const PlanOptions& options) const;
};

// Builds the plan, moving what it keeps out of `rows`. Never throws for any
// combination of files and rows.
Plan make_plan(const std::vector<MigrationFile>& files, std::vector<AppliedRow> rows, const PlanOptions& options);

// Refuses, before anything is applied, a plan `up` must not run. Throws
// Error{checksum_mismatch, missing_file or partial} naming every offender
// with db= and file= checksums and the remedy; then Error{out_of_order} when
// pending files sort before the newest applied one and that is not allowed.
void check_plan(const Plan& plan, const PlanOptions& options);

}  // namespace gander
