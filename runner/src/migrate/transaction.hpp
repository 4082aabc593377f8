#pragma once

#include "store/store.hpp"

namespace gander {

// A database transaction on a Store: begun by the constructor, rolled back
// by the destructor unless commit() succeeded, so every way out of a scope
// (an error, a cancel) leaves nothing half-written.
class Transaction {
 public:
  explicit Transaction(Store& store) : m_store(store) { m_store.begin(); }
  ~Transaction() {
    if (!m_is_committed) m_store.rollback();
  }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  // Throws what Store::commit() throws; committing twice is a bug (std::logic_error).
  void commit();

 private:
  Store& m_store;
  bool m_is_committed = false;
};

}  // namespace gander
