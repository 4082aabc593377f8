#pragma once

// Migrations written for another tool (docs/file-format.md, "Other tools'
// files"). gander reads goose's format; a golang-migrate or dbmate file
// without any goose annotation would otherwise run as a plain SQL file,
// Down included, so it is refused, naming it.

#include <optional>
#include <string>
#include <string_view>

#include <gander/error.hpp>

namespace gander {

// Error{parse} naming the file (and the line, for a dbmate marker) when the
// plain file `name` with these bytes is another tool's migration; none
// otherwise. Only for files the parser found plain.
std::optional<Error> foreign_format_error(const std::string& name, const std::string& display_path,
                                          std::string_view bytes);

}  // namespace gander
