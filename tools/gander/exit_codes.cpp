#include "exit_codes.hpp"

namespace gander::cli {

// No default: -Wswitch flags a new kind that nobody mapped.
int exit_code_for(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::checksum_mismatch:
    case ErrorKind::missing_file:
    case ErrorKind::partial:
    case ErrorKind::out_of_order:
    case ErrorKind::go_migration: return k_exit_integrity;
    case ErrorKind::lock: return k_exit_lock_timeout;
    case ErrorKind::config: return k_exit_usage;
    case ErrorKind::parse:
    case ErrorKind::sql:
    case ErrorKind::connection:
    case ErrorKind::io: return k_exit_error;
  }
  return k_exit_error;
}

}  // namespace gander::cli
