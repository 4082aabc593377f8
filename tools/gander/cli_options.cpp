#include "cli_options.hpp"

#include <cstdlib>
#include <sstream>

#include <boost/program_options.hpp>

#include <gander/error.hpp>

namespace gander::cli {

namespace po = boost::program_options;

namespace {

constexpr const char* k_default_dir = "migrations";

// Options that can also come from the environment, under gander's name and
// goose's name.
struct EnvBinding {
  const char* option;
  const char* gander_variable;
  const char* goose_variable;
};

constexpr EnvBinding k_env_bindings[] = {
    {"dir", "GANDER_DIR", "GOOSE_MIGRATION_DIR"},
};

po::options_description visible_options() {
  po::options_description options("Options");
  options.add_options()
      ("dir", po::value<std::string>()->value_name("DIR"),
       "migrations directory (default: migrations)\n  env: GANDER_DIR, GOOSE_MIGRATION_DIR")
      ("json", po::bool_switch(), "print machine-readable JSON")
      ("strict", po::bool_switch(), "refuse plain SQL files without goose annotations, as goose does")
      ("timestamp", po::bool_switch(),
       "create: version the new file by the UTC time (yyyymmddHHMMSS) instead of the next sequential number")
      ("help,h", po::bool_switch(), "show help; 'gander COMMAND --help' for one command")
      ("version", po::bool_switch(), "print gander's version");
  return options;
}

// An empty variable counts as unset, so that GANDER_DIR= falls through to
// GOOSE_MIGRATION_DIR and then to the default.
std::string env_to_option(const std::string& variable, bool is_gander) {
  const char* value = std::getenv(variable.c_str());
  if (value == nullptr || *value == '\0') return {};
  for (const EnvBinding& binding : k_env_bindings) {
    if (variable == (is_gander ? binding.gander_variable : binding.goose_variable)) return binding.option;
  }
  return {};
}

Error usage_error(const std::string& message) { return Error(ErrorKind::config, message); }

}  // namespace

CliOptions parse_cli(int argc, const char* const argv[]) {
  po::options_description all = visible_options();
  all.add_options()
      ("command", po::value<std::string>())
      ("args", po::value<std::vector<std::string>>());
  po::positional_options_description positional;
  positional.add("command", 1).add("args", -1);

  po::variables_map values;
  try {
    // The first stored value of an option is final in Boost, so storing in
    // order of priority gives the precedence:
    // priority 1: flags on the command line;
    po::store(po::command_line_parser(argc, argv).options(all).positional(positional).run(), values);
    // priority 2: GANDER_* variables;
    po::store(po::parse_environment(all, [](const std::string& name) { return env_to_option(name, true); }), values);
    // priority 3: GOOSE_* variables (separate calls: two variables for one
    // option in a single store() would be a multiple-occurrence error);
    po::store(po::parse_environment(all, [](const std::string& name) { return env_to_option(name, false); }), values);
    po::notify(values);
  } catch (const po::error& error) {
    throw usage_error(error.what());
  }

  CliOptions options;
  if (values.count("command")) options.command = values["command"].as<std::string>();
  if (values.count("args")) options.args = values["args"].as<std::vector<std::string>>();
  // priority 4: defaults.
  options.dir = values.count("dir") ? values["dir"].as<std::string>() : k_default_dir;
  options.is_json = values["json"].as<bool>();
  options.is_strict = values["strict"].as<bool>();
  options.is_timestamp = values["timestamp"].as<bool>();
  options.wants_help = values["help"].as<bool>();
  options.wants_version = values["version"].as<bool>();
  return options;
}

std::string options_help() {
  std::ostringstream out;
  out << visible_options();
  return out.str();
}

}  // namespace gander::cli
