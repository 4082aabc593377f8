#pragma once

// What a migration's file name means (docs/file-format.md). The name is the identity;
// the version is its leading decimal digits (`006b_x.sql` is version 6);
// files are ordered by version, then by name bytewise.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace gander {

// True for names of SQL migrations: they end in ".sql".
bool is_sql_file_name(std::string_view name);

// True for the names goose gives Go migrations, which gander lists and
// cannot run (docs/moving-from-goose.md): "<version>_<name>.go" where the
// part before the first '_' is a positive decimal number, and not a
// "_test.go" file. Other Go files (helpers, an embed.go) are ignored, as
// goose ignores them.
bool is_go_migration_name(std::string_view name);

// is_sql_file_name or is_go_migration_name: the files a source lists.
bool is_migration_file_name(std::string_view name);

// The version of a migration file name. Throws Error{parse} naming the file
// when the name does not start with a digit, or the version is 0 or does not
// fit in a signed 64-bit integer.
std::int64_t migration_version(std::string_view name);

// The version of a name, or nullopt where migration_version would throw.
std::optional<std::int64_t> migration_version_if_valid(std::string_view name);

// A plain file named *_notx.sql runs outside a transaction.
bool is_notx_name(std::string_view name);

// The order of migrations: by version, then by name bytewise.
bool migration_order_less(std::int64_t left_version, std::string_view left_name, std::int64_t right_version,
                          std::string_view right_name);

// The order in which files are listed when some names may carry no valid
// version (validate, lint): the migrations in migration order, then the
// other names bytewise.
bool listing_order_less(const std::optional<std::int64_t>& left_version, std::string_view left_name,
                        const std::optional<std::int64_t>& right_version, std::string_view right_name);

}  // namespace gander
