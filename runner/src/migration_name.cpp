#include <gander/migration_name.hpp>

#include <limits>

#include <gander/error.hpp>

namespace gander {

namespace {

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

}  // namespace

bool is_sql_file_name(std::string_view name) { return ends_with(name, ".sql"); }

std::int64_t migration_version(std::string_view name) {
  const auto fail = [&](const std::string& why) {
    return Error(ErrorKind::parse, why, ErrorContext{std::string(name)});
  };
  std::size_t digits = 0;
  while (digits < name.size() && name[digits] >= '0' && name[digits] <= '9') ++digits;
  if (digits == 0) {
    throw fail("migration file name must start with its version number (e.g. 00001_create_users.sql)");
  }
  constexpr std::int64_t k_max = std::numeric_limits<std::int64_t>::max();
  std::int64_t version = 0;
  for (std::size_t i = 0; i < digits; ++i) {
    const int digit = name[i] - '0';
    if (version > (k_max - digit) / 10) throw fail("version number does not fit in a signed 64-bit integer");
    version = version * 10 + digit;
  }
  if (version == 0) throw fail("version must be greater than 0");
  return version;
}

bool is_notx_name(std::string_view name) { return ends_with(name, "_notx.sql"); }

bool migration_order_less(std::int64_t left_version, std::string_view left_name, std::int64_t right_version,
                          std::string_view right_name) {
  if (left_version != right_version) return left_version < right_version;
  return left_name < right_name;
}

}  // namespace gander
