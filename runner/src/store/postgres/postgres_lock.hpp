#pragma once

// The PostgreSQL migration lock (docs/operations.md, "Locking"), in its two forms.
//
// Both forms start from the tracking table as the server resolves it
// (resolve_table), so `schema_migrations` and `public.schema_migrations`
// take one lock.
//
// advisory: a session-level advisory lock whose key is the first 8 bytes of
// SHA-256("gander:" + the resolved table, "schema.name", or only "name" in
// the schema public), read as a big-endian signed 64-bit integer. Two
// gander runs on one database and table contend for it; runs with other
// tables do not. It is polled with pg_try_advisory_lock in autocommit,
// never waited for with pg_advisory_lock: a waiter holds no transaction and
// no snapshot, so it cannot block the holder's CREATE INDEX CONCURRENTLY.
// It is taken only on the server session the connection keeps: behind a
// pooler in transaction or statement mode it is refused (§6 "Poolers").
//
// table: the row id = 1 of <table>_lock in the resolved table's schema, for
// PostgreSQL-compatible databases without advisory locks. The row names its
// holder, and its server session unless the connection goes through a
// pooler; a row whose session has ended is taken over, any other row of a
// killed process stays, and the timeout message says how to remove it.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "store/store.hpp"

#include "postgres_connection.hpp"

namespace gander::detail {

// `table` with the schema the server resolves it in; as it is when it names
// one, or when search_path names no schema that exists.
TableName resolve_table(PostgresConnection& connection, const TableName& table);

// The advisory lock key of a resolved table, as documented above.
std::int64_t advisory_lock_key(const TableName& resolved);

// Who holds the lock of `method` for `table` now, without taking it; none
// when nobody does (or, for the table lock, when its table does not exist).
std::optional<std::string> postgres_lock_holder(PostgresConnection& connection, const TableName& table,
                                                LockMethod method);

// Takes the lock by options.method on `connection`, which must have no open
// transaction, waiting up to options.timeout. Throws Error{lock} on timeout,
// naming the holder; Error{config} when <table>_lock would be too long a
// name, or for the advisory lock behind a transaction pooler. The lock
// keeps `connection` alive until it is released.
std::unique_ptr<StoreLock> take_postgres_lock(const std::shared_ptr<PostgresConnection>& connection,
                                              const TableName& table, const LockOptions& options);

}  // namespace gander::detail
