// gander verify --git-base REF | --sum [FILE] | --base-sum FILE | --db DSN:
// was any released migration changed (docs/ci.md)? Read-only in every mode.

#include <filesystem>

#include <gander/migrator.hpp>
#include <gander/sum_file.hpp>
#include <gander/verify.hpp>

#include "commands.hpp"
#include "exit_codes.hpp"
#include "migrator_options.hpp"
#include "verify_output.hpp"

namespace gander::cli {

namespace {

Error usage_error(const std::string& message) {
  return Error(ErrorKind::config, message + " (run 'gander verify --help')");
}

// Exactly one mode. A database configured only in the environment
// (GANDER_DBSTRING, ...) does not compete with an explicit file mode, so a
// CI job with the variable set can still run --git-base; with no file mode
// it is what plain `gander verify` checks.
VerifyMode choose_mode(const CliOptions& options) {
  const int file_modes = static_cast<int>(!options.git_base.empty()) + static_cast<int>(options.sum_file.has_value()) +
                         static_cast<int>(!options.base_sum_file.empty());
  if (file_modes > 1 || (file_modes == 1 && options.is_dsn_on_command_line)) {
    throw usage_error("verify checks one thing at a time: choose one of --git-base, --sum, --base-sum and --db");
  }
  if (!options.git_base.empty()) return VerifyMode::git_base;
  if (options.sum_file) return VerifyMode::sum;
  if (!options.base_sum_file.empty()) return VerifyMode::base_sum;
  if (!options.dsn.empty() || !options.driver.empty()) return VerifyMode::database;
  throw usage_error(
      "verify needs to know what was released: --git-base REF, --sum [FILE], --base-sum FILE or --db DSN");
}

VerifyReport verify_database(const CliOptions& options, std::ostream& err) {
  Options migrator_settings = migrator_options(options, err);
  const std::string base = redact_dsn(migrator_settings.dsn);
  Migrator migrator(std::move(migrator_settings));
  return verify_report_from_plan(migrator.status(), base, options.dir);
}

int run_verify(const CliOptions& options, std::ostream& out, std::ostream& err) {
  if (!options.args.empty()) throw usage_error("unexpected argument '" + options.args.front() + "'");
  const VerifyOptions verify_options{options.strict_checksums};
  VerifyReport report;
  switch (choose_mode(options)) {
    case VerifyMode::git_base: report = verify_against_git(options.dir, options.git_base, verify_options); break;
    case VerifyMode::sum: {
      const std::string sum_file = options.sum_file->empty()
                                       ? (std::filesystem::path(options.dir) / k_sum_file_name).string()
                                       : *options.sum_file;
      report = verify_against_sum(options.dir, sum_file, verify_options);
      break;
    }
    case VerifyMode::base_sum:
      report = verify_against_base_sum(options.dir, options.base_sum_file, verify_options);
      break;
    case VerifyMode::database: report = verify_database(options, err); break;
  }
  if (options.is_json) print_verify_json(report, out);
  else print_verify_text(report, out);
  return report.is_clean() ? k_exit_ok : k_exit_integrity;
}

}  // namespace

const Command k_verify_command{
    "verify", "verify --git-base REF | --sum [FILE] | --base-sum FILE | --db DSN [--json] [--strict-checksums]",
    "fail when a released migration was edited, renamed or deleted (for CI)",
    "Modes (exactly one):\n"
    "  --git-base REF   every migration file in --dir at git commit REF (e.g. origin/main) must still exist,\n"
    "                   with the same name and checksum; new files are fine. Runs git in the repository\n"
    "                   that contains --dir; in a shallow clone, fetch REF first.\n"
    "  --sum [FILE]     the directory must match the sum file (default <dir>/gander.sum) that 'gander sum'\n"
    "                   wrote: no file modified, deleted or unlisted.\n"
    "  --base-sum FILE  every entry of an older sum file must still be in the directory, unchanged.\n"
    "  --db DSN         the database's applied migrations must match their files, as in 'status'.\n"
    "                   Read-only: no lock, no table created; SELECT on the tracking table is enough.\n"
    "                   Plain 'gander verify' with a database configured (--db, --driver, GANDER_DBSTRING,\n"
    "                   GOOSE_DBSTRING) checks that database; a database set only in the environment does\n"
    "                   not stop a file mode.\n"
    "A change of line endings or byte-order mark only is accepted with a note, unless --strict-checksums.\n"
    "An edit that gander.amend records is accepted (--git-base: only when the same change adds the line).\n"
    "Exit 0 when clean, 3 on a violation, 2 for a usage error, a missing REF or a malformed sum file.\n",
    run_verify};

}  // namespace gander::cli
