#include <gander/parser/line_rules.hpp>

#include "annotation.hpp"
#include "line_reader.hpp"
#include "statement_end.hpp"

namespace gander::parser {

std::vector<std::string_view> migration_lines(std::string_view text) {
  if (text.substr(0, detail::k_bom.size()) == detail::k_bom) text.remove_prefix(detail::k_bom.size());
  std::vector<std::string_view> lines;
  detail::LineReader reader(text);
  std::string_view line;
  std::size_t number = 0;
  while (reader.next(line, number)) lines.push_back(line);
  return lines;
}

std::optional<Annotation> goose_annotation(std::string_view line) {
  if (!detail::is_annotation_line(line)) return std::nullopt;
  return detail::read_annotation(line).annotation;
}

bool ends_goose_statement(std::string_view line) { return detail::ends_with_semicolon(line); }

}  // namespace gander::parser
