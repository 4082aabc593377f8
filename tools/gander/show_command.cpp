// gander show FILE [--json]: how gander reads one migration file.

#include <gander/error.hpp>
#include <gander/inspect.hpp>

#include "commands.hpp"
#include "exit_codes.hpp"
#include "json_writer.hpp"

namespace gander::cli {

namespace {

void write_json_statements(JsonWriter& json, const std::vector<parser::Statement>& statements) {
  json.begin_array();
  for (const parser::Statement& statement : statements) {
    json.begin_object().key("sql").value(statement.sql).key("line").value(statement.line).end_object();
  }
  json.end_array();
}

void print_json(const InspectedMigration& inspected, std::ostream& out) {
  const parser::Migration& migration = inspected.migration;
  JsonWriter json(out);
  json.begin_object()
      .key("file")
      .value(inspected.display_path)
      .key("checksum")
      .value(inspected.checksum)
      .key("plain")
      .value(migration.is_plain)
      .key("use_tx")
      .value(migration.use_tx)
      .key("empty")
      .value(migration.is_empty)
      .key("bom")
      .value(migration.has_bom)
      .key("has_down")
      .value(migration.has_down);
  json.key("version");
  if (inspected.version) json.value(*inspected.version);
  else json.null();
  json.key("up");
  write_json_statements(json, migration.up);
  json.key("down");
  write_json_statements(json, migration.down);
  if (inspected.down_error) json.key("down_error").value(inspected.down_error->what());
  json.end_object();
  out << "\n";
}

void print_statements(const char* direction, const std::vector<parser::Statement>& statements, std::ostream& out) {
  out << "\n"
      << direction << ": " << statements.size() << (statements.size() == 1 ? " statement" : " statements") << "\n";
  std::size_t index = 0;
  for (const parser::Statement& statement : statements) {
    out << "\n-- " << direction << " statement " << ++index << ", line " << statement.line << "\n"
        << statement.sql << "\n";
  }
}

void print_text(const InspectedMigration& inspected, std::ostream& out) {
  const parser::Migration& migration = inspected.migration;
  out << "file:        " << inspected.display_path << "\n"
      << "checksum:    " << inspected.checksum << "\n"
      << "format:      "
      << (migration.is_empty   ? "empty (skipped: never applied nor recorded)"
          : migration.is_plain ? "plain SQL (no goose annotation)"
                               : "goose")
      << (migration.has_bom ? ", starts with a UTF-8 BOM" : "") << "\n"
      << "transaction: " << (migration.use_tx ? "yes" : "no") << "\n";
  if (migration.is_empty) return;
  print_statements("up", migration.up, out);
  if (inspected.down_error) out << "\ndown: malformed (see the error below); gander runs up, never down\n";
  else if (migration.has_down) print_statements("down", migration.down, out);
  else out << "\ndown: no Down section\n";
}

int run_show(const CliOptions& options, std::ostream& out, std::ostream& err) {
  if (options.args.size() != 1) {
    throw Error(ErrorKind::config, "show takes exactly one FILE (run 'gander show --help')");
  }
  const InspectedMigration inspected =
      inspect_file(options.args.front(), InspectOptions{process_env(), options.strict});
  if (options.is_json) print_json(inspected, out);
  else print_text(inspected, out);
  // The up section is shown because it runs; the file is still malformed (docs/file-format.md).
  if (inspected.down_error) {
    err << inspected.down_error->what() << "\n";
    return k_exit_error;
  }
  return k_exit_ok;
}

}  // namespace

const Command k_show_command{
    "show", "show FILE", "Show how gander reads one migration file: checksum, transaction mode and every statement.",
    "Prints the file's checksum (SHA-256 of its trimmed bytes), whether it is a plain SQL file,\n"
    "whether it runs in a transaction, and each up and down statement with the line it starts on,\n"
    "exactly as it will be sent to the database. ENVSUB sections are expanded from the current\n"
    "environment. With --json, prints one JSON object:\n"
    "  {\"file\", \"checksum\", \"plain\", \"use_tx\", \"empty\", \"bom\", \"has_down\", \"version\",\n"
    "   \"up\": [{\"sql\", \"line\"}], \"down\": [{\"sql\", \"line\"}]}\n"
    "A malformed file prints 'FILE:LINE: message' on stderr and exits 1. When only its Down section\n"
    "is malformed (gander applies such a file, as goose does), the up statements are shown first,\n"
    "and --json adds \"down_error\".\n",
    run_show};

}  // namespace gander::cli
