#pragma once

// ENVSUB: the variable substitution goose applies to migration lines between
// `-- +goose ENVSUB ON` and `-- +goose ENVSUB OFF`. It reproduces goose's
// interpolation library (github.com/mfridman/interpolate v0.0.2) exactly:
//
//   $VAR ${VAR}      value, or "" when unset
//   ${VAR:-word}     word when VAR is unset or empty (word may nest expansions)
//   ${VAR-word}      word only when VAR is unset
//   ${VAR?msg}       value, or the error "$VAR: msg" ("not set" if msg is empty)
//   ${VAR:off[:len]} byte substring, negative offsets count from the end
//   \$ and $$        a literal "$";  \\ stays "\\";  "$(" stays as is
//   a "$" that ends the line stays; any other "$" not followed by a letter is
//   an error, as is ${VAR:?msg} (parsed as a substring, like goose).
//
// The lookup is a function rather than getenv so that the parser stays pure.

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace gander::parser {

// Returns the variable's value, or nullopt when it is unset. Set-but-empty
// must return an empty string: ${X-d} and ${X?m} tell the two apart.
using EnvLookup = std::function<std::optional<std::string>(std::string_view name)>;

struct SubstitutionResult {
  std::string text;                  // the expanded line, when `error` is empty
  std::optional<std::string> error;  // goose's message, e.g. "$X: not set"
};

// Expands every expansion in `line`. Never throws for bad input: a malformed
// expansion or a failed ${X?msg} is reported in `error`.
SubstitutionResult substitute_env(std::string_view line, const EnvLookup& lookup);

}  // namespace gander::parser
