#include "invalid_index.hpp"

#include <cctype>

namespace gander {

namespace {

bool is_space(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }

// Skips blanks and comments from `at`.
std::size_t skip_blanks(const std::string& sql, std::size_t at) {
  while (at < sql.size()) {
    if (is_space(sql[at])) {
      ++at;
    } else if (sql.compare(at, 2, "--") == 0) {
      const std::size_t end = sql.find('\n', at);
      at = end == std::string::npos ? sql.size() : end + 1;
    } else if (sql.compare(at, 2, "/*") == 0) {
      const std::size_t end = sql.find("*/", at + 2);
      at = end == std::string::npos ? sql.size() : end + 2;
    } else {
      break;
    }
  }
  return at;
}

// One word or (possibly schema-qualified, possibly quoted) name from `at`.
std::string read_word(const std::string& sql, std::size_t& at) {
  const std::size_t begin = at;
  while (at < sql.size() && !is_space(sql[at]) && sql[at] != '(' && sql[at] != ';') {
    if (sql[at] == '"') {
      // A quoted identifier may hold anything; "" is a quote inside it.
      for (++at; at < sql.size(); ++at) {
        if (sql[at] != '"') continue;
        if (at + 1 < sql.size() && sql[at + 1] == '"') {
          ++at;
        } else {
          break;
        }
      }
    }
    ++at;
  }
  return sql.substr(begin, at - begin);
}

bool equals_keyword(const std::string& word, const char* keyword) {
  std::size_t i = 0;
  for (; i < word.size() && keyword[i] != '\0'; ++i) {
    if (std::toupper(static_cast<unsigned char>(word[i])) != keyword[i]) return false;
  }
  return i == word.size() && keyword[i] == '\0';
}

}  // namespace

std::optional<std::string> concurrently_created_index(const std::string& sql) {
  std::size_t at = 0;
  const auto next = [&] {
    at = skip_blanks(sql, at);
    return read_word(sql, at);
  };
  if (!equals_keyword(next(), "CREATE")) return std::nullopt;
  std::string word = next();
  if (equals_keyword(word, "UNIQUE")) word = next();
  if (!equals_keyword(word, "INDEX") || !equals_keyword(next(), "CONCURRENTLY")) return std::nullopt;
  word = next();
  if (equals_keyword(word, "IF")) {
    if (!equals_keyword(next(), "NOT") || !equals_keyword(next(), "EXISTS")) return std::nullopt;
    word = next();
  }
  if (word.empty() || equals_keyword(word, "ON")) return std::nullopt;
  return word;
}

std::string invalid_index_note(Store& store, const std::string& sql) noexcept {
  try {
    const std::optional<std::string> name = concurrently_created_index(sql);
    if (!name || !store.is_invalid_index(*name)) return {};
    return "the index " + *name + " was left INVALID; drop it with 'DROP INDEX CONCURRENTLY " + *name +
           ";' before resuming it";
  } catch (...) {
    return {};
  }
}

}  // namespace gander
