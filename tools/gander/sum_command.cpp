// gander sum: write <dir>/gander.sum, the checksum of every migration, for
// `gander verify --sum` (docs/ci.md; the format is in sum_file.hpp).

#include <gander/sum_file.hpp>

#include "commands.hpp"
#include "exit_codes.hpp"

namespace gander::cli {

namespace {

int run_sum(const CliOptions& options, std::ostream& out, std::ostream&) {
  if (!options.args.empty()) {
    throw Error(ErrorKind::config, "sum takes no arguments; use --dir DIR (run 'gander sum --help')");
  }
  const WrittenSum written = write_sum_file(options.dir);
  out << "gander sum: wrote " << written.path << " (" << written.entries.size() << " migration"
      << (written.entries.size() == 1 ? "" : "s") << ")\n";
  return k_exit_ok;
}

}  // namespace

const Command k_sum_command{
    "sum", "sum [--dir DIR]", "write <dir>/gander.sum, the checksum of every migration, for 'verify --sum'",
    "Writes one line per migration file, in migration order: '<checksum>  <filename>', after a first line\n"
    "'gander-sum v1 <sha256 of the lines after it>', so that an entry edited by hand is detected. Commit the\n"
    "file with the migrations; 'gander verify --sum' then fails when a listed file changes or disappears or a\n"
    "file is not listed, and 'gander verify --base-sum FILE' checks the directory against an older one.\n",
    run_sum};

}  // namespace gander::cli
