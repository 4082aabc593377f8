#pragma once

// The planner: given the migration files and the rows of the tracking table,
// it decides the state of every migration (docs/commands.md, "`status` output") and what `up` may
// apply (docs/commands.md: verify before anything runs, out-of-order). It is pure, no I/O and no database, so
// every integrity decision gander makes is unit-tested without one.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <gander/amendments.hpp>
#include <gander/status.hpp>

namespace gander {

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
  // A partial migration whose Down section was running (docs/commands.md): it
  // stopped while being rolled back, not while being applied.
  bool is_rolling_back = false;
  // The statement (counted from 1, statements_done + 1) that was sent and
  // whose outcome gander never learned: it may or may not have completed.
  // None when every statement's outcome is known.
  std::optional<std::int64_t> statement_in_doubt;
};

struct PlanOptions {
  bool allow_out_of_order = false;    // apply pending files that sort before the newest applied one
  bool strict_checksums = false;      // a line-ending or BOM difference is a mismatch too
  std::vector<Amendment> amendments;  // reviewed changes that count as applied
};

// The positions in `plan.migrations` that `up` applies, in order: the
// pending migrations, and the out-of-order ones when they are allowed.
std::vector<std::size_t> positions_to_apply(const Plan& plan, const PlanOptions& options);

// Builds the plan, moving what it keeps out of `rows`. Never throws for any
// combination of files and rows.
Plan make_plan(const std::vector<MigrationFile>& files, std::vector<AppliedRow> rows, const PlanOptions& options);

// Refuses, before anything is applied, a plan `up` must not run. Throws
// Error{checksum_mismatch, missing_file or partial} naming every offender
// with db= and file= checksums and the remedy; then Error{out_of_order} when
// pending files sort before the newest applied one and that is not allowed.
void check_plan(const Plan& plan, const PlanOptions& options);

}  // namespace gander
