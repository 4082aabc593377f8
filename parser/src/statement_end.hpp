#pragma once

#include <string_view>

namespace gander::parser::detail {

// goose's statement terminator test: split the line into words on Go
// whitespace (bufio.ScanWords), stop at the first word that starts with "--",
// and report whether the last word before it ends in ';'.
bool ends_with_semicolon(std::string_view line);

// ends_with_semicolon for a line known to hold no '-' (hence no comment).
bool ends_with_semicolon_without_comment(std::string_view line);

}  // namespace gander::parser::detail
