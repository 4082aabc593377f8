#include "planner.hpp"

#include <algorithm>
#include <string_view>
#include <unordered_map>

#include <gander/checksum/checksum.hpp>
#include <gander/error.hpp>
#include <gander/migration_name.hpp>

namespace gander {

namespace {

bool sorts_before(const PlannedMigration& left, const PlannedMigration& right) {
  if (left.version.has_value() != right.version.has_value()) return !left.version.has_value();
  if (!left.version) return left.name < right.name;
  return migration_order_less(*left.version, left.name, *right.version, right.name);
}

// What is known of a partial migration's statements, e.g. "rolling back: 2
// of 5 Down statements done; statement 3 may or may not have completed".
std::string partial_note(const MigrationFile* file, const AppliedRow& row) {
  std::string note = row.is_rolling_back ? "stopped outside a transaction while rolling back"
                                         : "started outside a transaction and did not finish";
  if (!row.statements_done) return note + "; how many statements completed is not recorded";
  note += row.is_rolling_back ? ": " : "; ";
  note += std::to_string(*row.statements_done);
  if (file) {
    note += " of " + std::to_string(row.is_rolling_back ? file->down_statement_count : file->up_statement_count);
  }
  note += row.is_rolling_back ? " Down statements done" : " statements completed";
  if (row.statement_in_doubt) {
    note += "; statement " + std::to_string(*row.statement_in_doubt) + " may or may not have completed";
  }
  return note;
}

// `planned` becomes partial with what its row knows; `file` is null when
// the migration's file is gone.
void take_partial(const MigrationFile* file, const AppliedRow& row, PlannedMigration& planned) {
  planned.state = MigrationState::partial;
  planned.statements_done = row.statements_done;
  planned.is_rolling_back = row.is_rolling_back;
  planned.statement_in_doubt = row.statement_in_doubt;
  planned.note = row.is_rolling_back ? Note::stopped_rolling_back : Note::stopped_applying;
  planned.note_text = partial_note(file, row);
  if (!file) planned.note_text += " (no file)";
}

// Compares a file with its row; `planned` already holds both checksums.
void compare(const MigrationFile& file, const AppliedRow& row, const PlanOptions& options, PlannedMigration& planned) {
  if (row.is_partial) {
    take_partial(&file, row, planned);
    return;
  }
  if (row.checksum == file.checksum) {
    planned.state = MigrationState::applied;
    return;
  }
  const std::vector<std::string> variants = checksum::line_ending_variant_checksums(file.bytes);
  if (std::find(variants.begin(), variants.end(), row.checksum) != variants.end()) {
    planned.state = options.strict_checksums ? MigrationState::modified : MigrationState::applied;
    planned.note = Note::line_endings_differ;
    planned.note_text = options.strict_checksums ? "only line endings or a byte-order mark differ (strict checksums)"
                                                 : "line endings differ";
    return;
  }
  if (const Amendment* amendment = find_amendment(options.amendments, file.name, row.checksum, file.checksum)) {
    planned.state = MigrationState::amended;
    planned.note = Note::amended;
    planned.note_text = "amended: " + amendment->reason;
    return;
  }
  planned.state = MigrationState::modified;
  if (row.checksum == checksum::sha256_hex(file.bytes)) {
    planned.note = Note::untrimmed_checksum;
    planned.note_text =
        "the stored value is the SHA-256 of the untrimmed file (gander hashes the file with leading "
        "and trailing whitespace removed); the file itself is unchanged";
  } else if (file.is_go) {
    planned.note = Note::go_file_changed;
    planned.note_text = "the Go migration's file has changed since it was recorded";
  } else if (row.up_checksum && *row.up_checksum == file.up_checksum) {
    planned.note = Note::same_sql;
    planned.note_text =
        "only comments, whitespace or the Down section changed (or the stored checksum was edited); the "
        "SQL that ran is the same";
  } else if (row.up_checksum) {
    planned.note = Note::sql_changed;
    planned.note_text = "the SQL that ran has changed";
  }
}

// A migration with its file, before its row (if any) is compared.
PlannedMigration planned_file(const MigrationFile& file, MigrationState state) {
  PlannedMigration planned;
  planned.name = std::string(file.name);
  planned.version = file.version;
  planned.state = state;
  planned.file_checksum = std::string(file.checksum);
  planned.is_go = file.is_go;
  return planned;
}

std::string describe(const PlannedMigration& planned) {
  std::string line = "  " + planned.name + ": " +
                     (planned.state == MigrationState::modified  ? "MODIFIED"
                      : planned.state == MigrationState::missing ? "MISSING"
                                                                 : "PARTIAL");
  line += " db=" + planned.db_checksum.value_or("-");
  line += " file=" + (planned.file_checksum ? *planned.file_checksum : std::string("(no file)"));
  if (!planned.note_text.empty()) line += " (" + planned.note_text + ")";
  return line + "\n";
}

}  // namespace

const char* to_string(MigrationState state) {
  switch (state) {
    case MigrationState::applied: return "applied";
    case MigrationState::amended: return "amended";
    case MigrationState::pending: return "pending";
    case MigrationState::out_of_order: return "out-of-order";
    case MigrationState::modified: return "modified";
    case MigrationState::missing: return "missing";
    case MigrationState::partial: return "partial";
    case MigrationState::running: return "running";
  }
  return "unknown";
}

bool Plan::has_integrity_problems() const {
  return std::any_of(migrations.begin(), migrations.end(), [](const PlannedMigration& planned) {
    return planned.state == MigrationState::modified || planned.state == MigrationState::missing ||
           planned.state == MigrationState::partial;
  });
}

bool counts_as_applied(MigrationState state) {
  return state == MigrationState::applied || state == MigrationState::amended;
}

bool Plan::is_up_to_date() const {
  return std::all_of(migrations.begin(), migrations.end(),
                     [](const PlannedMigration& planned) { return counts_as_applied(planned.state); });
}

std::vector<std::size_t> positions_to_apply(const Plan& plan, const PlanOptions& options) {
  std::vector<std::size_t> positions;
  for (std::size_t position = 0; position < plan.migrations.size(); ++position) {
    const MigrationState state = plan.migrations[position].state;
    if (state == MigrationState::pending || (state == MigrationState::out_of_order && options.allow_out_of_order)) {
      positions.push_back(position);
    }
  }
  return positions;
}

Plan make_plan(const std::vector<MigrationFile>& files, std::vector<AppliedRow> rows, const PlanOptions& options) {
  // Every service start plans over every migration: a hash index and no
  // sort when the files already are in order keep that linear.
  std::unordered_map<std::string_view, std::size_t> row_index_by_name;
  row_index_by_name.reserve(rows.size());
  for (std::size_t index = 0; index < rows.size(); ++index) row_index_by_name[rows[index].filename] = index;
  std::vector<bool> is_row_matched(rows.size(), false);

  Plan plan;
  plan.migrations.reserve(files.size() + rows.size());
  for (const MigrationFile& file : files) {
    const auto found = row_index_by_name.find(file.name);
    if (found == row_index_by_name.end()) {
      if (file.is_empty) continue;  // skipped: never applied, never recorded
      plan.migrations.push_back(planned_file(file, MigrationState::pending));
      continue;
    }
    AppliedRow& row = rows[found->second];
    is_row_matched[found->second] = true;
    PlannedMigration planned = planned_file(file, MigrationState::applied);
    compare(file, row, options, planned);
    planned.db_checksum = std::move(row.checksum);
    planned.applied_at = std::move(row.applied_at);
    plan.migrations.push_back(std::move(planned));
  }
  for (std::size_t index = 0; index < rows.size(); ++index) {
    if (is_row_matched[index]) continue;
    AppliedRow& row = rows[index];
    const std::optional<std::int64_t> version = migration_version_if_valid(row.filename);
    const bool is_go = is_go_migration_name(row.filename);
    PlannedMigration planned;
    planned.name = std::move(row.filename);
    planned.version = version;
    planned.state = MigrationState::missing;
    planned.db_checksum = std::move(row.checksum);
    planned.applied_at = std::move(row.applied_at);
    planned.is_go = is_go;
    if (row.is_partial) take_partial(nullptr, row, planned);
    plan.migrations.push_back(std::move(planned));
  }
  if (!std::is_sorted(plan.migrations.begin(), plan.migrations.end(), sorts_before)) {
    std::stable_sort(plan.migrations.begin(), plan.migrations.end(), sorts_before);
  }

  // A pending file that sorts before the newest recorded migration is out of order.
  const auto newest = std::find_if(plan.migrations.rbegin(), plan.migrations.rend(),
                                   [](const PlannedMigration& planned) { return planned.db_checksum.has_value(); });
  if (newest != plan.migrations.rend()) {
    for (auto it = newest.base(); it != plan.migrations.begin();) {
      --it;
      if (it->state == MigrationState::pending) it->state = MigrationState::out_of_order;
    }
  }
  return plan;
}

void check_plan(const Plan& plan, const PlanOptions& options) {
  std::string offenders;
  std::size_t count = 0;
  bool has_modified = false;
  bool has_missing = false;
  for (const PlannedMigration& planned : plan.migrations) {
    if (planned.state != MigrationState::modified && planned.state != MigrationState::missing &&
        planned.state != MigrationState::partial) {
      continue;
    }
    ++count;
    offenders += describe(planned);
    has_modified |= planned.state == MigrationState::modified;
    has_missing |= planned.state == MigrationState::missing;
  }
  if (count > 0) {
    const ErrorKind kind = has_modified  ? ErrorKind::checksum_mismatch
                           : has_missing ? ErrorKind::missing_file
                                         : ErrorKind::partial;
    throw Error(kind,
                "refusing to migrate: " + std::to_string(count) +
                    (count == 1 ? " applied migration does" : " applied migrations do") +
                    " not match the migration files; nothing was applied\n" + offenders +
                    "Restore a modified or deleted file from version control and put the change in a new "
                    "migration instead, or, when the change is reviewed and already live everywhere, record "
                    "it as an amendment. A PARTIAL migration needs a person to look at the database first, "
                    "then resolve it as applied or rolled back (undo what its completed statements did "
                    "first), or, when the failure was transient and the file is unchanged, resume it to run "
                    "the statements that did not complete; when statement N may or may not have completed, "
                    "say which: resuming from N runs it again, from N+1 counts it as done. A PARTIAL "
                    "migration that was rolling back is not resumed: finish its rollback by hand and resolve "
                    "it as rolled back, or restore what it undid and resolve it as applied.",
                ErrorContext{{}, {}, {}, {}, Remedy{RemedyKind::repair_applied}});
  }
  if (options.allow_out_of_order) return;
  std::string out_of_order;
  for (const PlannedMigration& planned : plan.migrations) {
    if (planned.state == MigrationState::out_of_order) out_of_order += "  " + planned.name + "\n";
  }
  if (!out_of_order.empty()) {
    throw Error(ErrorKind::out_of_order,
                "refusing to migrate: these pending migrations sort before the newest applied one; nothing was "
                "applied\n" +
                    out_of_order + "Rename them to sort after it, or allow applying them out of order.",
                ErrorContext{{}, {}, {}, {}, Remedy{RemedyKind::allow_out_of_order}});
  }
}

}  // namespace gander
