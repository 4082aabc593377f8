#include "table_drop_check.hpp"

#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

#include "util/sql_scanner.hpp"

namespace gander::detail {

namespace {

// The scanner keeps a statement's first words, upper-cased; a schema and
// the table it qualifies are two words.
bool concerns_table(const std::vector<std::string>& words, const std::string& table) {
  if (words.size() < 3 || words[1] != "TABLE") return false;
  if (words[0] == "DROP") return has_word(words, 2, table);
  if (words[0] != "ALTER") return false;
  std::size_t name = 2;
  if (words.size() > name + 1 && words[name] == "IF" && words[name + 1] == "EXISTS") name += 2;
  if (words.size() > name && words[name] == "ONLY") ++name;
  // "schema.table": the table is the word after the schema.
  const bool is_named =
      (words.size() > name && words[name] == table) || (words.size() > name + 1 && words[name + 1] == table);
  if (!is_named) return false;
  const auto rename = std::find(words.begin() + static_cast<std::ptrdiff_t>(name), words.end(), "RENAME");
  return rename != words.end() && rename + 1 != words.end() && *(rename + 1) == "TO";
}

}  // namespace

bool drops_or_renames_table(std::string_view sql, std::string_view table) {
  // An unquoted name on PostgreSQL is folded to lower case: one with capitals
  // can only be named quoted, which the scanner does not read as a word.
  if (std::any_of(table.begin(), table.end(), [](unsigned char c) { return std::isupper(c) != 0; })) return false;
  const std::string wanted = upper_ascii(table);
  const std::vector<ScannedStatement> statements = scan_statements(sql);
  return std::any_of(statements.begin(), statements.end(),
                     [&](const ScannedStatement& statement) { return concerns_table(statement.words, wanted); });
}

}  // namespace gander::detail
