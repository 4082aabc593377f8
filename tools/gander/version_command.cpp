// gander version: the newest applied migration's version (0 when none).

#include <gander/migrator.hpp>

#include "commands.hpp"
#include "exit_codes.hpp"
#include "json_writer.hpp"
#include "migrator_options.hpp"

namespace gander::cli {

namespace {

int run_version(const CliOptions& options, std::ostream& out, std::ostream& err) {
  if (!options.args.empty()) {
    throw Error(ErrorKind::config, "version takes no arguments (run 'gander version --help')");
  }
  Migrator migrator(migrator_options(options, err));
  const std::int64_t version = migrator.version().value_or(0);
  if (options.is_json) {
    JsonWriter(out).begin_object().key("version").value(version).end_object();
    out << "\n";
  } else {
    out << version << "\n";
  }
  return k_exit_ok;
}

}  // namespace

const Command k_version_command{"version", "version", "print the newest applied migration's version (0 when none)",
                                "Reads the tracking table only: no lock, no table created, migration files not read.\n",
                                run_version};

}  // namespace gander::cli
