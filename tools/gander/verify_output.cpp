#include "verify_output.hpp"

#include <algorithm>
#include <filesystem>
#include <string>

#include <gander/amendments.hpp>
#include <gander/sum_file.hpp>

#include "json_writer.hpp"

namespace gander::cli {

namespace {

constexpr const char* k_indent = "    ";

std::string path_in(const VerifyReport& report, const std::string& name) {
  return (std::filesystem::path(report.dir) / name).string();
}

std::string plural(std::size_t count, const std::string& noun) {
  return std::to_string(count) + " " + noun + (count == 1 ? "" : "s");
}

const char* label(ViolationKind kind) {
  switch (kind) {
    case ViolationKind::modified: return "MODIFIED";
    case ViolationKind::deleted: return "DELETED";
    case ViolationKind::renamed: return "RENAMED";
    case ViolationKind::unlisted: return "UNLISTED";
    case ViolationKind::missing: return "MISSING";
    case ViolationKind::partial: return "PARTIAL";
    case ViolationKind::sum_tampered: return "SUM FILE EDITED";
    case ViolationKind::amendment_removed: return "AMENDMENT REMOVED";
  }
  return "?";
}

// Where the released checksum comes from, as "checksum <this>:".
std::string released_place(const VerifyReport& report) {
  switch (report.mode) {
    case VerifyMode::git_base: return "at " + report.base;
    case VerifyMode::sum:
    case VerifyMode::base_sum: return "in " + report.base;
    case VerifyMode::database: return "in the database";
  }
  return "released";
}

std::string verdict(const VerifyReport& report) {
  const std::string problems = plural(report.violations.size(), "problem");
  const std::string counts =
      " (" + std::to_string(report.checked) + " checked, " + plural(report.new_files.size(), "new file") + ")";
  switch (report.mode) {
    case VerifyMode::git_base:
      return report.is_clean()
                 ? "OK: no migration released at " + report.base + " was changed in " + report.dir + counts
                 : "FAILED: " + problems + " in " + report.dir + ": migrations released at " + report.base +
                       " were changed";
    case VerifyMode::sum:
      return report.is_clean()
                 ? "OK: " + report.dir + " matches " + report.base + " (" + plural(report.checked, "migration") + ")"
                 : "FAILED: " + problems + ": " + report.dir + " does not match " + report.base;
    case VerifyMode::base_sum:
      return report.is_clean() ? "OK: no migration listed in " + report.base + " was changed in " + report.dir + counts
                               : "FAILED: " + problems + " in " + report.dir + ": migrations listed in " + report.base +
                                     " were changed";
    case VerifyMode::database:
      return report.is_clean() ? "OK: every migration applied to " + report.base + " matches its file in " +
                                     report.dir + " (" + std::to_string(report.checked) + " checked, " +
                                     std::to_string(report.new_files.size()) + " pending)"
                               : "FAILED: " + problems + ": migrations applied to " + report.base +
                                     " do not match their files in " + report.dir;
  }
  return "";
}

std::string accepted_text(const AcceptedChange& change) {
  if (change.why == Note::line_endings_differ) return "only line endings differ (CRLF/LF or a byte-order mark)";
  return change.reason;
}

void print_checksums(const Violation& violation, const VerifyReport& report, std::ostream& out) {
  const std::string released = "checksum " + released_place(report) + ": ";
  const std::string now = "checksum now: ";
  const std::size_t width = std::max(released.size(), now.size());
  if (violation.expected_checksum) {
    out << k_indent << released << std::string(width - released.size(), ' ') << *violation.expected_checksum << "\n";
  }
  if (violation.actual_checksum && violation.kind != ViolationKind::renamed) {
    out << k_indent << now << std::string(width - now.size(), ' ') << *violation.actual_checksum << "\n";
  }
}

void print_amend_hint(const Violation& violation, const VerifyReport& report, std::ostream& out) {
  out << k_indent << "or, if the edit is reviewed and live on every database, record it in this change in "
      << path_in(report, k_amendments_file_name) << ":\n"
      << k_indent << "  " << violation.file << " " << violation.expected_checksum.value_or("") << " "
      << violation.actual_checksum.value_or("") << " <why>\n";
}

void print_git_remedy(const Violation& violation, const VerifyReport& report, std::ostream& out) {
  const std::string path = path_in(report, violation.file);
  switch (violation.kind) {
    case ViolationKind::modified:
      out << k_indent << "see it:   git diff " << report.base << " -- " << path << "\n"
          << k_indent << "undo it:  git checkout " << report.base << " -- " << path << "\n";
      print_amend_hint(violation, report, out);
      return;
    case ViolationKind::deleted:
      out << k_indent << "undo it:  git checkout " << report.base << " -- " << path << "\n";
      return;
    case ViolationKind::renamed:
      out << k_indent << "undo it:  git mv " << path_in(report, violation.renamed_to.value_or("")) << " " << path
          << "\n";
      return;
    case ViolationKind::amendment_removed:
      out << k_indent << "the line was: " << violation.file << " " << violation.expected_checksum.value_or("") << " "
          << violation.actual_checksum.value_or("") << "\n"
          << k_indent << "undo it:  git checkout " << report.base << " -- " << path_in(report, k_amendments_file_name)
          << "  (or put the line back)\n";
      return;
    case ViolationKind::unlisted:
    case ViolationKind::missing:
    case ViolationKind::partial:
    case ViolationKind::sum_tampered: return;
  }
}

void print_sum_remedy(const Violation& violation, const VerifyReport& report, std::ostream& out) {
  const std::string path = path_in(report, violation.file);
  const std::string resum = "gander sum --dir " + report.dir + ", and commit " + path_in(report, k_sum_file_name);
  switch (violation.kind) {
    case ViolationKind::sum_tampered:
      out << k_indent << "regenerate it: gander sum --dir " << report.dir << ", and review the diff\n";
      return;
    case ViolationKind::modified:
      out << k_indent
          << "released? undo the edit (restore the file from version control) and put the change in a "
             "new migration\n"
          << k_indent << "not released yet? " << resum << "\n";
      return;
    case ViolationKind::deleted:
      out << k_indent << "released? restore it from version control\n"
          << k_indent << "never released? " << resum << "\n";
      return;
    case ViolationKind::renamed:
      out << k_indent << "released? rename it back: git mv " << path_in(report, violation.renamed_to.value_or(""))
          << " " << path << "\n"
          << k_indent << "never released? " << resum << "\n";
      return;
    case ViolationKind::unlisted: out << k_indent << "list it: " << resum << "\n"; return;
    case ViolationKind::missing:
    case ViolationKind::partial:
    case ViolationKind::amendment_removed: return;
  }
}

void print_base_sum_remedy(const Violation& violation, const VerifyReport& report, std::ostream& out) {
  const std::string path = path_in(report, violation.file);
  switch (violation.kind) {
    case ViolationKind::sum_tampered:
      out << k_indent << "the base sum file was edited by hand: take it as it was released\n";
      return;
    case ViolationKind::modified:
      out << k_indent << "undo it:  restore the file from version control, and put the change in a new migration\n";
      print_amend_hint(violation, report, out);
      return;
    case ViolationKind::deleted: out << k_indent << "undo it:  restore the file from version control\n"; return;
    case ViolationKind::renamed:
      out << k_indent << "undo it:  git mv " << path_in(report, violation.renamed_to.value_or("")) << " " << path
          << "\n";
      return;
    case ViolationKind::unlisted:
    case ViolationKind::missing:
    case ViolationKind::partial:
    case ViolationKind::amendment_removed: return;
  }
}

void print_database_remedy(const Violation& violation, std::ostream& out) {
  switch (violation.kind) {
    case ViolationKind::modified:
      out << k_indent
          << "restore the file as it was applied, or put the change in a new migration, or record a "
             "reviewed change: gander amend "
          << violation.file << " --reason TEXT\n";
      return;
    case ViolationKind::missing:
      out << k_indent << "restore the file that was applied; 'gander up' refuses to run without it\n";
      return;
    case ViolationKind::partial:
      out << k_indent << "check the database, then: gander resolve " << violation.file
          << " --applied (or --rolled-back)\n";
      return;
    case ViolationKind::deleted:
    case ViolationKind::renamed:
    case ViolationKind::unlisted:
    case ViolationKind::sum_tampered:
    case ViolationKind::amendment_removed: return;
  }
}

// What the violation is about: a migration file, the sum file, or a line
// of gander.amend.
std::string subject(const Violation& violation, const VerifyReport& report) {
  switch (violation.kind) {
    case ViolationKind::sum_tampered: return violation.file;
    case ViolationKind::amendment_removed: return path_in(report, k_amendments_file_name) + ": " + violation.file;
    case ViolationKind::renamed:
      return path_in(report, violation.file) + " -> " + path_in(report, violation.renamed_to.value_or(""));
    case ViolationKind::modified:
    case ViolationKind::deleted:
    case ViolationKind::unlisted:
    case ViolationKind::missing:
    case ViolationKind::partial: return path_in(report, violation.file);
  }
  return violation.file;
}

void print_violation(const Violation& violation, const VerifyReport& report, std::ostream& out) {
  out << "\n" << label(violation.kind) << "  " << subject(violation, report) << "\n";
  if (!violation.note.empty()) out << k_indent << violation.note << "\n";
  const bool is_about_a_migration =
      violation.kind != ViolationKind::sum_tampered && violation.kind != ViolationKind::amendment_removed;
  if (is_about_a_migration) print_checksums(violation, report, out);
  switch (report.mode) {
    case VerifyMode::git_base: print_git_remedy(violation, report, out); return;
    case VerifyMode::sum: print_sum_remedy(violation, report, out); return;
    case VerifyMode::base_sum: print_base_sum_remedy(violation, report, out); return;
    case VerifyMode::database: print_database_remedy(violation, out); return;
  }
}

const char* closing_advice(VerifyMode mode) {
  switch (mode) {
    case VerifyMode::git_base:
    case VerifyMode::base_sum:
      return "A released migration has already run on some databases and never runs there again: an edit does not\n"
             "reach them, and a renamed or deleted file makes 'gander up' refuse to run. Change the schema with a\n"
             "new migration ('gander create NAME').\n";
    case VerifyMode::sum:
      return "gander.sum records the migrations as they were released; rewrite it with 'gander sum' only for\n"
             "migrations that no database has applied yet.\n";
    case VerifyMode::database: return "'gander up' refuses to run against this database until these are resolved.\n";
  }
  return "";
}

void write_optional(JsonWriter& json, const char* key, const std::optional<std::string>& value) {
  json.key(key);
  if (value) json.value(*value);
  else json.null();
}

}  // namespace

void print_verify_text(const VerifyReport& report, std::ostream& out) {
  out << "gander verify: " << verdict(report) << "\n";
  for (const AcceptedChange& change : report.accepted) {
    out << k_indent << "accepted: " << path_in(report, change.file) << ": " << accepted_text(change) << "\n";
  }
  for (const Violation& violation : report.violations) print_violation(violation, report, out);
  if (!report.is_clean()) out << "\n" << closing_advice(report.mode);
}

void print_verify_json(const VerifyReport& report, std::ostream& out) {
  JsonWriter json(out);
  json.begin_object()
      .key("mode")
      .value(to_string(report.mode))
      .key("base")
      .value(report.base)
      .key("dir")
      .value(report.dir)
      .key("checked")
      .value(report.checked)
      .key("clean")
      .value(report.is_clean())
      .key("violations")
      .begin_array();
  for (const Violation& violation : report.violations) {
    json.begin_object().key("file").value(violation.file).key("kind").value(to_string(violation.kind));
    write_optional(json, "expected_checksum", violation.expected_checksum);
    write_optional(json, "actual_checksum", violation.actual_checksum);
    write_optional(json, "renamed_to", violation.renamed_to);
    write_optional(json, "note", violation.note.empty() ? std::nullopt : std::optional<std::string>(violation.note));
    json.end_object();
  }
  json.end_array().key("accepted").begin_array();
  for (const AcceptedChange& change : report.accepted) {
    json.begin_object()
        .key("file")
        .value(change.file)
        .key("reason")
        .value(change.reason)
        .key("expected_checksum")
        .value(change.expected_checksum)
        .key("actual_checksum")
        .value(change.actual_checksum)
        .end_object();
  }
  json.end_array().key("new_files").begin_array();
  for (const std::string& name : report.new_files) json.value(name);
  json.end_array().end_object();
  out << "\n";
}

}  // namespace gander::cli
