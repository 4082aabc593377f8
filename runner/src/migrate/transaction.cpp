#include "transaction.hpp"

#include "util/broken_invariant.hpp"

namespace gander {

void Transaction::commit() {
  if (m_is_committed) detail::broken_invariant("a transaction committed twice");
  m_store.commit();
  m_is_committed = true;
}

}  // namespace gander
