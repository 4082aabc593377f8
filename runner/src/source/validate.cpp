#include <gander/validate.hpp>

#include <utility>

#include "listing.hpp"
#include "migration_set.hpp"

namespace gander {

std::vector<ValidationEntry> validate_source(const MigrationSource& source, const InspectOptions& options) {
  const std::vector<ListedFile> listing = list_in_order(source);
  std::vector<ValidationEntry> entries(listing.size());
  // Anything but a gander::Error stops validation, as it would a one-by-one loop.
  FirstProblem first_failure;
  load_files(source, listing, options, false, [&](std::size_t listing_index, LoadedFile&& file) {
    if (file.failure) return first_failure.offer(listing_index, file.failure);
    ValidationEntry& entry = entries[listing_index];
    entry.name = listing[listing_index].name;
    entry.display_path = listing[listing_index].display_path;
    entry.version = listing[listing_index].version;
    if (file.inspected && file.inspected->down_error) {
      file.error = std::move(file.inspected->down_error);
      file.inspected.reset();
    }
    if (file.inspected) entry.inspected = std::make_unique<InspectedMigration>(std::move(*file.inspected));
    if (file.error) entry.error = std::make_unique<Error>(file.error->with_file(entry.display_path));
  });
  first_failure.rethrow_if_any();
  return entries;
}

}  // namespace gander
