#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <gander/parser/line_rules.hpp>

namespace gander::parser::detail {

using parser::Annotation;

// goose treats a line as an annotation when, trimmed, it starts with "--"
// and it contains "+goose" anywhere (case-sensitive).
bool is_annotation_line(std::string_view line);

struct AnnotationResult {
  std::optional<Annotation> annotation;
  std::string error;  // set when the line is an annotation line goose rejects
};

// Reads an annotation line as goose does: no leading space or tab; every "--"
// and the first "+goose" removed; the rest, trimmed, compared
// case-insensitively with the seven known annotations.
AnnotationResult read_annotation(std::string_view line);

}  // namespace gander::parser::detail
