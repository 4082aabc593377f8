// Parse + checksum throughput on one migration file: reads it once, then
// times gander's parser and checksum on the bytes in memory, each alone and
// together as gander runs them (inspect_bytes: checksummed on a second
// thread while parsed, for a large file).
//   gander_bench_parse FILE [ROUNDS]

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <string_view>

#include <gander/checksum/checksum.hpp>
#include <gander/inspect.hpp>

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

}  // namespace

int main(int argc, char* argv[]) {
  if (argc < 2) {
    std::cerr << "usage: gander_bench_parse FILE [ROUNDS]\n";
    return 2;
  }
  const int rounds = argc > 2 ? std::max(1, std::atoi(argv[2])) : 5;
  std::ifstream file(argv[1], std::ios::binary);
  if (!file) {
    std::cerr << "gander_bench_parse: cannot open " << argv[1] << "\n";
    return 2;
  }
  const std::string contents((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  const std::string_view bytes = contents;
  double best_parse = 1e300;
  double best_checksum = 1e300;
  double best_combined = 1e300;
  double first_combined = 0;
  std::size_t statements = 0;
  for (int round = 0; round < rounds; ++round) {
    // Combined first, so that its first round meets memory as fresh as a
    // service start does.
    auto start = Clock::now();
    const gander::InspectedMigration inspected = gander::inspect_bytes("1_bench.sql", argv[1], bytes, {{}, false});
    const double combined = seconds_since(start);
    if (round == 0) first_combined = combined;
    best_combined = std::min(best_combined, combined);

    start = Clock::now();
    const gander::parser::ParseResult parsed = gander::parser::parse_migration(bytes, {});
    best_parse = std::min(best_parse, seconds_since(start));

    start = Clock::now();
    const std::string checksum = gander::checksum::file_checksum(bytes);
    best_checksum = std::min(best_checksum, seconds_since(start));

    if (parsed.error || checksum != inspected.checksum) {
      std::cerr << "parse failed at line " << (parsed.error ? parsed.error->line : 0) << "\n";
      return 1;
    }
    statements = parsed.migration.up.size() + parsed.migration.down.size();
  }
  const double megabytes = static_cast<double>(bytes.size()) / 1e6;
  std::cout << "bytes=" << bytes.size() << " statements=" << statements << " rounds=" << rounds << "\n"
            << "parse_mb_per_s=" << megabytes / best_parse << "\n"
            << "checksum_mb_per_s=" << megabytes / best_checksum << "\n"
            << "parse_and_checksum_mb_per_s=" << megabytes / best_combined
            << " (inspect_bytes: NUL scan, parse, checksum on a second thread)\n"
            << "parse_and_checksum_first_round_mb_per_s=" << megabytes / first_combined << "\n";
  return 0;
}
