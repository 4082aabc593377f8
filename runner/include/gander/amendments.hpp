#pragma once

// Reviewed amendments (docs/file-format.md, "Reviewed amendments"). When an applied migration file must
// change (a comment, a fix already live everywhere), `<dir>/gander.amend`
// records the change, one line per amended file:
//
//   <filename> <stored checksum> <new checksum> <reason>
//
// A migration whose stored checksum and current file checksum match a line
// counts as applied (state `amended`), is never re-run and keeps its row.
// The file is reviewed like code. Blank lines and lines starting with '#'
// are ignored.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gander {

// The amendments file's name, next to the migrations.
inline constexpr const char* k_amendments_file_name = "gander.amend";

struct Amendment {
  std::string filename;
  std::string stored_checksum;  // what the database holds
  std::string new_checksum;     // the file's checksum after the change
  std::string reason;
  std::size_t line = 0;  // 1-based line in gander.amend; 0 for one not read from a file
};

// Parses gander.amend. Throws Error{parse} naming `display_path` and the line
// for a line that does not have a file name, two checksums of 64 lowercase
// hex digits and a reason.
std::vector<Amendment> parse_amendments(std::string_view bytes, const std::string& display_path);

// The amendment that accepts `stored_checksum` → `new_checksum` for
// `filename`, if `amendments` has one.
const Amendment* find_amendment(const std::vector<Amendment>& amendments, std::string_view filename,
                                std::string_view stored_checksum, std::string_view new_checksum);

// One line of gander.amend, without the newline. Throws Error{config} when
// the file name holds whitespace or the reason is empty or spans lines.
std::string amendment_line(const Amendment& amendment);

// Appends `amendment` to `<dir>/gander.amend`, creating it with a header
// comment when it does not exist, and returns the file's path. Throws
// Error{io} naming the file when it cannot be written.
std::string append_amendment(const std::string& dir, const Amendment& amendment);

}  // namespace gander
