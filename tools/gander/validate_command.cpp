// gander validate [--dir DIR]: parse every migration file, no database.

#include <iomanip>

#include <gander/error.hpp>
#include <gander/inspect.hpp>
#include <gander/validate.hpp>

#include "commands.hpp"
#include "exit_codes.hpp"
#include "json_writer.hpp"

namespace gander::cli {

namespace {

const char* kind_of(const InspectedMigration& inspected) {
  const parser::Migration& migration = inspected.migration;
  if (inspected.is_go) return "go (not run)";
  if (migration.is_empty) return "empty, skipped";
  if (migration.is_plain) return migration.use_tx ? "plain" : "plain, no tx";
  return migration.use_tx ? "goose" : "goose, no tx";
}

void print_json(const std::string& dir, const std::vector<ValidationEntry>& entries, std::ostream& out) {
  JsonWriter json(out);
  std::size_t invalid = 0;
  json.begin_object().key("dir").value(dir).key("migrations").begin_array();
  for (const ValidationEntry& entry : entries) {
    json.begin_object().key("filename").value(entry.name).key("file").value(entry.display_path).key("version");
    if (entry.version) json.value(*entry.version);
    else json.null();
    if (entry.inspected) {
      const parser::Migration& migration = entry.inspected->migration;
      json.key("kind").value(entry.inspected->is_go ? "go" : "sql");
      json.key("valid")
          .value(true)
          .key("checksum")
          .value(entry.inspected->checksum)
          .key("plain")
          .value(migration.is_plain)
          .key("use_tx")
          .value(migration.use_tx)
          .key("empty")
          .value(migration.is_empty)
          .key("up_statements")
          .value(migration.up.size())
          .key("down_statements")
          .value(migration.down.size());
    } else {
      ++invalid;
      json.key("valid").value(false).key("line");
      if (entry.error->context().line) json.value(*entry.error->context().line);
      else json.null();
      json.key("error").value(entry.error->message());
    }
    json.end_object();
  }
  json.end_array().key("valid").value(entries.size() - invalid).key("invalid").value(invalid).end_object();
  out << "\n";
}

void print_text(const std::string& dir, const std::vector<ValidationEntry>& entries, std::ostream& out,
                std::ostream& err) {
  std::size_t invalid = 0;
  out << std::left << std::setw(16) << "VERSION" << std::setw(14) << "CHECKSUM" << std::right << std::setw(4) << "UP"
      << std::setw(6) << "DOWN"
      << "  " << std::left << std::setw(16) << "KIND"
      << "MIGRATION\n";
  for (const ValidationEntry& entry : entries) {
    if (!entry.inspected) {
      ++invalid;
      err << entry.error->what() << "\n";
      continue;
    }
    const parser::Migration& migration = entry.inspected->migration;
    const bool is_go = entry.inspected->is_go;
    out << std::left << std::setw(16) << *entry.version << std::setw(14) << entry.inspected->checksum.substr(0, 12)
        << std::right << std::setw(4) << (is_go ? std::string("-") : std::to_string(migration.up.size()))
        << std::setw(6) << (migration.has_down ? std::to_string(migration.down.size()) : std::string("-")) << "  "
        << std::left << std::setw(16) << kind_of(*entry.inspected) << entry.name << "\n";
  }
  out << entries.size() - invalid << " valid, " << invalid << " invalid (" << entries.size() << " migration files in "
      << dir << ")\n";
}

int run_validate(const CliOptions& options, std::ostream& out, std::ostream& err) {
  if (!options.args.empty()) {
    throw Error(ErrorKind::config, "validate takes no arguments; use --dir DIR (run 'gander validate --help')");
  }
  const auto source = open_directory_source(options.dir, options.outside_symlinks);
  const std::vector<ValidationEntry> entries = validate_source(*source, InspectOptions{process_env(), options.strict});
  if (options.is_json) print_json(options.dir, entries, out);
  else print_text(options.dir, entries, out, err);
  for (const ValidationEntry& entry : entries) {
    if (entry.error) return k_exit_error;
  }
  return k_exit_ok;
}

}  // namespace

const Command k_validate_command{
    "validate", "validate [--dir DIR]", "Parse every migration file in the directory, without a database.",
    "Lists each migration with its version, checksum, statement counts and kind (goose or plain,\n"
    "in a transaction or not). Every malformed file is reported as 'FILE:LINE: message' on stderr,\n"
    "not just the first; then the exit code is 1. A .sql file whose name does not start with a\n"
    "version number is malformed too. With --json, prints one JSON object with a 'migrations' array.\n",
    run_validate};

}  // namespace gander::cli
