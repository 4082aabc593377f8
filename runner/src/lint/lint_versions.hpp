#pragma once

// The rules of `gander lint` about a directory's versions taken together:
// one version shared by several files, 14-digit versions that are no real
// time, and sequential and timestamp versions mixed (with whether
// `gander fix` would keep the order).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <gander/lint.hpp>

#include "source/listing.hpp"

namespace gander::detail {

// The findings of each file, at the file's index.
using FindingsByFile = std::vector<std::vector<LintFinding>>;

// Adds the findings of the version rules to the files they concern.
// `files` are in listing order (listing_order_less).
void check_versions(const std::vector<ListedFile>& files, FindingsByFile& findings);

}  // namespace gander::detail
