// gander amend FILE --reason TEXT: record a reviewed change of an applied
// migration in <dir>/gander.amend, so that it counts as applied (docs/file-format.md, "Checksums").

#include <filesystem>

#include <gander/amendments.hpp>
#include <gander/migrator.hpp>

#include "commands.hpp"
#include "exit_codes.hpp"
#include "migrator_options.hpp"

namespace gander::cli {

namespace {

int run_amend(const CliOptions& options, std::ostream& out, std::ostream& err) {
  if (options.args.size() != 1 || options.reason.empty()) {
    throw Error(ErrorKind::config, "usage: gander amend FILE --reason TEXT (run 'gander amend --help')");
  }
  // FILE may be given as a path; the migration's identity is its file name.
  const std::string filename = std::filesystem::path(options.args.front()).filename().string();
  Migrator migrator(migrator_options(options, err));
  const Amendment amendment = migrator.amendment_for(filename, options.reason);
  if (options.dry_run) {
    out << "gander: dry run: would append to " << (std::filesystem::path(options.dir) / k_amendments_file_name).string()
        << ":\n"
        << amendment_line(amendment) << "\n";
    return k_exit_ok;
  }
  const std::string path = append_amendment(options.dir, amendment);
  out << "gander: recorded in " << path << ":\n"
      << amendment_line(amendment) << "\n"
      << "Commit it with the changed file; once reviewed, 'gander up' and 'status' count " << filename
      << " as amended.\n";
  return k_exit_ok;
}

}  // namespace

const Command k_amend_command{
    "amend", "amend FILE --reason TEXT", "record a reviewed change of an applied migration in gander.amend",
    "When an applied migration file had to change (a comment, a fix already live everywhere), its checksum no\n"
    "longer matches the database's and 'gander up' refuses. 'amend' appends '<file> <stored checksum> <new\n"
    "checksum> <reason>' to <dir>/gander.amend; a migration whose change matches a line counts as applied\n"
    "(state 'amended'), is never re-run and keeps its row. Review gander.amend like code. Reads the database\n"
    "(no lock); --dry-run prints the line without writing it.\n",
    run_amend};

}  // namespace gander::cli
