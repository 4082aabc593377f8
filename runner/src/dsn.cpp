#include "dsn.hpp"

#include <algorithm>
#include <vector>

#include <gander/store.hpp>

namespace gander {

namespace {

// Where a password sits in a DSN: the bytes that redaction replaces, and the
// password itself (without quotes or escapes, percent-decoded in a URL).
struct PasswordSpan {
  std::size_t begin = 0;
  std::size_t size = 0;
  std::string value;
};

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// A URL component as libpq decodes it; a malformed escape stays as written.
std::string percent_decoded(const std::string& text) {
  std::string decoded;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && hex_digit(text[i + 1]) >= 0 && hex_digit(text[i + 2]) >= 0) {
      decoded += static_cast<char>(hex_digit(text[i + 1]) * 16 + hex_digit(text[i + 2]));
      i += 2;
    } else {
      decoded += text[i];
    }
  }
  return decoded;
}

// scheme://user:password@host/...: the userinfo ends at the last '@' before
// the path.
void find_url_password(const std::string& dsn, std::vector<PasswordSpan>& spans) {
  const std::size_t scheme = dsn.find("://");
  if (scheme == std::string::npos) return;
  const std::size_t authority = scheme + 3;
  const std::size_t path = dsn.find_first_of("/?", authority);
  const std::size_t at = dsn.rfind('@', path == std::string::npos ? std::string::npos : path);
  if (at == std::string::npos || at <= authority) return;
  const std::size_t colon = dsn.find(':', authority);
  if (colon == std::string::npos || colon >= at) return;
  spans.push_back({colon + 1, at - colon - 1, percent_decoded(dsn.substr(colon + 1, at - colon - 1))});
}

// The values after `password=` in a libpq key/value string, quoted or not,
// or in a URL's query.
void find_keyword_passwords(const std::string& dsn, std::vector<PasswordSpan>& spans) {
  const std::string key = "password";
  const bool is_url = dsn.find("://") != std::string::npos;
  std::size_t from = 0;
  while ((from = dsn.find(key, from)) != std::string::npos) {
    const bool starts_word = from == 0 || dsn[from - 1] == ' ' || dsn[from - 1] == '?' || dsn[from - 1] == '&';
    std::size_t value = from + key.size();
    while (value < dsn.size() && dsn[value] == ' ') ++value;
    if (!starts_word || value >= dsn.size() || dsn[value] != '=') {
      from += key.size();
      continue;
    }
    ++value;
    while (value < dsn.size() && dsn[value] == ' ') ++value;
    std::size_t end = value;
    std::string password;
    if (end < dsn.size() && dsn[end] == '\'') {
      ++end;
      while (end < dsn.size() && dsn[end] != '\'') {
        if (dsn[end] == '\\' && end + 1 < dsn.size()) ++end;
        password += dsn[end++];
      }
      end = std::min(end + 1, dsn.size());
    } else {
      while (end < dsn.size() && dsn[end] != ' ' && dsn[end] != '&') ++end;
      password = dsn.substr(value, end - value);
      if (is_url) password = percent_decoded(password);
    }
    spans.push_back({value, end - value, password});
    from = end;
  }
}

std::vector<PasswordSpan> password_spans(const std::string& dsn) {
  std::vector<PasswordSpan> spans;
  find_url_password(dsn, spans);
  find_keyword_passwords(dsn, spans);
  std::sort(spans.begin(), spans.end(),
            [](const PasswordSpan& a, const PasswordSpan& b) { return a.begin < b.begin; });
  return spans;
}

void replace_all(std::string& text, const std::string& secret) {
  if (secret.empty()) return;
  std::size_t at = 0;
  while ((at = text.find(secret, at)) != std::string::npos) {
    text.replace(at, secret.size(), "***");
    at += 3;
  }
}

}  // namespace

std::string redact_dsn(const std::string& dsn) {
  std::string redacted = dsn;
  const std::vector<PasswordSpan> spans = password_spans(dsn);
  // Back to front, so the offsets of the spans not yet replaced still hold.
  for (auto span = spans.rbegin(); span != spans.rend(); ++span) redacted.replace(span->begin, span->size, "***");
  return redacted;
}

namespace detail {

std::string scrub_dsn_passwords(std::string text, const std::string& dsn) {
  for (const PasswordSpan& span : password_spans(dsn)) {
    replace_all(text, dsn.substr(span.begin, span.size));
    replace_all(text, span.value);
  }
  return text;
}

}  // namespace detail

}  // namespace gander
