#pragma once

// docs/operations.md, "The tracking table"'s tracking table, written once for both backends: every
// column's name and its definition in each dialect, in table order. The
// first k_legacy_column_count are what a legacy table already has; each
// later one has a NULL or constant default, so that it can be added to a
// legacy table in place without touching a row.

#include <cstddef>

namespace gander::detail {

struct TrackingColumn {
  const char* name;
  const char* postgres;
  const char* sqlite;
};

inline constexpr TrackingColumn k_tracking_columns[] = {
    {"filename", "TEXT PRIMARY KEY", "TEXT PRIMARY KEY NOT NULL"},
    {"checksum", "TEXT NOT NULL", "TEXT NOT NULL"},
    {"applied_at", "TIMESTAMPTZ NOT NULL DEFAULT now()",
     "TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))"},
    {"version", "BIGINT", "INTEGER"},
    {"execution_ms", "BIGINT", "INTEGER"},
    {"state", "TEXT NOT NULL DEFAULT 'applied'", "TEXT NOT NULL DEFAULT 'applied'"},
    {"up_checksum", "TEXT", "TEXT"},
    {"statements_done", "BIGINT", "INTEGER"},
    // NULL or 'up': being applied; 'down': being rolled back.
    {"direction", "TEXT", "TEXT"},
    // A partial migration's statement that was sent and whose outcome is not known.
    {"statement_started", "BIGINT", "INTEGER"},
};

inline constexpr std::size_t k_legacy_column_count = 3;

}  // namespace gander::detail
