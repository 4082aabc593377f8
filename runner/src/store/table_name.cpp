#include "store/store.hpp"

#include <gander/error.hpp>

namespace gander {

namespace {

constexpr std::size_t k_max_identifier_bytes = 63;  // PostgreSQL's NAMEDATALEN - 1

bool is_identifier(const std::string& part) {
  if (part.empty() || part.size() > k_max_identifier_bytes) return false;
  if (part.front() >= '0' && part.front() <= '9') return false;
  for (const char c : part) {
    const bool is_letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    if (!is_letter && !(c >= '0' && c <= '9') && c != '_') return false;
  }
  return true;
}

}  // namespace

std::string TableName::quoted() const { return schema ? "\"" + *schema + "\".\"" + name + "\"" : "\"" + name + "\""; }

std::string TableName::display() const { return schema ? *schema + "." + name : name; }

TableName parse_table_name(const std::string& text, bool allows_schema) {
  const std::size_t dot = text.find('.');
  TableName table;
  if (dot == std::string::npos) {
    table.name = text;
  } else {
    table.schema = text.substr(0, dot);
    table.name = text.substr(dot + 1);
  }
  const bool is_valid = is_identifier(table.name) && (!table.schema || is_identifier(*table.schema));
  if (!is_valid) {
    throw Error(ErrorKind::config, "invalid table name '" + text +
                                       "': use letters, digits and '_' (not first), at most 63 characters" +
                                       (allows_schema ? ", optionally as schema.table" : ""));
  }
  if (table.schema && !allows_schema) {
    throw Error(ErrorKind::config, "invalid table name '" + text + "': SQLite has no schemas; use a plain name");
  }
  return table;
}

}  // namespace gander
