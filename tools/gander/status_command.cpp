// gander status [--json] [--full]: every migration with its state, applied
// time and checksum (DESIGN §7). Read-only: no lock, no table created.

#include <iomanip>
#include <map>

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

// DESIGN §7: problems in capitals, so they stand out without colour too.
std::string state_label(MigrationState state) {
  switch (state) {
    case MigrationState::modified: return "MODIFIED";
    case MigrationState::missing: return "MISSING";
    case MigrationState::partial: return "PARTIAL";
    case MigrationState::applied:
    case MigrationState::amended:
    case MigrationState::pending:
    case MigrationState::out_of_order:
      return to_string(state);
  }
  return to_string(state);
}

const char* state_colour(MigrationState state) {
  switch (state) {
    case MigrationState::applied:
    case MigrationState::amended:
      return k_green;
    case MigrationState::pending:
    case MigrationState::out_of_order:
      return k_yellow;
    case MigrationState::modified:
    case MigrationState::missing:
    case MigrationState::partial:
      return k_red;
  }
  return k_reset;
}

// "2026-11-21T09:30:00Z" -> "2026-11-21 09:30:00"; other forms as stored.
std::string applied_at_text(const std::optional<std::string>& applied_at) {
  if (!applied_at) return "-";
  std::string text = *applied_at;
  if (text.size() == 20 && text[10] == 'T' && text[19] == 'Z') {
    text[10] = ' ';
    text.pop_back();
  }
  return text;
}

std::string short_checksum(const std::string& checksum, bool is_full) {
  return is_full ? checksum : checksum.substr(0, k_short_checksum);
}

std::map<MigrationState, std::size_t> count_states(const Plan& plan) {
  std::map<MigrationState, std::size_t> counts;
  for (const PlannedMigration& planned : plan.migrations) ++counts[planned.state];
  return counts;
}

void print_text(const Plan& plan, const CliOptions& options, std::ostream& out) {
  const bool is_colour = options.wants_color && ::isatty(STDOUT_FILENO) == 1;
  const std::size_t checksum_width = options.is_full ? 64 : k_short_checksum;
  out << std::left << std::setw(22) << "Applied At (UTC)" << std::setw(13) << "State"
      << std::setw(static_cast<int>(checksum_width) + 3) << "Checksum" << "Migration\n";
  for (const PlannedMigration& planned : plan.migrations) {
    const std::string label = state_label(planned.state);
    out << std::setw(22) << applied_at_text(planned.applied_at);
    if (is_colour) out << state_colour(planned.state);
    out << std::setw(13) << label;
    if (is_colour) out << k_reset;
    const std::string& checksum = planned.file_checksum ? *planned.file_checksum : planned.db_checksum.value_or("");
    out << std::setw(static_cast<int>(checksum_width) + 3) << short_checksum(checksum, options.is_full)
        << planned.name;
    if (planned.state == MigrationState::modified) {
      out << "  (db=" << short_checksum(planned.db_checksum.value_or("-"), options.is_full)
          << " file=" << short_checksum(planned.file_checksum.value_or("-"), options.is_full) << ")";
    } else if (planned.state == MigrationState::missing) {
      out << "  (no file)";
    }
    if (!planned.note.empty() && planned.state != MigrationState::missing) out << "  " << planned.note;
    out << "\n";
  }
  const std::map<MigrationState, std::size_t> counts = count_states(plan);
  const auto count = [&counts](MigrationState state) {
    const auto found = counts.find(state);
    return found == counts.end() ? std::size_t{0} : found->second;
  };
  out << "\n" << count(MigrationState::applied) << " applied, " << count(MigrationState::pending) << " pending";
  for (const MigrationState state : {MigrationState::amended, MigrationState::out_of_order, MigrationState::modified,
                                     MigrationState::missing, MigrationState::partial}) {
    if (count(state) > 0) out << ", " << count(state) << " " << to_string(state);
  }
  out << "\n";
  if (plan.has_integrity_problems()) {
    out << "\nA modified or missing migration stops 'gander up'. Restore the file (git checkout), or write a new\n"
           "migration for the change, or record a reviewed change with 'gander amend FILE --reason TEXT'; a\n"
           "PARTIAL one needs 'gander resolve FILE --applied|--rolled-back' after checking the database, or\n"
           "'gander up --resume' when it stopped on a transient failure.\n";
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
    if (planned.state == MigrationState::partial) {
      json.key("statements_done");
      if (planned.statements_done) json.value(*planned.statements_done);
      else json.null();
    }
    if (!planned.note.empty()) json.key("note").value(planned.note);
    json.end_object();
  }
  json.end_array();
  const std::map<MigrationState, std::size_t> counts = count_states(plan);
  json.key("summary").begin_object();
  for (const auto& [state, key] : {std::pair{MigrationState::applied, "applied"},
                                   std::pair{MigrationState::amended, "amended"},
                                   std::pair{MigrationState::pending, "pending"},
                                   std::pair{MigrationState::out_of_order, "out_of_order"},
                                   std::pair{MigrationState::modified, "modified"},
                                   std::pair{MigrationState::missing, "missing"},
                                   std::pair{MigrationState::partial, "partial"}}) {
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
    "TRANSACTION migration that did not finish). Read-only: no lock is taken and no table is created.\n"
    "Exit 3 when anything is modified, missing or partial. Colour only on a terminal; NO_COLOR is respected.\n",
    run_status};

}  // namespace gander::cli
