#pragma once

// The `state` and `direction` columns of the tracking table (docs/operations.md, "The tracking table"), as
// gander writes them: 'applied' or 'partial'; NULL, 'up' or 'down'. A row
// edited by hand or by another tool may hold anything; such rows are
// refused, each named, rather than guessed at: an unknown state taken for
// applied would skip a migration that never ran.

#include <optional>
#include <string>
#include <string_view>

namespace gander::detail {

class RowStates {
 public:
  explicit RowStates(std::string table) : m_table(std::move(table)) {}

  // Whether the row of `filename` is partial. A state gander never writes
  // (NULL included) is noted for throw_if_unknown() and counts as partial.
  bool is_partial(std::string_view filename, const std::optional<std::string_view>& state);

  // Whether the partial row of `filename` was rolling back: its direction
  // is 'down'. NULL (a row an older gander wrote) and 'up' mean applying;
  // anything else is noted for throw_if_unknown().
  bool is_rolling_back(std::string_view filename, const std::optional<std::string_view>& direction);

  // Throws Error{config} naming every row whose state or direction gander
  // never writes.
  void throw_if_unknown() const;

 private:
  std::string m_table;
  std::string m_unknown;  // one line per row
  std::size_t m_unknown_count = 0;
};

}  // namespace gander::detail
