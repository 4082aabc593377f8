#pragma once

#include <ostream>

#include <gander/verify.hpp>

namespace gander::cli {

// Prints `report` for a person reading a CI log: a verdict first, then
// each violation with the file, what changed (both checksums) and the
// commands that undo or accept it, then the accepted changes with why.
void print_verify_text(const VerifyReport& report, std::ostream& out);

// Prints `report` as one JSON object, the shape the README documents:
//   {"mode", "base", "dir", "checked", "clean",
//    "violations": [{"file", "kind", "expected_checksum", "actual_checksum", "renamed_to", "note"}],
//    "accepted": [{"file", "reason", "expected_checksum", "actual_checksum"}],
//    "new_files": [...]}
// Absent values are null; every key is always present.
void print_verify_json(const VerifyReport& report, std::ostream& out);

}  // namespace gander::cli
