#include "git_release.hpp"

#include <algorithm>
#include <string_view>

#include <gander/amendments.hpp>
#include <gander/error.hpp>
#include <gander/migration_name.hpp>

#include "util/git_command.hpp"

namespace gander::detail {

namespace {

struct TreeEntry {
  std::string name;
  std::string object_id;
};

std::string trimmed_git_message(const std::string& text) {
  const std::size_t end = text.find_last_not_of(" \t\r\n");
  return end == std::string::npos ? std::string() : text.substr(0, end + 1);
}

// The work tree's top and `dir` relative to it, as git sees them (symbolic
// links and `..` resolved).
void locate(const std::string& dir, ReleasedTree& tree) {
  const GitOutput result = run_git({"-C", dir, "rev-parse", "--show-toplevel", "--show-prefix"});
  if (result.exit_status != 0) {
    throw Error(ErrorKind::config,
                "comparing with a git base needs the migrations directory inside a git work tree, and git says: " +
                    trimmed_git_message(result.err),
                ErrorContext{dir});
  }
  const std::size_t first_end = result.out.find('\n');
  if (first_end == std::string::npos) throw Error(ErrorKind::io, "unexpected output from git rev-parse");
  tree.toplevel = result.out.substr(0, first_end);
  const std::size_t second_end = result.out.find('\n', first_end + 1);
  tree.prefix = result.out.substr(first_end + 1,
                                  second_end == std::string::npos ? std::string::npos : second_end - first_end - 1);
}

// A hint for a REF that is missing: CI checkouts are often shallow or hold
// one branch, so the base must be fetched first.
std::string fetch_hint(const std::string& ref) {
  constexpr std::string_view remote_prefix = "origin/";
  if (ref.rfind(remote_prefix, 0) == 0 && ref.size() > remote_prefix.size()) {
    const std::string branch = ref.substr(remote_prefix.size());
    return "; fetch it first, e.g. 'git fetch --depth 1 origin " + branch + ":refs/remotes/origin/" + branch +
           "' (a shallow clone is enough)";
  }
  return "; fetch it first (a shallow clone is enough), or check its spelling";
}

std::string resolve_commit(const std::string& dir, const std::string& ref, const std::string& toplevel) {
  const GitOutput result =
      run_git({"-C", dir, "rev-parse", "--verify", "--quiet", "--end-of-options", ref + "^{commit}"});
  if (result.exit_status != 0 || result.out.empty()) {
    throw Error(ErrorKind::config,
                "the git base '" + ref + "' is not a commit in the repository at " + toplevel + fetch_hint(ref));
  }
  return result.out.substr(0, result.out.find('\n'));
}

// The regular files directly inside the directory at `commit`, from
// `git ls-tree -z`: "<mode> <type> <object>\t<path>\0" per entry.
std::vector<TreeEntry> list_files(const std::string& dir, const ReleasedTree& tree) {
  std::vector<std::string> args = {"--literal-pathspecs", "-C", dir, "ls-tree", "-z", "--full-tree", tree.commit};
  if (!tree.prefix.empty()) {
    args.push_back("--");
    args.push_back(tree.prefix);
  }
  const std::string listing = git_output(args);
  std::vector<TreeEntry> entries;
  std::string_view rest = listing;
  while (!rest.empty()) {
    const std::size_t end = rest.find('\0');
    const std::string_view record = rest.substr(0, end);
    rest.remove_prefix(end == std::string_view::npos ? rest.size() : end + 1);
    const std::size_t tab = record.find('\t');
    if (tab == std::string_view::npos) continue;
    const std::string_view header = record.substr(0, tab);
    const std::string_view path = record.substr(tab + 1);
    const bool is_regular_blob = header.rfind("100644 blob ", 0) == 0 || header.rfind("100755 blob ", 0) == 0;
    if (!is_regular_blob || path.size() <= tree.prefix.size()) continue;
    const std::string_view name = path.substr(tree.prefix.size());
    if (name.find('/') != std::string_view::npos) continue;
    entries.push_back(TreeEntry{std::string(name), std::string(header.substr(header.rfind(' ') + 1))});
  }
  return entries;
}

// The contents of `object_ids`, in order, through one `git cat-file
// --batch`: "<object> <type> <size>\n<bytes>\n" per object.
std::vector<std::string> read_blobs(const std::string& dir, const std::vector<std::string>& object_ids) {
  if (object_ids.empty()) return {};
  std::string input;
  for (const std::string& id : object_ids) input += id + "\n";
  const std::string output = git_output({"-C", dir, "cat-file", "--batch"}, input);
  std::vector<std::string> blobs;
  std::size_t position = 0;
  for (const std::string& id : object_ids) {
    const std::size_t header_end = output.find('\n', position);
    const std::string header = output.substr(position, header_end - position);
    const std::size_t size_start = header.rfind(' ');
    if (header_end == std::string::npos || header.rfind(id + " blob ", 0) != 0 || size_start == std::string::npos) {
      throw Error(ErrorKind::io, "git cat-file did not return the blob " + id + ": " + header);
    }
    const std::size_t size = std::stoull(header.substr(size_start + 1));
    if (header_end + 1 + size > output.size()) {
      throw Error(ErrorKind::io, "git cat-file returned a truncated blob " + id);
    }
    blobs.push_back(output.substr(header_end + 1, size));
    position = header_end + 1 + size + 1;
  }
  return blobs;
}

}  // namespace

ReleasedTree read_released_tree(const std::string& dir, const std::string& ref) {
  ReleasedTree tree;
  locate(dir, tree);
  tree.commit = resolve_commit(dir, ref, tree.toplevel);
  std::vector<TreeEntry> entries = list_files(dir, tree);
  entries.erase(std::remove_if(entries.begin(), entries.end(),
                               [](const TreeEntry& entry) {
                                 return !is_migration_file_name(entry.name) && entry.name != k_amendments_file_name;
                               }),
                entries.end());
  std::sort(entries.begin(), entries.end(),
            [](const TreeEntry& left, const TreeEntry& right) { return left.name < right.name; });
  std::vector<std::string> object_ids;
  object_ids.reserve(entries.size());
  for (const TreeEntry& entry : entries) object_ids.push_back(entry.object_id);
  std::vector<std::string> blobs = read_blobs(dir, object_ids);
  for (std::size_t i = 0; i < entries.size(); ++i) {
    if (entries[i].name == k_amendments_file_name) tree.amendments = std::move(blobs[i]);
    else tree.sql_files.push_back(ReleasedFileBytes{entries[i].name, std::move(blobs[i])});
  }
  return tree;
}

}  // namespace gander::detail
