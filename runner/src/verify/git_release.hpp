#pragma once

// The migrations directory as a git commit holds it: what was released at
// the base of a change (`gander verify --git-base REF`).

#include <optional>
#include <string>
#include <vector>

namespace gander::detail {

struct ReleasedFileBytes {
  std::string name;   // the file name inside the migrations directory
  std::string bytes;  // the blob as committed
};

struct ReleasedTree {
  std::string commit;                        // REF resolved to a full commit id
  std::string toplevel;                      // the work tree's top directory
  std::string prefix;                        // the migrations directory relative to it: "" or "db/migrations/"
  std::vector<ReleasedFileBytes> sql_files;  // every *.sql file directly in the directory, sorted by name
  std::optional<std::string> amendments;     // the bytes of gander.amend at the commit; none when absent
};

// Reads the *.sql files (regular files; symbolic links are not migrations
// there) and gander.amend that lie directly in `dir` at commit `ref`, from
// the repository that contains `dir`. A directory that does not exist at
// `ref` holds no files. Throws Error{config} when `dir` is not inside a git
// work tree, when `ref` names no commit there (saying how to fetch it in a
// shallow clone), or when git fails.
ReleasedTree read_released_tree(const std::string& dir, const std::string& ref);

}  // namespace gander::detail
