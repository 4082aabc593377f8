// gander status [--json] [--full]: every migration with its state, applied
// time and checksum (docs/commands.md, "`status` output"). Read-only: no lock, no table created.

#include <map>
#include <string>
#include <string_view>

#include <unistd.h>

#include <gander/migrator.hpp>

#include "commands.hpp"
#include "exit_codes.hpp"
#include "json_writer.hpp"
#include "migrator_options.hpp"

namespace gander::cli {

namespace {

constexpr std::size_t k_short_checksum = 12;
constexpr const char* k_red = "\033[31m";
constexpr const char* k_green = "\033[32m";
constexpr const char* k_yellow = "\033[33m";
constexpr const char* k_reset = "\033[0m";

// docs/commands.md, "`status` output": problems in capitals, so they stand out without colour too.
const char* state_label(MigrationState state) {
  switch (state) {
    case MigrationState::modified: return "MODIFIED";
    case MigrationState::missing: return "MISSING";
    case MigrationState::partial: return "PARTIAL";
    case MigrationState::applied:
    case MigrationState::amended:
    case MigrationState::pending:
    case MigrationState::out_of_order:
    case MigrationState::running: return to_string(state);
  }
  return to_string(state);
}

const char* state_colour(MigrationState state) {
  switch (state) {
    case MigrationState::applied:
    case MigrationState::amended: return k_green;
    case MigrationState::pending:
    case MigrationState::out_of_order:
    case MigrationState::running: return k_yellow;
    case MigrationState::modified:
    case MigrationState::missing:
    case MigrationState::partial: return k_red;
  }
  return k_reset;
}

// Appends `text` and then spaces up to `width`; a longer text is kept whole.
void append_padded(std::string& line, std::string_view text, std::size_t width) {
  line += text;
  if (text.size() < width) line.append(width - text.size(), ' ');
}

// "2026-11-21T09:30:00Z" -> "2026-11-21 09:30:00"; other forms as stored.
std::string_view applied_at_text(const std::optional<std::string>& applied_at, std::string& scratch) {
  if (!applied_at) return "-";
  if (applied_at->size() != 20 || (*applied_at)[10] != 'T' || (*applied_at)[19] != 'Z') return *applied_at;
  scratch.assign(*applied_at, 0, 19);
  scratch[10] = ' ';
  return scratch;
}

// The text of `value`, or `fallback` when it has none; never a temporary.
std::string_view text_or(const std::optional<std::string>& value, std::string_view fallback) {
  return value ? std::string_view(*value) : fallback;
}

std::string_view short_checksum(std::string_view checksum, bool is_full) {
  return is_full ? checksum : checksum.substr(0, k_short_checksum);
}

std::map<MigrationState, std::size_t> count_states(const Plan& plan) {
  std::map<MigrationState, std::size_t> counts;
  for (const PlannedMigration& planned : plan.migrations) ++counts[planned.state];
  return counts;
}

void print_text(const Plan& plan, const CliOptions& options, std::ostream& out) {
  const bool is_colour = options.wants_color && ::isatty(STDOUT_FILENO) == 1;
  const std::size_t checksum_width = (options.is_full ? 64 : k_short_checksum) + 3;
  // One buffer for every line: a status of 10,000 migrations is one write.
  std::string text;
  text.reserve((plan.migrations.size() + 1) * 100);
  append_padded(text, "Applied At (UTC)", 22);
  append_padded(text, "State", 13);
  append_padded(text, "Checksum", checksum_width);
  text += "Migration\n";
  std::string scratch;
  for (const PlannedMigration& planned : plan.migrations) {
    append_padded(text, applied_at_text(planned.applied_at, scratch), 22);
    if (is_colour) text += state_colour(planned.state);
    append_padded(text, state_label(planned.state), 13);
    if (is_colour) text += k_reset;
    const std::string_view checksum = text_or(planned.file_checksum, text_or(planned.db_checksum, ""));
    append_padded(text, short_checksum(checksum, options.is_full), checksum_width);
    text += planned.name;
    if (planned.state == MigrationState::modified) {
      text += "  (db=";
      text += short_checksum(text_or(planned.db_checksum, "-"), options.is_full);
      text += " file=";
      text += short_checksum(text_or(planned.file_checksum, "-"), options.is_full);
      text += ")";
    } else if (planned.state == MigrationState::missing) {
      text += "  (no file)";
    }
    if (!planned.note_text.empty() && planned.state != MigrationState::missing) {
      text += "  ";
      text += planned.note_text;
    }
    if (planned.is_go && !counts_as_applied(planned.state)) {
      text += "  (a goose Go migration: gander cannot run it; 'gander up' stops before it)";
    }
    text += '\n';
  }
  out << text;
  const std::map<MigrationState, std::size_t> counts = count_states(plan);
  const auto count = [&counts](MigrationState state) {
    const auto found = counts.find(state);
    return found == counts.end() ? std::size_t{0} : found->second;
  };
  out << "\n" << count(MigrationState::applied) << " applied, " << count(MigrationState::pending) << " pending";
  for (const MigrationState state : {MigrationState::amended, MigrationState::out_of_order, MigrationState::running,
                                     MigrationState::modified, MigrationState::missing, MigrationState::partial}) {
    if (count(state) > 0) out << ", " << count(state) << " " << to_string(state);
  }
  out << "\n";
  if (plan.has_integrity_problems()) {
    out << "\nA modified or missing migration stops 'gander up'. Restore the file (git checkout), or write a new\n"
           "migration for the change, or record a reviewed change with 'gander amend FILE --reason TEXT'; a\n"
           "PARTIAL one needs 'gander resolve FILE --applied|--rolled-back' after checking the database, or\n"
           "'gander up --resume' when it stopped on a transient failure; when statement N may or may not have\n"
           "completed, 'gander up --resume-from N' (run it again) or 'N+1' (it completed). One that stopped while\n"
           "rolling back is not resumed: finish or undo its rollback by hand, then resolve it.\n";
  }
}

void write_optional(JsonWriter& json, const char* key, const std::optional<std::string>& value) {
  json.key(key);
  if (value) json.value(*value);
  else json.null();
}

void print_json(const Plan& plan, std::ostream& out) {
  JsonWriter json(out);
  json.begin_object().key("migrations").begin_array();
  for (const PlannedMigration& planned : plan.migrations) {
    json.begin_object().key("filename").value(planned.name).key("version");
    if (planned.version) json.value(*planned.version);
    else json.null();
    json.key("state").value(to_string(planned.state));
    write_optional(json, "checksum", planned.file_checksum);
    write_optional(json, "db_checksum", planned.db_checksum);
    write_optional(json, "applied_at", planned.applied_at);
    json.key("kind").value(planned.is_go ? "go" : "sql");
    if (planned.state == MigrationState::partial || planned.state == MigrationState::running) {
      json.key("statements_done");
      if (planned.statements_done) json.value(*planned.statements_done);
      else json.null();
      json.key("direction").value(planned.is_rolling_back ? "down" : "up");
      json.key("statement_in_doubt");
      if (planned.statement_in_doubt) json.value(*planned.statement_in_doubt);
      else json.null();
    }
    if (!planned.note_text.empty()) json.key("note").value(planned.note_text);
    json.end_object();
  }
  json.end_array();
  const std::map<MigrationState, std::size_t> counts = count_states(plan);
  json.key("summary").begin_object();
  for (const auto& [state, key] :
       {std::pair{MigrationState::applied, "applied"}, std::pair{MigrationState::amended, "amended"},
        std::pair{MigrationState::pending, "pending"}, std::pair{MigrationState::out_of_order, "out_of_order"},
        std::pair{MigrationState::modified, "modified"}, std::pair{MigrationState::missing, "missing"},
        std::pair{MigrationState::partial, "partial"}, std::pair{MigrationState::running, "running"}}) {
    const auto found = counts.find(state);
    json.key(key).value(found == counts.end() ? std::size_t{0} : found->second);
  }
  json.end_object().end_object();
  out << "\n";
}

int run_status(const CliOptions& options, std::ostream& out, std::ostream& err) {
  if (!options.args.empty()) {
    throw Error(ErrorKind::config, "status takes no arguments (run 'gander status --help')");
  }
  Migrator migrator(migrator_options(options, err));
  const Plan plan = migrator.status();
  if (options.is_json) print_json(plan, out);
  else print_text(plan, options, out);
  return plan.has_integrity_problems() ? k_exit_integrity : k_exit_ok;
}

}  // namespace

const Command k_status_command{
    "status", "status [--json] [--full]", "list every migration with its state, applied time and checksum",
    "States: applied, pending, out-of-order (pending, sorts before the newest applied one), MODIFIED (the file's\n"
    "checksum differs from the stored one; both are shown), MISSING (applied, file gone), PARTIAL (a NO\n"
    "TRANSACTION migration that stopped while being applied or rolled back; the note says how many statements\n"
    "completed and which one may or may not have). Read-only: no lock is taken and no table is created.\n"
    "Exit 3 when anything is modified, missing or partial. Colour only on a terminal; NO_COLOR is respected.\n",
    run_status};

}  // namespace gander::cli
