#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <vector>

#include <gander/error.hpp>
#include <gander/parser/migration.hpp>
#include "store/store.hpp"

namespace gander {

// Runs a migration's statements one by one and turns a failure into the
// error docs/operations.md asks for: the file, the statement's number and line, its
// first line (as written in the file, before ENVSUB substitution), the
// database's message and SQLSTATE, and what became of the migration.
class StatementRunner {
 public:
  StatementRunner(Store& store, std::string display_path, const std::atomic<bool>& is_cancelled)
      : m_store(store), m_display_path(std::move(display_path)), m_is_cancelled(is_cancelled) {}

  // Runs the statements from index `first` on, calling `on_start(n)` just
  // before the n-th (counted from 1) is sent; what on_start throws passes
  // through as it is. Throws the store's Error{sql, lock or connection} with
  // the statement's context (its statement_index is n, its remedy `remedy`),
  // and `consequence` appended; Error{sql} "interrupted" when cancelled.
  void run(const std::vector<parser::Statement>& statements, const std::string& consequence, const Remedy& remedy = {},
           std::size_t first = 0, const std::function<void(std::size_t)>& on_start = {}) const;

 private:
  Store& m_store;
  std::string m_display_path;
  const std::atomic<bool>& m_is_cancelled;
};

// The error of a run stopped by Migrator::cancel() before `name` started.
Error interrupted_error(const std::string& name);

}  // namespace gander
