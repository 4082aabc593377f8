#pragma once

#include <string>
#include <vector>

namespace gander::cli {

// The command line, after flags and environment have been merged.
struct CliOptions {
  std::string command;            // empty when none was given
  std::vector<std::string> args;  // the command's positional arguments
  std::string dir;                // migrations directory
  bool is_json = false;
  bool is_strict = false;
  bool is_timestamp = false;      // create: version by the UTC time, not the next number
  bool wants_help = false;
  bool wants_version = false;
};

// Parses argv and the GANDER_* / GOOSE_* environment (flags win, then
// GANDER_*, then GOOSE_*, then defaults). Throws gander::Error{config} on a
// malformed or unknown flag.
CliOptions parse_cli(int argc, const char* const argv[]);

// The options section of --help, generated from the same description the
// parser uses, so the listed flags and environment variables cannot drift.
std::string options_help();

}  // namespace gander::cli
