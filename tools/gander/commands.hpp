#pragma once

#include <ostream>

#include "cli_options.hpp"

namespace gander::cli {

// One CLI command: its help and the function that runs it. A command returns
// the exit code; failures are thrown as gander::Error and mapped in main.
struct Command {
  const char* name;
  const char* synopsis;
  const char* summary;
  const char* details;
  int (*run)(const CliOptions& options, std::ostream& out, std::ostream& err);
};

extern const Command k_create_command;
extern const Command k_fix_command;
extern const Command k_show_command;
extern const Command k_validate_command;

}  // namespace gander::cli
