#include "foreign_format.hpp"

#include <cstddef>

namespace gander {

namespace {

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

// dbmate's section markers: `-- migrate:up` and `-- migrate:down` at the
// start of a line, spaces allowed before `migrate`.
bool is_dbmate_marker(std::string_view line) {
  const std::size_t start = line.find_first_not_of(" \t");
  if (start == std::string_view::npos || line.substr(start, 2) != "--") return false;
  std::string_view rest = line.substr(start + 2);
  rest.remove_prefix(std::min(rest.find_first_not_of(" \t"), rest.size()));
  return rest.substr(0, 10) == "migrate:up" || rest.substr(0, 12) == "migrate:down";
}

}  // namespace

std::optional<Error> foreign_format_error(const std::string& name, const std::string& display_path,
                                          std::string_view bytes) {
  if (ends_with(name, ".up.sql") || ends_with(name, ".down.sql")) {
    return Error(ErrorKind::parse,
                 "named like a golang-migrate migration (.up.sql or .down.sql) and holds no -- +goose annotation: "
                 "gander reads goose's format and would run it as a plain SQL file, a .down.sql file going up; "
                 "nothing was run",
                 ErrorContext{display_path});
  }
  std::size_t line_number = 1;
  for (std::size_t start = 0; start < bytes.size(); ++line_number) {
    const std::size_t end = std::min(bytes.find('\n', start), bytes.size());
    if (is_dbmate_marker(bytes.substr(start, end - start))) {
      return Error(ErrorKind::parse,
                   "a dbmate section marker: gander reads goose's format and would run this file as one plain "
                   "SQL file, its down section going up too; nothing was run",
                   ErrorContext{display_path, line_number});
    }
    start = end + 1;
  }
  return std::nullopt;
}

}  // namespace gander
