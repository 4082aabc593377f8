#include "row_state.hpp"

#include <gander/error.hpp>

namespace gander::detail {

bool RowStates::is_partial(std::string_view filename, const std::optional<std::string_view>& state) {
  if (state == std::optional<std::string_view>("applied")) return false;
  if (state == std::optional<std::string_view>("partial")) return true;
  ++m_unknown_count;
  m_unknown.append("\n  ").append(filename).append(": state ");
  if (state) m_unknown.append("'").append(*state).append("'");
  else m_unknown.append("NULL");
  return true;
}

bool RowStates::is_rolling_back(std::string_view filename, const std::optional<std::string_view>& direction) {
  if (!direction || *direction == "up") return false;
  if (*direction == "down") return true;
  ++m_unknown_count;
  m_unknown.append("\n  ").append(filename).append(": direction '").append(*direction).append("'");
  return false;
}

void RowStates::throw_if_unknown() const {
  if (m_unknown_count == 0) return;
  throw Error(ErrorKind::config,
              std::to_string(m_unknown_count) + (m_unknown_count == 1 ? " row" : " rows") + " of " + m_table +
                  " hold a state gander never writes (it writes state 'applied' or 'partial', and direction NULL, "
                  "'up' or 'down'): the table was changed by "
                  "hand or by another tool. Check the database, then set each to what is true:" +
                  m_unknown);
}

}  // namespace gander::detail
