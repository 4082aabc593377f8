#pragma once

// The two Store implementations, chosen by open_store().

#include <memory>

#include <gander/store.hpp>

namespace gander {

std::unique_ptr<Store> open_postgres_store(const StoreOptions& options, const TableName& table);
std::unique_ptr<Store> open_sqlite_store(const StoreOptions& options, const TableName& table);

}  // namespace gander
