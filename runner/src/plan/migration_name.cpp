#include <gander/migration_name.hpp>

#include <limits>

#include <gander/error.hpp>

namespace gander {

namespace {

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

// Stores the version of `name` and returns nullptr, or returns why there is none.
const char* parse_version(std::string_view name, std::int64_t& version) {
  std::size_t digits = 0;
  while (digits < name.size() && name[digits] >= '0' && name[digits] <= '9') ++digits;
  if (digits == 0) return "migration file name must start with its version number (e.g. 00001_create_users.sql)";
  constexpr std::int64_t k_max = std::numeric_limits<std::int64_t>::max();
  version = 0;
  for (std::size_t i = 0; i < digits; ++i) {
    const int digit = name[i] - '0';
    if (version > (k_max - digit) / 10) return "version number does not fit in a signed 64-bit integer";
    version = version * 10 + digit;
  }
  return version == 0 ? "version must be greater than 0" : nullptr;
}

}  // namespace

bool is_sql_file_name(std::string_view name) { return ends_with(name, ".sql"); }

bool is_go_migration_name(std::string_view name) {
  if (!ends_with(name, ".go") || ends_with(name, "_test.go")) return false;
  const std::size_t separator = name.find('_');
  if (separator == std::string_view::npos) return false;
  const std::string_view number = name.substr(0, separator);
  std::int64_t version = 0;
  // The whole part before '_' must be the number, as goose's strconv.ParseInt requires.
  return parse_version(number, version) == nullptr && number.find_first_not_of("0123456789") == std::string_view::npos;
}

bool is_migration_file_name(std::string_view name) { return is_sql_file_name(name) || is_go_migration_name(name); }

std::int64_t migration_version(std::string_view name) {
  std::int64_t version = 0;
  if (const char* problem = parse_version(name, version)) {
    throw Error(ErrorKind::parse, problem, ErrorContext{std::string(name)});
  }
  return version;
}

std::optional<std::int64_t> migration_version_if_valid(std::string_view name) {
  std::int64_t version = 0;
  if (parse_version(name, version) != nullptr) return std::nullopt;
  return version;
}

bool is_notx_name(std::string_view name) { return ends_with(name, "_notx.sql"); }

bool migration_order_less(std::int64_t left_version, std::string_view left_name, std::int64_t right_version,
                          std::string_view right_name) {
  if (left_version != right_version) return left_version < right_version;
  return left_name < right_name;
}

bool listing_order_less(const std::optional<std::int64_t>& left_version, std::string_view left_name,
                        const std::optional<std::int64_t>& right_version, std::string_view right_name) {
  if (left_version.has_value() != right_version.has_value()) return left_version.has_value();
  if (!left_version) return left_name < right_name;
  return migration_order_less(*left_version, left_name, *right_version, right_name);
}

}  // namespace gander
