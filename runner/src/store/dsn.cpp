#include "dsn.hpp"

#include <libpq-fe.h>

#include <algorithm>
#include <cstring>
#include <memory>

#include <gander/error.hpp>
#include "store/store.hpp"

namespace gander {

namespace {

constexpr const char* k_hidden = "***";

// libpq's key=value syntax separates pairs by C's isspace().
constexpr const char* k_libpq_spaces = " \t\n\v\f\r";

bool starts_with(const std::string& text, const char* prefix) {
  return text.compare(0, std::char_traits<char>::length(prefix), prefix) == 0;
}

bool is_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_space(char c) { return c != '\0' && std::strchr(k_libpq_spaces, c) != nullptr; }

std::string lowercase(std::string text) {
  for (char& c : text) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  return text;
}

// The scheme of `dsn` when it starts with "scheme://" (RFC 3986: a letter,
// then letters, digits, '+', '-' or '.'); empty otherwise.
std::string url_scheme(const std::string& dsn) {
  if (dsn.empty() || !is_letter(dsn[0])) return {};
  std::size_t end = 1;
  while (end < dsn.size() &&
         (is_letter(dsn[end]) || is_digit(dsn[end]) || dsn[end] == '+' || dsn[end] == '-' || dsn[end] == '.')) {
    ++end;
  }
  return dsn.compare(end, 3, "://") == 0 ? dsn.substr(0, end) : std::string();
}

// libpq's key=value pairs start, after any space, with a keyword and '='.
bool starts_with_keyword(const std::string& dsn) {
  std::size_t at = dsn.find_first_not_of(k_libpq_spaces);
  if (at == std::string::npos || !(is_letter(dsn[at]) || dsn[at] == '_')) return false;
  while (at < dsn.size() && (is_letter(dsn[at]) || is_digit(dsn[at]) || dsn[at] == '_')) ++at;
  at = dsn.find_first_not_of(k_libpq_spaces, at);
  return at != std::string::npos && dsn[at] == '=';
}

struct ConninfoFree {
  void operator()(PQconninfoOption* options) const noexcept { PQconninfoFree(options); }
};
using Conninfo = std::unique_ptr<PQconninfoOption, ConninfoFree>;

struct LibpqFree {
  void operator()(char* text) const noexcept { PQfreemem(text); }
};

// PQconninfoParse(`dsn`); null with libpq's message in `error` when it refuses.
Conninfo parse_with_libpq(const std::string& dsn, std::string& error) {
  char* raw_error = nullptr;
  Conninfo options(PQconninfoParse(dsn.c_str(), &raw_error));
  const std::unique_ptr<char, LibpqFree> owned_error(raw_error);
  if (!options) error = raw_error != nullptr ? raw_error : "out of memory";
  return options;
}

bool is_secret(const PQconninfoOption& option) {
  return option.dispchar != nullptr && std::string(option.dispchar).find('*') != std::string::npos;
}

std::vector<detail::DsnOption> options_of(const PQconninfoOption* options) {
  std::vector<detail::DsnOption> set;
  for (const PQconninfoOption* option = options; option->keyword != nullptr; ++option) {
    if (option->val != nullptr) set.push_back({option->keyword, option->val, is_secret(*option)});
  }
  return set;
}

// Whether libpq hides the option `keyword` (its list, from parsing nothing).
bool is_secret_keyword(const std::string& keyword) {
  static const std::vector<std::string> secrets = [] {
    std::vector<std::string> keywords;
    std::string error;
    const Conninfo all = parse_with_libpq("", error);
    for (const PQconninfoOption* option = all.get(); option != nullptr && option->keyword != nullptr; ++option) {
      if (is_secret(*option)) keywords.emplace_back(option->keyword);
    }
    return keywords;
  }();
  return std::find(secrets.begin(), secrets.end(), keyword) != secrets.end();
}

// One name=value of a URL's query, its value hidden when libpq keeps the
// option secret or the name is percent-encoded (libpq decodes it); one
// without '=' is hidden whole: it may be the rest of a value holding '&'.
std::string redacted_parameter(const std::string& parameter) {
  if (parameter.empty()) return parameter;
  const std::size_t equals = parameter.find('=');
  if (equals == std::string::npos) return k_hidden;
  const std::string name = parameter.substr(0, equals);
  if (name.find('%') == std::string::npos && !is_secret_keyword(name)) return parameter;
  return name + "=" + k_hidden;
}

// A URL with its password hidden, and all of its user info when where the
// password ends is unclear (the user name then holds '/', '?', '#' or '@').
// The user info ends at the last '@': a password may hold an unencoded
// '@', and hiding too much is safe where hiding too little is not.
std::string redacted_url(const std::string& url) {
  const std::size_t authority = url.find("://") + 3;
  const std::size_t at = url.rfind('@');
  std::string shown = url.substr(0, authority);
  std::size_t rest = authority;
  if (at != std::string::npos) {
    const std::string user_info = url.substr(authority, at - authority);
    const std::size_t colon = user_info.find(':');
    const std::string user = user_info.substr(0, colon);
    if (user.find_first_of("/?#@") != std::string::npos) {
      shown += k_hidden;
    } else {
      shown += user + (colon == std::string::npos ? "" : std::string(":") + k_hidden);
    }
    shown += '@';
    rest = at + 1;
  }
  const std::size_t query = url.find('?', rest);
  shown += url.substr(rest, query == std::string::npos ? std::string::npos : query - rest);
  if (query == std::string::npos) return shown;
  shown += '?';
  for (std::size_t from = query + 1; from <= url.size();) {
    std::size_t end = url.find('&', from);
    if (end == std::string::npos) end = url.size();
    shown += redacted_parameter(url.substr(from, end - from));
    if (end < url.size()) shown += '&';
    from = end + 1;
  }
  return shown;
}

// libpq quotes in its message the piece of a DSN it refuses, and that piece
// may be (part of) a password. A quoted piece stays only where it cannot
// be: a keyword written before '=' (invalid connection option "passwrd"),
// or a lone punctuation mark (missing "=" after ...).
std::string without_quoted_secrets(const std::string& message, const std::string& dsn) {
  const auto is_written_as_keyword = [&dsn](const std::string& piece) {
    if (piece.empty() || !(is_letter(piece[0]) || piece[0] == '_')) return false;
    for (const char c : piece) {
      if (!(is_letter(c) || is_digit(c) || c == '_')) return false;
    }
    for (std::size_t at = dsn.find(piece); at != std::string::npos; at = dsn.find(piece, at + 1)) {
      const bool starts_pair = at == 0 || is_space(dsn[at - 1]) || dsn[at - 1] == '?' || dsn[at - 1] == '&';
      const std::size_t after = dsn.find_first_not_of(k_libpq_spaces, at + piece.size());
      if (starts_pair && after != std::string::npos && dsn[after] == '=') return true;
    }
    return false;
  };
  std::string shown;
  std::size_t from = 0;
  while (true) {
    const std::size_t open = message.find('"', from);
    const std::size_t close = open == std::string::npos ? std::string::npos : message.find('"', open + 1);
    if (close == std::string::npos) {
      shown += message.substr(from);
      break;
    }
    const std::string piece = message.substr(open + 1, close - open - 1);
    const bool is_mark = piece.size() == 1 && !is_letter(piece[0]) && !is_digit(piece[0]);
    shown += message.substr(from, open + 1 - from) + (is_mark || is_written_as_keyword(piece) ? piece : k_hidden) + '"';
    from = close + 1;
  }
  while (!shown.empty() && is_space(shown.back())) shown.pop_back();
  return shown;
}

// libpq reads the user info of a URL up to its first '@', or finds none
// when a '/' comes first; gander's redaction reads it up to the last '@'.
// Where the two differ, a password holding an unencoded '@' or '/' would
// become part of the host or database name, and from there of libpq's
// messages: such a URL is refused before libpq sees it.
void refuse_split_user_info(const std::string& url) {
  const std::size_t authority = url.find("://") + 3;
  const std::size_t first = url.find_first_of("@/", authority);
  const std::size_t libpq_at = first != std::string::npos && url[first] == '@' ? first : std::string::npos;
  if (libpq_at == url.rfind('@')) return;
  throw Error(ErrorKind::config,
              "invalid PostgreSQL URL " + redacted_url(url) +
                  ": an '@' follows its first '@' or '/', so libpq would cut the user name or password short and "
                  "read the rest as host or database name; percent-encode '@' as %40 and '/' as %2F in the user "
                  "name, the password and parameter values");
}

std::string quoted_value(const std::string& value) {
  if (!value.empty() && value.find_first_of(std::string(k_libpq_spaces) + "'\\") == std::string::npos) return value;
  std::string quoted = "'";
  for (const char c : value) {
    if (c == '\'' || c == '\\') quoted += '\\';
    quoted += c;
  }
  return quoted + "'";
}

Error foreign_url_error(const std::string& dsn) {
  const std::string scheme = url_scheme(dsn);
  std::string message = "unsupported scheme " + scheme + ":// in " + redacted_url(dsn) +
                        ": gander serves PostgreSQL (postgres:// or postgresql:// URLs, or libpq key=value pairs) "
                        "and SQLite (a file path or a file: URI)";
  if (starts_with(lowercase(scheme), "postgre")) message += "; libpq reads the scheme in lower case only";
  return Error(ErrorKind::config, message);
}

}  // namespace

namespace detail {

DsnShape dsn_shape(const std::string& dsn) {
  if (starts_with(dsn, "postgres://") || starts_with(dsn, "postgresql://")) return DsnShape::postgres_url;
  const std::string scheme = url_scheme(dsn);
  if (!scheme.empty()) return scheme == "file" ? DsnShape::sqlite : DsnShape::foreign_url;
  if (starts_with(dsn, "file:")) return DsnShape::sqlite;
  return starts_with_keyword(dsn) ? DsnShape::postgres_keywords : DsnShape::sqlite;
}

std::vector<DsnOption> parse_postgres_dsn(const std::string& dsn) {
  const bool is_url = dsn_shape(dsn) == DsnShape::postgres_url;
  if (is_url) refuse_split_user_info(dsn);
  std::string error;
  const Conninfo parsed = parse_with_libpq(dsn, error);
  if (!parsed) {
    throw Error(ErrorKind::config,
                (is_url ? "invalid PostgreSQL URL " + redacted_url(dsn) : std::string("invalid PostgreSQL DSN")) +
                    ": " + without_quoted_secrets(error, dsn));
  }
  return options_of(parsed.get());
}

std::string keyword_string(const std::vector<DsnOption>& options) {
  std::string text;
  for (const DsnOption& option : options) {
    text += (text.empty() ? "" : " ") + option.keyword + "=" + quoted_value(option.value);
  }
  return text;
}

std::string scrub_secrets(std::string text, const std::vector<DsnOption>& options) {
  for (const DsnOption& option : options) {
    if (!option.is_secret || option.value.empty()) continue;
    for (std::size_t at = text.find(option.value); at != std::string::npos; at = text.find(option.value, at)) {
      text.replace(at, option.value.size(), k_hidden);
      at += std::char_traits<char>::length(k_hidden);
    }
  }
  return text;
}

}  // namespace detail

std::string redact_dsn(const std::string& dsn) {
  switch (detail::dsn_shape(dsn)) {
    case detail::DsnShape::sqlite: return dsn;
    case detail::DsnShape::postgres_url:
    case detail::DsnShape::foreign_url: return redacted_url(dsn);
    case detail::DsnShape::postgres_keywords: break;
  }
  std::string error;
  const Conninfo parsed = parse_with_libpq(dsn, error);
  if (!parsed) return "(key=value pairs that libpq cannot parse)";
  std::vector<detail::DsnOption> options = options_of(parsed.get());
  for (detail::DsnOption& option : options) {
    if (option.is_secret) option.value = k_hidden;
  }
  return detail::keyword_string(options);
}

Driver select_driver(const std::string& driver_name, const std::string& dsn) {
  const detail::DsnShape shape = detail::dsn_shape(dsn);
  if (shape == detail::DsnShape::foreign_url) throw foreign_url_error(dsn);
  if (driver_name.empty()) return shape == detail::DsnShape::sqlite ? Driver::sqlite : Driver::postgres;
  const std::optional<Driver> driver = driver_from_name(driver_name);
  if (!driver) {
    throw Error(ErrorKind::config,
                "unknown driver '" + driver_name + "': use postgres (or postgresql, pgx) or sqlite3 (or sqlite)");
  }
  if (driver == Driver::sqlite && shape != detail::DsnShape::sqlite) {
    throw Error(ErrorKind::config,
                "driver " + driver_name + " was given a PostgreSQL DSN (" + redact_dsn(dsn) +
                    "), which SQLite would take for a file name: give driver postgres, or no driver (a SQLite file "
                    "whose name starts like key=value is opened as a file: URI, e.g. file:name)");
  }
  return *driver;
}

Driver driver_for_dsn(const std::string& dsn) { return select_driver("", dsn); }

}  // namespace gander
