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

extern const Command k_up_command;
extern const Command k_up_by_one_command;
extern const Command k_up_to_command;
extern const Command k_down_command;
extern const Command k_down_to_command;
extern const Command k_redo_command;
extern const Command k_reset_command;
extern const Command k_status_command;
extern const Command k_version_command;
extern const Command k_resolve_command;
extern const Command k_baseline_command;
extern const Command k_adopt_command;
extern const Command k_amend_command;
extern const Command k_create_command;
extern const Command k_fix_command;
extern const Command k_show_command;
extern const Command k_validate_command;
extern const Command k_verify_command;
extern const Command k_sum_command;
extern const Command k_lint_command;

}  // namespace gander::cli
