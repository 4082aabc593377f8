// gander baseline VERSION: record the migrations up to VERSION as applied
// without running them, for a database whose schema predates its migrations.

#include <gander/migrator.hpp>

#include "commands.hpp"
#include "exit_codes.hpp"
#include "migrator_options.hpp"
#include "recorded_output.hpp"

namespace gander::cli {

namespace {

int run_baseline(const CliOptions& options, std::ostream& out, std::ostream& err) {
  const std::optional<std::int64_t> parsed =
      options.args.size() == 1 ? version_number(options.args.front()) : std::nullopt;
  if (!parsed) {
    throw Error(ErrorKind::config, "usage: gander baseline VERSION, a number (run 'gander baseline --help')");
  }
  const std::int64_t version = *parsed;
  Migrator migrator(migrator_options(options, err));
  const std::vector<std::string> names = migrator.baseline(version);
  print_recorded_without_running(out, names, "up to version " + std::to_string(version) + " as applied",
                                 options.dry_run);
  return k_exit_ok;
}

}  // namespace

const Command k_baseline_command{
    "baseline", "baseline VERSION", "record the migrations up to VERSION as applied without running them",
    "For a database whose schema predates its migrations (its tables were made by hand or by an older\n"
    "program): every migration with a version at most VERSION is recorded as applied with its file's\n"
    "checksum, without running, in one transaction under the migration lock. 'gander up' then runs the\n"
    "rest. Refused when the tracking table already records a migration, or when no migration has such a\n"
    "version. --dry-run lists what would be recorded.\n",
    run_baseline};

}  // namespace gander::cli
