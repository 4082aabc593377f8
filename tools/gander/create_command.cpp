// gander create NAME [--timestamp]: write a new migration from goose's template.

#include <gander/create.hpp>
#include <gander/error.hpp>

#include "commands.hpp"
#include "exit_codes.hpp"

namespace gander::cli {

namespace {

// goose's form is `create NAME [sql|go]`; the type "sql" is accepted so that
// scripts written for goose run unchanged.
void check_args(const std::vector<std::string>& args) {
  if (args.empty()) throw Error(ErrorKind::config, "create needs a NAME (run 'gander create --help')");
  if (args.size() == 2 && args[1] == "go") {
    throw Error(ErrorKind::config, "gander runs SQL migrations only; there is no Go template");
  }
  if (args.size() > 2 || (args.size() == 2 && args[1] != "sql")) {
    throw Error(ErrorKind::config, "create takes one NAME; quote a name with spaces (run 'gander create --help')");
  }
}

int run_create(const CliOptions& options, std::ostream& out, std::ostream&) {
  check_args(options.args);
  CreateOptions create_options;
  create_options.timestamp = options.timestamp;
  const CreatedMigration created = create_migration(options.dir, options.args.front(), create_options);
  out << "created " << created.path << "\n";
  return k_exit_ok;
}

}  // namespace

const Command k_create_command{
    "create", "create NAME [--timestamp]", "Write a new migration file from goose's template.",
    "The file is DIR/<version>_<name>.sql with an Up and a Down section to fill in. The version is\n"
    "the highest sequential version in DIR plus one, padded to the same width (00001 in an empty\n"
    "directory); timestamp versions are not counted. With --timestamp it is the current UTC time,\n"
    "yyyymmddHHMMSS. NAME is lowercased and runs of spaces, '-' and '_' become one '_'; other\n"
    "characters than ASCII letters and digits are refused. An existing file is never overwritten,\n"
    "and the directory must exist. goose's optional type argument 'sql' is accepted.\n",
    run_create};

}  // namespace gander::cli
