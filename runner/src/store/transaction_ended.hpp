#pragma once

// docs/operations.md, integrity rules: a migration never ends gander's transaction.
// The Migrator refuses transaction control in a transactional migration
// before it runs; each store also checks, after every statement in its
// transaction, that the transaction is still open, and throws this.

#include <gander/error.hpp>

namespace gander::detail {

Error transaction_ended_error();

}  // namespace gander::detail
