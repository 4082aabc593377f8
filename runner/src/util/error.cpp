#include <gander/error.hpp>

#include <utility>

namespace gander {

namespace {

std::string render(const ErrorContext& context, const std::string& message) {
  std::string out;
  if (context.file) {
    out += *context.file;
    if (context.line) out += ":" + std::to_string(*context.line);
    out += ": ";
  }
  if (context.statement_index) out += "statement " + std::to_string(*context.statement_index) + ": ";
  out += message;
  if (context.sqlstate) out += " [SQLSTATE " + *context.sqlstate + "]";
  return out;
}

}  // namespace

const char* to_string(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::checksum_mismatch: return "ChecksumMismatch";
    case ErrorKind::missing_file: return "MissingFile";
    case ErrorKind::partial: return "Partial";
    case ErrorKind::out_of_order: return "OutOfOrder";
    case ErrorKind::go_migration: return "GoMigration";
    case ErrorKind::parse: return "Parse";
    case ErrorKind::sql: return "Sql";
    case ErrorKind::lock: return "Lock";
    case ErrorKind::connection: return "Connection";
    case ErrorKind::config: return "Config";
    case ErrorKind::io: return "Io";
  }
  return "Unknown";
}

Error::Error(ErrorKind kind, std::string message, ErrorContext context)
    : std::runtime_error(render(context, message)),
      m_kind(kind),
      m_context(std::move(context)),
      m_message(std::move(message)) {}

Error Error::with_file(std::string file) const {
  ErrorContext context = m_context;
  context.file = std::move(file);
  return Error(m_kind, m_message, std::move(context));
}

}  // namespace gander
