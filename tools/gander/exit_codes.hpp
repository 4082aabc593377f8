#pragma once

#include <gander/error.hpp>

namespace gander::cli {

// The exit-code table of docs/commands.md (tests/cli/exit_code_test.cpp holds the two
// together): 0 ok; 1 error (SQL, connection, I/O, a malformed migration, a
// bug in gander); 2 usage or configuration; 3 integrity refusal; 4 lock timeout.
inline constexpr int k_exit_ok = 0;
inline constexpr int k_exit_error = 1;
inline constexpr int k_exit_usage = 2;
inline constexpr int k_exit_integrity = 3;
inline constexpr int k_exit_lock_timeout = 4;

int exit_code_for(ErrorKind kind);

}  // namespace gander::cli
