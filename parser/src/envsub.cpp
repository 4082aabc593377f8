#include <gander/parser/envsub.hpp>

#include <cstdint>
#include <limits>
#include <memory>
#include <vector>

#include <gander/parser/go_text.hpp>

namespace gander::parser {

namespace {

constexpr char32_t k_eof = static_cast<char32_t>(-1);

struct Expansion;

// A sequence of literal text and expansions, as goose's library models it.
struct Expression {
  struct Item {
    std::string text;
    std::unique_ptr<Expansion> expansion;
  };
  std::vector<Item> items;
};

struct Expansion {
  enum class Kind { variable, default_if_empty, default_if_unset, substring, required };
  Kind kind = Kind::variable;
  std::string identifier;
  Expression content;  // the default word or the required message
  std::int64_t offset = 0;
  std::int64_t length = 0;
  bool has_length = false;
};

// Thrown inside this file only, to unwind the recursive descent; converted to
// SubstitutionResult::error at the API boundary.
struct SubstitutionFailure {
  std::string message;
};

// Go's fmt "%c": invalid runes (including end of input) print as U+FFFD.
std::string format_rune(char32_t rune) {
  std::string out;
  const bool is_valid = rune <= 0x10FFFF && !(rune >= 0xD800 && rune <= 0xDFFF);
  append_rune(out, is_valid ? rune : k_rune_error);
  return out;
}

bool starts_with(std::string_view text, std::string_view prefix) { return text.substr(0, prefix.size()) == prefix; }

// strconv.Atoi on a 64-bit platform, with its error text.
std::int64_t go_atoi(std::string_view text, const char* what) {
  const auto fail = [&](const char* reason) -> SubstitutionFailure {
    return {std::string("Unable to parse ") + what + ": strconv.Atoi: parsing " + go_quote(text) + ": " + reason};
  };
  std::string_view digits = text;
  bool is_negative = false;
  if (!digits.empty() && (digits.front() == '+' || digits.front() == '-')) {
    is_negative = digits.front() == '-';
    digits.remove_prefix(1);
  }
  if (digits.empty()) throw fail("invalid syntax");
  const std::uint64_t limit = is_negative ? std::uint64_t{1} << 63 : (std::uint64_t{1} << 63) - 1;
  std::uint64_t value = 0;
  bool is_out_of_range = false;
  for (const char c : digits) {
    if (c < '0' || c > '9') throw fail("invalid syntax");
    if (value > (limit - static_cast<std::uint64_t>(c - '0')) / 10) is_out_of_range = true;
    if (!is_out_of_range) value = value * 10 + static_cast<std::uint64_t>(c - '0');
  }
  if (is_out_of_range) throw fail("value out of range");
  if (is_negative)
    return value == (std::uint64_t{1} << 63) ? std::numeric_limits<std::int64_t>::min()
                                             : -static_cast<std::int64_t>(value);
  return static_cast<std::int64_t>(value);
}

class ExpressionParser {
 public:
  explicit ExpressionParser(std::string_view input) : m_input(input) {}

  Expression parse_expression(char32_t stop = k_eof) {
    Expression expression;
    for (;;) {
      const char32_t c = peek();
      if (c == k_eof || (stop != k_eof && c == stop)) break;
      const std::string_view rest = m_input.substr(m_pos);
      if (starts_with(rest, "\\\\")) {
        m_pos += 2;
        expression.items.push_back({"\\\\", nullptr});
        continue;
      }
      if (starts_with(rest, "\\$") || starts_with(rest, "$$")) {
        m_pos += 2;
        expression.items.push_back({"$", nullptr});
        continue;
      }
      if (starts_with(rest, "$(")) {
        m_pos += 2;
        expression.items.push_back({"$(", nullptr});
        continue;
      }
      if (c == U'$' && m_pos + 1 < m_input.size()) {
        expression.items.push_back({{}, std::make_unique<Expansion>(parse_expansion())});
        continue;
      }
      // Literal text: one rune (re-encoded, so an invalid byte becomes
      // U+FFFD as in Go), then everything up to the next '$', '\' or stop.
      std::string text = format_rune(next());
      text += scan_until([stop](char32_t r) { return r == U'$' || r == U'\\' || (stop != k_eof && r == stop); });
      expression.items.push_back({std::move(text), nullptr});
    }
    return expression;
  }

 private:
  Expansion parse_expansion() {
    next();  // the '$'
    if (peek() == U'{') return parse_brace_expansion();
    Expansion expansion;
    expansion.identifier = scan_identifier();
    return expansion;
  }

