#pragma once

// Statements that control transactions (docs/operations.md, integrity rules). gander
// runs a transactional migration in a transaction of its own and writes the
// migration's tracking row in it; a migration's own COMMIT would end that
// transaction early, so its statements would commit apart from its row.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gander::detail {

// The transaction-control statement a statement's first words (upper-cased,
// as SqlScanner keeps them) make, by the name a message uses: "BEGIN",
// "START TRANSACTION", "COMMIT", "END", "ROLLBACK", "ABORT", "SAVEPOINT",
// "RELEASE", "PREPARE TRANSACTION"; nullopt for any other statement. Inside
// a trigger's or a function's body these words are not statements.
std::optional<std::string> transaction_control(const std::vector<std::string>& words);

struct TransactionControlStatement {
  std::size_t line;  // within the text, from 1
  std::string name;  // as transaction_control() names it
};

// The first transaction-control statement of `sql`, a statement as goose
// splits it (it may hold several).
std::optional<TransactionControlStatement> find_transaction_control(std::string_view sql);

}  // namespace gander::detail
