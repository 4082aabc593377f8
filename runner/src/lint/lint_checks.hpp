#pragma once

// The checks behind lint_file, each over one parsed file: the walk over its
// lines as goose reads them (where goose cuts statements, $$ under ENVSUB),
// and the rules about the SQL statements that walk finds.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <gander/lint.hpp>
#include <gander/parser/migration.hpp>

#include "util/sql_scanner.hpp"

namespace gander::detail {

struct LineFindings {
  std::vector<LintFinding> findings;
  // The SQL statements of each section, up first; a plain file has one.
  std::vector<std::vector<ScannedStatement>> sections;
  std::size_t up_line = 1;  // the line of '-- +goose Up'
};

// Walks the lines of a file that parsed into `migration` with goose's rules
// (annotations, StatementBegin/End blocks, the lines that end a statement)
// and reports each statement goose cuts inside a construct the SQL has not
// closed, and each "$$" between ENVSUB ON and OFF.
LineFindings check_lines(const std::string& file, std::string_view bytes, const parser::Migration& migration);

// The rules about one section's statements: what cannot run in a
// transaction when `migration` runs in one, and PRAGMA foreign_keys.
std::vector<LintFinding> check_statements(const std::string& file, const std::vector<ScannedStatement>& statements,
                                          const parser::Migration& migration);

}  // namespace gander::detail
