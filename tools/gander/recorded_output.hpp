#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace gander::cli {

// What baseline and adopt print: "gander: recorded N migrations WHAT without
// running them:", then one name a line; a dry run says "would record" and
// that nothing was changed.
void print_recorded_without_running(std::ostream& out, const std::vector<std::string>& names, const std::string& what,
                                    bool is_dry_run);

}  // namespace gander::cli
