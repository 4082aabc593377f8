#include "cli_options.hpp"

#include <cstdlib>
#include <sstream>

#include <boost/program_options.hpp>

#include <gander/driver.hpp>
#include <gander/error.hpp>

namespace gander::cli {

namespace po = boost::program_options;

namespace {

constexpr const char* k_default_dir = "migrations";
constexpr const char* k_default_table = "schema_migrations";
constexpr const char* k_default_lock_timeout = "5m";
constexpr const char* k_default_connect_timeout = "0s";
constexpr const char* k_default_statement_timeout = "0s";
constexpr const char* k_default_ddl_lock_timeout = "5s";

// Options that can also come from the environment, under gander's name and
// goose's name.
struct EnvBinding {
  const char* option;
  const char* gander_variable;
  const char* goose_variable;  // null when goose has none
};

constexpr EnvBinding k_env_bindings[] = {
    {"dir", "GANDER_DIR", "GOOSE_MIGRATION_DIR"},
    {"driver", "GANDER_DRIVER", "GOOSE_DRIVER"},
    {"db", "GANDER_DBSTRING", "GOOSE_DBSTRING"},
    {"table", "GANDER_TABLE", "GOOSE_TABLE"},
    {"lock-timeout", "GANDER_LOCK_TIMEOUT", nullptr},
    {"lock", "GANDER_LOCK", nullptr},
    {"connect-timeout", "GANDER_CONNECT_TIMEOUT", nullptr},
    {"statement-timeout", "GANDER_STATEMENT_TIMEOUT", nullptr},
    {"ddl-lock-timeout", "GANDER_DDL_LOCK_TIMEOUT", nullptr},
};

bool is_driver_name(const std::string& word) { return driver_from_name(word).has_value(); }

po::options_description visible_options() {
  po::options_description options("Options");
  options.add_options()("dir", po::value<std::string>()->value_name("DIR"),
                        "migrations directory (default: migrations)\n  env: GANDER_DIR, GOOSE_MIGRATION_DIR")(
      "driver", po::value<std::string>()->value_name("NAME"),
      "postgres or sqlite3 (default: postgres for a postgres:// URL or key=value DSN, else sqlite3)\n"
      "  env: GANDER_DRIVER, GOOSE_DRIVER")(
      "db", po::value<std::string>()->value_name("DSN"),
      "database: a postgres:// URL or libpq key=value pairs, or a SQLite path or file: URI (default:\n"
      "./gander.db; status, version, verify and dry runs never create it)\n"
      "  env: GANDER_DBSTRING, GOOSE_DBSTRING")(
      "table", po::value<std::string>()->value_name("NAME"),
      "tracking table, schema-qualified allowed on PostgreSQL (default: schema_migrations)\n"
      "  env: GANDER_TABLE, GOOSE_TABLE")(
      "lock-timeout", po::value<std::string>()->value_name("DURATION"),
      "how long to wait for the migration lock: 90s, 5m, 1500ms, 1h (default: 5m)\n  env: GANDER_LOCK_TIMEOUT")(
      "connect-timeout", po::value<std::string>()->value_name("DURATION"),
      "keep retrying the first connection this long, for a database that is still starting (default: 0s, "
      "one attempt)\n  env: GANDER_CONNECT_TIMEOUT")(
      "statement-timeout", po::value<std::string>()->value_name("DURATION"),
      "stop a migration statement that runs longer, roll its migration back and exit 1; waiting for the "
      "migration lock does not count (default: 0s, no limit)\n  env: GANDER_STATEMENT_TIMEOUT")(
      "ddl-lock-timeout", po::value<std::string>()->value_name("DURATION"),
      "PostgreSQL: how long a migration statement may wait for a table lock; a migration that gives up is "
      "rolled back and retried until --lock-timeout, then exit 4 (default: 5s; 0s waits forever)\n"
      "  env: GANDER_DDL_LOCK_TIMEOUT")(
      "lock", po::value<std::string>()->value_name("METHOD"),
      "PostgreSQL lock: advisory (default) or table, for engines without advisory locks\n  env: GANDER_LOCK")(
      "git-base", po::value<std::string>()->value_name("REF"),
      "verify: compare with the migrations at this git commit, e.g. origin/main")(
      "sum", po::value<std::string>()->value_name("[FILE]")->implicit_value("", ""),
      "verify: compare with a sum file (default: <dir>/gander.sum)")(
      "base-sum", po::value<std::string>()->value_name("FILE"),
      "verify: check that every entry of an older sum file is unchanged")(
      "allow-out-of-order", po::bool_switch(), "apply pending migrations that sort before the newest applied one")(
      "allow-missing", po::bool_switch(), "same as --allow-out-of-order (goose's name)")(
      "strict-checksums", po::bool_switch(), "count line-ending or byte-order-mark differences as modified")(
      "follow-symlinks", po::bool_switch(),
      "read *.sql symbolic links that lead outside --dir (refused by default; links inside it are always read)")(
      "dry-run", po::bool_switch(), "print the plan and the exact SQL; change nothing")(
      "resume", po::bool_switch(),
      "up: first run the statements a partial NO TRANSACTION migration did not complete, if its file is unchanged")(
      "resume-from", po::value<std::string>()->value_name("N"),
      "up: as --resume, going on from statement N, when statement N-1 or N may or may not have completed "
      "(status says which): N is the one in doubt (run it again) or the one after it (it completed)")(
      "full", po::bool_switch(), "status: print full checksums")("applied", po::bool_switch(),
                                                                 "resolve: record the partial migration as applied")(
      "reason", po::value<std::string>()->value_name("TEXT"), "amend: why the applied file changed (one line)")(
      "rolled-back", po::bool_switch(), "resolve: delete the partial migration's row")("json", po::bool_switch(),
                                                                                       "print machine-readable JSON")(
      "strict", po::bool_switch(),
      "refuse plain SQL files without goose annotations, as goose does; lint: warnings fail too, and a plain file "
      "is a plain-file error")("no-color", po::bool_switch(), "no colour in output (also: NO_COLOR set)")(
      "verbose,v", po::bool_switch(), "say which database is used and when each migration starts (on stderr)")(
      "timestamp", po::bool_switch(),
      "create: version the new file by the UTC time (yyyymmddHHMMSS) instead of the next sequential number")(
      "help,h", po::bool_switch(), "show help; 'gander COMMAND --help' for one command")("version", po::bool_switch(),
                                                                                         "print gander's version");
  return options;
}

// An empty variable counts as unset, so that GANDER_DIR= falls through to
// GOOSE_MIGRATION_DIR and then to the default.
std::string env_to_option(const std::string& variable, bool is_gander) {
  const char* value = std::getenv(variable.c_str());
  if (value == nullptr || *value == '\0') return {};
  for (const EnvBinding& binding : k_env_bindings) {
    const char* name = is_gander ? binding.gander_variable : binding.goose_variable;
    if (name != nullptr && variable == name) return binding.option;
  }
  return {};
}

Error usage_error(const std::string& message) { return Error(ErrorKind::config, message); }

}  // namespace

CliOptions parse_cli(int argc, const char* const argv[]) {
  po::options_description all = visible_options();
  all.add_options()("command", po::value<std::string>())("args", po::value<std::vector<std::string>>());
  po::positional_options_description positional;
  positional.add("command", 1).add("args", -1);

  po::variables_map values;
  bool has_db_flag = false;
  try {
    // The first stored value of an option is final in Boost, so storing in
    // order of priority gives the precedence:
    // priority 1: flags on the command line;
    po::store(po::command_line_parser(argc, argv).options(all).positional(positional).run(), values);
    has_db_flag = values.count("db") > 0;
    // priority 2: GANDER_* variables;
    po::store(po::parse_environment(all, [](const std::string& name) { return env_to_option(name, true); }), values);
    // priority 3: GOOSE_* variables (separate calls: two variables for one
    // option in a single store() would be a multiple-occurrence error);
    po::store(po::parse_environment(all, [](const std::string& name) { return env_to_option(name, false); }), values);
    po::notify(values);
  } catch (const po::error& error) {
    throw usage_error(error.what());
  }

  const auto text = [&values](const char* name, const char* fallback) {
    return values.count(name) ? values[name].as<std::string>() : std::string(fallback);
  };
  const auto flag = [&values](const char* name) { return values[name].as<bool>(); };

  CliOptions options;
  if (values.count("command")) options.command = values["command"].as<std::string>();
  if (values.count("args")) options.args = values["args"].as<std::vector<std::string>>();
  // priority 4: defaults.
  options.dir = text("dir", k_default_dir);
  options.driver = text("driver", "");
  options.dsn = text("db", "");
  options.table = text("table", k_default_table);
  options.lock_timeout = text("lock-timeout", k_default_lock_timeout);
  options.lock_method = text("lock", "advisory");
  options.connect_timeout = text("connect-timeout", k_default_connect_timeout);
  options.statement_timeout = text("statement-timeout", k_default_statement_timeout);
  options.ddl_lock_timeout = text("ddl-lock-timeout", k_default_ddl_lock_timeout);
  options.is_dsn_on_command_line = has_db_flag;
  options.git_base = text("git-base", "");
  if (values.count("sum")) options.sum_file = values["sum"].as<std::string>();
  options.base_sum_file = text("base-sum", "");
  // goose's form, `gander [options] DRIVER DBSTRING COMMAND [args]`, is as
  // explicit as --driver and --db and overrides them.
  if (is_driver_name(options.command) && options.args.size() >= 2) {
    options.driver = options.command;
    options.dsn = options.args[0];
    options.command = options.args[1];
    options.is_dsn_on_command_line = true;
    options.args.erase(options.args.begin(), options.args.begin() + 2);
  }
  options.is_json = flag("json");
  options.strict = flag("strict");
  options.is_full = flag("full");
  options.dry_run = flag("dry-run");
  options.resumes_partial = flag("resume");
  options.resume_from = text("resume-from", "");
  if (flag("follow-symlinks")) options.outside_symlinks = OutsideSymlinks::follow;
  options.allows_out_of_order = flag("allow-out-of-order") || flag("allow-missing");
  options.strict_checksums = flag("strict-checksums");
  const char* no_color = std::getenv("NO_COLOR");
  options.wants_color = !flag("no-color") && (no_color == nullptr || *no_color == '\0');
  options.is_verbose = flag("verbose");
  options.resolves_applied = flag("applied");
  options.reason = text("reason", "");
  options.resolves_rolled_back = flag("rolled-back");
  options.timestamp = flag("timestamp");
  options.wants_help = flag("help");
  options.wants_version = flag("version");
  return options;
}

std::string options_help() {
  std::ostringstream out;
  out << visible_options();
  return out.str();
}

std::optional<std::int64_t> version_number(const std::string& text) {
  if (text.empty() || text.size() > 18 || text.find_first_not_of("0123456789") != std::string::npos) {
    return std::nullopt;
  }
  return std::stoll(text);
}

}  // namespace gander::cli
