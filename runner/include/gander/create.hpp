#pragma once

// Writing migration files, as goose's `create` and `fix` do: a new file from
// goose's SQL template, numbered after the files already in the directory,
// and the renaming of timestamp-versioned files to sequential versions.
//
// Which versions are timestamps is goose's rule: a version is a timestamp
// when its decimal digits (without leading zeros) read as a valid UTC date
// and time yyyymmddHHMMSS (exactly 14 digits; month 01-12, a day that exists
// in that month, hour 00-23, minute and second 00-59) later than
// 1970-01-01 00:00:00. Every other version is sequential, however large.
//
// Both functions look only at the *.sql files directly inside the directory
// whose names carry a valid version (docs/file-format.md); other files are left alone.
// Neither creates the directory: goose's `create` and `fix` fail on a missing
// one too (only `goose init` makes it).

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace gander {

struct CreateOptions {
  // Number the file by the time instead of the next sequential version.
  bool timestamp = false;
  // The time a timestamp version is taken from; a parameter so that tests
  // can fix it.
  std::chrono::system_clock::time_point now = std::chrono::system_clock::now();
};

struct CreatedMigration {
  std::string name;      // the file name, e.g. "00006_add_x.sql"
  std::string path;      // where it was written: `dir` joined with `name`
  std::int64_t version;  // e.g. 6
};

// Writes `<version>_<name>.sql` into `dir` with goose's SQL template (an Up
// and a Down section, each one StatementBegin/End block around a
// placeholder SELECT).
//
// The version is, by default, the highest sequential version in `dir` plus
// one, zero-padded to as many digits as that file's name uses (`003_x.sql`
// gives 004; `00005_x.sql` gives 00006); with no sequential file it is
// 00001, goose's width. Timestamp versions do not count. With
// options.timestamp it is options.now in UTC as yyyymmddHHMMSS.
//
// `name` is normalized (see normalize_migration_name). Throws Error{config}
// when the name is refused, when `dir` does not exist or cannot be listed,
// when the file already exists (it is never overwritten) or cannot be
// written, and when the next version would not fit in 64 bits.
CreatedMigration create_migration(const std::string& dir, const std::string& name, const CreateOptions& options);

// The name part of a new file: ASCII letters lowercased, digits kept, and
// every run of spaces, '-' and '_' turned into one '_' (dropped at either
// end), so "Add user-Email" becomes "add_user_email". This agrees with
// goose's snake_case for such names; unlike goose, other characters are
// refused rather than turned into '_', so that a name never changes
// silently. Throws Error{config} when `name` holds another character
// (such as '/', '.', a quote or a non-ASCII byte) or nothing but
// separators.
std::string normalize_migration_name(std::string_view name);

// goose's timestamp rule, described at the top of this file.
bool is_timestamp_version(std::int64_t version);

struct Renamed {
  std::string from;  // file names inside the directory
  std::string to;
};

// goose's `fix`: renames every timestamp-versioned file of `dir`, in
// migration order (by version, then name), to the next sequential version
// after the highest sequential one (1 when there is none), replacing the
// file name's leading digits and keeping the rest. The new versions are
// padded as create_migration pads them: to the width of the highest
// sequential file, else 5 digits. (goose always pads to 5; the two agree
// unless the sequential files use another width, where gander keeps the
// directory's own width.)
//
// Returns what was renamed, in order; empty when nothing was to fix. Every
// target is checked before anything is renamed: Error{config} naming the
// target, with nothing renamed, when a target already exists. Throws
// Error{config} when `dir` does not exist, Error{io} when it cannot be
// listed; when a rename fails, the renames already done are undone (as far
// as possible) and Error{io} names the file.
std::vector<Renamed> fix_migrations(const std::string& dir);

}  // namespace gander
