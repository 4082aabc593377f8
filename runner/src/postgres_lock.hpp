#pragma once

// The PostgreSQL migration lock (DESIGN §6), in its two forms.
//
// advisory: a session-level advisory lock whose key is the first 8 bytes of
// SHA-256("gander:" + the table name as the user wrote it, e.g.
// "ops.schema_migrations"), read as a big-endian signed 64-bit integer. Two
// gander runs on one database and table contend for it; runs with other
// tables do not. It is polled with pg_try_advisory_lock in autocommit,
// never waited for with pg_advisory_lock: a waiter holds no transaction and
// no snapshot, so it cannot block the holder's CREATE INDEX CONCURRENTLY.
//
// table: the row id = 1 of <table>_lock in the tracking table's schema, for
// PostgreSQL-compatible databases without advisory locks. The row names its
// holder; a process killed while holding it leaves it behind, and the
// timeout message says how to remove it.

#include <cstdint>
#include <memory>

#include <gander/store.hpp>

#include "postgres_connection.hpp"

namespace gander::detail {

// The advisory lock key of `table`, as documented above.
std::int64_t advisory_lock_key(const TableName& table);

// Takes the lock by options.method on `connection`, which must have no open
// transaction, waiting up to options.timeout. Throws Error{lock} on timeout,
// naming the holder; Error{config} when <table>_lock would be too long a
// name. The lock keeps `connection` alive until it is released.
std::unique_ptr<StoreLock> take_postgres_lock(const std::shared_ptr<PostgresConnection>& connection,
                                              const TableName& table, const LockOptions& options);

}  // namespace gander::detail
