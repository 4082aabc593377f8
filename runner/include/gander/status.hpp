#pragma once

// The state of every migration, as Migrator::status() and verify() return
// it and `gander status` shows it (docs/commands.md, "`status` output").

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace gander {

// `amended`: applied, and the file changed since in a way gander.amend
// records (docs/file-format.md, "Reviewed amendments"); it counts as applied. `running`: a partial NO
// TRANSACTION migration while another run holds the migration lock, i.e.
// being applied right now; only read-only commands report it, and it is
// not an integrity problem.
enum class MigrationState { applied, amended, pending, out_of_order, modified, missing, partial, running };

// The JSON name (docs/commands.md, "`status` output"): "applied", "amended", "pending", "out-of-order", ...
const char* to_string(MigrationState state);

// Applied or amended: the migration ran and its row matches its file.
bool counts_as_applied(MigrationState state);

// What else is known about a migration's state, for a program to act on;
// the note's text says the same to a person, with the details.
enum class Note {
  none,
  line_endings_differ,   // only line endings or a byte-order mark changed (applied, or modified when strict)
  amended,               // gander.amend accepts the change; the text holds its reason
  untrimmed_checksum,    // modified: the stored value hashes the untrimmed file, which is unchanged
  go_file_changed,       // modified: a goose Go migration's file
  same_sql,              // modified: comments, whitespace or the Down section changed; the SQL that ran did not
  sql_changed,           // modified: the SQL that ran changed
  stopped_applying,      // partial: stopped outside a transaction while being applied
  stopped_rolling_back,  // partial: stopped outside a transaction while being rolled back
  in_progress,           // running: another run is applying or rolling it back now
};

struct PlannedMigration {
  std::string name;
  std::optional<std::int64_t> version;  // none for a row whose name carries no version
  MigrationState state = MigrationState::pending;
  std::optional<std::string> file_checksum;  // none when the file is missing
  std::optional<std::string> db_checksum;    // none when never applied
  std::optional<std::string> applied_at;
  Note note = Note::none;
  std::string note_text;  // the note for a person: "line endings differ", a partial's progress, an amendment's reason
  std::optional<std::int64_t> statements_done;     // a partial migration's progress, when recorded
  bool is_go = false;                              // a goose Go migration: `up` stops before it while it is pending
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
};

}  // namespace gander
