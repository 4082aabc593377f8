#include "transaction.hpp"

#include <gander/error.hpp>

namespace gander {

void Transaction::commit() {
  if (m_is_committed) throw Error(ErrorKind::config, "internal error: transaction committed twice");
  m_store.commit();
  m_is_committed = true;
}

}  // namespace gander
