#include "transaction_control.hpp"

#include "util/sql_scanner.hpp"

namespace gander::detail {

std::optional<std::string> transaction_control(const std::vector<std::string>& words) {
  if (words.empty()) return std::nullopt;
  const std::string& first = words[0];
  const bool is_followed_by_transaction = words.size() > 1 && words[1] == "TRANSACTION";
  if (first == "START" && is_followed_by_transaction) return std::string("START TRANSACTION");
  if (first == "PREPARE" && is_followed_by_transaction) return std::string("PREPARE TRANSACTION");
  for (const char* name : {"BEGIN", "COMMIT", "END", "ROLLBACK", "ABORT", "SAVEPOINT", "RELEASE"}) {
    if (first == name) return first;
  }
  return std::nullopt;
}

std::optional<TransactionControlStatement> find_transaction_control(std::string_view sql) {
  for (const ScannedStatement& statement : scan_statements(sql)) {
    if (std::optional<std::string> name = transaction_control(statement.words)) {
      return TransactionControlStatement{statement.line, std::move(*name)};
    }
  }
  return std::nullopt;
}

}  // namespace gander::detail
