// gander adopt goose: take over a database that goose has migrated, by
// recording what goose applied without running it.

#include <gander/migrator.hpp>

#include "commands.hpp"
#include "exit_codes.hpp"
#include "migrator_options.hpp"
#include "recorded_output.hpp"

namespace gander::cli {

namespace {

int run_adopt(const CliOptions& options, std::ostream& out, std::ostream& err) {
  if (options.args.size() != 1 || options.args.front() != "goose") {
    throw Error(ErrorKind::config,
                "usage: gander adopt goose (goose is the tool gander adopts databases from; run 'gander adopt "
                "--help')");
  }
  Migrator migrator(migrator_options(options, err));
  const std::vector<std::string> names = migrator.adopt(OtherTool::goose);
  print_recorded_without_running(out, names, "that goose applied, with their files' checksums,", options.dry_run);
  return k_exit_ok;
}

}  // namespace

const Command k_adopt_command{
    "adopt", "adopt goose", "take over a database that goose has migrated",
    "Reads goose's goose_db_version (the newest row of each version decides) and records every migration goose\n"
    "applied in gander's table, with its file's current checksum and goose's applied time, without running it,\n"
    "in one transaction under the migration lock. goose's table is left as it is. Refused, changing nothing,\n"
    "when gander's table already records a migration, when the database has no goose_db_version, or when a\n"
    "version goose applied has no file (each is listed). --dry-run lists what would be recorded.\n",
    run_adopt};

}  // namespace gander::cli
