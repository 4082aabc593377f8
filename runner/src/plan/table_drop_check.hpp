#pragma once

// Whether a migration's SQL drops or renames gander's own tracking table
// (docs/operations.md, "The tracking table"). A transactional migration that does is caught when its row
// cannot be written, and rolled back whole; one that runs outside a
// transaction could not be undone, so it is checked before it runs.

#include <string_view>

namespace gander::detail {

// True when `sql` (a statement as goose splits it, which may hold several)
// holds `DROP TABLE ... <table>` or `ALTER TABLE [IF EXISTS] [ONLY] <table>
// ... RENAME TO`, with the table named unquoted, with or without a schema.
// `table` is the tracking table's name without its schema; it matches a
// name the way an unquoted identifier does on PostgreSQL (folded to lower
// case), which on SQLite, where case never matters, misses only a table
// named with capitals. Comments, strings and quoted identifiers are read
// as SQL reads them.
bool drops_or_renames_table(std::string_view sql, std::string_view table);

}  // namespace gander::detail
