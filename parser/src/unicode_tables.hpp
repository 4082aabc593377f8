#pragma once

#include <cstddef>

namespace gander::parser::detail {

// Closed codepoint interval [lo, hi], sorted and non-overlapping in a table.
struct CodepointRange {
  char32_t lo;
  char32_t hi;
};

// Unicode general categories L* (Go's unicode.IsLetter) and N* (unicode.IsNumber).
extern const CodepointRange k_letter_ranges[];
extern const std::size_t k_letter_range_count;
extern const CodepointRange k_number_ranges[];
extern const std::size_t k_number_range_count;

}  // namespace gander::parser::detail
