#include "annotation.hpp"

#include <gander/parser/go_text.hpp>

namespace gander::parser::detail {

namespace {

constexpr std::string_view k_marker = "+goose";

struct KnownAnnotation {
  std::string_view text;
  Annotation annotation;
};

constexpr KnownAnnotation k_known[] = {
    {"Up", Annotation::up},
    {"Down", Annotation::down},
    {"StatementBegin", Annotation::statement_begin},
    {"StatementEnd", Annotation::statement_end},
    {"NO TRANSACTION", Annotation::no_transaction},
    {"ENVSUB ON", Annotation::envsub_on},
    {"ENVSUB OFF", Annotation::envsub_off},
};

std::string remove_all(std::string_view text, std::string_view needle) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t pos = 0;;) {
    const std::size_t found = text.find(needle, pos);
    if (found == std::string_view::npos) {
      out.append(text.substr(pos));
      return out;
    }
    out.append(text.substr(pos, found - pos));
    pos = found + needle.size();
  }
}

}  // namespace

bool is_annotation_line(std::string_view line) {
  return trim_go_space(line).substr(0, 2) == "--" && line.find(k_marker) != std::string_view::npos;
}

AnnotationResult read_annotation(std::string_view line) {
  if (!line.empty() && (line.front() == ' ' || line.front() == '\t')) {
    return {std::nullopt, "annotation must start at the beginning of the line: " + go_quote(line)};
  }
  std::string command = remove_all(line, "--");
  command.erase(command.find(k_marker), k_marker.size());
  if (command.find(k_marker) != std::string::npos) {
    return {std::nullopt, "more than one '+goose' in one annotation: " + go_quote(line)};
  }
  const std::string_view trimmed = trim_go_space(command);
  if (trimmed.empty()) return {std::nullopt, "empty annotation: " + go_quote(line)};
  for (const KnownAnnotation& known : k_known) {
    if (equal_fold_ascii(trimmed, known.text)) return {known.annotation, {}};
  }
  return {std::nullopt,
          "unknown annotation " + go_quote(trimmed) +
              " (expected Up, Down, StatementBegin, StatementEnd, NO TRANSACTION, ENVSUB ON or ENVSUB OFF)"};
}

}  // namespace gander::parser::detail
