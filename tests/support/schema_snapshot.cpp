#include "schema_snapshot.hpp"

#include <filesystem>
#include <map>
#include <sstream>

#include <catch2/catch.hpp>

#include "run_process.hpp"

namespace gander::test {

namespace {

namespace fs = std::filesystem;

// The pg_dump of the newest installed major version (tools/lib/postgres.sh
// starts the server from the newest too; pg_dump refuses a newer server).
std::string find_pg_dump() {
  std::string best;
  long best_major = -1;
  std::error_code error;
  for (const fs::directory_entry& entry : fs::directory_iterator("/usr/lib/postgresql", error)) {
    const std::string name = entry.path().filename().string();
    const fs::path binary = entry.path() / "bin" / "pg_dump";
    if (name.empty() || name.find_first_not_of("0123456789.") != std::string::npos || !fs::exists(binary)) continue;
    const long major = std::stol(name);
    if (major > best_major) {
      best_major = major;
      best = binary.string();
    }
  }
  if (best.empty()) FAIL("pg_dump not found under /usr/lib/postgresql/*/bin: cannot take a schema snapshot");
  return best;
}

bool starts_with(const std::string& text, const std::string& prefix) {
  return text.compare(0, prefix.size(), prefix) == 0;
}

std::vector<std::string> postgres_snapshot(TestDatabase& database, const std::string& tracking_table) {
  const ProcessResult dump =
      start_process(find_pg_dump(), {"--schema-only", "--dbname=" + database.dsn(), "--exclude-table=" + tracking_table,
                                     "--exclude-table=" + tracking_table + "_lock"})
          .wait();
  INFO("pg_dump: " << dump.err);
  REQUIRE(dump.exit_code == 0);
  std::vector<std::string> lines;
  std::istringstream in(dump.out);
  std::string line;
  while (std::getline(in, line)) {
    if (starts_with(line, "\\restrict ") || starts_with(line, "\\unrestrict ")) continue;
    lines.push_back(line);
  }
  return lines;
}

std::vector<std::string> sqlite_snapshot(TestDatabase& database, const std::string& tracking_table) {
  // The table name is the test's own constant, never user input.
  const std::vector<Row> rows =
      database.query("SELECT type, name, tbl_name, sql FROM sqlite_master WHERE tbl_name NOT IN ('" + tracking_table +
                     "', '" + tracking_table + "_lock') ORDER BY type, name");
  std::vector<std::string> entries;
  for (const Row& row : rows) {
    std::string entry;
    for (std::size_t column = 0; column < row.size(); ++column) {
      if (column > 0) entry += '|';
      entry += row[column].value_or("NULL");
    }
    entries.push_back(std::move(entry));
  }
  return entries;
}

// The entries of `from` left once each entry of `minus` has cancelled one equal entry.
std::vector<std::string> multiset_minus(const std::vector<std::string>& from, const std::vector<std::string>& minus) {
  std::map<std::string, std::size_t> counts;
  for (const std::string& entry : minus) ++counts[entry];
  std::vector<std::string> left;
  for (const std::string& entry : from) {
    auto found = counts.find(entry);
    if (found != counts.end() && found->second > 0) {
      --found->second;
    } else {
      left.push_back(entry);
    }
  }
  return left;
}

}  // namespace

std::vector<std::string> schema_snapshot(TestDatabase& database, const std::string& tracking_table) {
  if (database.driver() == "postgres") return postgres_snapshot(database, tracking_table);
  return sqlite_snapshot(database, tracking_table);
}

SnapshotDifference compare_snapshots(const std::vector<std::string>& before, const std::vector<std::string>& after) {
  return {multiset_minus(before, after), multiset_minus(after, before)};
}

std::string describe(const SnapshotDifference& difference, std::size_t limit) {
  std::ostringstream text;
  const auto side = [&text, limit](const char* label, const std::vector<std::string>& entries) {
    text << entries.size() << " " << label << (entries.empty() ? "\n" : ":\n");
    for (std::size_t index = 0; index < entries.size() && index < limit; ++index)
      text << "  " << entries[index] << "\n";
    if (entries.size() > limit) text << "  ...\n";
  };
  side("only before", difference.only_before);
  side("only after", difference.only_after);
  return text.str();
}

}  // namespace gander::test