  Expansion parse_brace_expansion() {
    next();  // the '{'
    Expansion expansion;
    expansion.identifier = scan_identifier();
    if (peek() == U'}') {
      next();
      return expansion;
    }
    const char32_t op = next();
    if (op == U':' && peek() == U'-') {
      next();
      expansion.kind = Expansion::Kind::default_if_empty;
      expansion.content = parse_expression(U'}');
    } else if (op == U':') {
      expansion.kind = Expansion::Kind::substring;
      parse_substring(expansion);
    } else if (op == U'-') {
      expansion.kind = Expansion::Kind::default_if_unset;
      expansion.content = parse_expression(U'}');
    } else if (op == U'?') {
      expansion.kind = Expansion::Kind::required;
      expansion.content = parse_expression(U'}');
    } else {
      throw SubstitutionFailure{"Expected an operator, got " + format_rune(op)};
    }
    const char32_t close = next();
    if (close != U'}') throw SubstitutionFailure{"Expected brace expansion to end with }, got " + format_rune(close)};
    return expansion;
  }

  void parse_substring(Expansion& expansion) {
    const std::string offset = scan_until([](char32_t r) { return r == U':' || r == U'}'; });
    expansion.offset = go_atoi(trim_go_space(offset), "offset");
    if (peek() == U'}') return;
    next();
    const std::string length = scan_until([](char32_t r) { return r == U'}'; });
    expansion.length = go_atoi(trim_go_space(length), "length");
    expansion.has_length = true;
  }

  std::string scan_identifier() {
    const char32_t first = peek();
    if (first == k_eof || !is_go_letter(first)) {
      throw SubstitutionFailure{"Expected identifier to start with a letter, got " + format_rune(first)};
    }
    return scan_until([](char32_t r) { return !is_go_letter(r) && !is_go_number(r) && r != U'_'; });
  }

  // Consumes runes until `is_stop` holds or an invalid byte (Go's scanUntil
  // stops at utf8.RuneError as well).
  template <typename Predicate>
  std::string scan_until(Predicate is_stop) {
    const std::size_t start = m_pos;
    while (m_pos < m_input.size()) {
      const DecodedRune decoded = decode_rune(m_input, m_pos);
      if (decoded.rune == k_rune_error || is_stop(decoded.rune)) break;
      m_pos += decoded.size;
    }
    return std::string(m_input.substr(start, m_pos - start));
  }

  char32_t peek() const { return m_pos < m_input.size() ? decode_rune(m_input, m_pos).rune : k_eof; }

  char32_t next() {
    if (m_pos >= m_input.size()) return k_eof;
    const DecodedRune decoded = decode_rune(m_input, m_pos);
    m_pos += decoded.size;
    return decoded.rune;
  }

  std::string_view m_input;
  std::size_t m_pos = 0;
};

std::string expand(const Expression& expression, const EnvLookup& lookup);

std::string substring(const std::string& value, const Expansion& expansion) {
  const auto size = static_cast<std::int64_t>(value.size());
  std::int64_t from = expansion.offset;
  if (from < 0) from = from + size < 0 ? 0 : from + size;
  if (from > size) from = size;
  if (!expansion.has_length) return value.substr(static_cast<std::size_t>(from));
  std::int64_t to = 0;
  if (expansion.length >= 0) {
    to = expansion.length > size - from ? size : from + expansion.length;
  } else {
    to = expansion.length + size < from ? from : expansion.length + size;
  }
  return value.substr(static_cast<std::size_t>(from), static_cast<std::size_t>(to - from));
}

std::string expand(const Expansion& expansion, const EnvLookup& lookup) {
  const std::optional<std::string> value = lookup ? lookup(expansion.identifier) : std::nullopt;
  switch (expansion.kind) {
    case Expansion::Kind::variable: return value.value_or("");
    case Expansion::Kind::default_if_empty:
      return value && !value->empty() ? *value : expand(expansion.content, lookup);
    case Expansion::Kind::default_if_unset: return value ? *value : expand(expansion.content, lookup);
    case Expansion::Kind::substring: return substring(value.value_or(""), expansion);
    case Expansion::Kind::required:
      if (value) return *value;
      std::string message = expand(expansion.content, lookup);
      throw SubstitutionFailure{"$" + expansion.identifier + ": " + (message.empty() ? "not set" : message)};
  }
  return {};
}

std::string expand(const Expression& expression, const EnvLookup& lookup) {
  std::string out;
  for (const Expression::Item& item : expression.items) {
    out += item.expansion ? expand(*item.expansion, lookup) : item.text;
  }
  return out;
}

}  // namespace

SubstitutionResult substitute_env(std::string_view line, const EnvLookup& lookup) {
  try {
    // goose parses the whole line before expanding anything, so a syntax
    // error later in the line wins over a failed ${X?msg} earlier in it.
    const Expression expression = ExpressionParser(line).parse_expression();
    return {expand(expression, lookup), std::nullopt};
  } catch (const SubstitutionFailure& failure) {
    return {{}, failure.message};
  }
}

}  // namespace gander::parser
