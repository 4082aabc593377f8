#include "recorded_output.hpp"

namespace gander::cli {

void print_recorded_without_running(std::ostream& out, const std::vector<std::string>& names, const std::string& what,
                                    bool is_dry_run) {
  const bool is_one = names.size() == 1;
  out << "gander: " << (is_dry_run ? "dry run: would record " : "recorded ") << names.size()
      << (is_one ? " migration " : " migrations ") << what << " without running " << (is_one ? "it" : "them")
      << (names.empty() ? "" : ":") << "\n";
  for (const std::string& name : names) out << "  " << name << "\n";
  if (is_dry_run) out << "gander: dry run: nothing was changed\n";
}

}  // namespace gander::cli
