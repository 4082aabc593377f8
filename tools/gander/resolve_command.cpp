// gander resolve FILE --applied|--rolled-back: clear a partial row after a
// person has checked what the interrupted migration left behind.

#include <filesystem>

#include <gander/migrator.hpp>

#include "commands.hpp"
#include "exit_codes.hpp"
#include "migrator_options.hpp"

namespace gander::cli {

namespace {

int run_resolve(const CliOptions& options, std::ostream& out, std::ostream& err) {
  if (options.args.size() != 1 || options.resolves_applied == options.resolves_rolled_back) {
    throw Error(
        ErrorKind::config,
        "usage: gander resolve FILE --applied|--rolled-back (exactly one of them; run 'gander resolve --help')");
  }
  // FILE may be given as a path; the migration's identity is its file name.
  const std::string filename = std::filesystem::path(options.args.front()).filename().string();
  Migrator migrator(migrator_options(options, err));
  const Resolution resolution = options.resolves_applied ? Resolution::applied : Resolution::rolled_back;
  migrator.resolve(filename, resolution);
  if (options.dry_run) {
    out << "gander: dry run: " << filename << " is partial and would be "
        << (resolution == Resolution::applied ? "recorded as applied" : "removed from the tracking table")
        << "; nothing was changed\n";
  } else if (resolution == Resolution::applied) {
    out << "gander: " << filename << " is now recorded as applied\n";
  } else {
    out << "gander: " << filename << " is no longer recorded; 'gander up' will run it again\n";
  }
  return k_exit_ok;
}

}  // namespace

const Command k_resolve_command{
    "resolve", "resolve FILE --applied|--rolled-back", "clear the partial row of an interrupted migration",
    "A NO TRANSACTION migration that stopped half-way is recorded as partial and blocks 'gander up'. Check the\n"
    "database, then either finish the work by hand and record it with --applied, or undo what ran and delete\n"
    "the row with --rolled-back so that 'gander up' runs the file again. After a transient failure, 'gander up\n"
    "--resume' runs only the statements that did not complete.\n"
    "One that stopped while being rolled back (down, down-to, redo, reset; status says 'rolling back') is\n"
    "resolved the same way: finish its rollback by hand and use --rolled-back, or restore what it undid and\n"
    "use --applied.\n",
    run_resolve};

}  // namespace gander::cli
