#include "listing.hpp"

#include <algorithm>

#include <gander/migration_name.hpp>

namespace gander {

std::vector<ListedFile> list_in_order(const MigrationSource& source) {
  std::vector<ListedFile> listing;
  for (std::string& name : source.migration_file_names()) {
    std::string display_path = source.display_path(name);
    const std::optional<std::int64_t> version = migration_version_if_valid(name);
    listing.push_back(ListedFile{std::move(name), std::move(display_path), version});
  }
  const auto listed_before = [](const ListedFile& left, const ListedFile& right) {
    return listing_order_less(left.version, left.name, right.version, right.name);
  };
  // Sources list names sorted, and sequential versions sort the same way.
  if (!std::is_sorted(listing.begin(), listing.end(), listed_before)) {
    std::stable_sort(listing.begin(), listing.end(), listed_before);
  }
  return listing;
}

}  // namespace gander
