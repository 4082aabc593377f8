#pragma once

// goose's rules for the single lines of a migration file, for tools that
// walk a file line by line and must agree with parse_migration about every
// line: where the lines are, which lines are annotations, and at which lines
// goose ends a statement. `gander lint` uses them to find statements that
// goose cuts in two. parse_migration is built on the same functions.

#include <optional>
#include <string_view>
#include <vector>

namespace gander::parser {

enum class Annotation { up, down, statement_begin, statement_end, no_transaction, envsub_on, envsub_off };

// The lines of a migration file as parse_migration numbers them: a leading
// UTF-8 byte-order mark skipped, split on '\n' with one trailing '\r'
// dropped, a last line without '\n' counted. Line N is element N-1; the
// views point into `text`.
std::vector<std::string_view> migration_lines(std::string_view text);

// The annotation `line` holds, or nullopt when it holds none. A line that
// looks like an annotation but that goose rejects (`-- +goose Upp`) is
// nullopt too: parse_migration reports it, so a caller that walks the lines
// of a file that parsed never meets one.
std::optional<Annotation> goose_annotation(std::string_view line);

// True when goose ends a statement at `line` (outside a StatementBegin/End
// block): the last word before the first word that starts with "--" ends
// in ';'. Words are split on Go whitespace.
bool ends_goose_statement(std::string_view line);

}  // namespace gander::parser
