#include "statement_runner.hpp"

namespace gander {

namespace {

constexpr std::size_t k_max_excerpt_bytes = 80;

// The statement's first non-blank line, shortened, to recognize it in a log.
std::string first_line_of(const std::string& sql) {
  std::size_t begin = sql.find_first_not_of(" \t\r\n");
  if (begin == std::string::npos) return {};
  std::size_t end = sql.find_first_of("\r\n", begin);
  std::string line = sql.substr(begin, end == std::string::npos ? std::string::npos : end - begin);
  if (line.size() > k_max_excerpt_bytes) line = line.substr(0, k_max_excerpt_bytes) + "...";
  return line;
}

}  // namespace

void StatementRunner::run(const std::vector<parser::Statement>& statements, const std::string& consequence,
                          const Remedy& remedy, std::size_t first,
                          const std::function<void(std::size_t)>& on_start) const {
  for (std::size_t index = first; index < statements.size(); ++index) {
    const parser::Statement& statement = statements[index];
    ErrorContext context;
    context.file = m_display_path;
    context.line = statement.line;
    context.statement_index = index + 1;
    context.remedy = remedy;
    if (on_start) on_start(index + 1);
    try {
      if (m_is_cancelled) throw Error(ErrorKind::sql, "interrupted before it started");
      m_store.execute(statement.sql);
    } catch (const Error& error) {
      context.sqlstate = error.context().sqlstate;
      // A statement read under ENVSUB is quoted as written: its values may be secrets.
      std::string message = "`" + first_line_of(statement.written_first_line.value_or(statement.sql)) + "`: ";
      message += m_is_cancelled ? "interrupted (" + error.message() + ")" : error.message();
      message += "; " + consequence;
      throw Error(error.kind(), message, context);
    }
  }
}

Error interrupted_error(const std::string& name) {
  return Error(ErrorKind::sql, "interrupted before " + name + " started; it was not applied");
}

}  // namespace gander
