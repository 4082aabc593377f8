// Parse + checksum throughput on one migration file: reads it once, then
// times gander's parser and checksum on the bytes in memory.
//   gander_bench_parse FILE [ROUNDS]

#include <chrono>
#include <cstdlib>
#include <iostream>

#include <gander/checksum/checksum.hpp>
#include <gander/inspect.hpp>

int main(int argc, char* argv[]) {
  if (argc < 2) {
    std::cerr << "usage: gander_bench_parse FILE [ROUNDS]\n";
    return 2;
  }
  const int rounds = argc > 2 ? std::atoi(argv[2]) : 5;
  const std::string bytes = gander::read_file(argv[1]);
  double best_parse = 1e300;
  double best_checksum = 1e300;
  std::size_t statements = 0;
  for (int round = 0; round < rounds; ++round) {
    const auto start = std::chrono::steady_clock::now();
    const gander::parser::ParseResult parsed = gander::parser::parse_migration(bytes, {});
    const auto parsed_at = std::chrono::steady_clock::now();
    const std::string checksum = gander::checksum::file_checksum(bytes);
    const auto done = std::chrono::steady_clock::now();
    if (parsed.error || checksum.size() != 64) {
      std::cerr << "parse failed at line " << (parsed.error ? parsed.error->line : 0) << "\n";
      return 1;
    }
    statements = parsed.migration.up.size() + parsed.migration.down.size();
    best_parse = std::min(best_parse, std::chrono::duration<double>(parsed_at - start).count());
    best_checksum = std::min(best_checksum, std::chrono::duration<double>(done - parsed_at).count());
  }
  const double megabytes = static_cast<double>(bytes.size()) / 1e6;
  std::cout << "bytes=" << bytes.size() << " statements=" << statements << " rounds=" << rounds << "\n"
            << "parse_mb_per_s=" << megabytes / best_parse << "\n"
            << "checksum_mb_per_s=" << megabytes / best_checksum << "\n"
            << "parse_and_checksum_mb_per_s=" << megabytes / (best_parse + best_checksum) << "\n";
  return 0;
}
