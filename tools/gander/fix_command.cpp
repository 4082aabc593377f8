// gander fix [--dir DIR]: renumber timestamp-versioned files sequentially, as goose does.

#include <gander/create.hpp>
#include <gander/error.hpp>

#include "commands.hpp"
#include "exit_codes.hpp"

namespace gander::cli {

namespace {

int run_fix(const CliOptions& options, std::ostream& out, std::ostream&) {
  if (!options.args.empty()) {
    throw Error(ErrorKind::config, "fix takes no arguments; use --dir DIR (run 'gander fix --help')");
  }
  const std::vector<Renamed> renames = fix_migrations(options.dir);
  if (renames.empty()) out << "nothing to fix\n";
  for (const Renamed& rename : renames) out << "renamed " << rename.from << " -> " << rename.to << "\n";
  return k_exit_ok;
}

}  // namespace

const Command k_fix_command{
    "fix", "fix [--dir DIR]", "Rename timestamp-versioned migrations to sequential versions, as goose's fix does.",
    "Each file whose version is a timestamp (14 digits yyyymmddHHMMSS, after 1970) gets, in\n"
    "migration order, the next version after the highest sequential one, padded to that file's\n"
    "width (5 digits when there is none); the rest of its name is kept. Every new name is checked\n"
    "first: if one already exists, nothing is renamed and the exit code is 2. Rename only files\n"
    "that no database has applied yet: an applied migration's identity is its file name.\n",
    run_fix};

}  // namespace gander::cli
