#include "remedy_text.hpp"

namespace gander::cli {

namespace {

// The migration a remedy acts on, or the placeholder the README uses.
std::string file_of(const Remedy& remedy) { return remedy.migration.empty() ? "FILE" : remedy.migration; }

std::string resolve_command(const Remedy& remedy, const char* resolution) {
  return "'gander resolve " + file_of(remedy) + " " + resolution + "'";
}

std::string resume_from_command(std::size_t statement) {
  return "'gander up --resume-from " + std::to_string(statement) + "'";
}

}  // namespace

// No default: -Wswitch flags a new kind that has no words yet.
std::string remedy_text(const Remedy& remedy) {
  switch (remedy.kind) {
    case RemedyKind::none: return {};
    case RemedyKind::choose_own_table:
      return "give gander a table of its own with --table (e.g. --table gander_migrations)";
    case RemedyKind::lock_with_table: return "run with --lock=table";
    case RemedyKind::repair_applied:
      return "restore a modified or deleted file (git checkout -- FILE) and put the change in a new migration, or "
             "record a reviewed change that is live everywhere with 'gander amend FILE --reason TEXT'. For a "
             "PARTIAL migration, check the database, then run 'gander resolve FILE --applied' or 'gander resolve "
             "FILE --rolled-back', or 'gander up --resume' after a transient failure; when statement N may or may "
             "not have completed, 'gander up --resume-from N' runs it again, '--resume-from N+1' counts it as done";
    case RemedyKind::allow_out_of_order:
      return "rename them to sort after the newest applied one, or apply them anyway with --allow-out-of-order";
    case RemedyKind::resolve_partial:
      return "run " + resolve_command(remedy, "--applied") + " or " + resolve_command(remedy, "--rolled-back") +
             ", or, when the failure was transient, 'gander up --resume'";
    case RemedyKind::resolve_rollback:
      return "finish the rollback by hand and run " + resolve_command(remedy, "--rolled-back") +
             ", or restore what it undid and run " + resolve_command(remedy, "--applied");
    case RemedyKind::resolve_rolled_back:
      return "roll it back with goose, then run " + resolve_command(remedy, "--rolled-back");
    case RemedyKind::resolve_applied:
      return "run it with goose, then " + resolve_command(remedy, "--applied") + " and 'gander up' again";
    case RemedyKind::resume_in_doubt: {
      const std::size_t statement = remedy.statement.value_or(1);
      return "check the database, then " + resume_from_command(statement) + " runs statement " +
             std::to_string(statement) + " again, " + resume_from_command(statement + 1) + " counts it as completed";
    }
    case RemedyKind::resume_at:
      return "run 'gander up --resume' (the same as " + resume_from_command(remedy.statement.value_or(1)) + ")";
    case RemedyKind::apply_earlier_first: return "run 'gander up' first, which stops before " + file_of(remedy);
    case RemedyKind::follow_symlinks: return "pass --follow-symlinks to read it";
    case RemedyKind::write_amendment: return "'gander amend FILE --reason TEXT' writes such a line";
    case RemedyKind::regenerate_sum: return "'gander sum' writes this file: regenerate it rather than edit it";
  }
  return {};
}

}  // namespace gander::cli
