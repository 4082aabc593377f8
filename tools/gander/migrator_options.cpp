#include "migrator_options.hpp"

#include <algorithm>
#include <cctype>
#include <cstdint>

#include <gander/error.hpp>

namespace gander::cli {

namespace {

constexpr const char* k_default_sqlite_path = "gander.db";

// A statement of a migration, counted from 1, as --resume-from takes it.
std::int64_t parse_statement_number(const std::string& text, const std::string& flag) {
  const auto is_digit = [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; };
  const bool is_number = !text.empty() && text.size() <= 9 && std::all_of(text.begin(), text.end(), is_digit);
  const std::int64_t number = is_number ? std::stoll(text) : 0;
  if (number < 1) {
    throw Error(ErrorKind::config, "invalid " + flag + " '" + text + "': use a statement number, counted from 1");
  }
  return number;
}

}  // namespace

std::chrono::milliseconds parse_duration(const std::string& text, const std::string& flag) {
  const auto invalid = [&] {
    return Error(ErrorKind::config,
                 "invalid " + flag + " '" + text + "': use a number with ms, s, m or h (e.g. 90s, 5m)");
  };
  std::size_t digits = 0;
  while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits]))) ++digits;
  if (digits == 0 || digits > 9) throw invalid();
  const std::int64_t amount = std::stoll(text.substr(0, digits));
  const std::string unit = text.substr(digits);
  if (unit == "ms") return std::chrono::milliseconds(amount);
  if (unit == "s" || unit.empty()) return std::chrono::seconds(amount);
  if (unit == "m") return std::chrono::minutes(amount);
  if (unit == "h") return std::chrono::hours(amount);
  throw invalid();
}

Options migrator_options(const CliOptions& cli, std::ostream& err) {
  Options options;
  options.dir = cli.dir;
  options.outside_symlinks = cli.outside_symlinks;
  options.dsn = cli.dsn;
  if (options.dsn.empty() && (cli.driver.empty() || driver_from_name(cli.driver) == Driver::sqlite)) {
    options.dsn = k_default_sqlite_path;
  }
  // The library would choose the same driver; choosing it here refuses a bad
  // pair before anything is printed, and lets -v name the driver.
  const Driver driver = select_driver(cli.driver, options.dsn);
  options.driver = cli.driver.empty() ? (driver == Driver::postgres ? "postgres" : "sqlite3") : cli.driver;
  options.table = cli.table;
  options.lock_timeout = parse_duration(cli.lock_timeout, "--lock-timeout");
  options.connect_timeout = parse_duration(cli.connect_timeout, "--connect-timeout");
  options.statement_timeout = parse_duration(cli.statement_timeout, "--statement-timeout");
  options.ddl_lock_timeout = parse_duration(cli.ddl_lock_timeout, "--ddl-lock-timeout");
  if (cli.lock_method == "advisory") {
    options.lock_method = LockMethod::advisory;
  } else if (cli.lock_method == "table") {
    options.lock_method = LockMethod::table;
  } else {
    throw Error(ErrorKind::config, "invalid --lock '" + cli.lock_method + "': use advisory or table");
  }
  options.allow_out_of_order = cli.allows_out_of_order;
  options.strict_checksums = cli.strict_checksums;
  options.strict = cli.strict;
  options.dry_run = cli.dry_run;
  options.resume = cli.resumes_partial;
  if (!cli.resume_from.empty()) options.resume_from = parse_statement_number(cli.resume_from, "--resume-from");
  options.on_progress = [&err, connect_timeout = cli.connect_timeout](const ProgressEvent& event) {
    if (event.kind == ProgressEvent::Kind::waiting_for_database) {
      err << "gander: " << event.detail << "; retrying for up to " << connect_timeout << std::endl;
    } else if (event.kind == ProgressEvent::Kind::waiting_for_lock) {
      err << "gander: waiting for the migration lock, held by " << event.detail << std::endl;
    } else if (event.kind == ProgressEvent::Kind::warning) {
      err << "gander: warning: " << event.detail << std::endl;
    }
  };
  return options;
}

}  // namespace gander::cli
