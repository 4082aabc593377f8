#include "sqlite_dsn.hpp"

#include <gander/error.hpp>
#include <string_view>

namespace gander::detail {

namespace {

constexpr std::string_view k_uri_scheme = "file:";

char to_lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

std::string lowercase(std::string text) {
  for (char& c : text) c = to_lower(c);
  return text;
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  c = to_lower(c);
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

// Go's url.QueryUnescape, leaving a malformed escape as it is: the value is
// validated afterwards anyway.
std::string query_unescape(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+') {
      out += ' ';
    } else if (text[i] == '%' && i + 2 < text.size() && hex_digit(text[i + 1]) >= 0 && hex_digit(text[i + 2]) >= 0) {
      out += static_cast<char>(hex_digit(text[i + 1]) * 16 + hex_digit(text[i + 2]));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

bool is_identifier(std::string_view text) {
  if (text.empty() || (text.front() >= '0' && text.front() <= '9')) return false;
  for (const char c : text) {
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

// A PRAGMA argument: a word or a (possibly negative) number.
bool is_pragma_value(std::string_view text) {
  if (!text.empty() && text.front() == '-') text.remove_prefix(1);
  if (text.empty()) return false;
  for (const char c : text) {
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

Error option_error(const std::string& key, const std::string& value, const std::string& expected) {
  return Error(ErrorKind::config, "invalid SQLite DSN option " + key + "=" + value + ": expected " + expected);
}

// mattn's boolean spellings.
std::string boolean_pragma(const std::string& pragma, const std::string& key, const std::string& value) {
  const std::string word = lowercase(value);
  if (word == "1" || word == "yes" || word == "true" || word == "on") return "PRAGMA " + pragma + " = ON";
  if (word == "0" || word == "no" || word == "false" || word == "off") return "PRAGMA " + pragma + " = OFF";
  throw option_error(key, value, "one of 1, yes, true, on, 0, no, false, off");
}

std::string journal_mode_pragma(const std::string& key, const std::string& value) {
  const std::string mode = lowercase(value);
  for (const char* known : {"delete", "truncate", "persist", "memory", "wal", "off"}) {
    if (mode == known) return "PRAGMA journal_mode = " + mode;
  }
  throw option_error(key, value, "one of DELETE, TRUNCATE, PERSIST, MEMORY, WAL, OFF");
}

// modernc's _pragma=name(value), or a bare name.
std::string named_pragma(const std::string& key, const std::string& value) {
  const std::size_t open = value.find('(');
  if (open == std::string::npos) {
    if (is_identifier(value)) return "PRAGMA " + value;
  } else if (value.back() == ')') {
    const std::string name = value.substr(0, open);
    const std::string argument = value.substr(open + 1, value.size() - open - 2);
    if (is_identifier(name) && is_pragma_value(argument)) return "PRAGMA " + name + "(" + argument + ")";
  }
  throw option_error(key, value, "name(value) with a name of letters, digits and '_' and a word or number as value");
}

}  // namespace

SqliteDsn parse_sqlite_dsn(const std::string& dsn) {
  SqliteDsn parsed;
  const bool is_uri = dsn.compare(0, k_uri_scheme.size(), k_uri_scheme) == 0;
  // As in the Go drivers, a '?' that starts the DSN begins a file name.
  const std::size_t question = dsn.find('?');
  if (question == std::string::npos || question == 0) {
    parsed.open_name = dsn;
    return parsed;
  }
  parsed.open_name = is_uri ? dsn : dsn.substr(0, question);

  const std::string_view query = std::string_view(dsn).substr(question + 1);
  std::size_t start = 0;
  while (start <= query.size()) {
    std::size_t end = query.find('&', start);
    if (end == std::string_view::npos) end = query.size();
    const std::string_view pair = query.substr(start, end - start);
    start = end + 1;
    const std::size_t equals = pair.find('=');
    const std::string key = query_unescape(pair.substr(0, equals));
    const std::string value = equals == std::string_view::npos ? "" : query_unescape(pair.substr(equals + 1));
    if (key == "_foreign_keys" || key == "_fk") {
      parsed.pragmas.push_back(boolean_pragma("foreign_keys", key, value));
    } else if (key == "_journal_mode" || key == "_journal") {
      parsed.pragmas.push_back(journal_mode_pragma(key, value));
    } else if (key == "_pragma") {
      parsed.pragmas.push_back(named_pragma(key, value));
    }
  }
  return parsed;
}

}  // namespace gander::detail
