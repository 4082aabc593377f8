#pragma once

#include <optional>
#include <string>

#include "store/store.hpp"

namespace gander {

// The index name of `CREATE [UNIQUE] INDEX CONCURRENTLY [IF NOT EXISTS]
// name ...`, as written (quotes and schema kept); none for any other
// statement or an unnamed index.
std::optional<std::string> concurrently_created_index(const std::string& sql);

// What to do when `sql` failed after leaving an INVALID index behind, as a
// failed CREATE INDEX CONCURRENTLY does on PostgreSQL; empty when it did not.
// Never throws: it only adds to an error already being reported.
std::string invalid_index_note(Store& store, const std::string& sql) noexcept;

}  // namespace gander
