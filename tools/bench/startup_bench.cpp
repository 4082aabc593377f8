// What a service pays on every start when nothing is pending: a fresh
// Migrator (so a new connection) and up(), timed from construction to
// destruction, RUNS times; then status() the same way. One untimed up()
// first applies whatever is pending, so the timed runs take the no-op path,
// and a timed run that applies anything fails the benchmark.
//   gander_bench_startup --driver NAME --db DSN --dir DIR [--runs N]

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <exception>
#include <iomanip>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include <gander/migrator.hpp>

namespace {

struct Arguments {
  std::string driver;
  std::string dsn;
  std::string dir;
  long runs = 5;
};

std::optional<Arguments> parse_arguments(int argc, char* argv[]) {
  Arguments arguments;
  for (int i = 1; i < argc; i += 2) {
    if (i + 1 == argc) return std::nullopt;
    const std::string flag = argv[i];
    const std::string value = argv[i + 1];
    if (flag == "--driver") {
      arguments.driver = value;
    } else if (flag == "--db") {
      arguments.dsn = value;
    } else if (flag == "--dir") {
      arguments.dir = value;
    } else if (flag == "--runs") {
      char* end = nullptr;
      arguments.runs = std::strtol(value.c_str(), &end, 10);
      if (*end != '\0' || arguments.runs < 1) return std::nullopt;
    } else {
      return std::nullopt;
    }
  }
  // No defaults: the library's would benchmark ./gander.db and ./migrations.
  if (arguments.driver.empty() || arguments.dsn.empty() || arguments.dir.empty()) return std::nullopt;
  return arguments;
}

// The destructor, which closes the connection, is timed too: a service pays it.
template <typename Operation>
double time_on_fresh_migrator(const gander::Options& options, Operation operation) {
  const auto start = std::chrono::steady_clock::now();
  {
    gander::Migrator migrator(options);
    operation(migrator);
  }
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

// The lower middle for an even count, as tools/bench/startup-cost reports
// whole-process runs, so the two rows compare like for like.
void print_summary(const char* label, std::vector<double> elapsed_ms) {
  std::sort(elapsed_ms.begin(), elapsed_ms.end());
  std::cout << label << " median=" << elapsed_ms[(elapsed_ms.size() - 1) / 2] << " min=" << elapsed_ms.front()
            << " max=" << elapsed_ms.back() << "\n";
}

long peak_rss_kb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;  // kilobytes on Linux
}

}  // namespace

int main(int argc, char* argv[]) {
  const std::optional<Arguments> arguments = parse_arguments(argc, argv);
  if (!arguments) {
    std::cerr << "usage: gander_bench_startup --driver NAME --db DSN --dir DIR [--runs N]\n";
    return 2;
  }
  gander::Options options;
  options.driver = arguments->driver;
  options.dsn = arguments->dsn;
  options.dir = arguments->dir;

  try {
    std::size_t applied_by_warm_up = 0;
    time_on_fresh_migrator(options,
                           [&](gander::Migrator& migrator) { applied_by_warm_up = migrator.up().steps.size(); });

    std::vector<double> up_ms;
    std::size_t applied_by_timed_runs = 0;
    for (long run = 0; run < arguments->runs; ++run) {
      up_ms.push_back(time_on_fresh_migrator(
          options, [&](gander::Migrator& migrator) { applied_by_timed_runs += migrator.up().steps.size(); }));
    }
    std::vector<double> status_ms;
    std::size_t migrations = 0;
    for (long run = 0; run < arguments->runs; ++run) {
      status_ms.push_back(time_on_fresh_migrator(
          options, [&](gander::Migrator& migrator) { migrations = migrator.status().migrations.size(); }));
    }

    std::cout << std::fixed << std::setprecision(2) << "migrations=" << migrations
              << " applied_by_warm_up=" << applied_by_warm_up << " runs=" << arguments->runs << "\n";
    print_summary("up_ms", up_ms);
    print_summary("status_ms", status_ms);
    std::cout << "peak_rss_kb=" << peak_rss_kb() << "\n";
    if (applied_by_timed_runs != 0) {
      std::cerr << "gander_bench_startup: the timed runs applied " << applied_by_timed_runs
                << " migrations; they must find nothing pending\n";
      return 1;
    }
  } catch (const std::exception& error) {
    std::cerr << "gander_bench_startup: " << error.what() << "\n";
    return 1;
  }
  return 0;
}
