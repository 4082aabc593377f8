#include "migrator_options.hpp"

#include <cctype>
#include <cstdint>

#include <gander/error.hpp>

namespace gander::cli {

namespace {

constexpr const char* k_default_sqlite_path = "gander.db";

bool looks_like_postgres(const std::string& dsn) {
  return dsn.rfind("postgres://", 0) == 0 || dsn.rfind("postgresql://", 0) == 0 ||
         (dsn.find('=') != std::string::npos && dsn.rfind("file:", 0) != 0);
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
  options.driver = cli.driver;
  if (options.driver.empty()) options.driver = looks_like_postgres(cli.dsn) ? "postgres" : "sqlite3";
  if (options.dsn.empty() && driver_from_name(options.driver) == Driver::sqlite) {
    options.dsn = k_default_sqlite_path;
  }
  options.table = cli.table;
  options.lock_timeout = parse_duration(cli.lock_timeout, "--lock-timeout");
  options.connect_timeout = parse_duration(cli.connect_timeout, "--connect-timeout");
  options.statement_timeout = parse_duration(cli.statement_timeout, "--statement-timeout");
  if (cli.lock_method == "advisory") {
    options.lock_method = LockMethod::advisory;
  } else if (cli.lock_method == "table") {
    options.lock_method = LockMethod::table;
  } else {
    throw Error(ErrorKind::config, "invalid --lock '" + cli.lock_method + "': use advisory or table");
  }
  options.allow_out_of_order = cli.allows_out_of_order;
  options.strict_checksums = cli.is_strict_checksums;
  options.is_strict = cli.is_strict;
  options.is_dry_run = cli.is_dry_run;
  options.resume_partial = cli.resumes_partial;
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
