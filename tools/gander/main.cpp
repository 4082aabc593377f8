// The gander command line: parse flags, run one command, map failures to
// exit codes. All work happens in the library.

#include <iostream>
#include <stdexcept>
#include <string>

#include <gander/error.hpp>

#include "cli_options.hpp"
#include "commands.hpp"
#include "exit_codes.hpp"
#include "remedy_text.hpp"

namespace {

using gander::cli::Command;

namespace cli = gander::cli;

const Command* const k_commands[] = {
    &cli::k_up_command,       &cli::k_up_by_one_command, &cli::k_up_to_command, &cli::k_down_command,
    &cli::k_down_to_command,  &cli::k_redo_command,      &cli::k_reset_command, &cli::k_status_command,
    &cli::k_version_command,  &cli::k_create_command,    &cli::k_fix_command,   &cli::k_resolve_command,
    &cli::k_baseline_command, &cli::k_adopt_command,     &cli::k_show_command,  &cli::k_validate_command,
    &cli::k_amend_command,    &cli::k_verify_command,    &cli::k_sum_command,   &cli::k_lint_command,
};

const Command* find_command(const std::string& name) {
  for (const Command* command : k_commands) {
    if (name == command->name) return command;
  }
  return nullptr;
}

void print_general_help(std::ostream& out) {
  out << "gander: a checksum-verified runner for goose-style SQL migrations\n\n"
         "Usage: gander [options] COMMAND [args]\n"
         "       gander [options] DRIVER DBSTRING COMMAND [args]   (goose's form)\n\nCommands:\n";
  for (const Command* command : k_commands) {
    out << "  " << command->synopsis << "\n      " << command->summary << "\n";
  }
  out << "\n"
      << gander::cli::options_help()
      << "\nExit codes: 0 ok; 1 error (SQL, connection, I/O, malformed migration, a bug in gander);\n"
         "2 usage or configuration; 3 integrity refusal (modified, missing, partial, out-of-order, a pending\n"
         "Go migration); 4 lock timeout.\n";
}

void print_command_help(const Command& command, std::ostream& out) {
  out << "Usage: gander [options] " << command.synopsis << "\n\n"
      << command.summary << "\n\n"
      << command.details << "\n"
      << gander::cli::options_help();
}

int run(int argc, const char* const argv[]) {
  const gander::cli::CliOptions options = gander::cli::parse_cli(argc, argv);
  if (options.wants_version) {
    std::cout << "gander " << GANDER_VERSION << "\n";
    return gander::cli::k_exit_ok;
  }
  if (options.command.empty()) {
    print_general_help(options.wants_help ? std::cout : std::cerr);
    return options.wants_help ? gander::cli::k_exit_ok : gander::cli::k_exit_usage;
  }
  const Command* command = find_command(options.command);
  if (command == nullptr) {
    throw gander::Error(gander::ErrorKind::config,
                        "unknown command '" + options.command + "' (run 'gander --help' for the list)");
  }
  if (options.wants_help) {
    print_command_help(*command, std::cout);
    return gander::cli::k_exit_ok;
  }
  return command->run(options, std::cout, std::cerr);
}

}  // namespace

int main(int argc, char* argv[]) {
  // gander prints through iostreams only; unsynced, std::cout is buffered.
  std::ios::sync_with_stdio(false);
  try {
    return run(argc, argv);
  } catch (const gander::Error& error) {
    // An error about a file reads like a compiler's: "path:line: message".
    std::cerr << (error.context().file ? "" : "gander: error: ") << error.what() << "\n";
    const std::string remedy = gander::cli::remedy_text(error.context().remedy);
    if (!remedy.empty()) std::cerr << "gander: what to do: " << remedy << "\n";
    return gander::cli::exit_code_for(error.kind());
  } catch (const std::logic_error& error) {
    std::cerr << "gander: " << error.what() << "\n";
    return gander::cli::k_exit_error;
  } catch (const std::exception& error) {
    std::cerr << "gander: error: " << error.what() << "\n";
    return gander::cli::k_exit_error;
  }
}
